#!/usr/bin/env bash
# IKE fragmentation (RFC 7383) between iked and strongSwan's charon
# (strongswan_peer.sh beside this file), both forcing small fragments:
#   frag-resp  charon initiates offering 12 subnets each way, so its IKE_AUTH
#              request and iked's narrowed answer exceed the MTUs: fragments
#              both ways (iked fragmentation-mtu 500, charon fragment_size 400);
#   frag-init  iked initiates; charon (fragment_size 200) fragments its answer.
# Checks: the Child SA up on both sides with equal keys, and in the logs that
# each side sent and reassembled fragments. Exit 77 (skip) when not root / no charon.
#
# usage: iked_fragmentation.sh IKED_BINARY CASE
set -euo pipefail
IKED=$1 CASE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
S=$HERE/strongswan_peer.sh

. "$HERE/netns_lock.sh"
interop_require charon tun
[ -x "$IKED" ] || { echo "no iked binary at $IKED"; exit 1; }
interop_lock
NAME=$(interop_name ikf- "$CASE")
DUT=${NAME}d
WORK=$(mktemp -d /tmp/iked-frag.XXXXXX)
IKED_PID=
cleanup() {
	[ -n "$IKED_PID" ] && kill "$IKED_PID" 2>/dev/null && wait "$IKED_PID" 2>/dev/null || true
	"$S" stop --name "$NAME" >/dev/null 2>&1 || true
	if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
fail() { echo "--- iked log (tail)"; tail -40 "$WORK/iked.log"; echo "--- charon log (fragments)";
	grep -E "EF\(|fragment" "$CH_LOG" | tail -20 || true; echo "FAIL: $*"; exit 1; }

case $CASE in
frag-resp)
	ROLE=resp CH_FRAG=400
	CH_LOCAL=$(seq -s, 16 27 | sed 's/\([0-9]*\)/10.98.\1.0\/24/g')
	CH_REMOTE=$(seq -s, 32 43 | sed 's/\([0-9]*\)/10.98.\1.0\/24/g')
	IK_TS="set src-subnet 10.98.0.0 255.255.0.0
        set dst-subnet 10.98.0.0 255.255.0.0"
	AUTO="set auto-negotiate disable" ;;
frag-init)
	ROLE=init CH_FRAG=200 CH_LOCAL=10.98.2.0/24 CH_REMOTE=10.98.1.0/24
	IK_TS="set src-subnet 10.98.1.0 255.255.255.0
        set dst-subnet 10.98.2.0 255.255.255.0"
	AUTO="set auto-negotiate enable" ;;
*) echo "unknown case $CASE"; exit 2 ;;
esac

cat > "$WORK/iked.conf" <<CONF
config vpn ipsec phase1-interface
    edit "ss"
        set interface "veth0"
        set remote-gw 10.99.0.2
        set psksecret "interop-secret-$CASE"
        set proposal aes256gcm-prfsha384
        set dhgrp 20
        set fragmentation enable
        set fragmentation-mtu 500
    next
end
config vpn ipsec phase2-interface
    edit "ss-p2"
        set phase1name "ss"
        set proposal aes128gcm
        set pfs disable
        $AUTO
        $IK_TS
    next
end
CONF

echo "== case $CASE: iked $ROLE, iked fragmentation-mtu 500, charon fragment_size $CH_FRAG"
"$S" stop --name "$NAME" >/dev/null 2>&1 || true
"$S" start --name "$NAME" --peer-ns "$DUT" --psk "interop-secret-$CASE" --esp-proposal aes128gcm16 \
	--local-ts "$CH_LOCAL" --remote-ts "$CH_REMOTE" \
	--conn-extra "fragmentation = force" --charon-extra "fragment_size = $CH_FRAG" \
	>"$WORK/start.log" 2>&1 || { cat "$WORK/start.log"; exit 1; }
CH_LOG=$("$S" env --name "$NAME" | sed -n 's/^SSP_LOG=//p')
# charon (kernel-libipsec) routes a Child SA only with an address of its own
# inside each local selector.
CH_NS=$("$S" env --name "$NAME" | sed -n 's/^SSP_NS=//p')
for ts in ${CH_LOCAL//,/ }; do
	ip netns exec "$CH_NS" ip addr replace "${ts%.0/24}.1/32" dev lo
done
[ -n "$CH_LOG" ] || CH_LOG=$("$S" env --name "$NAME" | sed -n 's/^SSP_STATE=//p')/charon.log

ip netns exec "$DUT" "$IKED" --config "$WORK/iked.conf" --export-keys "$WORK/keys.txt" \
	--socket "$WORK/iked.sock" --log-level debug 2>"$WORK/iked.log" 9>&- &
IKED_PID=$!
sleep 0.5
kill -0 $IKED_PID 2>/dev/null || { cat "$WORK/iked.log"; echo "iked did not start"; exit 1; }

if [ $ROLE = resp ]; then
	"$S" initiate --name "$NAME" >"$WORK/initiate.log" 2>&1 || { cat "$WORK/initiate.log"; fail "charon could not initiate"; }
fi
installed() { "$S" status --name "$NAME" 2>/dev/null | grep -c "INSTALLED" || true; }
for _ in $(seq 1 75); do
	[ "$(installed)" -ge 1 ] && break
	sleep 0.2
done
[ "$(installed)" -ge 1 ] || { "$S" status --name "$NAME" || true; fail "no CHILD_SA at charon"; }
grep -q "CHILD_SA ss-p2{" "$WORK/iked.log" || fail "iked logged no CHILD_SA"

"$S" keys --name "$NAME" >"$WORK/charon.keys"
python3 "$HERE/compare_keys.py" "$WORK/charon.keys" "$WORK/keys.txt" --min-children 1 \
	|| { cat "$WORK/charon.keys"; cat "$WORK/keys.txt"; fail "keys differ"; }

# charon reassembled ours / split its own; iked likewise.
grep -q "IKE_AUTH .* reassembled from fragments" "$WORK/iked.log" || fail "iked reassembled no IKE_AUTH"
grep -Eq "generating IKE_AUTH (request|response) 1 \[ EF\(" "$CH_LOG" || fail "charon sent no IKE_AUTH fragment"
if [ $ROLE = resp ]; then # iked's answer carries the 24 narrowed selectors: fragmented too
	grep -q "parsed IKE_AUTH response 1 \[ EF(" "$CH_LOG" || fail "charon received no IKE_AUTH fragment"
	grep -q "IKE_AUTH 1 of [0-9]* octets sent as [0-9]* fragments" "$WORK/iked.log" || fail "iked sent no fragments"
	grep -Eq "received fragment #[0-9]+ of [0-9]+, reassembled" "$CH_LOG" || fail "charon reassembled none of iked's fragments"
fi
echo "fragments: iked sent $(grep -c 'sent as' "$WORK/iked.log" || true) fragmented message(s), charon:"
grep -E "EF\(|splitting|reassembled" "$CH_LOG" | sed 's/^/  /' | head -12
echo "PASS $CASE"
