#!/usr/bin/env bash
# Builds the kernel module out of tree with kbuild, W=1 and -Werror, against
# Debian's linux-headers-amd64. The module is built and checked, never loaded
# here (this machine's kernel has no module support). Exit 77: no headers.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kdir=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$kdir" ] || [ ! -f "$kdir/Makefile" ]; then
  echo "build-kmod: no linux-headers-*-amd64 under /usr/src; install linux-headers-amd64" >&2
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/kernel" "$work/include" "$work/core"
cp "$root"/driver/kernel/esp_pci.c "$root"/driver/kernel/Kbuild "$work/kernel/"
cp -r "$root"/driver/include/. "$work/include/"
cp "$root"/driver/core/*.h "$work/core/"
# kbuild compiles objects from the module directory: the core's C file, unchanged.
cp "$root"/driver/core/esp_core.c "$work/kernel/"
out=$(make -C "$kdir" M="$work/kernel" W=1 KCFLAGS=-Werror modules 2>&1) || { echo "$out"; exit 1; }
if echo "$out" | grep -q "warning:"; then echo "$out"; echo "build-kmod: warnings" >&2; exit 1; fi
echo "$out" | grep -E "LD \[M\]|CC \[M\]" || true
ls -l "$work/kernel/esp_offload.ko"
echo "build-kmod: ok (kbuild, W=1, -Werror, no warnings)"
