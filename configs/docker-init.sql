-- Roles for docker-compose: the owner migrates, the application role only reads and writes.
CREATE ROLE sslreseller_app NOLOGIN;
CREATE ROLE sslr_owner LOGIN PASSWORD 'owner-password';
CREATE ROLE sslr_app LOGIN PASSWORD 'app-password' IN ROLE sslreseller_app;
CREATE DATABASE sslreseller OWNER sslr_owner;
