-- Order events (the feed billing systems poll, kept at least 30 days), webhook endpoints, and each
-- delivery of an event to an endpoint with every attempt made.

CREATE TABLE events (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    -- The inserting transaction: the feed is ordered by (xid, id) and shows only transactions older
    -- than every running one, so a cursor never skips an event that commits late.
    xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
    type        text NOT NULL,
    order_id    uuid NOT NULL,
    payload     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
CREATE INDEX events_feed ON events (tenant_id, xid, id);
CREATE INDEX events_order ON events (tenant_id, order_id, id);
CREATE INDEX events_created ON events (created_at);

CREATE TABLE webhook_endpoints (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    url            text NOT NULL,
    description    text NOT NULL DEFAULT '',
    events         text[] NOT NULL,
    enabled        boolean NOT NULL DEFAULT true,
    secret_sealed  text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhook_deliveries (
    tenant_id         uuid NOT NULL,
    id                uuid NOT NULL,
    endpoint_id       uuid NOT NULL,
    event_id          uuid NOT NULL,
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts          integer NOT NULL DEFAULT 0,
    last_status_code  integer,
    last_error        text NOT NULL DEFAULT '',
    last_attempt_at   timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, endpoint_id, event_id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (tenant_id, event_id);

CREATE TABLE webhook_attempts (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    delivery_id  uuid NOT NULL,
    status_code  integer,
    duration_ms  integer NOT NULL,
    error        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (tenant_id, delivery_id, id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['events', 'webhook_endpoints', 'webhook_deliveries', 'webhook_attempts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id() OR app_is_system()) '
                       'WITH CHECK (tenant_id = app_tenant_id() OR app_is_system())', t);
    END LOOP;
END
$$;
