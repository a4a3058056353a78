#!/usr/bin/env bash
# Interop of iked with strongSwan's charon (strongswan_peer.sh beside this file):
# one case per run. iked runs in the "dut" namespace at 10.99.0.1, charon at
# 10.99.0.2. Checks: IKE and Child SAs up on both sides, SPIs and keys that
# iked exported equal the ones charon logged, deletes seen on both sides.
#
# usage: iked_strongswan.sh IKED_BINARY CASE [IKECTL_BINARY]
# cases: see case_setup below. Exit 77 (skip) when not root / no charon.
set -euo pipefail
IKED=$1 CASE=$2 IKECTL=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
S=$HERE/strongswan_peer.sh

. "$HERE/netns_lock.sh"
interop_require charon tun
[ -x "$IKED" ] || { echo "no iked binary at $IKED"; exit 1; }
interop_lock
NAME=$(interop_name ikp- "$CASE")
DUT=${NAME}d
WORK=$(mktemp -d /tmp/iked-interop.XXXXXX)
IKED_PID=
cleanup() {
	[ -n "$IKED_PID" ] && kill "$IKED_PID" 2>/dev/null && wait "$IKED_PID" 2>/dev/null || true
	"$S" stop --name "$NAME" >/dev/null 2>&1 || true
	if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---- the case: role, proposals, PFS, selectors, extras
ROLE=init CH_ESP=aes128gcm16 IK_ESP=aes128gcm PFS= SEL=subnet EXTRA_CHILD=no REKEY=no DELETE=none DEVICE= MESH=no
CERT=none
case $CASE in
gcm128-init) ;;
gcm128-resp) ROLE=resp ;;
gcm256-init) CH_ESP=aes256gcm16 IK_ESP=aes256gcm ;;
gcm256-resp) ROLE=resp CH_ESP=aes256gcm16 IK_ESP=aes256gcm ;;
offload-model) DEVICE=model: CH_ESP=aes256gcm16,chacha20poly1305 IK_ESP="aes256gcm chacha20poly1305" ;;
chacha-init) CH_ESP=chacha20poly1305 IK_ESP=chacha20poly1305 TRAFFIC=yes ;;
chacha-resp) ROLE=resp CH_ESP=chacha20poly1305 IK_ESP=chacha20poly1305 TRAFFIC=yes ;;
cbc-init) CH_ESP=aes256-sha256 IK_ESP=aes256-sha256 TRAFFIC=yes ;;
cbc-resp) ROLE=resp CH_ESP=aes256-sha256 IK_ESP=aes256-sha256 TRAFFIC=yes ;;
pfs-ecp256-init) CH_ESP=aes128gcm16-ecp256 PFS=19 EXTRA_CHILD=yes REKEY=yes ;;
pfs-modp2048-resp) ROLE=resp CH_ESP=aes256gcm16-modp2048 IK_ESP=aes256gcm PFS=14 REKEY=yes ;;
pfs-x25519-init) CH_ESP=aes128gcm16-x25519 PFS=31 EXTRA_CHILD=yes ;;
pfs-x25519-resp) ROLE=resp CH_ESP=aes128gcm16-x25519 PFS=31 REKEY=yes ;;
range-init) SEL=range ;;
range-resp) ROLE=resp SEL=range ;;
ipv6-init) SEL=v6 ;;
ipv6-resp) ROLE=resp SEL=v6 ;;
delete-by-peer) DELETE=peer ;;
ike-rekey-resp) ROLE=resp REKEY=ike ;;
ike-rekey-init) ROLE=init REKEY=ike-iked ;; # slow: phase1 keylife 120 s, iked rekeys at 108 s
delete-by-iked) ROLE=resp DELETE=iked ;;
# iked is a dial-up hub (type dynamic, mesh-selector-type subnet); charon offers
# two local and two remote subnets: one Child SA per pair, 3 of them started by iked.
mesh-subnet) ROLE=resp SEL=mesh MESH=yes DEVICE=model: IK_ESP=aes128gcm ;;
# authmethod signature, certificates made here (root -> intermediate -> leaf):
# RSA with RFC 7427 RSASSA-PSS both ways; RSA PKCS#1 with a user peer (CN);
# ECDSA P-256 with FQDN identities; ECDSA P-384 with the classic method 10 and
# PEM file paths instead of PEM in the configuration.
cert-rsa-init) CERT=rsa-pss ;;
cert-rsa-resp) ROLE=resp CERT=rsa-peer ;;
cert-ecdsa-init) CERT=ec256-fqdn ;;
cert-ecdsa-resp) ROLE=resp CERT=ec384-classic ;;
*) echo "unknown case $CASE"; exit 2 ;;
esac

case $SEL in
subnet) CH_TS=(--local-ts 10.98.2.0/24 --remote-ts 10.98.1.0/24)
	IK_TS="set src-subnet 10.98.1.0 255.255.255.0
        set dst-subnet 10.98.2.0 255.255.255.0" ;;
range) CH_TS=(--local-ts 10.98.2.1-10.98.2.50 --remote-ts 10.98.1.10-10.98.1.20 --inner-addr 10.98.2.1)
	IK_TS="set src-addr-type range
        set src-start-ip 10.98.1.10
        set src-end-ip 10.98.1.20
        set dst-addr-type range
        set dst-start-ip 10.98.2.1
        set dst-end-ip 10.98.2.50" ;;
mesh) CH_TS=(--local-ts 10.98.2.0/24,10.98.3.0/24 --remote-ts 10.98.1.0/24,10.98.4.0/24 --inner-addr 10.98.2.1)
	IK_TS="set src-subnet 10.98.0.0 255.255.0.0
        set dst-subnet 10.98.0.0 255.255.0.0" ;;
v6) CH_TS=(--local-ts fd00:98:2::/64 --remote-ts fd00:98:1::/64 --inner-addr none)
	IK_TS="set src-addr-type subnet6
        set dst-addr-type subnet6
        set src-subnet6 fd00:98:1::/64
        set dst-subnet6 fd00:98:2::/64" ;;
esac

P2_COMMON="set proposal $IK_ESP
        set replay enable"
if [ -n "$PFS" ]; then P2_COMMON="$P2_COMMON
        set pfs enable
        set dhgrp $PFS"; else P2_COMMON="$P2_COMMON
        set pfs disable"; fi
AUTO="set auto-negotiate disable"; [ $ROLE = init ] && AUTO="set auto-negotiate enable"

P1_EXTRA=; [ $REKEY = ike-iked ] && P1_EXTRA="set keylife 120"
P1_AUTH="set psksecret \"interop-secret-$CASE\""
CH_AUTH=() CERT_TABLES=
if [ $CERT != none ]; then
	command -v openssl >/dev/null || interop_skip "no openssl command"
	PKI=$WORK/pki
	mkdir -p "$PKI"
	case $CERT in rsa*) KEYALG=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048) ;;
	ec256*) KEYALG=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256) ;;
	ec384*) KEYALG=(-algorithm EC -pkeyopt ec_paramgen_curve:P-384) ;; esac
	# sign NAME ISSUER SUBJECT EXTENSIONS: NAME.key and NAME.pem issued by ISSUER
	sign() {
		openssl genpkey "${KEYALG[@]}" -out "$PKI/$1.key" 2>/dev/null
		printf "$4" >"$PKI/$1.ext"
		openssl req -new -key "$PKI/$1.key" -subj "$3" -out "$PKI/$1.csr"
		if [ "$2" = self ]; then
			openssl x509 -req -in "$PKI/$1.csr" -signkey "$PKI/$1.key" -days 30 -extfile "$PKI/$1.ext" \
				-out "$PKI/$1.pem" 2>/dev/null
		else
			openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.pem" -CAkey "$PKI/$2.key" -CAcreateserial \
				-days 30 -extfile "$PKI/$1.ext" -out "$PKI/$1.pem" 2>/dev/null
		fi
	}
	CA_EXT='basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n'
	sign ca self "/C=CH/O=Interop/CN=Interop Root CA" "$CA_EXT"
	sign inter ca "/C=CH/O=Interop/CN=Interop Intermediate CA" "${CA_EXT}authorityKeyIdentifier=keyid\n"
	for who in iked:10.99.0.1 charon:10.99.0.2; do
		sign ${who%%:*} inter "/C=CH/O=Interop/CN=${who%%:*}.interop" \
			"basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:${who%%:*}.interop,IP:${who#*:}\nauthorityKeyIdentifier=keyid\n"
	done
	cat "$PKI/iked.pem" "$PKI/inter.pem" >"$PKI/iked-chain.pem"
	CH_AUTH=(--auth pubkey --cert "$PKI/charon.pem" --key "$PKI/charon.key" --cacert "$PKI/ca.pem,$PKI/inter.pem")
	P1_AUTH="set authmethod signature
        set certificate \"iked\""
	if [ $CERT = ec384-classic ]; then # PEM file paths (relative to iked.conf), classic ECDSA
		CERT_TABLES="config vpn certificate local
    edit \"iked\"
        set certificate \"pki/iked-chain.pem\"
        set private-key \"pki/iked.key\"
    next
end
config vpn certificate ca
    edit \"Interop_CA\"
        set ca \"pki/ca.pem\"
    next
end"
	else # FortiOS's own form: the PEM in the configuration
		CERT_TABLES="config vpn certificate local
    edit \"iked\"
        set certificate \"$(cat "$PKI/iked-chain.pem")\"
        set private-key \"$(cat "$PKI/iked.key")\"
    next
end
config vpn certificate ca
    edit \"Interop_CA\"
        set ca \"$(cat "$PKI/ca.pem")\"
    next
end"
	fi
	case $CERT in
	rsa-pss) P1_AUTH="$P1_AUTH
        set rsa-signature-format pss"
		CH_AUTH+=(--charon-extra "rsa_pss = yes") ;;
	rsa-peer) P1_AUTH="$P1_AUTH
        set peertype peer
        set peer \"charon\""
		CERT_TABLES="$CERT_TABLES
config user peer
    edit \"charon\"
        set ca \"Interop_CA\"
        set cn \"charon.interop\"
    next
end" ;;
	ec256-fqdn) P1_AUTH="$P1_AUTH
        set localid \"iked.interop\"
        set peertype one
        set peerid \"charon.interop\""
		CH_AUTH+=(--local-id charon.interop --remote-id iked.interop) ;;
	ec384-classic) P1_AUTH="$P1_AUTH
        set digital-signature-auth disable" ;;
	esac
fi
P1_PEER="set remote-gw 10.99.0.2"
if [ $MESH = yes ]; then # the template's dynamic phase2s come up on their own
	P1_PEER="set type dynamic
        set mesh-selector-type subnet"
	AUTO="set auto-negotiate enable"
fi
cat > "$WORK/iked.conf" <<CONF
config vpn ipsec phase1-interface
    edit "ss"
        set interface "veth0"
        set ike-version 2
        $P1_PEER
        $P1_AUTH
        set proposal aes256gcm-prfsha384 aes128gcm-prfsha256
        set dhgrp 20 19 14
        $P1_EXTRA
    next
end
config vpn ipsec phase2-interface
    edit "ss-p2"
        set phase1name "ss"
        $P2_COMMON
        $AUTO
        $IK_TS
    next
CONF
if [ $EXTRA_CHILD = yes ]; then cat >> "$WORK/iked.conf" <<CONF
    edit "ss-p2b"
        set phase1name "ss"
        $P2_COMMON
        $AUTO
        set src-subnet 10.98.1.0 255.255.255.128
        set dst-subnet 10.98.2.0 255.255.255.128
    next
CONF
fi
echo "end" >> "$WORK/iked.conf"
[ -n "$CERT_TABLES" ] && echo "$CERT_TABLES" >> "$WORK/iked.conf"

echo "== case $CASE: iked $ROLE, charon ESP $CH_ESP, iked ESP $IK_ESP, PFS ${PFS:-no}, selectors $SEL"
# Under the lock, state left under our name is from a killed run: clear it.
"$S" stop --name "$NAME" >/dev/null 2>&1 || true
"$S" start --name "$NAME" --peer-ns "$DUT" --psk "interop-secret-$CASE" --esp-proposal "$CH_ESP" "${CH_TS[@]}" \
	"${CH_AUTH[@]}" \
	>"$WORK/start.log" 2>&1 || { cat "$WORK/start.log"; exit 1; }

if [ $SEL = v6 ]; then
	# The namespaces come with IPv6 off; charon needs an inner IPv6 address
	# inside its local selector to route the remote one into its TUN device.
	CH_NS=$("$S" env --name "$NAME" | sed -n 's/^SSP_NS=//p')
	ip netns exec "$CH_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
		net.ipv6.conf.lo.disable_ipv6=0
	ip netns exec "$CH_NS" ip -6 addr add fd00:98:2::1/128 dev lo nodad
fi

if [ $MESH = yes ]; then
	# charon (kernel-libipsec) routes a Child SA only with an address of its own
	# inside the local selector: one in the second subnet too.
	CH_NS=$("$S" env --name "$NAME" | sed -n 's/^SSP_NS=//p')
	ip netns exec "$CH_NS" ip addr add 10.98.3.1/32 dev lo
fi

DEVARGS=(); [ -n "$DEVICE" ] && DEVARGS=(--device "$DEVICE")
ip netns exec "$DUT" "$IKED" --config "$WORK/iked.conf" --export-keys "$WORK/keys.txt" \
	--socket "$WORK/iked.sock" --log-level debug "${DEVARGS[@]}" 2>"$WORK/iked.log" 9>&- &
IKED_PID=$!
sleep 0.5
if ! kill -0 $IKED_PID 2>/dev/null; then
	cat "$WORK/iked.log"
	grep -q "built without libespdrv" "$WORK/iked.log" && interop_skip "iked built without libespdrv"
	echo "iked did not start"; exit 1
fi

if [ $ROLE = resp ]; then
	"$S" initiate --name "$NAME" >"$WORK/initiate.log" 2>&1 || { cat "$WORK/initiate.log"; tail -30 "$WORK/iked.log"; echo "FAIL: charon could not initiate"; exit 1; }
fi

want_children=1; [ $EXTRA_CHILD = yes ] && want_children=2
[ $MESH = yes ] && want_children=4
installed() { "$S" status --name "$NAME" 2>/dev/null | grep -c "INSTALLED" || true; }
for _ in $(seq 1 50); do
	[ "$(installed)" -ge $want_children ] && break
	sleep 0.2
done
if [ "$(installed)" -lt $want_children ]; then
	"$S" status --name "$NAME" || true; tail -40 "$WORK/iked.log"
	echo "FAIL: expected $want_children CHILD_SA(s) at charon"; exit 1
fi

if [ $REKEY = ike-iked ]; then # iked rekeys the IKE SA at 90 % of keylife (108 s)
	for _ in $(seq 1 650); do
		grep -q "rekeyed into" "$WORK/iked.log" && grep -q "IKE SA closed: deleted by us" "$WORK/iked.log" && break
		sleep 0.2
	done
	grep -q "rekeyed into" "$WORK/iked.log" || { tail -30 "$WORK/iked.log"; echo "FAIL: iked did not rekey the IKE SA"; exit 1; }
	grep -q "IKE SA closed: deleted by us" "$WORK/iked.log" || { tail -30 "$WORK/iked.log"; echo "FAIL: old IKE SA not deleted"; exit 1; }
	"$S" status --name "$NAME" | grep -q INSTALLED || { echo "FAIL: Child SA lost in the IKE rekey"; exit 1; }
	grep -q "CHILD_SA .* removed" "$WORK/iked.log" && { echo "FAIL: iked dropped a Child SA in the IKE rekey"; exit 1; }
	echo "IKE SA rekeyed by iked; the Child SA moved to the new IKE SA"
	REKEY=yes # and a Child SA rekey from charon over the new IKE SA proves its keys
fi
if [ $REKEY = ike ]; then # charon rekeys the IKE SA; the Child SA moves to the new one
	"$S" rekey --name "$NAME" --ike-rekey-now yes >/dev/null
	for _ in $(seq 1 50); do
		grep -q "rekeyed into" "$WORK/iked.log" && grep -q "IKE SA closed: deleted by the peer" "$WORK/iked.log" && break
		sleep 0.2
	done
	grep -q "rekeyed into" "$WORK/iked.log" || { tail -30 "$WORK/iked.log"; echo "FAIL: no IKE rekey seen by iked"; exit 1; }
	grep -q "IKE SA closed: deleted by the peer" "$WORK/iked.log" || { echo "FAIL: old IKE SA not deleted"; exit 1; }
	"$S" status --name "$NAME" | grep -q INSTALLED || { echo "FAIL: Child SA lost in the IKE rekey"; exit 1; }
	grep -q "CHILD_SA .* removed" "$WORK/iked.log" && { echo "FAIL: iked dropped a Child SA in the IKE rekey"; exit 1; }
	echo "IKE SA rekeyed by charon; the Child SA moved to the new IKE SA"
	REKEY=yes # and a Child SA rekey over the new IKE SA proves its keys
fi
if [ $REKEY = yes ]; then # CREATE_CHILD_SA from charon with a PFS KE (iked responds)
	"$S" rekey --name "$NAME" >/dev/null
	for _ in $(seq 1 50); do
		grep -q "rekeyed by the peer" "$WORK/iked.log" && grep -q "removed: deleted by the peer" "$WORK/iked.log" && break
		sleep 0.2
	done
	grep -q "rekeyed by the peer" "$WORK/iked.log" || { tail -30 "$WORK/iked.log"; echo "FAIL: no rekey seen by iked"; exit 1; }
fi
sleep 0.3
"$S" status --name "$NAME" | sed -n '1,40p'
"$S" keys --name "$NAME" >"$WORK/charon.keys"
python3 "$HERE/compare_keys.py" "$WORK/charon.keys" "$WORK/keys.txt" --min-children $want_children \
	|| { cat "$WORK/charon.keys"; cat "$WORK/keys.txt"; echo "FAIL: keys differ"; exit 1; }
if ! grep -q "CHILD_SA ss-p2{" "$WORK/iked.log" && [ $MESH = no ]; then echo "FAIL: iked logged no CHILD_SA"; exit 1; fi
if [ $MESH = yes ]; then # four dynamic phase2s, each on its own card SAs, one per subnet pair
	for n in 0 1 2 3; do
		grep -q "CHILD_SA ss-p2_$n{.* path offload" "$WORK/iked.log" || { tail -30 "$WORK/iked.log"; echo "FAIL: no ss-p2_$n"; exit 1; }
	done
	if [ -n "$IKECTL" ]; then
		"$IKECTL" --socket "$WORK/iked.sock" -j tunnel list >"$WORK/list.json"
		python3 - "$WORK/list.json" <<'PY' || { cat "$WORK/list.json"; echo "FAIL: ikectl -j tunnel list (mesh)"; exit 1; }
import json, sys
doc = json.load(open(sys.argv[1]))
tunnels = doc["tunnels"] if isinstance(doc, dict) else doc
up = {x["tunnel"]: x for x in tunnels if x["state"] == "established"}
assert sorted(up) == ["ss-p2_0", "ss-p2_1", "ss-p2_2", "ss-p2_3"], sorted(up)
pairs = {n: (t["local_ts"][0]["start_addr"], t["remote_ts"][0]["start_addr"]) for n, t in up.items()}
want = {(l, r) for l in ("10.98.1.0", "10.98.4.0") for r in ("10.98.2.0", "10.98.3.0")}
assert set(pairs.values()) == want and all(len(t["local_ts"]) == 1 for t in up.values()), pairs
assert all(t["path"] == "offload" for t in up.values()), up
print("ikectl -j: dynamic phase2s", ", ".join(f"{n} {l}/24 === {r}/24" for n, (l, r) in sorted(pairs.items())))
PY
	fi
	"$S" status --name "$NAME" | grep -c "INSTALLED" | grep -qx 4 || { echo "FAIL: charon lacks the 4 Child SAs"; exit 1; }
	echo "mesh: 4 Child SAs, one per subnet pair"
fi

if [ -n "$DEVICE" ] && [ $MESH = no ]; then # the AES-GCM Child SA sits in the accelerator
	grep -q "path offload" "$WORK/iked.log" || { tail -20 "$WORK/iked.log"; echo "FAIL: Child SA not offloaded"; exit 1; }
	if [ -n "$IKECTL" ]; then
		"$IKECTL" --socket "$WORK/iked.sock" tunnel list | tee "$WORK/list.txt"
		grep -q "path=host" "$WORK/list.txt" && { echo "FAIL: ikectl shows a host-path SA"; exit 1; }
		# -j: both card SAs named, counters read back from the card (nothing sent yet),
		# SPIs equal to the exported ones.
		"$IKECTL" --socket "$WORK/iked.sock" -j tunnel list >"$WORK/list.json"
		python3 - "$WORK/list.json" "$WORK/keys.txt" <<'PY' || { cat "$WORK/list.json"; echo "FAIL: ikectl -j tunnel list"; exit 1; }
import json, sys
doc = json.load(open(sys.argv[1]))
tunnels = doc["tunnels"] if isinstance(doc, dict) else doc
t = [x for x in tunnels if x["tunnel"] == "ss-p2" and x["state"] == "established"]
assert len(t) == 1, t
t = t[0]
assert t["path"] == "offload" and t["counters_kept"] is True, t
assert t["offload_handle"] is not None and t["offload_handle_out"] is not None, t
assert t["packets_out"] == 0 and t["seq_out"] == 0 and t["drops_in"] == 0, t
assert t["lifetime_s"] and 0 < t["lifetime_left_s"] <= t["lifetime_s"], t
keys = open(sys.argv[2]).read().lower()
assert t["spi_in"] in keys and t["spi_out"] in keys, (t["spi_in"], t["spi_out"])
print("ikectl -j: offload", t["offload_handle"], t["offload_handle_out"], "spis", t["spi_in"], t["spi_out"])
PY
	fi
	echo "offload: AES-GCM Child SA installed in $DEVICE"
fi

if [ "${TRAFFIC:-no}" = yes ]; then # the host path carries ping and TCP between the inner addresses
	[ -n "$IKECTL" ] || { echo "FAIL: traffic check needs ikectl"; exit 1; }
	CH_NS=$("$S" env --name "$NAME" | sed -n 's/^SSP_NS=//p')
	bash "$HERE/hostpath_traffic.sh" "$DUT" "$CH_NS" "$IKECTL" "$WORK/iked.sock" "$WORK" "$S" "$NAME" \
		|| { tail -30 "$WORK/iked.log"; echo "FAIL: traffic through iked's host path"; exit 1; }
fi

case $DELETE in
peer) # charon deletes the Child SA, then the IKE SA
	"$S" swanctl --name "$NAME" -- --terminate --child net --force >/dev/null 2>&1 || true
	for _ in $(seq 1 25); do grep -q "removed: deleted by the peer" "$WORK/iked.log" && break; sleep 0.2; done
	grep -q "removed: deleted by the peer" "$WORK/iked.log" || { echo "FAIL: iked kept the Child SA"; exit 1; }
	[ "$(installed)" = 0 ] || { echo "FAIL: charon kept the Child SA"; exit 1; }
	"$S" terminate --name "$NAME" >/dev/null 2>&1 || true
	for _ in $(seq 1 25); do grep -q "IKE SA closed: deleted by the peer" "$WORK/iked.log" && break; sleep 0.2; done
	grep -q "IKE SA closed: deleted by the peer" "$WORK/iked.log" || { echo "FAIL: iked kept the IKE SA"; exit 1; }
	echo "delete by charon: Child SA and IKE SA gone on both sides" ;;
iked) # iked deletes the Child SA (ikectl tunnel down), then the IKE SA (SIGTERM)
	if [ -n "$IKECTL" ]; then
		"$IKECTL" --socket "$WORK/iked.sock" tunnel list | tee "$WORK/list.txt"
		grep -q "ss-p2" "$WORK/list.txt" || { echo "FAIL: ikectl tunnel list lacks ss-p2"; exit 1; }
		"$IKECTL" --socket "$WORK/iked.sock" gateway list
		"$IKECTL" --socket "$WORK/iked.sock" tunnel down ss-p2
		for _ in $(seq 1 25); do [ "$(installed)" = 0 ] && break; sleep 0.2; done
		[ "$(installed)" = 0 ] || { "$S" status --name "$NAME"; echo "FAIL: charon kept the Child SA"; exit 1; }
		grep -q "removed: deleted by us" "$WORK/iked.log" || { echo "FAIL: iked kept the Child SA"; exit 1; }
		echo "Child SA deleted by iked (ikectl tunnel down): gone on both sides"
	fi
	kill -TERM $IKED_PID; wait $IKED_PID || true; IKED_PID=
	for _ in $(seq 1 25); do "$S" status --name "$NAME" | grep -q ESTABLISHED || break; sleep 0.2; done
	if "$S" status --name "$NAME" | grep -q "ESTABLISHED\|INSTALLED"; then echo "FAIL: charon kept the SAs"; exit 1; fi
	grep -q "IKE SA closed: deleted by us" "$WORK/iked.log" || { echo "FAIL: iked did not delete"; exit 1; }
	echo "delete by iked: IKE SA gone on both sides" ;;
esac
if [ $CERT != none ]; then # who signed how, as each side logged it
	CH_LOG=$("$S" env --name "$NAME" | sed -n 's/^SSP_LOG=//p')
	grep "authenticated with certificate" "$WORK/iked.log" | sed 's/^/iked: /'
	grep -q "authenticated with certificate C=CH, O=Interop, CN=charon.interop" "$WORK/iked.log" ||
		{ tail -30 "$WORK/iked.log"; echo "FAIL: iked did not verify charon's certificate"; exit 1; }
	grep "authentication of 'C=CH, O=Interop, CN=iked.interop'\|authentication of 'iked.interop'" "$CH_LOG" |
		grep successful | sed 's/^.*authentication/charon: authentication/' | grep . ||
		{ grep -i "auth\|cert" "$CH_LOG" | tail -30; echo "FAIL: charon did not verify iked's certificate"; exit 1; }
	case $CERT in
	rsa-pss) want="RFC 7427 RSASSA-PSS" ;;
	rsa-peer) want="RFC 7427 RSA PKCS#1 v1.5" ;;
	ec256-fqdn) want="peer charon.interop authenticated with certificate .* RFC 7427 ECDSA" ;;
	ec384-classic) want="ECDSA P-384 SHA-384 (method 10)" ;;
	esac
	grep "authenticated with certificate" "$WORK/iked.log" | grep -q "$want" || { echo "FAIL: charon did not sign with $want"; exit 1; }
	grep "signing as" "$WORK/iked.log" | grep -q "${want##*certificate .\* }" || { echo "FAIL: iked did not sign with $want"; exit 1; }
	grep -q "BEGIN .*PRIVATE KEY" "$WORK/iked.log" && { echo "FAIL: the private key leaked into the log"; exit 1; }
fi
if grep -E "Sk_|secret|psk" -i "$WORK/iked.log" | grep -qi "interop-secret"; then echo "FAIL: the PSK leaked into the log"; exit 1; fi
echo "PASS: $CASE"
