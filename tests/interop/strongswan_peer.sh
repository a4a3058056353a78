#!/usr/bin/env bash
# strongswan_peer.sh - strongSwan's charon (Debian's packages) as the IKEv2/ESP peer of the
# interop tests and benchmarks: one instance per network namespace, ESP in user space
# (kernel-libipsec and a TUN device, since these machines' kernels lack ESP), swanctl
# configuration written per instance, and every derived key logged so tests can compare
# keys and decrypt captures. Documented in tests/interop/README.md.
#
#   strongswan_peer.sh start     [options]   create namespace(s)/veth, write config, start charon
#   strongswan_peer.sh initiate  [options]   initiate the CHILD_SA (and IKE_SA) towards the remote
#   strongswan_peer.sh rekey     [options]   rekey the CHILD_SA (--ike-rekey-now yes: the IKE_SA)
#   strongswan_peer.sh terminate [options]   terminate the IKE_SA
#   strongswan_peer.sh status    [options]   process state + swanctl --list-sas
#   strongswan_peer.sh keys      [options]   IKE/CHILD SA SPIs and keys from the log (--format kv|esp-sa|ikev2)
#   strongswan_peer.sh env       [options]   print the instance's settings as shell assignments
#   strongswan_peer.sh swanctl   [options] -- ARGS...   run swanctl against this instance
#   strongswan_peer.sh stop      [options]   kill this instance's charon, delete what start created
#   strongswan_peer.sh selftest  [--name N]  charon vs charon in two namespaces, then cleans up
#
# Every option --foo-bar VALUE can also be given as environment variable SSP_FOO_BAR.
# Only system paths are used; per-instance state lives in $SSP_STATE_ROOT/<name>.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

CHARON=/usr/lib/ipsec/charon
SWANCTL=/usr/sbin/swanctl
PLUGIN_DIR=/usr/lib/ipsec/plugins
PKGS="strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins libstrongswan-extra-plugins iproute2"
DEFAULT_PLUGINS="random nonce openssl aes sha1 sha2 hmac gcm chapoly curve25519 gmp kdf pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici"

KNOWN_OPTS="NAME STATE_ROOT NS PEER_NS LOCAL REMOTE PREFIX LOCAL_ID REMOTE_ID PSK IKE_PROPOSAL
ESP_PROPOSAL LOCAL_TS REMOTE_TS ENCAP MODE LOG LOGLEVEL INNER_ADDR ROUTES CONN CHILD START_ACTION
UNIQUE IKE_REKEY CHILD_REKEY REMOTE_PORT IKE_PORT NATT_PORT PLUGINS CONN_EXTRA CHILD_EXTRA
CHARON_EXTRA TIMEOUT FORMAT IKE_REKEY_NOW KEEP_STATE THREADS AUTH CERT KEY CACERT"

die() { echo "strongswan_peer: $*" >&2; exit 1; }
log() { echo "strongswan_peer: $*" >&2; }

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
	cat <<'EOF'
Options (default in brackets; env var SSP_<OPTION> with '-' -> '_'):
  --name N            instance name [peer]; state in $SSP_STATE_ROOT/N [/tmp/strongswan-peer]
  --ns NS             namespace for charon [sspeer-N]; created unless it exists
  --peer-ns P|caller|none  other end of the veth: a namespace (created if missing) [sspeer-N-dut],
                      'caller' = the namespace this script runs in, 'none' = no veth (NS must exist)
  --local A / --remote A / --prefix L   charon's and the peer's outer address [10.99.0.2 / 10.99.0.1 / 24]
  --local-id / --remote-id   IKE identities [local address / %any]
  --psk S             pre-shared key [strongswan-peer-test-psk]
  --auth psk|pubkey   authentication of both sides [psk]; pubkey: certificates, with
  --cert FILE         charon's end-entity certificate (PEM), put into swanctl/x509
  --key FILE          its private key (PEM, PKCS#1/SEC1 or PKCS#8), put into swanctl/private
  --cacert FILE[,FILE...]  CA certificates (root, intermediates), put into swanctl/x509ca;
                      with pubkey the local id defaults to the certificate's subject DN
  --ike-proposal P    [aes256gcm16-prfsha384-ecp384]
  --esp-proposal P    comma separated list [aes128gcm16,aes256gcm16,chacha20poly1305]
  --local-ts / --remote-ts   traffic selectors [10.98.2.0/24 / 10.98.1.0/24]
  --encap yes|no      request UDP encapsulation (port 4500) [yes]; kernel-libipsec
                      always sends ESP in UDP 4500 anyway
  --mode tunnel|transport [tunnel]     --start-action none|trap|start [none]
  --log FILE          charon log [STATE/charon.log]; --loglevel keys|normal|quiet [keys]
  --inner-addr A|auto|none  address put on lo in NS inside local-ts (routes via ipsec0 need it) [auto]
  --routes yes|no     let charon install routes to the remote TS via the TUN device [yes]
  --conn C / --child C  connection / child names [peer / net]
  --unique no|never|replace|keep [no]   --ike-rekey T [4h]  --child-rekey T [1h]
  --remote-port P [500]  --ike-port P [500]  --natt-port P [4500]
  --plugins "LIST"    charon plugin load list [kernel-libipsec based list]
  --threads N         charon worker threads [32]
  --conn-extra / --child-extra / --charon-extra "k = v;k2 = v2"  extra lines (';' separated)
  --timeout S         swanctl timeout for initiate/terminate [20]
  --ike-rekey-now yes rekey: rekey the IKE_SA instead of the CHILD_SA
  --format kv|esp-sa|ikev2   output of 'keys' [kv]
EOF
}

# ---------------------------------------------------------------- options
CMD=${1:-help}
[ $# -gt 0 ] && shift
PASSTHRU=()
while [ $# -gt 0 ]; do
	case "$1" in
	--) shift; PASSTHRU=("$@"); break ;;
	--help|-h) usage; exit 0 ;;
	--*=*) opt=${1%%=*}; val=${1#*=}; shift ;;
	--*) opt=$1; [ $# -ge 2 ] || die "option $1 needs a value"; val=$2; shift 2 ;;
	*) die "unexpected argument '$1' (try --help)" ;;
	esac
	var=$(echo "${opt#--}" | tr 'a-z-' 'A-Z_')
	case " $(echo $KNOWN_OPTS) " in *" $var "*) ;; *) die "unknown option $opt" ;; esac
	printf -v "SSP_$var" '%s' "$val"
	export "SSP_$var"
done

NAME=${SSP_NAME:-peer}
case "$NAME" in *[!A-Za-z0-9_.-]*|"") die "bad --name '$NAME'" ;; esac
STATE_ROOT=${SSP_STATE_ROOT:-/tmp/strongswan-peer}
STATE=$STATE_ROOT/$NAME
CONF_ENV=$STATE/instance.env

load_instance() {
	[ -f "$CONF_ENV" ] || die "instance '$NAME' is not started (no $CONF_ENV)"
	# shellcheck disable=SC1090
	. "$CONF_ENV"
}

# ---------------------------------------------------------------- helpers
need_root() { [ "$(id -u)" = 0 ] || die "must run as root (namespaces, TUN)"; }

ensure_packages() {
	local missing=0
	[ -x "$CHARON" ] || missing=1
	[ -x "$SWANCTL" ] || missing=1
	[ -f "$PLUGIN_DIR/libstrongswan-kernel-libipsec.so" ] || missing=1
	[ -f "$PLUGIN_DIR/libstrongswan-gcm.so" ] || missing=1
	[ -f "$PLUGIN_DIR/libstrongswan-chapoly.so" ] || missing=1
	command -v ip >/dev/null 2>&1 || missing=1
	[ $missing = 0 ] && return 0
	log "installing Debian packages: $PKGS"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends $PKGS >/dev/null 2>&1 || {
		apt-get update >/dev/null
		apt-get install -y --no-install-recommends $PKGS >/dev/null
	}
	[ -x "$CHARON" ] && [ -f "$PLUGIN_DIR/libstrongswan-kernel-libipsec.so" ] ||
		die "strongSwan packages did not install"
}

ns_exists() { [ -n "$1" ] && ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$1"; }

# process start time (field 22 of /proc/PID/stat), to recognise our pid later
proc_start() { awk '{sub(/^.*\) /, ""); print $20}' "/proc/$1/stat" 2>/dev/null || true; }

is_our_charon() {
	local pid=$1 start=$2
	[ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
	[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$CHARON" ] || return 1
	[ "$(proc_start "$pid")" = "$start" ]
}

uri() { echo "unix://$STATE/charon.vici"; }

swan() { "$SWANCTL" "$@" --uri "$(uri)"; }

# first IPv4 address inside the first IPv4 subnet of a TS list (network + 1)
auto_inner() {
	local ts=${1%%,*} net len a b c d n
	case "$ts" in */*) net=${ts%/*}; len=${ts#*/} ;; *) net=$ts; len=32 ;; esac
	case "$net" in *.*.*.*) ;; *) return 0 ;; esac
	[ "$len" -ge 1 ] 2>/dev/null || return 0
	IFS=. read -r a b c d <<<"$net"
	n=$(( (a << 24) | (b << 16) | (c << 8) | d ))
	[ "$len" -lt 32 ] && n=$(( n + 1 ))
	echo "$(( (n >> 24) & 255 )).$(( (n >> 16) & 255 )).$(( (n >> 8) & 255 )).$(( n & 255 ))"
}

extra_lines() { # "a = b;c = d" -> indented lines
	local indent=$1 s=$2
	[ -n "$s" ] || return 0
	echo "$s" | tr ';' '\n' | sed -e 's/^[[:space:]]*//' -e '/^$/d' -e "s/^/$indent/"
}

# ---------------------------------------------------------------- start
cmd_start() {
	need_root
	ensure_packages
	local NS=${SSP_NS:-sspeer-$NAME}
	local PEER_NS=${SSP_PEER_NS:-sspeer-$NAME-dut}
	local LOCAL=${SSP_LOCAL:-10.99.0.2} REMOTE=${SSP_REMOTE:-10.99.0.1} PREFIX=${SSP_PREFIX:-24}
	local LOCAL_ID=${SSP_LOCAL_ID:-$LOCAL} REMOTE_ID=${SSP_REMOTE_ID:-%any}
	local PSK=${SSP_PSK:-strongswan-peer-test-psk}
	local AUTH=${SSP_AUTH:-psk}
	case "$AUTH" in
	psk) ;;
	pubkey)
		[ -f "${SSP_CERT:-}" ] || die "--auth pubkey needs --cert FILE"
		[ -f "${SSP_KEY:-}" ] || die "--auth pubkey needs --key FILE"
		[ -n "${SSP_CACERT:-}" ] || die "--auth pubkey needs --cacert FILE"
		# the charon default id of a certificate connection is its subject
		[ -n "${SSP_LOCAL_ID:-}" ] || LOCAL_ID= ;;
	*) die "bad --auth '$AUTH' (psk or pubkey)" ;;
	esac
	local IKE_PROPOSAL=${SSP_IKE_PROPOSAL:-aes256gcm16-prfsha384-ecp384}
	local ESP_PROPOSAL=${SSP_ESP_PROPOSAL:-aes128gcm16,aes256gcm16,chacha20poly1305}
	local LOCAL_TS=${SSP_LOCAL_TS:-10.98.2.0/24} REMOTE_TS=${SSP_REMOTE_TS:-10.98.1.0/24}
	local ENCAP=${SSP_ENCAP:-yes} MODE=${SSP_MODE:-tunnel} START_ACTION=${SSP_START_ACTION:-none}
	local LOGFILE=${SSP_LOG:-$STATE/charon.log} LOGLEVEL=${SSP_LOGLEVEL:-keys}
	local INNER=${SSP_INNER_ADDR:-auto} ROUTES=${SSP_ROUTES:-yes}
	local CONN=${SSP_CONN:-peer} CHILD=${SSP_CHILD:-net} UNIQUE=${SSP_UNIQUE:-no}
	local IKE_REKEY=${SSP_IKE_REKEY:-4h} CHILD_REKEY=${SSP_CHILD_REKEY:-1h}
	local REMOTE_PORT=${SSP_REMOTE_PORT:-500} IKE_PORT=${SSP_IKE_PORT:-500} NATT_PORT=${SSP_NATT_PORT:-4500}
	local PLUGINS=${SSP_PLUGINS:-$DEFAULT_PLUGINS}
	[ "$AUTH" = pubkey ] && [ -z "${SSP_PLUGINS:-}" ] && PLUGINS="$PLUGINS pkcs8"

	if [ -f "$STATE/pid" ]; then
		local opid ostart
		read -r opid ostart <"$STATE/pid" || true
		is_our_charon "$opid" "$ostart" && die "instance '$NAME' already running (pid $opid)"
	fi
	if [ -d "$STATE" ] && [ -f "$STATE/owned_ns" ] && [ -s "$STATE/owned_ns" ]; then
		die "stale state in $STATE (namespaces: $(tr '\n' ' ' <"$STATE/owned_ns")); run 'stop --name $NAME' first"
	fi
	case "$LOGFILE" in /*) ;; *) LOGFILE=$PWD/$LOGFILE ;; esac
	rm -rf "$STATE"
	mkdir -p "$STATE/run" "$STATE/swanctl"
	(cd "$STATE/swanctl" && mkdir -p x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12)
	: >"$STATE/owned_ns"
	mkdir -p "$(dirname "$LOGFILE")"
	if [ "$AUTH" = pubkey ]; then
		cp "$SSP_CERT" "$STATE/swanctl/x509/local.pem"
		install -m 600 "$SSP_KEY" "$STATE/swanctl/private/local.key"
		local ca n=0
		for ca in ${SSP_CACERT//,/ }; do
			[ -f "$ca" ] || die "--cacert: no file $ca"
			n=$((n + 1))
			cp "$ca" "$STATE/swanctl/x509ca/ca$n.pem"
		done
	fi

	# --- network
	local h ifa ifb
	h=$(printf '%s' "$NAME" | md5sum | cut -c1-6)
	ifa=ssp${h}a ifb=ssp${h}b
	if ! ns_exists "$NS"; then
		ip netns add "$NS"
		echo "$NS" >>"$STATE/owned_ns"
	fi
	ip -n "$NS" link set lo up
	ip netns exec "$NS" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null || true
	case "$PEER_NS" in
	none) ;;
	caller)
		ip link add "$ifb" type veth peer name "$ifa" netns "$NS"
		echo "$ifb" >"$STATE/caller_veth"
		[ -w "/proc/sys/net/ipv6/conf/$ifb/disable_ipv6" ] && echo 1 >"/proc/sys/net/ipv6/conf/$ifb/disable_ipv6"
		ip addr add "$REMOTE/$PREFIX" dev "$ifb"
		ip link set "$ifb" up
		;;
	*)
		if ! ns_exists "$PEER_NS"; then
			ip netns add "$PEER_NS"
			echo "$PEER_NS" >>"$STATE/owned_ns"
			ip netns exec "$PEER_NS" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null || true
		fi
		ip -n "$PEER_NS" link set lo up
		ip link add "$ifa" netns "$NS" type veth peer name "$ifb" netns "$PEER_NS"
		ip -n "$PEER_NS" addr add "$REMOTE/$PREFIX" dev "$ifb"
		ip -n "$PEER_NS" link set "$ifb" up
		;;
	esac
	if [ "$PEER_NS" != none ]; then
		ip -n "$NS" addr add "$LOCAL/$PREFIX" dev "$ifa"
		ip -n "$NS" link set "$ifa" up
	fi
	[ "$INNER" = auto ] && INNER=$(auto_inner "$LOCAL_TS")
	if [ -n "$INNER" ] && [ "$INNER" != none ]; then
		ip -n "$NS" addr replace "$INNER/32" dev lo
	fi

	# --- configuration
	local lv
	case "$LOGLEVEL" in
	keys)   lv="default = 1|ike = 4|chd = 4|cfg = 2|knl = 2|mgr = 2|esp = 2|net = 1|enc = 1" ;;
	normal) lv="default = 1" ;;
	quiet)  lv="default = 0" ;;
	*) die "bad --loglevel '$LOGLEVEL'" ;;
	esac
	local install_routes=yes
	[ "$ROUTES" = no ] && install_routes=no
	{
		echo "# written by strongswan_peer.sh for instance '$NAME'"
		echo "charon {"
		echo "  load_modular = no"
		echo "  load = $PLUGINS"
		echo "  port = $IKE_PORT"
		echo "  port_nat_t = $NATT_PORT"
		echo "  install_routes = $install_routes"
		echo "  install_virtual_ip = no"
		# kernel-libipsec keeps ~9 of the worker threads busy; leave room for blocking vici calls
		echo "  threads = ${SSP_THREADS:-32}"
		extra_lines "  " "${SSP_CHARON_EXTRA:-}"
		echo "  plugins {"
		echo "    vici {"
		echo "      socket = $(uri)"
		echo "    }"
		echo "  }"
		echo "  filelog {"
		echo "    sspeer {"
		echo "      path = $LOGFILE"
		echo "      time_format = %T"
		echo "      ike_name = yes"
		echo "      append = no"
		echo "      flush_line = yes"
		echo "$lv" | tr '|' '\n' | sed 's/^/      /'
		echo "    }"
		echo "  }"
		echo "  syslog {"
		echo "    daemon {"
		echo "      default = -1"
		echo "    }"
		echo "  }"
		echo "}"
	} >"$STATE/strongswan.conf"

	local secret
	case "$PSK" in 0x*|0s*) secret=$PSK ;; *) secret="\"$PSK\"" ;; esac
	{
		echo "connections {"
		echo "  $CONN {"
		echo "    version = 2"
		echo "    local_addrs = $LOCAL"
		echo "    remote_addrs = $REMOTE"
		echo "    remote_port = $REMOTE_PORT"
		echo "    proposals = $IKE_PROPOSAL"
		echo "    encap = $ENCAP"
		echo "    mobike = no"
		echo "    unique = $UNIQUE"
		echo "    rekey_time = $IKE_REKEY"
		extra_lines "    " "${SSP_CONN_EXTRA:-}"
		echo "    local {"
		echo "      auth = $AUTH"
		[ -n "$LOCAL_ID" ] && echo "      id = $LOCAL_ID"
		[ "$AUTH" = pubkey ] && echo "      certs = local.pem"
		echo "    }"
		echo "    remote {"
		echo "      auth = $AUTH"
		echo "      id = $REMOTE_ID"
		echo "    }"
		echo "    children {"
		echo "      $CHILD {"
		echo "        local_ts = $LOCAL_TS"
		echo "        remote_ts = $REMOTE_TS"
		echo "        esp_proposals = $ESP_PROPOSAL"
		echo "        mode = $MODE"
		echo "        start_action = $START_ACTION"
		echo "        rekey_time = $CHILD_REKEY"
		extra_lines "        " "${SSP_CHILD_EXTRA:-}"
		echo "      }"
		echo "    }"
		echo "  }"
		echo "}"
		echo "secrets {"
		echo "  ike-sspeer {"
		echo "    secret = $secret"
		echo "  }"
		echo "}"
	} >"$STATE/swanctl/swanctl.conf"
	chmod 600 "$STATE/swanctl/swanctl.conf"

	# --- charon: own netns, own mount namespace with STATE/run on /run (pid file
	# /var/run/charon.pid is compiled in), own strongswan.conf and vici socket
	(
		export STRONGSWAN_CONF="$STATE/strongswan.conf"
		exec setsid ip netns exec "$NS" unshare --mount --propagation private \
			sh -c 'mount --bind "$1" /run && exec "$2"' sh "$STATE/run" "$CHARON"
	) </dev/null >"$STATE/charon.out" 2>&1 9>&- &
	local launcher=$! pid=""
	for _ in $(seq 1 100); do
		if [ -s "$STATE/run/charon.pid" ]; then
			pid=$(cat "$STATE/run/charon.pid")
			[ -S "$STATE/charon.vici" ] && break
		fi
		kill -0 "$launcher" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$pid" ] || [ ! -S "$STATE/charon.vici" ]; then
		cat "$STATE/charon.out" >&2 || true
		[ -f "$LOGFILE" ] && tail -n 20 "$LOGFILE" >&2
		echo "$launcher $(proc_start "$launcher")" >"$STATE/pid"
		write_env
		die "charon did not come up (see above); run 'stop --name $NAME' to clean up"
	fi
	echo "$pid $(proc_start "$pid")" >"$STATE/pid"
	write_env
	for _ in $(seq 1 50); do swan --stats >/dev/null 2>&1 && break; sleep 0.1; done
	# SWANCTL_DIR: certificates and keys from this instance's x509, x509ca and private
	if ! SWANCTL_DIR=$STATE/swanctl swan --load-all --noprompt --file "$STATE/swanctl/swanctl.conf" \
		>"$STATE/load.out" 2>&1; then
		cat "$STATE/load.out" >&2
		die "swanctl --load-all failed"
	fi
	cat "$CONF_ENV"
}

write_env() {
	{
		printf 'SSP_NAME=%q\n' "$NAME"
		printf 'SSP_NS=%q\n' "$NS"
		printf 'SSP_PEER_NS=%q\n' "$PEER_NS"
		printf 'SSP_LOCAL=%q\nSSP_REMOTE=%q\n' "$LOCAL" "$REMOTE"
		printf 'SSP_LOCAL_TS=%q\nSSP_REMOTE_TS=%q\n' "$LOCAL_TS" "$REMOTE_TS"
		printf 'SSP_INNER_ADDR=%q\n' "${INNER:-none}"
		printf 'SSP_CONN=%q\nSSP_CHILD=%q\n' "$CONN" "$CHILD"
		printf 'SSP_LOG=%q\n' "$LOGFILE"
		printf 'SSP_VICI=%q\n' "$(uri)"
		printf 'SSP_PID=%q\n' "$(cut -d' ' -f1 "$STATE/pid" 2>/dev/null)"
		printf 'SSP_STATE=%q\n' "$STATE"
	} >"$CONF_ENV"
}

# ---------------------------------------------------------------- stop
cmd_stop() {
	need_root
	[ -d "$STATE" ] || { log "instance '$NAME' not found (nothing to stop)"; return 0; }
	local pid="" start=""
	[ -f "$STATE/pid" ] && read -r pid start <"$STATE/pid" || true
	if [ -n "$pid" ] && is_our_charon "$pid" "$start"; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
		if is_our_charon "$pid" "$start"; then
			log "charon $pid did not exit on SIGTERM, sending SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
			sleep 0.2
		fi
	elif [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(proc_start "$pid")" = "$start" ]; then
		kill -TERM "$pid" 2>/dev/null || true   # our launcher (charon failed to exec)
	fi
	if [ -f "$STATE/caller_veth" ]; then
		ip link del "$(cat "$STATE/caller_veth")" 2>/dev/null || true
	fi
	if [ -f "$STATE/owned_ns" ]; then
		local ns
		while read -r ns; do
			[ -n "$ns" ] && ns_exists "$ns" && { ip netns del "$ns" || log "could not delete netns $ns"; }
		done <"$STATE/owned_ns"
	fi
	if [ "${SSP_KEEP_STATE:-no}" = yes ]; then
		rm -f "$STATE/owned_ns" "$STATE/caller_veth" "$STATE/pid"
		log "stopped '$NAME' (state kept in $STATE)"
	else
		rm -rf "$STATE"
		log "stopped '$NAME'"
	fi
}

# ---------------------------------------------------------------- control
running_or_die() {
	load_instance
	local pid start
	read -r pid start <"$STATE/pid" || true
	is_our_charon "$pid" "$start" || die "charon of instance '$NAME' is not running"
}

cmd_initiate() {
	running_or_die
	swan --initiate --child "${SSP_CHILD:-net}" --timeout "${SSP_TIMEOUT:-20}"
}

cmd_rekey() {
	running_or_die
	if [ "${SSP_IKE_REKEY_NOW:-no}" = yes ]; then
		swan --rekey --ike "$SSP_CONN"
	else
		swan --rekey --child "$SSP_CHILD"
	fi
}

cmd_terminate() {
	running_or_die
	swan --terminate --ike "$SSP_CONN" --timeout "${SSP_TIMEOUT:-20}" || true
}

cmd_status() {
	load_instance
	local pid start
	read -r pid start <"$STATE/pid" || true
	if is_our_charon "$pid" "$start"; then
		echo "instance $NAME: charon running, pid $pid, netns $SSP_NS, $SSP_LOCAL <-> $SSP_REMOTE, vici $SSP_VICI, log $SSP_LOG"
		swan --list-sas
	else
		echo "instance $NAME: charon NOT running (netns $SSP_NS, log $SSP_LOG)"
		return 1
	fi
}

cmd_swanctl() {
	load_instance
	swan "${PASSTHRU[@]}"
}

# ---------------------------------------------------------------- keys
# Parses the charon log written with ike=4/chd=4/mgr=2 and ike_name=yes.
cmd_keys() {
	local logf fmt=${SSP_FORMAT:-kv}
	if [ -n "${SSP_LOG:-}" ] && [ ! -f "$CONF_ENV" ]; then logf=$SSP_LOG; else load_instance; logf=$SSP_LOG; fi
	[ -f "$logf" ] || die "no log file $logf"
	awk -v fmt="$fmt" -f "$HERE/charon_keys.awk" "$logf"
}

cmd_env() { load_instance; cat "$CONF_ENV"; }

# charon vs charon in two fresh namespaces: IKE_SA + CHILD_SA, a CHILD_SA rekey,
# traffic through the TUN devices (if ping exists), both sides' keys must agree.
cmd_selftest() {
	need_root
	local self=$0 a=${NAME}-sta b=${NAME}-stb rc=0 ka kb
	local nsa=sspeer-$a
	unset SSP_NS SSP_PEER_NS SSP_LOCAL SSP_REMOTE SSP_LOCAL_TS SSP_REMOTE_TS SSP_INNER_ADDR SSP_LOG
	"$self" start --name "$b" --peer-ns "$nsa" >/dev/null || rc=1
	[ $rc = 0 ] && { "$self" start --name "$a" --ns "$nsa" --peer-ns none --local 10.99.0.1 --remote 10.99.0.2 \
		--local-ts 10.98.1.0/24 --remote-ts 10.98.2.0/24 >/dev/null || rc=1; }
	[ $rc = 0 ] && { "$self" initiate --name "$a" >/dev/null || { echo "selftest: initiate failed"; rc=1; }; }
	[ $rc = 0 ] && { "$self" rekey --name "$a" >/dev/null || rc=1; sleep 1; }
	if [ $rc = 0 ] && command -v ping >/dev/null 2>&1; then
		ip netns exec "$nsa" ping -c 2 -i 0.3 -W 2 -I 10.98.1.1 10.98.2.1 >/dev/null ||
			{ echo "selftest: no traffic through the tunnel"; rc=1; }
	fi
	if [ $rc = 0 ]; then
		ka=$("$self" keys --name "$a" | awk '/^child/ {print $8, $9, $10, $13}' | sort)
		kb=$("$self" keys --name "$b" | awk '/^child/ {print $8, $9, $10, $13}' | sort)
		if [ -z "$ka" ] || [ "$ka" != "$kb" ] || [ "$(echo "$ka" | wc -l)" -lt 4 ]; then
			echo "selftest: CHILD_SA keys differ or are missing"; rc=1
		fi
	fi
	"$self" status --name "$a" 2>/dev/null | sed -n '2,20p'
	"$self" stop --name "$a" 2>/dev/null || true
	"$self" stop --name "$b" 2>/dev/null || true
	if [ $rc = 0 ]; then echo "selftest: 1 passed, 0 failed"; else echo "selftest: 0 passed, 1 failed"; fi
	return $rc
}

case "$CMD" in
start) cmd_start ;;
stop) cmd_stop ;;
initiate) cmd_initiate ;;
rekey) cmd_rekey ;;
terminate) cmd_terminate ;;
status) cmd_status ;;
keys) cmd_keys ;;
env) cmd_env ;;
selftest) cmd_selftest ;;
swanctl) cmd_swanctl ;;
help|-h|--help) usage ;;
*) die "unknown command '$CMD' (try --help)" ;;
esac
