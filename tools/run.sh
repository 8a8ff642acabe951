#!/usr/bin/env bash
# make run: start sslreseller on a private local PostgreSQL cluster with a demo tenant.
# With SSLR_DATABASE_URL set, that database is used instead and no cluster is started.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p .data
chmod 700 .data

if [ -z "${SSLR_DATABASE_URL:-}" ]; then
	port=${SSLR_DEV_PG_PORT:-54329}
	PG_AUTH_HOST=scram-sha-256 tools/pg.sh start dev "$port"
	if [ ! -f .data/dev-db.env ]; then
		umask 077
		{
			echo "OWNER_PW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
			echo "APP_PW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
		} >.data/dev-db.env
	fi
	# shellcheck disable=SC1091
	. .data/dev-db.env
	tools/pg.sh psql dev "$port" -d postgres >/dev/null <<SQL
SELECT 'CREATE ROLE sslreseller_app NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sslreseller_app') \gexec
SELECT 'CREATE ROLE sslr_owner LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sslr_owner') \gexec
SELECT 'CREATE ROLE sslr_app LOGIN IN ROLE sslreseller_app' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sslr_app') \gexec
ALTER ROLE sslr_owner PASSWORD '$OWNER_PW';
ALTER ROLE sslr_app PASSWORD '$APP_PW';
SELECT 'CREATE DATABASE sslreseller OWNER sslr_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'sslreseller') \gexec
SQL
	export SSLR_DATABASE_URL="postgres://sslr_app:${APP_PW}@127.0.0.1:${port}/sslreseller?sslmode=disable"
	export SSLR_DATABASE_MIGRATE_URL="postgres://sslr_owner:${OWNER_PW}@127.0.0.1:${port}/sslreseller?sslmode=disable"
fi

if [ -z "${SSLR_CRYPTO_KEY:-}" ]; then
	if [ ! -f .data/crypto.key ]; then
		(umask 077 && head -c 32 /dev/urandom | base64 >.data/crypto.key)
	fi
	SSLR_CRYPTO_KEY=$(cat .data/crypto.key)
	export SSLR_CRYPTO_KEY
fi
export SSLR_PROVIDERS_ALLOW_CUSTOM_ENDPOINTS=${SSLR_PROVIDERS_ALLOW_CUSTOM_ENDPOINTS:-true}
export SSLR_WEBHOOKS_ALLOW_PRIVATE_TARGETS=${SSLR_WEBHOOKS_ALLOW_PRIVATE_TARGETS:-true}
export SSLR_LOG_FORMAT=${SSLR_LOG_FORMAT:-console}

# The same environment for CLI commands by hand: `. .data/dev.env && bin/sslreseller tenant list`.
(
	umask 077
	for k in SSLR_DATABASE_URL SSLR_DATABASE_MIGRATE_URL SSLR_CRYPTO_KEY SSLR_PROVIDERS_ALLOW_CUSTOM_ENDPOINTS \
		SSLR_WEBHOOKS_ALLOW_PRIVATE_TARGETS SSLR_LOG_FORMAT; do
		printf 'export %s=%q\n' "$k" "${!k}"
	done >.data/dev.env
)

bin/sslreseller migrate up
bin/sslreseller demo
exec bin/sslreseller serve
