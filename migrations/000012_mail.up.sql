-- E-mail: every message the service sends to clients and staff, kept as the delivery record (to,
-- template, status, error). With no SMTP server configured the rendered message is kept here and
-- shown in the admin UI's development mailbox.

CREATE TABLE email_messages (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    order_id   uuid,
    template   text NOT NULL,
    to_addr    text NOT NULL,
    subject    text NOT NULL DEFAULT '',
    body_text  text NOT NULL DEFAULT '',
    body_html  text NOT NULL DEFAULT '',
    attachment text NOT NULL DEFAULT '',
    status     text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'kept', 'failed')),
    error      text NOT NULL DEFAULT '',
    attempts   integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);

CREATE INDEX email_messages_order ON email_messages (tenant_id, order_id, id) WHERE order_id IS NOT NULL;

ALTER TABLE email_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON email_messages USING (tenant_id = app_tenant_id() OR app_is_system())
    WITH CHECK (tenant_id = app_tenant_id() OR app_is_system());

-- The expiry notice last sent for the order's term, in days before its end (NULL: none yet), so each
-- step of the tenant's schedule is sent once.
ALTER TABLE orders ADD COLUMN expiry_notified_days integer;

-- A tenant's own wording of an e-mail: the text part (first line "Subject: ...") and the HTML part,
-- both Go templates. Without a row the built-in default is used.
CREATE TABLE email_templates (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    name       text NOT NULL,
    body_text  text NOT NULL,
    body_html  text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

ALTER TABLE email_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_templates FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON email_templates USING (tenant_id = app_tenant_id() OR app_is_system())
    WITH CHECK (tenant_id = app_tenant_id() OR app_is_system());
