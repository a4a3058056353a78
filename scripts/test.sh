#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine: installs the packages, builds
# with warnings as errors, runs the whole ctest suite, then rebuilds the
# host-side code with ASan+UBSan and runs those tests again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs" --timeout 900)

# Sanitizer pass: everything but the Verilated RTL (its models are covered above).
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESP_SANITIZE=ON -DESP_WITH_RTL=OFF >/dev/null
cmake --build build-asan -j "$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$jobs" --timeout 900 -LE "interop|rtl|slow")
