#!/usr/bin/env bash
# ctest wrapper: strongswan_peer.sh's selftest (charon against charon, keys compared,
# traffic through the TUNs); exit 77 (skip) where namespaces cannot be made.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns_lock.sh"
interop_require charon tun
interop_lock
exec bash "$HERE/strongswan_peer.sh" selftest --name ssp-self
