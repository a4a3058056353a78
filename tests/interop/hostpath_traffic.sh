#!/usr/bin/env bash
# Traffic through iked's host path against charon (kernel-libipsec), called by
# iked_strongswan.sh once the Child SA is up: iked's host gets inner address
# 10.98.1.1 with a route to charon's side (10.98.2.0/24) through iked's TUN
# device; then ICMP echo and a TCP transfer (sent and echoed back) between
# 10.98.1.1 and charon's inner address 10.98.2.1, byte-exact, and iked's
# per-SA counters (ikectl -j tunnel list) equal to charon's for the same SPIs,
# with no drops (hostpath_traffic.py does both ends).
#
# usage: hostpath_traffic.sh DUT_NS CHARON_NS IKECTL IKED_SOCKET WORKDIR PEER_SCRIPT PEER_NAME [MBYTES]
set -euo pipefail
DUT=$1 CH=$2 IKECTL=$3 SOCK=$4 WORK=$5 S=$6 NAME=$7 MB=${8:-4}
TUN=ipsec0 HERE_ADDR=10.98.1.1 THERE_ADDR=10.98.2.1
HERE=$(cd "$(dirname "$0")" && pwd)

ip -n "$DUT" addr add $HERE_ADDR/32 dev lo 2>/dev/null || true
ip -n "$DUT" route replace 10.98.2.0/24 dev $TUN src $HERE_ADDR
# charon routes 10.98.1.0/24 into its own TUN (kernel-libipsec) with its inner address as source.
CH_ADDRS=$(ip -n "$CH" -4 -o addr show)
grep -q " $THERE_ADDR/" <<<"$CH_ADDRS" || { echo "FAIL: charon has no inner address $THERE_ADDR"; exit 1; }

ip netns exec "$CH" python3 "$HERE/hostpath_traffic.py" serve $THERE_ADDR 9>&- &
SERVER=$!
sleep 0.5
ip netns exec "$DUT" python3 "$HERE/hostpath_traffic.py" client $HERE_ADDR $THERE_ADDR "$MB" || { kill $SERVER 2>/dev/null; exit 1; }
wait $SERVER
sleep 0.3

"$IKECTL" --socket "$SOCK" tunnel list | tee "$WORK/list-traffic.txt"
"$IKECTL" --socket "$SOCK" -j tunnel list >"$WORK/list-traffic.json"
"$S" swanctl --name "$NAME" -- --list-sas >"$WORK/charon-sas.txt"
python3 - "$WORK/list-traffic.json" "$WORK/charon-sas.txt" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
tunnels = doc["tunnels"] if isinstance(doc, dict) else doc
t = [x for x in tunnels if x["tunnel"] == "ss-p2" and x["state"] == "established"]
assert len(t) == 1, t
t = t[0]
assert t["path"] == "host" and t["host_path"] and t["counters_kept"], t
sas = open(sys.argv[2]).read()
# charon: "in  c1234567, 123 bytes, 4 packets" (its inbound SPI is iked's outbound one)
def charon(direction, spi):
    m = re.search(r"%s\s+%s[^,]*,\s+(\d+) bytes,\s+(\d+) packets" % (direction, spi), sas)
    assert m, (direction, spi, sas)
    return int(m.group(1)), int(m.group(2))
ch_in = charon("in", t["spi_out"])
ch_out = charon("out", t["spi_in"])
print("iked out %d packets %d bytes, charon in %d packets %d bytes" % (t["packets_out"], t["bytes_out"], ch_in[1], ch_in[0]))
print("iked in  %d packets %d bytes, charon out %d packets %d bytes" % (t["packets_in"], t["bytes_in"], ch_out[1], ch_out[0]))
assert t["packets_out"] == ch_in[1] and t["bytes_out"] == ch_in[0], "outbound counters differ"
assert t["packets_in"] == ch_out[1] and t["bytes_in"] == ch_out[0], "inbound counters differ"
assert t["packets_out"] > 1000 and t["packets_in"] > 1000, t
assert t["drops_in"] == 0 and t["drops_out"] == 0, t
print("host path counters equal charon's, no drops")
PY
