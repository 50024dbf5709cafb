#!/usr/bin/env bash
# Brings up the machine's PostgreSQL cluster for local runs and tests (installing it from apt when absent),
# builds pgvector for it, and creates the `roundtable` role plus the `roundtable` and `roundtable_test` databases.
# Idempotent: each step checks before it acts.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "postgresql: installing from apt"
  as_root apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
fi
PG_MAJOR="$(pg_lsclusters -h | awk 'NR==1{print $1}')"
if [ -z "$PG_MAJOR" ]; then
  PG_MAJOR="$(ls /usr/lib/postgresql | sort -n | tail -1)"
  as_root pg_createcluster "$PG_MAJOR" main >/dev/null
fi
export PG_MAJOR
bash "$here/install-pgvector.sh"

# Tests run inside a private network namespace (scripts/netns.sh), where the cluster's TCP port is out of reach
# but its Unix socket is not: let the roundtable role log in with its password there too.
hba="$(pg_conftool -s "$PG_MAJOR" main show hba_file 2>/dev/null || echo "/etc/postgresql/$PG_MAJOR/main/pg_hba.conf")"
if ! grep -q '^# roundtable: socket login' "$hba"; then
  tmp="$(mktemp)"
  { echo '# roundtable: socket login for the roundtable role (tests inside a network namespace)'
    echo 'local   all   roundtable   scram-sha-256'
    cat "$hba"; } > "$tmp"
  as_root install -o postgres -g postgres -m 0640 "$tmp" "$hba"
  rm -f "$tmp"
  hba_changed=1
fi

status="$(pg_lsclusters -h | awk -v v="$PG_MAJOR" '$1==v && $2=="main"{print $4}')"
if [ "$status" != "online" ]; then
  echo "postgresql $PG_MAJOR: starting cluster main"
  as_root pg_ctlcluster "$PG_MAJOR" main start
fi
for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "postgresql: not accepting connections on 127.0.0.1:5432" >&2; exit 1; }
if [ "${hba_changed:-0}" = 1 ]; then as_root pg_ctlcluster "$PG_MAJOR" main reload; fi

psql_su() { as_postgres env PGOPTIONS='-c client_min_messages=warning' psql -v ON_ERROR_STOP=1 -qtAX "$@"; }
if [ "$(psql_su -c "select 1 from pg_roles where rolname='roundtable'")" != "1" ]; then
  psql_su -c "create role roundtable login password 'roundtable' createdb"
fi
for db in roundtable roundtable_test; do
  if [ "$(psql_su -c "select 1 from pg_database where datname='$db'")" != "1" ]; then
    psql_su -c "create database $db owner roundtable"
  fi
  # The extension needs a superuser to create; the app then only uses it.
  psql_su -d "$db" -c "create extension if not exists vector"
done
echo "postgresql $PG_MAJOR: ready at postgres://roundtable@127.0.0.1:5432/roundtable (pgvector $(psql_su -d roundtable -c "select extversion from pg_extension where extname='vector'"))"
