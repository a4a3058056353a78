#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine: installs the packages, builds
# with warnings as errors and runs the whole ctest suite (Verilated RTL and,
# as root, strongSwan interop included); fuzzes the IKE message parser for a
# bounded time with clang's libFuzzer; then rebuilds the host-side code with
# ASan+UBSan and runs those tests again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
jobs=$(nproc)
start=$(date +%s)
stamp() { echo "== $1 ($(( $(date +%s) - start ))s)"; }

stamp "build"
# Configure quietly, but say which optional backends were built or skipped (XRT).
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo | grep -E "XRT" || true
cmake --build build -j "$jobs"
stamp "tests"
(cd build && ctest --output-on-failure -j "$jobs" --timeout 900)

# The HLS sources and their tests again, built with Xilinx's own ap_int.h instead of the
# compat ap_uint (pinned beside the checkout; a user's clone has none, so it is skipped).
aptypes="$root/../shared/third_party/xilinx-ap-types/include"
if [ -f "$aptypes/ap_int.h" ]; then
  stamp "HLS tests with Xilinx ap_int.h"
  cmake -S . -B build-aptypes -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESP_WITH_RTL=OFF \
    -DESP_COMPONENTS="hls;driver;tests" -DESP_XILINX_AP_TYPES=ON -DESP_AP_TYPES_DIR="$aptypes" >/dev/null
  cmake --build build-aptypes -j "$jobs" --target test_hls_compat test_hls_crypto test_hls_ap_faithful \
    hls_vitis_tb test_esp test_control_map test_replay
  (cd build-aptypes && ctest --output-on-failure -j "$jobs" --timeout 900 -R "^(hls|esp|replay): ")
else
  echo "== HLS tests with Xilinx ap_int.h: skipped ($aptypes/ap_int.h not found)"
fi

stamp "fuzz (libFuzzer, bounded)"
FUZZ_BUILD_DIR="$root/build-fuzz" FUZZ_JOBS="$jobs" bash scripts/run-fuzz.sh "${ESP_FUZZ_SECONDS:-60}"

# Sanitizer pass: everything but the Verilated RTL (its models ran above) and interop.
stamp "ASan+UBSan build"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESP_SANITIZE=ON -DESP_WITH_RTL=OFF >/dev/null
cmake --build build-asan -j "$jobs"
stamp "ASan+UBSan tests"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$jobs" --timeout 900 -LE "interop|rtl|slow|kmod")
stamp "done"
