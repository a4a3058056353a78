# Vitis HLS: C-simulation, synthesis and .xo export of the ESP engine's HLS top esp_kernel
# (hls/esp/esp_kernel.cpp). Needs AMD Vitis HLS (2023.1 or later, for hls::axis with
# selectable sidebands); see README.md. Run from this folder:
#
#   vitis_hls -f esp_kernel_hls.tcl                 # csim, csynth, export
#   vitis_hls -f esp_kernel_hls.tcl -tclargs synth  # csynth and export only
#
# Settings (environment): ESP_HLS_PART (default the Alveo U250's xcu250-figd2104-2L-e; the
# U55C is xcu55c-fsvh2892-2L-e), ESP_HLS_PROJECT (default esp_kernel_prj).

set here    [file dirname [file normalize [info script]]]
set root    [file normalize "$here/../.."]
set part    [expr {[info exists ::env(ESP_HLS_PART)] ? $::env(ESP_HLS_PART) : "xcu250-figd2104-2L-e"}]
set project [expr {[info exists ::env(ESP_HLS_PROJECT)] ? $::env(ESP_HLS_PROJECT) : "esp_kernel_prj"}]
set steps   [expr {[llength $argv] > 0 ? [lindex $argv 0] : "all"}]

# Vitis's own ap_int.h, hls_stream.h and ap_axi_sdata.h (ESP_HLS_VITIS selects them in
# hls/include/hls_compat.h); the generated contract header from driver/include.
set cflags "-std=c++14 -DESP_HLS_VITIS -I$root/hls -I$root/hls/include -I$root/hls/primitives -I$root/driver/include"

open_project -reset $project
set_top esp_kernel
foreach src {
  primitives/aes.cpp primitives/ghash.cpp primitives/gcm.cpp
  esp/esp_sa.cpp esp/esp_framing.cpp esp/esp_outbound.cpp esp/esp_inbound.cpp
  esp/esp_datapath.cpp esp/esp_regs.cpp esp/esp_kernel.cpp
} {
  add_files "$root/hls/$src" -cflags $cflags
}
# C-simulation test bench: drives esp_kernel's AXI4-Lite channels and streams.
add_files -tb "$here/esp_kernel_tb.cpp" -cflags $cflags

# A Vitis kernel (.xo) at 250 MHz; the top is free-running (ap_ctrl_none), its ports are
# the RTL top's (docs/interface.md "The HLS top").
open_solution -reset solution1 -flow_target vitis
set_part $part
create_clock -period 4 -name default

if {$steps eq "all"} {
  csim_design
}
csynth_design
export_design -format xo -output "$project/esp_kernel.xo"
exit
