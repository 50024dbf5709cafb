#!/usr/bin/env bash
# Installs Debian's redis-server (with redis-cli) when it is missing: LiveKit clusters share rooms through Redis
# (LIVEKIT_REDIS_URL, LIVEKIT_NODES) and the cluster tests start their own throw-away redis-server on loopback.
# Idempotent: nothing happens when both binaries are present. Only installs; it never starts or enables the
# system service (the package's own postinst may start it on 127.0.0.1:6379, which Roundtable does not use).
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
  echo "redis-server present: $(redis-server --version | awk '{print $3}')" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-redis: no apt-get here; install Redis >= 6 yourself (redis-server and redis-cli on PATH)" >&2
  exit 69
fi
echo "install-redis: installing redis-server from apt" >&2
as_root apt-get update -q >/dev/null
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server redis-tools >/dev/null
echo "redis-server installed: $(redis-server --version | awk '{print $3}')" >&2
