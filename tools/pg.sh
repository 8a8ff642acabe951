#!/usr/bin/env bash
# Private local PostgreSQL clusters for development and tests, from the installed server binaries.
#
#   tools/pg.sh start NAME PORT [--fast]   init (first time) and start, or reuse a running cluster
#   tools/pg.sh stop NAME                  stop it
#   tools/pg.sh dir NAME                   print its data directory
#   tools/pg.sh psql NAME PORT ARGS...     run psql as the superuser over the cluster's socket
#
# PG_AUTH_HOST sets the authentication of TCP connections at init (default trust, for throwaway test
# clusters; make run uses scram-sha-256 so that roles need their passwords).
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user and lives
# under /var/tmp/sslreseller/NAME (every parent must be reachable by that user); otherwise it lives
# under .data/pg-NAME in the checkout. The superuser `postgres` connects over 127.0.0.1 without a
# password (trust), which is why the cluster listens on loopback only; it is a private development
# cluster, never a production one.
set -euo pipefail

cmd=${1:-}; name=${2:-}
[ -n "$cmd" ] && [ -n "$name" ] || { echo "usage: tools/pg.sh start|stop|dir NAME [PORT] [--fast]" >&2; exit 2; }

top=$(cd "$(dirname "$0")/.." && pwd)

find_bin() {
	if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then echo "$PG_BINDIR"; return; fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) /usr/local/pgsql/bin /usr/bin; do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
	done
	if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
	echo ""
}

if [ "$(id -u)" = 0 ]; then
	# One directory per checkout, so two clones on one machine never share (or stop) a cluster.
	dir=/var/tmp/sslreseller/$(printf '%s' "$top" | sha1sum | cut -c1-10)/$name
	as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
	dir=$top/.data/pg-$name
	as_pg() { "$@"; }
fi

case "$cmd" in
dir)
	echo "$dir"
	;;
start)
	port=${3:?port}
	fast=${4:-}
	bin=$(find_bin)
	if [ -z "$bin" ]; then
		echo "PostgreSQL server binaries (initdb, pg_ctl) were not found." >&2
		echo "Install them (Debian/Ubuntu: apt-get install postgresql) or set SSLR_DATABASE_URL to an existing database." >&2
		exit 1
	fi
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
		mkdir -p /var/tmp/sslreseller
		chmod 755 /var/tmp/sslreseller
		mkdir -p "$dir"
		chown postgres "$dir"
	else
		mkdir -p "$dir"
	fi
	chmod 700 "$dir"
	if [ ! -f "$dir/PG_VERSION" ]; then
		as_pg "$bin/initdb" -D "$dir" -U postgres --auth-local=trust --auth-host="${PG_AUTH_HOST:-trust}" -E UTF8 --no-locale >"$dir.init.log" 2>&1 ||
			{ cat "$dir.init.log" >&2; exit 1; }
	fi
	if as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
		exit 0
	fi
	opts="-k $dir -c listen_addresses=127.0.0.1 -p $port -c max_connections=200"
	if [ "$fast" = "--fast" ]; then
		opts="$opts -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
	fi
	if ! as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/log" -o "$opts" -w -t 60 start >/dev/null; then
		echo "PostgreSQL did not start; its log ($dir/log) ends with:" >&2
		tail -n 20 "$dir/log" >&2 || true
		exit 1
	fi
	;;
psql)
	port=${3:?port}
	shift 3
	bin=$(find_bin)
	psql=$bin/psql
	[ -x "$psql" ] || psql=$(command -v psql)
	as_pg "$psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q "$@"
	;;
stop)
	bin=$(find_bin)
	if [ -n "$bin" ] && [ -f "$dir/PG_VERSION" ]; then
		as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
	fi
	;;
*)
	echo "usage: tools/pg.sh start|stop|dir NAME [PORT] [--fast]" >&2
	exit 2
	;;
esac
