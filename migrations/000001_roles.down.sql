-- The read grant on schema_migrations stays: serve reads the version even when nothing is applied.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM sslreseller_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM sslreseller_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM sslreseller_app;
REVOKE USAGE ON SCHEMA public FROM sslreseller_app;
