# Packages esp_engine_kernel (esp_engine_top behind the Vitis port names) as a Vitis RTL
# kernel: a Vivado IP with its bus interfaces, then an .xo with rtl/vitis/kernel.xml.
# Needs Vivado (run by the Makefile's xo target):
#   vivado -mode batch -source package_xo.tcl -tclargs PART SOURCES.f BUILD_DIR
# SOURCES.f lists the SystemVerilog files, one a line (CMake writes it, see vitis.cmake).
if {$argc != 3} {
  error "usage: vivado -mode batch -source package_xo.tcl -tclargs PART SOURCES.f BUILD_DIR"
}
set part [lindex $argv 0]
set sources_f [file normalize [lindex $argv 1]]
set build [file normalize [lindex $argv 2]]
set here [file dirname [file normalize [info script]]]
set kernel esp_engine_kernel

set f [open $sources_f]
set sources [split [string trim [read $f]] "\n"]
close $f

create_project -force ${kernel}_pack $build/pack -part $part
add_files -norecurse $sources
set_property top $kernel [current_fileset]
update_compile_order -fileset sources_1

# The IP: every port named <interface>_<signal> becomes that interface (s_axi_control,
# s_axis, m_axis); ap_clk drives them all, ap_rst_n resets, interrupt is the event line.
ipx::package_project -root_dir $build/ip -vendor esp-offload.org -library kernel -taxonomy /KernelIP \
  -import_files -set_current false
ipx::unload_core $build/ip/component.xml
ipx::edit_ip_in_project -upgrade true -name ${kernel}_edit -directory $build/ip $build/ip/component.xml
set core [ipx::current_core]
set_property sdx_kernel true $core
set_property sdx_kernel_type rtl $core
set_property vitis_drc {ctrl_protocol user_managed} $core
set_property ipi_drc {ignore_freq_hz true} $core
ipx::infer_bus_interface ap_clk xilinx.com:signal:clock_rtl:1.0 $core
ipx::infer_bus_interface ap_rst_n xilinx.com:signal:reset_rtl:1.0 $core
ipx::infer_bus_interface interrupt xilinx.com:signal:interrupt_rtl:1.0 $core
foreach busif {s_axi_control s_axis m_axis} {
  ipx::associate_bus_interfaces -busif $busif -clock ap_clk $core
}
ipx::associate_bus_interfaces -clock ap_clk -reset ap_rst_n $core

# The control port's address space: the contract's register map in 4 KiB (kernel.xml range).
set map [ipx::add_memory_map s_axi_control $core]
set_property slave_memory_map_ref s_axi_control [ipx::get_bus_interfaces s_axi_control -of_objects $core]
set block [ipx::add_address_block registers $map]
set_property range 0x1000 $block
set_property width 32 $block

ipx::create_xgui_files $core
ipx::update_checksums $core
ipx::check_integrity -kernel $core
ipx::save_core $core
close_project -delete

package_xo -force -xo_path $build/$kernel.xo -kernel_name $kernel -ip_directory $build/ip \
  -kernel_xml $here/kernel.xml
puts "package_xo: wrote $build/$kernel.xo"
