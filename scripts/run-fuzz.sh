#!/usr/bin/env bash
# Builds the libFuzzer harnesses for the IKE codec with clang-14 in a build
# directory of their own and runs each for a bounded time.
#   scripts/run-fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# Env: FUZZ_BUILD_DIR (default <repo>/../build-fuzz), FUZZ_JOBS (default 2).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
build="${FUZZ_BUILD_DIR:-$repo/../build-fuzz}"
jobs="${FUZZ_JOBS:-2}"

CC=clang-14 CXX=clang++-14 cmake -S "$repo" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESP_FUZZ=ON \
  -DESP_COMPONENTS="host/ike/crypto;host/ike/codec;tests/fuzz" >/dev/null
ninja -C "$build" -j"$jobs" fuzz_ike_decode fuzz_ike_sk fuzz_ike_make_corpus

corpus="$build/fuzz-corpus"
mkdir -p "$corpus/decode" "$corpus/sk"
"$build/tests/fuzz/fuzz_ike_make_corpus" "$corpus/decode" "$corpus/sk"

status=0
for target in decode sk; do
  echo "== fuzz_ike_$target for ${seconds}s"
  "$build/tests/fuzz/fuzz_ike_$target" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -max_len=4096 -print_final_stats=1 -artifact_prefix="$build/crash-$target-" \
    "$corpus/$target" || status=$?
done
exit "$status"
