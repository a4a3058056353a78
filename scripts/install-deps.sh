#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests (yosys: the RTL must stay readable by
# the synthesis estimate; clang-format: the tree keeps one style) and the interop peer need.
# Idempotent and quiet when everything is already there.
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config libssl-dev libboost-dev
      libboost-program-options-dev catch2 libpcap-dev uuid-dev verilator
      clang-14 libclang-rt-14-dev clang-format-14 yosys iproute2 strongswan-charon strongswan-swanctl
      libstrongswan-extra-plugins libcharon-extra-plugins python3)
if [ "${ESP_WITH_KERNEL_HEADERS:-1}" = 1 ]; then pkgs+=(linux-headers-amd64); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
