#!/usr/bin/env bash
# The real iked binary as a responder on 127.0.0.1 (unprivileged ports, no
# root, no namespaces), brought up by ike_rate (the same engine and sockets)
# with several IKE_SA + CHILD_SA setups; then ikectl lists the tunnel and
# SIGTERM must end iked cleanly (exit 0: under ASan/UBSan that also means no
# leak or UB report). Runs in the sanitizer pass of scripts/test.sh.
#
# usage: iked_localhost.sh IKED IKE_RATE IKECTL [BASE_PORT]
set -euo pipefail
IKED=$1 RATE=$2 IKECTL=$3 BASE=${4:-$((20000 + $$ % 20000))}
WORK=$(mktemp -d /tmp/iked-localhost.XXXXXX)
IKED_PID=
cleanup() {
	[ -n "$IKED_PID" ] && kill "$IKED_PID" 2>/dev/null && wait "$IKED_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- iked log"; cat "$WORK/iked.log" || true; exit 1; }

conf() { # $1 name, $2 local subnet, $3 remote subnet
	cat <<CONF
config vpn ipsec phase1-interface
    edit "lo-$1"
        set interface "lo"
        set remote-gw 127.0.0.1
        set psksecret "localhost-test-secret"
        set proposal aes256gcm-prfsha384 aes128-sha256
        set dhgrp 19 14
    next
end
config vpn ipsec phase2-interface
    edit "lo-$1-p2"
        set phase1name "lo-$1"
        set proposal aes128gcm
        set src-subnet $2 255.255.255.0
        set dst-subnet $3 255.255.255.0
    next
end
CONF
}
conf resp 10.66.2.0 10.66.1.0 > "$WORK/resp.conf"
conf init 10.66.1.0 10.66.2.0 > "$WORK/init.conf"

"$IKED" --config "$WORK/resp.conf" --socket "$WORK/iked.sock" --ike-port "$BASE" --natt-port $((BASE + 1)) \
	--export-keys "$WORK/keys" --log-level info 2>"$WORK/iked.log" &
IKED_PID=$!
for _ in $(seq 50); do [ -S "$WORK/iked.sock" ] && break; sleep 0.1; done
[ -S "$WORK/iked.sock" ] || fail "iked did not open its control socket"

"$RATE" --config "$WORK/init.conf" --child lo-init-p2 --count 4 --parallel 2 --timeout 60 \
	--ike-port $((BASE + 2)) --natt-port $((BASE + 3)) --remote-port "$BASE" || fail "ike_rate did not finish"
grep -c "IKE SA established" "$WORK/iked.log" | grep -qx 4 || fail "iked did not establish 4 IKE SAs"
"$IKECTL" --socket "$WORK/iked.sock" tunnel list > "$WORK/list" || fail "ikectl tunnel list"
grep -q "lo-resp-p2" "$WORK/list" || fail "ikectl does not show the tunnel: $(cat "$WORK/list")"
[ "$(grep -c '^"IPv4"' "$WORK/keys")" -ge 8 ] || fail "fewer than 8 exported ESP SA keys"

kill -TERM "$IKED_PID"
rc=0
wait "$IKED_PID" || rc=$?
IKED_PID=
[ "$rc" = 0 ] || fail "iked exited with $rc after SIGTERM"
if grep -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$WORK/iked.log"; then fail "sanitizer report"; fi
echo "PASS: 4 setups against the iked binary on 127.0.0.1:$BASE"
