#!/usr/bin/env bash
# Builds pgvector 0.8.0 from Debian trixie's source package against the machine's PostgreSQL (bookworm ships
# 0.4.1, which has no HNSW). The trixie deb-src list lives only in a private apt state dir, so the machine's
# apt sources stay exactly as they were. Idempotent: does nothing when the extension is already installed.
set -euo pipefail
PG_MAJOR="${PG_MAJOR:-15}"
PGVECTOR_VERSION="${PGVECTOR_VERSION:-0.8.0}"
PGVECTOR_DEB_REVISION="${PGVECTOR_DEB_REVISION:-1}"
CACHE="${ROUNDTABLE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/roundtable}"
sharedir="$(/usr/lib/postgresql/$PG_MAJOR/bin/pg_config --sharedir 2>/dev/null || echo /usr/share/postgresql/$PG_MAJOR)"
if ls "$sharedir/extension/vector--${PGVECTOR_VERSION}.sql" >/dev/null 2>&1; then
  echo "pgvector ${PGVECTOR_VERSION}: present"
  exit 0
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "pgvector ${PGVECTOR_VERSION}: building from Debian source for PostgreSQL ${PG_MAJOR}"
if ! dpkg -s "postgresql-server-dev-$PG_MAJOR" >/dev/null 2>&1; then
  # A fresh machine's package lists may be stale or empty: refresh them once before installing.
  as_root apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-server-dev-$PG_MAJOR" make gcc dpkg-dev >/dev/null
fi
work="$CACHE/build/pgvector-$PGVECTOR_VERSION"
apt_state="$CACHE/build/apt-trixie-src"
mkdir -p "$work" "$apt_state/lists/partial" "$apt_state/cache/archives/partial"
echo "deb-src http://deb.debian.org/debian trixie main" > "$apt_state/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_state/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt_state/lists" -o "Dir::Cache=$apt_state/cache" -o "APT::Sandbox::User=root")
if ! ls "$work"/pgvector-"$PGVECTOR_VERSION"/Makefile >/dev/null 2>&1; then
  as_root apt-get "${apt_opts[@]}" update -q >/dev/null
  (cd "$work" && as_root apt-get "${apt_opts[@]}" source -q --download-only "pgvector=${PGVECTOR_VERSION}-${PGVECTOR_DEB_REVISION}" >/dev/null)
  (cd "$work" && dpkg-source -x --no-check "pgvector_${PGVECTOR_VERSION}-${PGVECTOR_DEB_REVISION}.dsc" "pgvector-$PGVECTOR_VERSION" >/dev/null)
fi
make -s -C "$work/pgvector-$PGVECTOR_VERSION" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" OPTFLAGS="" >/dev/null
as_root make -s -C "$work/pgvector-$PGVECTOR_VERSION" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" install >/dev/null
echo "pgvector ${PGVECTOR_VERSION}: installed"
