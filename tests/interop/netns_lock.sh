# Sourced by the namespace interop scripts: prerequisites, the lock and the names.
# Namespaces, veth names and the 10.9x.0.0/24 addresses are machine-wide, so two
# checkouts running their suites at once (or a ctest -j) would tear down each
# other's peers: take one machine-wide lock for the whole case.
# Daemons a case starts in the background get `9>&-`: one that outlived a killed case would
# otherwise hold the lock and stall every later run on the machine.
interop_lock() {
	local lock=${ESP_INTEROP_LOCK:-/run/lock/esp-offload-interop.lock}
	exec 9>"$lock"
	if ! flock -w "${ESP_INTEROP_LOCK_WAIT:-900}" 9; then
		echo "FAIL: another interop run held $lock for ${ESP_INTEROP_LOCK_WAIT:-900} s"
		exit 1
	fi
}

# A namespace-safe name of at most 14 characters (veth names allow 15; the
# callers add one suffix character) that stays distinct for cases sharing a
# long prefix (ike-rekey-init / ike-rekey-resp).
interop_name() {
	local prefix=$1 case=$2 sum
	sum=$(printf %s "$case" | cksum | cut -d' ' -f1)
	sum=$(printf %04x $((sum % 65536)))
	local head=${case:0:$((14 - ${#prefix} - 5))}
	echo "$prefix$head-$sum" | tr -c 'a-z0-9\n-' '-'
}

# Exits 77 (ctest's skip) with the reason where a namespace case cannot run: not root, no
# iproute2, and each named need: charon (strongSwan), tun (/dev/net/tun).
interop_require() {
	local need
	[ "$(id -u)" = 0 ] || interop_skip "needs root for network namespaces"
	command -v ip >/dev/null || interop_skip "no iproute2"
	for need in "$@"; do
		case $need in
		charon) [ -x /usr/lib/ipsec/charon ] || interop_skip "strongSwan charon not installed (scripts/install-deps.sh)" ;;
		tun) [ -e /dev/net/tun ] || interop_skip "no /dev/net/tun" ;;
		*) echo "interop_require: unknown need '$need'" >&2; exit 1 ;;
		esac
	done
}
interop_skip() { echo "SKIP: $*"; exit 77; }
