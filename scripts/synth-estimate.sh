#!/usr/bin/env bash
# synth-estimate.sh: resource and logic-depth estimates of the crypto datapath with Debian's
# yosys. Not part of the test run: each top takes minutes and GBs.
#   LUT/FF/BRAM/DSP: synth_xilinx -family xcup -flatten (UltraScale+ cells).
#   Logic levels:    synth -flatten; abc -lut 6; ltp -noff (LUT levels between registers;
#                    ltp after synth_xilinx would count FDRE as logic).
# Usage: scripts/synth-estimate.sh [out_dir] [top ...]
# Defaults: ../build-synth beside the checkout; aes_enc_pipeline ghash_accum gcm_core.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/../build-synth}
shift || true
tops=("$@")
[ ${#tops[@]} -gt 0 ] || tops=(aes_enc_pipeline ghash_accum gcm_core)

if ! command -v yosys >/dev/null; then
  apt-get install -y yosys
fi

src=$root/rtl/crypto
files="$src/aes_sbox.sv $src/aes_round.sv $src/aes_key_expand.sv $src/aes_enc_pipeline.sv
       $src/gf128_mul.sv $src/ghash_accum.sv $src/stream_fifo.sv $src/gcm_core.sv"
files=$(echo $files)
mkdir -p "$out"

for top in "${tops[@]}"; do
  echo "== $top"
  start=$(date +%s)
  yosys -q -l "$out/$top.xcup.log" \
    -p "read_verilog -sv $files; synth_xilinx -family xcup -flatten -top $top; stat" >/dev/null
  echo "synth_xilinx: $(( $(date +%s) - start )) s"
  # The cell summary of the flattened top: LUTs, flip-flops, carry, RAM, DSP.
  awk '/Printing statistics/ {p = 1} p && /(LUT[1-6]|FD[A-Z]*|CARRY|RAM|SRL|DSP|MUXF|Number of cells)/' \
    "$out/$top.xcup.log" | tail -n 40
  start=$(date +%s)
  yosys -q -l "$out/$top.ltp.log" \
    -p "read_verilog -sv $files; synth -flatten -top $top; abc -lut 6; ltp -noff" >/dev/null
  echo "levels: $(grep -o 'Longest topological path.*' "$out/$top.ltp.log" | tail -n 1) ($(( $(date +%s) - start )) s)"
done
