-- The application connects as a login role that is a member of sslreseller_app: neither superuser nor
-- owner of any table, so forced row-level security applies to it. The role is created here only when the
-- set-up has not made it already (that needs CREATEROLE); default privileges cover every table, sequence
-- and function the migrating owner creates from now on, River's included.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sslreseller_app') THEN
        CREATE ROLE sslreseller_app NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO sslreseller_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sslreseller_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO sslreseller_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO sslreseller_app;

-- golang-migrate made its bookkeeping table before this file ran; the application reads it to refuse to
-- serve a schema that is behind.
GRANT SELECT ON schema_migrations TO sslreseller_app;
