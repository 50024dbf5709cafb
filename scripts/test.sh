#!/usr/bin/env bash
# The test run behind `npm test` and CI: typecheck, then every ava test file (real LiveKit, PostgreSQL, PGlite
# and models), ending with one plain `N passed, N failed` line.
#
# Two groups:
# - test/models runs on the host: fetching models asks the package registries, and none of it touches WebRTC.
# - everything else runs inside a throw-away network namespace with only loopback-range addresses, so WebRTC
#   media between the tests' participants, LiveKit and the agent workers never touches the host's interfaces
#   (scripts/netns.sh); PostgreSQL is reached through its Unix socket there.
# Arguments, when given, are ava file patterns run inside the namespace.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

passed=0
failed=0
status=0

count() {
  local p f u r
  # The verbose reporter prints one ✔ per passed test and one "✘ [fail]" per failed test or hook; its closing
  # totals are missing when a file crashes, so the marks are what is counted.
  p=$(grep -Ec '^\s*✔ ' "$out")
  f=$(grep -Ec '^\s*✘ \[fail\]' "$out")
  # Tests still pending after a timeout, and uncaught errors, are failures too.
  u=$(grep -Eo '^\s*[0-9]+ (uncaught exceptions?|unhandled rejections?|tests? remained pending after a timeout)' "$out" | awk '{s += $1} END {print s + 0}')
  # "✘ N tests remaining in <file>": tests that never ran because a hook failed.
  r=$(grep -Eo '✘ [0-9]+ tests? remaining' "$out" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${u:-0} + ${r:-0}))
}

run_group() {
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  count
  if [ "$rc" -ne 0 ]; then
    status=1
    # A failing run that printed no count (a crash) still counts as one failure.
    grep -Eq '✘ \[fail\]|pending after a timeout|uncaught|unhandled' "$out" || failed=$((failed + 1))
  fi
}

if npx --no-install tsc --noEmit -p . >"$out" 2>&1 && npx --no-install tsc --noEmit -p web >>"$out" 2>&1; then
  echo "typecheck: ok"
  passed=$((passed + 1))
else
  cat "$out"
  echo "typecheck: failed"
  failed=$((failed + 1))
  status=1
fi

if [ $# -gt 0 ]; then
  run_group bash scripts/netns.sh run -- npx --no-install ava "$@"
else
  run_group npx --no-install ava 'test/models/**/*.test.ts'
  mapfile -t media_groups < <(find test -mindepth 1 -maxdepth 1 -type d ! -name models ! -name support -printf 'test/%f/**/*.test.ts\n' | sort)
  run_group bash scripts/netns.sh run -- npx --no-install ava "${media_groups[@]}"
fi

echo "${passed} passed, ${failed} failed"
exit "$status"
