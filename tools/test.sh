#!/usr/bin/env bash
# make test: start a throwaway PostgreSQL cluster, run every test with the race detector, stop it.
# With SSLR_TEST_DATABASE_URL already set, that cluster is used and nothing is started.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

started=""
if [ -z "${SSLR_TEST_DATABASE_URL:-}" ]; then
	port=${SSLR_TEST_PG_PORT:-54339}
	tools/pg.sh start test "$port" --fast
	started=$port
	export SSLR_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable"
fi
cleanup() {
	if [ -n "$started" ]; then tools/pg.sh stop test; fi
}
trap cleanup EXIT

export SSLR_ARTIFACTS=${SSLR_ARTIFACTS:-$top/artifacts/screenshots}
go test -race -count=1 ${GOTESTFLAGS:-} ./...
