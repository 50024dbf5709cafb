#!/usr/bin/env bash
# Runs a command inside a private, throw-away network namespace that has no route off the machine:
#   scripts/netns.sh run [--] <command> [args...]
#
# Why: libwebrtc (inside @livekit/rtc-node) never gathers ICE candidates on the loopback
# interface, so on the host a test client offers the machine's LAN/eth0 address and media flows
# to that address even when livekit-server only uses 127.0.0.1. In here the only interfaces are
# `lo` (127.0.0.1, used by livekit-server) and a veth pair whose both ends live in the namespace,
# carrying 127.0.0.2/32 (what libwebrtc uses). Every candidate is 127.0.0.0/8 and no packet can
# reach the host's interfaces or leave the machine.
#
# `unshare` rather than `ip netns add`: the namespace (and a private PID namespace, so no process
# can outlive the command) vanishes when the command exits, even on a crash or timeout, so there
# is nothing to tear down and nothing leaks. As root it needs CAP_SYS_ADMIN; otherwise it uses an
# unprivileged user namespace (kernel.unprivileged_userns_clone=1).
# Needs: util-linux (unshare), iproute2 (ip).
set -euo pipefail

readonly CLIENT_ADDRESS=127.0.0.2

usage() {
  echo "usage: $0 run [--] <command> [args...]" >&2
  exit 64
}

inside() {
  ip link set lo up
  ip link add rtlk0 type veth peer name rtlk1
  # No IPv6 link-local addresses either: only 127.0.0.0/8 may exist in here.
  ip link set rtlk0 addrgenmode none
  ip link set rtlk1 addrgenmode none
  ip addr add "${CLIENT_ADDRESS}/32" dev rtlk0
  ip link set rtlk1 up
  ip link set rtlk0 up
  # Refuse to run if anything but loopback-range addresses exist (e.g. unshare silently did nothing).
  local foreign
  foreign=$(ip -o addr show | awk '{print $4}' | grep -Ev '^(127\.|::1/)' || true)
  if [[ -n "$foreign" ]]; then
    echo "netns.sh: namespace has non-loopback addresses: $foreign" >&2
    exit 70
  fi
  export ROUNDTABLE_NETNS=isolated ROUNDTABLE_NETNS_CLIENT_ADDRESS="$CLIENT_ADDRESS"
  exec "$@"
}

main() {
  [[ $# -ge 1 ]] || usage
  case "$1" in
    run) shift ;;
    __inside) shift; inside "$@" ;;
    *) usage ;;
  esac
  [[ "${1:-}" == "--" ]] && shift
  [[ $# -ge 1 ]] || usage
  command -v unshare >/dev/null || { echo "netns.sh: unshare not found (apt-get install util-linux)" >&2; exit 69; }
  command -v ip >/dev/null || { echo "netns.sh: ip not found (apt-get install iproute2)" >&2; exit 69; }

  local -a ns=(--net --pid --fork --kill-child)
  if [[ $(id -u) -ne 0 ]]; then ns=(--user --map-root-user "${ns[@]}"); fi
  if ! unshare "${ns[@]}" true 2>/dev/null; then
    echo "netns.sh: cannot create a network namespace (run as root with CAP_SYS_ADMIN, or enable unprivileged user namespaces)" >&2
    exit 77
  fi
  exec unshare "${ns[@]}" bash "$0" __inside "$@"
}

main "$@"
