#!/usr/bin/env bash
# Builds the pinned livekit-server into Roundtable's cache, once:
#   ${ROUNDTABLE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/roundtable}/livekit/<version>/bin/server
# Idempotent: a binary that reports the pinned version is kept. Built from source with
# `go install <module>@<tag>` (the Go module proxy is the only network it needs); @latest does
# not work because livekit-server's go.mod has replace directives, so the tag is pinned.
set -euo pipefail

readonly VERSION=v1.13.5 # keep in step with LIVEKIT_VERSION in core/config.ts
readonly MODULE=github.com/livekit/livekit-server/cmd/server

cache_dir="${ROUNDTABLE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/roundtable}"
bin_dir="$cache_dir/livekit/$VERSION/bin"
server="$bin_dir/server"

installed_version() {
  [[ -x "$server" ]] || return 1
  "$server" --version 2>/dev/null | awk '{print $NF}'
}

if [[ "$(installed_version || true)" == "${VERSION#v}" ]]; then
  echo "livekit-server $VERSION already installed at $server"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<EOF
install-livekit: Go is not installed, so livekit-server $VERSION cannot be built.
Either
  - install Go >= 1.26 from https://go.dev/dl/ (Debian's golang package is too old) and re-run this script,
  - or run LiveKit with docker compose (livekit/livekit-server:$VERSION) and set LIVEKIT_URL,
  - or set LIVEKIT_URL (with LIVEKIT_API_KEY / LIVEKIT_API_SECRET) to an existing LiveKit server,
  - or set LIVEKIT_BIN to a livekit-server $VERSION binary you already have.
EOF
  exit 1
fi

go_version="$(go env GOVERSION)" # e.g. go1.26.8
if [[ "$(printf '%s\n' "go1.26" "$go_version" | sort -V | head -n1)" != "go1.26" ]]; then
  echo "install-livekit: $go_version is too old; livekit-server $VERSION needs Go >= 1.26 (https://go.dev/dl/)," >&2
  echo "or set LIVEKIT_URL to an existing LiveKit server (e.g. one run with docker compose)." >&2
  exit 1
fi

echo "building livekit-server $VERSION into $bin_dir (go install, a few minutes on first run)"
mkdir -p "$bin_dir"
# GOTOOLCHAIN=local: never download another Go toolchain; CGO off: a static binary.
GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$bin_dir" GOFLAGS="${GOFLAGS:-} -trimpath" go install "$MODULE@$VERSION"

got="$(installed_version || true)"
if [[ "$got" != "${VERSION#v}" ]]; then
  echo "install-livekit: built $server but it reports version '${got:-?}', expected ${VERSION#v}" >&2
  exit 1
fi
echo "livekit-server $VERSION installed at $server"
