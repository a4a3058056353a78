#!/usr/bin/env bash
# IKE_SA + CHILD_SA setups per second, iked vs iked and charon vs charon,
# with the same IKE/ESP proposals and DH group, PSK, one AES-GCM Child SA
# each, in one run. Both pairs talk over a veth between two namespaces.
#
# usage: ike_rate.sh BUILD_DIR [COUNT] [PARALLEL] [GROUPS...]
#   BUILD_DIR holds iked/iked (or host/iked/iked) and ike_rate; needs root.
set -euo pipefail
BUILD=$1 COUNT=${2:-200} PAR=${3:-8}
shift $(( $# < 3 ? $# : 3 ))
GROUPS_LIST=${*:-ecp256 modp2048}
HERE=$(cd "$(dirname "$0")" && pwd)
S=$HERE/../../tests/interop/strongswan_peer.sh
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces)"; exit 77; }
find_bin() { for p in "$@"; do [ -x "$p" ] && { echo "$p"; return; }; done; echo "missing: $1" >&2; exit 1; }
IKED=$(find_bin "$BUILD/host/iked/iked" "$BUILD/iked/iked")
RATE=$(find_bin "$BUILD/bench/ike/ike_rate" "$BUILD/ike_rate")
. "$HERE/../../tests/interop/netns_lock.sh"
interop_lock
WORK=$(mktemp -d /tmp/ike-rate.XXXXXX)
NA=ikrate-a NB=ikrate-b IKED_PID=
cleanup() {
	[ -n "$IKED_PID" ] && kill "$IKED_PID" 2>/dev/null && wait "$IKED_PID" 2>/dev/null || true
	ip netns del $NA 2>/dev/null || true
	ip netns del $NB 2>/dev/null || true
	"$S" stop --name rate-a >/dev/null 2>&1 || true
	"$S" stop --name rate-b >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT

group_num() { case $1 in ecp256) echo 19 ;; ecp384) echo 20 ;; modp2048) echo 14 ;; x25519) echo 31 ;; *) echo "unknown group $1" >&2; exit 2 ;; esac; }

conf() { # $1 remote address, $2 DH group number
	cat <<CONF
config vpn ipsec phase1-interface
    edit "rate"
        set interface "veth0"
        set remote-gw $1
        set psksecret "rate-test-secret"
        set proposal aes256gcm-prfsha384
        set dhgrp $2
    next
end
config vpn ipsec phase2-interface
    edit "rate-p2"
        set phase1name "rate"
        set proposal aes128gcm
        set pfs disable
        set src-subnet 10.98.1.0 255.255.255.0
        set dst-subnet 10.98.2.0 255.255.255.0
    next
end
CONF
}

iked_pair() { # $1 group name -> prints the rate
	local g; g=$(group_num "$1")
	ip netns add $NA; ip netns add $NB
	ip link add ikr0 netns $NA type veth peer name ikr1 netns $NB
	ip -n $NA addr add 10.97.0.1/24 dev ikr0; ip -n $NA link set ikr0 up; ip -n $NA link set lo up
	ip -n $NB addr add 10.97.0.2/24 dev ikr1; ip -n $NB link set ikr1 up; ip -n $NB link set lo up
	conf 10.97.0.2 "$g" > "$WORK/a.conf"
	conf 10.97.0.1 "$g" | sed -e 's/10.98.1.0 255/10.98.X.0 255/' -e 's/10.98.2.0 255/10.98.1.0 255/' \
		-e 's/10.98.X.0 255/10.98.2.0 255/' > "$WORK/b.conf"
	ip netns exec $NB "$IKED" --config "$WORK/b.conf" --socket "$WORK/b.sock" --log-level error 2>"$WORK/b.log" 9>&- &
	IKED_PID=$!
	sleep 0.5
	ip netns exec $NA "$RATE" --config "$WORK/a.conf" --child rate-p2 --count "$COUNT" --parallel "$PAR" \
		| tee "$WORK/iked-$1.out" >&2
	kill $IKED_PID; wait $IKED_PID 2>/dev/null || true; IKED_PID=
	ip netns del $NA; ip netns del $NB
	sed -n 's/.* = \([0-9.]*\) IKE_SA\/s.*/\1/p' "$WORK/iked-$1.out"
}

charon_pair() { # $1 group name -> prints the rate
	local prop="aes256gcm16-prfsha384-$1" lim="block_threshold = 10000;cookie_threshold = 10000;cookie_threshold_ip = 10000"
	"$S" start --name rate-b --peer-ns sspeer-rate-a --loglevel quiet --unique never --ike-proposal "$prop" \
		--esp-proposal aes128gcm16 --charon-extra "$lim" >/dev/null
	"$S" start --name rate-a --ns sspeer-rate-a --peer-ns none --local 10.99.0.1 --remote 10.99.0.2 \
		--local-ts 10.98.1.0/24 --remote-ts 10.98.2.0/24 --loglevel quiet --unique never \
		--charon-extra "reuse_ikesa = no" --ike-proposal "$prop" --esp-proposal aes128gcm16 >/dev/null
	python3 "$HERE/vici_rate.py" /tmp/strongswan-peer/rate-a/charon.vici "$COUNT" "$PAR" child \
		| tee "$WORK/charon-$1.out" >&2
	"$S" stop --name rate-a >/dev/null; "$S" stop --name rate-b >/dev/null
	sed -n 's/.*rate=\([0-9.]*\) IKE_SA\/s.*/\1/p' "$WORK/charon-$1.out"
}

printf "%-10s %16s %16s %8s\n" group "iked IKE_SA/s" "charon IKE_SA/s" ratio
for grp in $GROUPS_LIST; do
	ri=$(iked_pair "$grp")
	rc=$(charon_pair "$grp")
	ratio=$(python3 -c "print(f'{float(\"$ri\")/float(\"$rc\"):.2f}' if float(\"$rc\") else 'n/a')")
	printf "%-10s %16s %16s %8s\n" "$grp" "$ri" "$rc" "$ratio"
done
