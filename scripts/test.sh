#!/usr/bin/env bash
# The test run behind `npm test` and CI: typecheck, then every ava test file (real LiveKit, PostgreSQL, PGlite
# and models), ending with one plain `N passed, N failed` line.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

typecheck_failed=0
if npx --no-install tsc --noEmit -p . >"$out" 2>&1; then
  echo "typecheck: ok"
else
  cat "$out"
  echo "typecheck: failed"
  typecheck_failed=1
fi

# Inside a throw-away network namespace with only loopback-range addresses: WebRTC media between the tests'
# participants, LiveKit and the agent workers can then never touch the host's interfaces (scripts/netns.sh).
bash scripts/netns.sh run -- npx --no-install ava "$@" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}

passed=$(grep -Eo '^\s*[0-9]+ tests? passed' "$out" | grep -Eo '[0-9]+' | tail -1)
failed=$(grep -Eo '^\s*[0-9]+ tests? failed' "$out" | grep -Eo '[0-9]+' | tail -1)
uncaught=$(grep -Eo '^\s*[0-9]+ (uncaught exceptions?|unhandled rejections?)' "$out" | awk '{s += $1} END {print s + 0}')
passed=${passed:-0}
failed=$(( ${failed:-0} + ${uncaught:-0} + typecheck_failed ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$typecheck_failed" -eq 0 ]
