#!/usr/bin/env bash
# ctest wrapper: strongswan_peer.sh's selftest (charon against charon, keys compared,
# traffic through the TUNs); exit 77 (skip) where namespaces cannot be made.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
[ -x /usr/lib/ipsec/charon ] || { echo "SKIP: strongSwan charon not installed (scripts/install-deps.sh)"; exit 77; }
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns_lock.sh"
interop_lock
exec bash "$HERE/strongswan_peer.sh" selftest --name ssp-self
