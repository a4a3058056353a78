# Sourced by the namespace interop scripts. Namespaces, veth names and the
# 10.9x.0.0/24 addresses are machine-wide, so two checkouts running their
# suites at once (or a ctest -j) would tear down each other's peers: take one
# machine-wide lock for the whole case.
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
