#!/usr/bin/env bash
# synth-estimate.sh: resource and logic-depth estimates of the RTL with Debian's yosys,
# per major module and for the whole esp_engine_top. Not part of the test run (ctest):
# the whole design takes tens of minutes. See docs/rtl-synth.md for figures and caveats.
#
#   Resources: synth_xilinx -family xcup -noiopad, hierarchy kept (each distinct module is
#              mapped once and counted once per instance by `stat -top`; flattening the
#              14-stage AES pipeline made one ABC run of ~130 K gates that did not finish).
#   Levels:    the deepest path between registers/ports in 6-input LUT levels, by `ltp -noff`
#              on the flattened top after a generic `abc -lut 6` (ltp after synth_xilinx
#              would count FDRE as logic). Two flows:
#                stage  (AES round, key expansion, GHASH): synth -flatten -noabc; abc -lut 6;
#                composite (everything else): the crypto cores named in the catalog are
#                  black boxes (their stages are measured alone; ABC did not finish on the
#                  flattened 14-round pipeline), memories stay memory cells (mapping them to
#                  gates would blow up) and are cut like the black boxes (a LUT-RAM's
#                  asynchronous read then starts a path one level short), adders built from
#                  LUTs (no carry chains: arithmetic paths are over-counted; on the device
#                  they take CARRY8). Upper bounds, then, not a timing sign-off.

# Source lists come from rtl/*.cmake (ESP_SYNTH_SOURCES=<file> from the `synth_estimate`
# target, else `cmake -P rtl/synth.cmake`), so they never drift from the Verilator builds.
#
# Usage: scripts/synth-estimate.sh [out_dir] [top ...]
#   default out_dir: ../build-rtl-synth beside the checkout; default tops: all below.
#   ESP_SYNTH_TIMEOUT: seconds per yosys run (default 3600: esp_ctrl and esp_engine_top need
#   ~2700-4000 on a loaded 2-core machine); ESP_SYNTH_LEVELS=0 skips ltp,
#   ESP_SYNTH_RESOURCES=0 skips synth_xilinx (levels only: seconds to minutes per module).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/../build-rtl-synth}
shift || true
limit=${ESP_SYNTH_TIMEOUT:-3600}
want_levels=${ESP_SYNTH_LEVELS:-1}
want_resources=${ESP_SYNTH_RESOURCES:-1}

# top : source list : levels (stage: stage flow; a list of modules: composite flow with
# those as black boxes, "-" for none; empty: no levels run) : files left out (regex)
catalog="
aes_round:ESP_RTL_AES_SOURCES:stage:
aes_key_expand:ESP_RTL_AES_SOURCES:stage:
aes_enc_pipeline:ESP_RTL_AES_SOURCES::
gf128_mul:ESP_RTL_GHASH_SOURCES::
ghash_accum:ESP_RTL_GHASH_SOURCES:stage:
gcm_core:ESP_RTL_GCM_SOURCES:aes_enc_pipeline ghash_accum:
esp_encap:ESP_RTL_ESP_SOURCES:gcm_core:
esp_in_parser:ESP_RTL_ESP_IN_SOURCES:-:
esp_in_resolve:ESP_RTL_ESP_IN_SOURCES:-:
esp_in_emit:ESP_RTL_ESP_IN_SOURCES:-:
esp_in_trailer:ESP_RTL_ESP_IN_SOURCES:-:
esp_decap:ESP_RTL_ESP_IN_SOURCES:gcm_core:
esp_replay_window:ESP_RTL_REPLAY_SOURCES:-:
esp_counters:ESP_RTL_CTRL_SOURCES:-:
esp_event_queue:ESP_RTL_CTRL_SOURCES:-:
esp_csr:ESP_RTL_CTRL_SOURCES:-:
esp_sa_table:ESP_RTL_CTRL_SOURCES:-:
esp_ctrl:ESP_RTL_CTRL_SOURCES:-:
esp_ingress:ESP_RTL_TOP_SOURCES:-:
esp_out_ctrl:ESP_RTL_TOP_SOURCES:-:
esp_engine_top:ESP_RTL_TOP_SOURCES:gcm_core:
"
tops=("$@")
if [ ${#tops[@]} -eq 0 ]; then
  read -r -a tops <<<"$(echo "$catalog" | cut -d: -f1 | tr '\n' ' ')"
fi

command -v yosys >/dev/null || { echo "yosys not found (apt-get install yosys)" >&2; exit 1; }
mkdir -p "$out"
lists=$out/sources.txt
if [ -n "${ESP_SYNTH_SOURCES:-}" ]; then
  cp "$ESP_SYNTH_SOURCES" "$lists"
else
  cmake -P "$root/rtl/synth.cmake" >"$lists"
fi

# sources <list name>: the .sv files of a list, space separated (lint configs dropped), as
# the copies under $out/src that yosys reads (see the fixup below).
sources() {
  local line f
  line=$(grep "^$1=" "$lists" || true)
  [ -n "$line" ] || { echo "source list $1 not defined by rtl/*.cmake" >&2; return 1; }
  for f in $(echo "${line#*=}" | tr ';' '\n' | grep '\.sv$'); do
    printf '%s ' "$out/src$f"
  done
}

# yosys reads copies under $out/src (the source tree stays untouched by a run).
rm -rf "$out/src"
for f in $(cut -d= -f2- "$lists" | tr ';' '\n' | grep '\.sv$' | sort -u); do
  mkdir -p "$(dirname "$out/src$f")"
  cp "$f" "$out/src$f"
done

# stats <log>: the last statistics block of a log (the hierarchy total when the top has
# submodules, else the top module's own block), timestamps dropped.
stats() {
  local start
  start=$(grep -n 'Printing statistics' "$1" | tail -n 1 | cut -d: -f1)
  tail -n +"${start:-1}" "$1" | sed 's/^\[[0-9.]*\] //' |
    awk '/=== design hierarchy ===/ { n = 0 } { line[n++] = $0 } END { for (i = 0; i < n; i++) print line[i] }'
}

# count <stats file> <regex>: sum of the cell counts matching regex, each weighted by the
# LUTs it occupies for LUT-RAM cells (RAM32M16 takes a whole SLICEM).
count() {
  awk -v re="$2" '
      BEGIN { w["RAM32M16"] = 8; w["RAM64M8"] = 8; w["RAM32M"] = 4; w["RAM64M"] = 4
              w["RAM32X1D"] = 2; w["RAM64X1D"] = 2; w["RAM128X1D"] = 4; w["RAM256X1D"] = 8
              w["RAM128X1S"] = 2; w["RAM256X1S"] = 4; w["RAM512X1S"] = 8 }
      $1 ~ "^(" re ")$" && $2 ~ /^[0-9]+$/ { n += $2 * (($1 in w) ? w[$1] : 1) }
      END { print n + 0 }' "$1"
}

summary=$out/summary.md
declare -A got  # top -> "lut lutmem ff b36 b18 dsp carry" of the tops that synthesized
{
  echo "| top | LUT | of which SRL/LUTRAM | MUXF7/8/9 | FF | BRAM36 (+18) | DSP | CARRY | LUT levels | synth s | levels s |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$summary"

for top in "${tops[@]}"; do
  entry=$(echo "$catalog" | grep "^$top:" || true)
  [ -n "$entry" ] || { echo "unknown top $top" >&2; exit 2; }
  list=$(echo "$entry" | cut -d: -f2)
  skip=$(echo "$entry" | cut -d: -f4)
  files=$(sources "$list")
  if [ -n "$skip" ]; then
    files=$(echo "$files" | tr ' ' '\n' | grep -Ev "/($skip)\.sv$" | tr '\n' ' ')
  fi
  echo "== $top ($list)"

  start=$(date +%s)
  rc=0
  if [ "$want_resources" = 1 ]; then
    timeout "$limit" yosys -q -t -l "$out/$top.xcup.log" -p "read_verilog -sv $files;
        synth_xilinx -family xcup -noiopad -top $top; stat -top $top" >/dev/null 2>&1 || rc=$?
  fi
  synth_s=$(( $(date +%s) - start ))
  if [ "$want_resources" != 1 ]; then
    lut=-; lutmem=-; muxf=-; ff=-; b36=-; b18=-; dsp=-; carry=-; synth_s=-
  elif [ $rc -eq 0 ]; then
    log=$out/$top.xcup.log
    stats "$log" >"$out/$top.stat"
    lut=$(count "$out/$top.stat" 'LUT[1-6]|SRL16E|SRLC32E|RAM[0-9]+[MX][0-9A-Z]*')
    lutmem=$(count "$out/$top.stat" 'SRL16E|SRLC32E|RAM[0-9]+[MX][0-9A-Z]*')
    ff=$(count "$out/$top.stat" 'FD[CPRS]E')
    b36=$(count "$out/$top.stat" 'RAMB36E2')
    b18=$(count "$out/$top.stat" 'RAMB18E2')
    dsp=$(count "$out/$top.stat" 'DSP48E2')
    carry=$(count "$out/$top.stat" 'CARRY[48]')
    muxf=$(count "$out/$top.stat" 'MUXF[789]')
    got[$top]="$lut $lutmem $muxf $ff $b36 $b18 $dsp $carry"
    echo "  synth_xilinx ${synth_s} s: LUT $lut (SRL/LUTRAM $lutmem), FF $ff, BRAM36 $b36 +18 $b18, DSP $dsp"
    # How each inferred memory was mapped (block RAM, LUT RAM or flip-flops).
    sed 's/^\[[0-9.]*\] //' "$log" | grep -E '^ *(mapping memory|using FF mapping|no valid mapping)' |
      sed "s/^/    /" || true
  else
    [ $rc -eq 124 ] && why=timeout || why="fail: $(grep -m1 'ERROR' "$out/$top.xcup.log" | sed 's/^\[[0-9.]*\] //' | tr '|' '/')"
    lut="($why)"; lutmem=-; muxf=-; ff=-; b36=-; b18=-; dsp=-; carry=-
    echo "  synth_xilinx $why after ${synth_s} s, see $out/$top.xcup.log"
  fi

  levels=-; levels_s=-
  how=$(echo "$entry" | cut -d: -f3)
  if [ "$want_levels" = 1 ] && [ -n "$how" ]; then
    if [ "$how" = stage ]; then
      flow="synth -flatten -noabc -top $top"
    else
      # Black boxes are cut out before ltp: as cells they would join their inputs to their
      # outputs (a false path through a core whose ports are registered inside).
      # Memory cells are cut too: as one node they would join write address to read data.
      boxes=""; cut="delete t:\$mem_v2"
      if [ "$how" != - ]; then
        boxes="blackbox $how;"
        for b in $how; do cut="$cut t:*$b*"; done
      fi
      cut="$cut;"
      flow="$boxes synth -flatten -run begin:fine -top $top; opt -fast -full; techmap; opt -fast"
    fi
    start=$(date +%s)
    rc=0
    timeout "$limit" yosys -q -l "$out/$top.ltp.log" -p "read_verilog -sv $files;
        $flow; abc -lut 6; opt_clean; $cut ltp -noff" >/dev/null 2>&1 || rc=$?
    levels_s=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ]; then
      levels=$(grep -o 'Longest topological path in [^ ]* (length=[0-9]*)' "$out/$top.ltp.log" |
               tail -n 1 | grep -o '[0-9]*)$' | tr -d ')')
      # Where the path starts and ends (first and last named nets of ltp's listing).
      ends=$(awk '/^Longest topological path in/ { p = 1; n = 0; next }
                  p && /^ *[0-9]+: \\/ { if (!first) first = $2; last = $2 }
                  p && /^ *ff: / { last = $2 }
                  END { print first " -> " last }' "$out/$top.ltp.log")
      echo "  levels: $levels ($ends, ${levels_s} s)"
    else
      levels="timeout/fail ($rc)"
      echo "  levels: $levels (${levels_s} s)"
    fi
  fi
  echo "| $top | $lut | $lutmem | $muxf | $ff | $b36 (+$b18) | $dsp | $carry | $levels | $synth_s | $levels_s |" >>"$summary"
done

# The whole engine when esp_engine_top was not run or timed out: the sum of the parts that
# did synthesize in this run (esp_ctrl, or its submodules when it did not finish), with the
# parts that are missing named. Never in the sum: the top's own glue and two FIFOs.
if [ -z "${got[esp_engine_top]:-}" ]; then
  parts="esp_encap esp_decap esp_ingress esp_out_ctrl"
  if [ -n "${got[esp_ctrl]:-}" ]; then
    parts="$parts esp_ctrl"
  else
    parts="$parts esp_sa_table esp_counters esp_event_queue esp_csr esp_replay_window"
  fi
  have=""; missing=""
  for p in $parts; do
    if [ -n "${got[$p]:-}" ]; then have="$have $p"; else missing="$missing $p"; fi
  done
  if [ -n "$have" ]; then
    sum=$(for p in $have; do echo "${got[$p]}"; done |
          awk '{ for (i = 1; i <= NF; i++) t[i] += $i } END { print t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8] }')
    read -r lut lutmem muxf ff b36 b18 dsp carry <<<"$sum"
    echo "| engine, sum of parts* | $lut | $lutmem | $muxf | $ff | $b36 (+$b18) | $dsp | $carry | - | - | - |" >>"$summary"
    echo "*: sum of$have; missing:${missing:- none}; never included: the glue and FIFOs of esp_engine_top" >>"$summary"
  fi
fi

echo
echo "Summary ($summary):"
cat "$summary"
