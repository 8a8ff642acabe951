-- Orders, their issuances (each certificate request and its result) and the tenant's order settings.

CREATE TABLE orders (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    id                 uuid NOT NULL,
    client_id          uuid NOT NULL,
    product_id         uuid NOT NULL,
    account_id         uuid NOT NULL,
    item_code          text NOT NULL,
    status             text NOT NULL CHECK (status IN ('awaiting_activation', 'awaiting_configuration', 'submitting',
                           'pending_validation', 'issued', 'expired', 'revoked', 'rejected', 'cancelled', 'needs_attention')),
    period_months      integer NOT NULL CHECK (period_months > 0),
    currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount_minor       bigint NOT NULL CHECK (amount_minor >= 0),
    domains_count      integer NOT NULL DEFAULT 1 CHECK (domains_count >= 1),
    billing_reference  text NOT NULL DEFAULT '',
    refund_due         boolean NOT NULL DEFAULT false,
    term_starts_at     timestamptz,
    term_ends_at       timestamptz,
    next_reissue_at    timestamptz,
    current_issuance   uuid,
    latest_issuance    uuid,
    status_note        text NOT NULL DEFAULT '',
    search             text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES provider_accounts (tenant_id, id)
);
CREATE INDEX orders_status ON orders (tenant_id, status, id);
CREATE INDEX orders_client ON orders (tenant_id, client_id, id);
CREATE INDEX orders_updated ON orders (tenant_id, updated_at, id);
CREATE INDEX orders_search ON orders USING gin (search gin_trgm_ops);
CREATE INDEX orders_reissue ON orders (next_reissue_at) WHERE status = 'issued';
CREATE INDEX orders_term_end ON orders (term_ends_at) WHERE status = 'issued';

CREATE TABLE issuances (
    tenant_id          uuid NOT NULL,
    id                 uuid NOT NULL,
    order_id           uuid NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('new', 'reissue', 'renewal')),
    status             text NOT NULL CHECK (status IN ('submitting', 'pending', 'issued', 'rejected', 'cancelled', 'revoked',
                           'needs_attention', 'superseded', 'failed')),
    ref                text NOT NULL,
    provider_ref       text NOT NULL DEFAULT '',
    period_months      integer NOT NULL DEFAULT 0,
    currency           text NOT NULL DEFAULT '',
    amount_minor       bigint NOT NULL DEFAULT 0,
    csr_pem            text NOT NULL,
    key_sealed         text NOT NULL DEFAULT '',
    key_type           text NOT NULL DEFAULT '',
    common_name        text NOT NULL,
    names              text[] NOT NULL,
    dcv                jsonb NOT NULL DEFAULT '[]',
    contacts           jsonb NOT NULL DEFAULT '{}',
    server_type        text NOT NULL DEFAULT 'other',
    cert_pem           text NOT NULL DEFAULT '',
    chain_pem          text NOT NULL DEFAULT '',
    serial             text NOT NULL DEFAULT '',
    not_before         timestamptz,
    not_after          timestamptz,
    test               boolean NOT NULL DEFAULT false,
    automatic          boolean NOT NULL DEFAULT false,
    submit_token       uuid,
    submit_lease_until timestamptz,
    submit_outcome     text NOT NULL DEFAULT '',
    submitted_at       timestamptz,
    issued_at          timestamptz,
    poll_attempts      integer NOT NULL DEFAULT 0,
    poll_lease_until   timestamptz,
    last_check_at      timestamptz,
    last_result        text NOT NULL DEFAULT '',
    next_check_at      timestamptz,
    reason             text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
CREATE UNIQUE INDEX issuances_ref ON issuances (tenant_id, ref);
CREATE INDEX issuances_order ON issuances (tenant_id, order_id, id);
CREATE INDEX issuances_open ON issuances (tenant_id, next_check_at) WHERE status IN ('submitting', 'pending', 'needs_attention');

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['orders', 'issuances'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id() OR app_is_system()) '
                       'WITH CHECK (tenant_id = app_tenant_id() OR app_is_system())', t);
    END LOOP;
END
$$;
