-- Provider accounts, their call log and cross-process limits; catalogue items; products and prices;
-- a tenant's extra currencies with exchange rates.

CREATE TABLE tenant_currencies (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    currency   text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    rate       text NOT NULL CHECK (rate ~ '^[0-9]+(\.[0-9]+)?$'), -- exact decimal: 1 <default> = rate <currency>
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, currency)
);

CREATE TABLE provider_accounts (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    id                 uuid NOT NULL,
    provider           text NOT NULL,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    environment        text NOT NULL CHECK (environment IN ('test', 'live')),
    endpoint           text NOT NULL DEFAULT '',
    credentials_sealed text NOT NULL DEFAULT '',
    credential_keys    text[] NOT NULL DEFAULT '{}',
    settings           jsonb NOT NULL DEFAULT '{}',
    state_sealed       text NOT NULL DEFAULT '',
    rate_per_minute    integer NOT NULL DEFAULT 120 CHECK (rate_per_minute > 0),
    max_concurrency    integer NOT NULL DEFAULT 4 CHECK (max_concurrency > 0),
    min_poll_seconds   integer NOT NULL DEFAULT 0 CHECK (min_poll_seconds >= 0),
    last_test_at       timestamptz,
    last_test_ok       boolean,
    last_test_detail   text NOT NULL DEFAULT '',
    last_sync_at       timestamptz,
    last_sync_error    text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX provider_accounts_name ON provider_accounts (tenant_id, lower(name));

-- Token bucket and leases: the account's rate and concurrency limits hold across processes.
CREATE TABLE provider_limits (
    tenant_id   uuid NOT NULL,
    account_id  uuid NOT NULL,
    tokens      double precision NOT NULL,
    refilled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, account_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES provider_accounts (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE provider_leases (
    tenant_id  uuid NOT NULL,
    id         uuid NOT NULL,
    account_id uuid NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES provider_accounts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX provider_leases_account ON provider_leases (tenant_id, account_id, expires_at);

CREATE TABLE provider_calls (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    account_id  uuid NOT NULL,
    order_id    uuid,
    issuance_id uuid,
    provider    text NOT NULL,
    command     text NOT NULL,
    started_at  timestamptz NOT NULL,
    duration_ms integer NOT NULL,
    outcome     text NOT NULL,
    http_status integer NOT NULL DEFAULT 0,
    request     text NOT NULL DEFAULT '',
    response    text NOT NULL DEFAULT '',
    error       text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES provider_accounts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX provider_calls_account ON provider_calls (tenant_id, account_id, id);
CREATE INDEX provider_calls_order ON provider_calls (tenant_id, order_id, id) WHERE order_id IS NOT NULL;

CREATE TABLE catalog_items (
    tenant_id       uuid NOT NULL,
    account_id      uuid NOT NULL,
    code            text NOT NULL,
    name            text NOT NULL,
    brand           text NOT NULL DEFAULT '',
    validation      text NOT NULL CHECK (validation IN ('dv', 'ov', 'ev')),
    wildcard        boolean NOT NULL DEFAULT false,
    included_names  integer NOT NULL DEFAULT 1 CHECK (included_names >= 1),
    max_names       integer NOT NULL DEFAULT 1 CHECK (max_names >= included_names),
    periods         jsonb NOT NULL DEFAULT '[]',
    per_name_cost   jsonb NOT NULL DEFAULT '[]',
    discontinued    boolean NOT NULL DEFAULT false,
    discontinued_at timestamptz,
    synced_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, account_id, code),
    FOREIGN KEY (tenant_id, account_id) REFERENCES provider_accounts (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE products (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '',
    group_name  text NOT NULL DEFAULT '',
    visible     boolean NOT NULL DEFAULT true,
    account_id  uuid NOT NULL,
    item_code   text NOT NULL,
    periods     integer[] NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id, item_code) REFERENCES catalog_items (tenant_id, account_id, code) ON DELETE CASCADE
);
CREATE INDEX products_item ON products (tenant_id, account_id, item_code);
CREATE INDEX products_group ON products (tenant_id, group_name, name);

CREATE TABLE product_prices (
    tenant_id    uuid NOT NULL,
    product_id   uuid NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('base', 'per_name')),
    months       integer NOT NULL CHECK (months > 0),
    currency     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
    PRIMARY KEY (tenant_id, product_id, kind, months, currency),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenant_currencies', 'provider_accounts', 'provider_limits', 'provider_leases', 'provider_calls',
                             'catalog_items', 'products', 'product_prices'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id() OR app_is_system()) '
                       'WITH CHECK (tenant_id = app_tenant_id() OR app_is_system())', t);
    END LOOP;
END
$$;
