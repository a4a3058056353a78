#!/usr/bin/env bash
# iked against iked through their host paths (no card), each in its own network
# namespace (veth 10.96.0.1 <-> 10.96.0.2, no NAT: raw ESP, IP protocol 50):
#  - phase2 chacha20poly1305 and aes256-sha512 over one IKE SA, both on path=host;
#  - ICMP echo and a 2 MB TCP transfer echoed back through each, byte-exact
#    (10.1.0.1 behind A, 10.2.0.1 behind B, routed into each side's ipsec0);
#    A's outbound counters equal B's inbound ones and the reverse, no drops;
#  - bad input from the wire (ESP with a bad ICV, a replayed packet, an unknown
#    SPI, truncated ESP) and garbage written into A's TUN device: counted drops,
#    the tunnels stay up and carry traffic afterwards.
# Needs root (namespaces); exits 77 otherwise.
# usage: hostpath_pair.sh IKED IKECTL
set -euo pipefail
IKED=$1 IKECTL=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns_lock.sh"
interop_require tun
interop_lock
NA=ikhp-a NB=ikhp-b
WORK=$(mktemp -d /tmp/iked-hostpath.XXXXXX)
PA= PB=
cleanup() {
	for p in $PA $PB; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del $NA 2>/dev/null || true
	ip netns del $NB 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for s in a b; do echo "--- iked $s"; grep -v DEBUG "$WORK/$s.log" | tail -20 || true; done; exit 1; }

for n in $NA $NB; do ip netns del $n 2>/dev/null || true; ip netns add $n; ip -n $n link set lo up; done
ip link add ikhpa type veth peer name ikhpb
ip link set ikhpa netns $NA
ip link set ikhpb netns $NB
ip -n $NA addr add 10.96.0.1/24 dev ikhpa
ip -n $NB addr add 10.96.0.2/24 dev ikhpb
ip -n $NA link set ikhpa up
ip -n $NB link set ikhpb up
ip -n $NA addr add 10.1.0.1/32 dev lo
ip -n $NB addr add 10.2.0.1/32 dev lo
ip -n $NA addr add 10.1.1.1/32 dev lo
ip -n $NB addr add 10.2.1.1/32 dev lo

conf() { # $1 local gw, $2 remote gw, $3 local net prefix (10.1), $4 remote (10.2), $5 auto-negotiate
	cat <<CONF
config vpn ipsec phase1-interface
    edit "peer"
        set interface "ikhp"
        set remote-gw $2
        set local-gw $1
        set psksecret "hostpath-pair-secret"
        set proposal aes256gcm-prfsha384
        set dhgrp 19
    next
end
config vpn ipsec phase2-interface
    edit "chacha"
        set phase1name "peer"
        set proposal chacha20poly1305
        set pfs disable
        set replay enable
        set auto-negotiate $5
        set src-subnet $3.0.0 255.255.255.0
        set dst-subnet $4.0.0 255.255.255.0
    next
    edit "cbc"
        set phase1name "peer"
        set proposal aes256-sha512
        set pfs disable
        set replay enable
        set auto-negotiate $5
        set src-subnet $3.1.0 255.255.255.0
        set dst-subnet $4.1.0 255.255.255.0
    next
end
CONF
}
conf 10.96.0.1 10.96.0.2 10.1 10.2 enable >"$WORK/a.conf"
conf 10.96.0.2 10.96.0.1 10.2 10.1 disable >"$WORK/b.conf"
ip netns exec $NA "$IKED" --config "$WORK/a.conf" --socket "$WORK/a.sock" --log-level debug 2>"$WORK/a.log" 9>&- &
PA=$!
ip netns exec $NB "$IKED" --config "$WORK/b.conf" --socket "$WORK/b.sock" --log-level debug 2>"$WORK/b.log" 9>&- &
PB=$!
for _ in $(seq 1 50); do [ -S "$WORK/a.sock" ] && [ -S "$WORK/b.sock" ] && break; sleep 0.1; done
[ -S "$WORK/a.sock" ] && [ -S "$WORK/b.sock" ] || fail "iked did not start"
ip -n $NA route add 10.2.0.0/16 dev ipsec0 src 10.1.0.1
ip -n $NB route add 10.1.0.0/16 dev ipsec0 src 10.2.0.1

list() { "$IKECTL" --socket "$WORK/$1.sock" -j tunnel list; }
up() { list "$1" | python3 -c 'import json,sys; print(sum(t["state"] == "established" for t in json.load(sys.stdin)["tunnels"]))'; }
for _ in $(seq 1 100); do [ "$(up a)" = 2 ] && [ "$(up b)" = 2 ] && break; sleep 0.1; done
[ "$(up a)" = 2 ] && [ "$(up b)" = 2 ] || fail "the two Child SAs did not come up"

traffic() { # $1 src behind A, $2 dst behind B, $3 MB
	ip netns exec $NB python3 "$HERE/hostpath_traffic.py" serve "$2" 9>&- &
	local srv=$!
	sleep 0.4
	ip netns exec $NA python3 "$HERE/hostpath_traffic.py" client "$1" "$2" "$3" || { kill $srv; fail "traffic $1 -> $2"; }
	wait $srv
}
traffic 10.1.0.1 10.2.0.1 2
traffic 10.1.1.1 10.2.1.1 2

# Bad input: ESP copied off A's wire (B's raw socket sees it too) and altered, sent at B.
cat >"$WORK/bad_esp.py" <<'PY'
import socket, sys, time
# Capture one ESP packet B receives, then send altered copies at B from A's address.
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
r.settimeout(5)
pkt = r.recv(65536)
esp = pkt[(pkt[0] & 15) * 4:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
# a fresh sequence number (so the replay check passes) that the ICV does not cover
bad_icv = esp[:4] + (int.from_bytes(esp[4:8], "big") + 1000).to_bytes(4, "big") + esp[8:]
unknown = bytes([esp[0] ^ 0x80]) + esp[1:]
for p in (bad_icv, esp, unknown, esp[:6]):  # esp again: a replay
    s.sendto(p, ("10.96.0.2", 0))
    time.sleep(0.05)
print("sent: bad ICV, replay, unknown SPI, truncated")
PY
ip netns exec $NB python3 "$WORK/bad_esp.py" & CAP=$!
sleep 0.3
ip netns exec $NA python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.1.0.1", 0)); s.sendto(b"x" * 20, ("10.2.0.1", 9))'
wait $CAP || fail "could not capture ESP at B"
# Into A's TUN device: a packet no SA covers (10.3.0.1), and bytes that are no IP packet.
ip -n $NA route add 10.3.0.0/24 dev ipsec0
ip netns exec $NA python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b"y", ("10.3.0.1", 9))'
ip netns exec $NA python3 - <<'PY'
import socket
# Bytes that are no IP packet, sent out of ipsec0: iked reads them from its TUN device.
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM)
s.sendto(b"\x45\x00\x00\x05garbage", ("ipsec0", 0x0800))
PY
sleep 0.3
traffic 10.1.0.1 10.2.0.1 1 # still up

list a >"$WORK/a.json"
list b >"$WORK/b.json"
"$IKECTL" --socket "$WORK/b.sock" tunnel list
python3 - "$WORK/a.json" "$WORK/b.json" <<'PY' || fail "counters"
import json, sys
a = {t["tunnel"]: t for t in json.load(open(sys.argv[1]))["tunnels"]}
b = {t["tunnel"]: t for t in json.load(open(sys.argv[2]))["tunnels"]}
for name in ("chacha", "cbc"):
    x, y = a[name], b[name]
    assert x["state"] == y["state"] == "established", (x, y)
    assert x["path"] == y["path"] == "host" and x["host_path"] and x["counters_kept"], x
    assert x["spi_out"] == y["spi_in"] and x["spi_in"] == y["spi_out"], (x, y)
    # the injected packets are drops, never packets
    assert x["packets_out"] == y["packets_in"] and x["bytes_out"] == y["bytes_in"], (name, x, y)
    assert x["packets_in"] == y["packets_out"] and x["bytes_in"] == y["bytes_out"], (name, x, y)
    assert x["packets_out"] > 1000, x
chacha = b["chacha"]
assert chacha["drops_in_by"] == {"replay": 1, "auth_fail": 1}, chacha["drops_in_by"]
assert a["chacha"]["drops_out"] == 0 and a["cbc"]["drops_in"] == 0, a
print("counters equal each way; bad ICV and replay counted on B's chacha SA:", chacha["drops_in_by"])
PY
grep -q "host path: ESP of 6 bytes dropped: malformed" "$WORK/b.log" || fail "truncated ESP not dropped"
grep -q "dropped: no_sa" "$WORK/b.log" || fail "unknown SPI not dropped"
grep -q "host path: TUN packet of .* dropped" "$WORK/a.log" || fail "TUN garbage not dropped"
kill -0 $PA && kill -0 $PB || fail "an iked died"
echo "PASS: iked pair through the host path (raw ESP, chacha20poly1305 and aes256-sha512, bad input counted)"
