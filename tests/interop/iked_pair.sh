#!/usr/bin/env bash
# iked against iked, each in its own network namespace (veth 10.97.0.1 <->
# 10.97.0.2), both with an in-process model card (--device model:):
#  - auto-negotiate disable: nothing comes up until `ikectl tunnel trigger`
#    (an acquire); the triggering packet is reported dropped;
#  - `ikectl -j tunnel list` on both sides: established, offloaded, counters
#    read from the card, SPIs crossed (A's inbound is B's outbound);
#  - add-route: A's --route-hook program is called with the remote prefix;
#  - B dies without a Delete (SIGKILL): A's DPD (on-idle, 2 s, 1 retry)
#    declares the peer dead, deletes its SAs and the route.
# Needs root (namespaces); exits 77 otherwise.
# usage: iked_pair.sh IKED IKECTL
set -euo pipefail
IKED=$1 IKECTL=$2
. "$(cd "$(dirname "$0")" && pwd)/netns_lock.sh"
interop_require
interop_lock
NA=ikp2-a NB=ikp2-b
WORK=$(mktemp -d /tmp/iked-pair.XXXXXX)
PA= PB=
cleanup() {
	for p in $PA $PB; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del $NA 2>/dev/null || true
	ip netns del $NB 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for s in a b; do echo "--- iked $s"; tail -30 "$WORK/$s.log" || true; done; exit 1; }

ip netns del $NA 2>/dev/null || true
ip netns del $NB 2>/dev/null || true
ip netns add $NA
ip netns add $NB
ip link add ikp2a type veth peer name ikp2b
ip link set ikp2a netns $NA
ip link set ikp2b netns $NB
ip -n $NA addr add 10.97.0.1/24 dev ikp2a
ip -n $NB addr add 10.97.0.2/24 dev ikp2b
for n in $NA $NB; do ip -n $n link set lo up; done
ip -n $NA link set ikp2a up
ip -n $NB link set ikp2b up

conf() { # $1 local gw, $2 remote gw, $3 local subnet, $4 remote subnet, $5 dpd
	cat <<CONF
config vpn ipsec phase1-interface
    edit "peer"
        set interface "ikp2"
        set remote-gw $2
        set local-gw $1
        set psksecret "pair-test-secret"
        set proposal aes256gcm-prfsha384
        set dhgrp 19
        set dpd $5
        set dpd-retryinterval 2
        set dpd-retrycount 1
    next
end
config vpn ipsec phase2-interface
    edit "lan"
        set phase1name "peer"
        set proposal aes128gcm
        set pfs disable
        set add-route enable
        set src-subnet $3
        set dst-subnet $4
    next
end
CONF
}
conf 10.97.0.1 10.97.0.2 10.1.0.0/24 10.2.0.0/24 on-idle >"$WORK/a.conf"
conf 10.97.0.2 10.97.0.1 10.2.0.0/24 10.1.0.0/24 disable >"$WORK/b.conf"
printf '#!/bin/sh\necho "$@" >> %s/routes.txt\n' "$WORK" >"$WORK/route-hook"
chmod +x "$WORK/route-hook"

ip netns exec $NA "$IKED" --config "$WORK/a.conf" --socket "$WORK/a.sock" --device model: \
	--route-hook "$WORK/route-hook" --log-level debug 2>"$WORK/a.log" 9>&- &
PA=$!
ip netns exec $NB "$IKED" --config "$WORK/b.conf" --socket "$WORK/b.sock" --device model: \
	--log-level debug 2>"$WORK/b.log" 9>&- &
PB=$!
for _ in $(seq 1 50); do [ -S "$WORK/a.sock" ] && [ -S "$WORK/b.sock" ] && break; sleep 0.1; done
[ -S "$WORK/a.sock" ] && [ -S "$WORK/b.sock" ] || fail "iked did not start"

A() { "$IKECTL" --socket "$WORK/a.sock" "$@"; }
B() { "$IKECTL" --socket "$WORK/b.sock" "$@"; }
state() { "$IKECTL" --socket "$WORK/$1.sock" -j tunnel list | python3 -c 'import json,sys; print(json.load(sys.stdin)["tunnels"][0]["state"])'; }

sleep 1
[ "$(state a)" = down ] || fail "auto-negotiate disable tunnel came up on its own"
out=$(A tunnel trigger 10.9.9.9 10.2.0.5) && fail "a packet outside the selectors triggered: $out"
out=$(A tunnel trigger 10.1.0.5 10.2.0.5 17 5000 53) || fail "tunnel trigger refused: $out"
echo "trigger: $out"
case "$out" in *"lan: negotiating (triggering packet dropped)"*) ;; *) fail "unexpected trigger reply";; esac
for _ in $(seq 1 50); do [ "$(state a)" = established ] && [ "$(state b)" = established ] && break; sleep 0.1; done
[ "$(state a)" = established ] || fail "no Child SA after the trigger"

A -j tunnel list >"$WORK/a.json"
B -j tunnel list >"$WORK/b.json"
A tunnel list
python3 - "$WORK/a.json" "$WORK/b.json" <<'PY' || fail "tunnel lists disagree"
import json, sys
a = json.load(open(sys.argv[1]))["tunnels"][0]
b = json.load(open(sys.argv[2]))["tunnels"][0]
for t in (a, b):
    assert t["state"] == "established" and t["path"] == "offload" and t["counters_kept"], t
    assert t["offload_handle"] is not None and t["offload_handle_out"] is not None, t
    assert t["packets_in"] == t["packets_out"] == 0 and t["lifetime_left_s"] > 0, t
assert a["spi_in"] == b["spi_out"] and a["spi_out"] == b["spi_in"], (a, b)
assert a["routes"] == ["10.2.0.0/24"] and b["routes"] == ["10.1.0.0/24"], (a["routes"], b["routes"])
print("tunnel list: SPIs", a["spi_in"], a["spi_out"], "crossed, both offloaded, routes", a["routes"])
PY
grep -qx "add 10.2.0.0/24 10.97.0.2" "$WORK/routes.txt" || fail "route hook not called: $(cat "$WORK/routes.txt" 2>&1)"
out=$(A tunnel trigger 10.1.0.5 10.2.0.5) || fail "trigger on an up tunnel: $out"
case "$out" in *"lan: up"*) ;; *) fail "an up tunnel's packet reported as dropped: $out";; esac

# B vanishes without a Delete: a probe after 2 s idle, one retry 2 s later,
# dead 2 s after that.
kill -KILL $PB; wait $PB 2>/dev/null || true; PB=
for _ in $(seq 1 100); do grep -q "DPD: peer 10.97.0.2:500 dead" "$WORK/a.log" && break; sleep 0.1; done
grep -q "DPD: peer 10.97.0.2:500 dead" "$WORK/a.log" || fail "DPD did not declare B dead"
[ "$(state a)" = down ] || fail "A kept the Child SA of a dead peer"
grep -qx "del 10.2.0.0/24 10.97.0.2" "$WORK/routes.txt" || fail "route not removed: $(cat "$WORK/routes.txt")"
echo "PASS: iked pair (acquire, tunnel list, add-route, DPD)"
