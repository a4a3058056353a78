# rtl/vitis: esp_engine_top packaged as a Vitis RTL kernel (esp_engine_kernel). Vitis is not
# here: these tests keep what it will read from rotting. The wrapper must pass Verilator's
# lint with everything below it, and kernel.xml must match the wrapper's ports and the
# contract's register offsets (kernel_xml.py reads the ports from verilator --xml-only).
if(NOT ESP_WITH_RTL OR NOT DEFINED ESP_RTL_TOP_SOURCES)
  return()
endif()
set(ESP_RTL_VITIS_SOURCES ${ESP_RTL_TOP_SOURCES} ${CMAKE_CURRENT_LIST_DIR}/esp_engine_kernel.sv
    CACHE INTERNAL "esp_engine_kernel and everything below it")
add_test(NAME rtl_vitis_kernel_lint
         COMMAND verilator --lint-only -Wall ${ESP_RTL_VITIS_SOURCES} --top-module esp_engine_kernel)
add_test(NAME rtl_vitis_kernel_xml
         COMMAND sh -c "verilator --xml-only --xml-output \"$0\" \"$@\" --top-module esp_engine_kernel && \
                        ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/kernel_xml.py --check \"$0\""
                 ${CMAKE_CURRENT_BINARY_DIR}/esp_engine_kernel_ports.xml ${ESP_RTL_VITIS_SOURCES})
set_tests_properties(rtl_vitis_kernel_lint rtl_vitis_kernel_xml PROPERTIES LABELS "rtl;vitis")
# A synthesis front end must read and elaborate it too (yosys 0.23, as rtl_top_yosys_elaborate).
find_program(ESP_YOSYS yosys)
if(ESP_YOSYS)
  set(esp_kernel_yosys_sv ${ESP_RTL_VITIS_SOURCES})
  list(FILTER esp_kernel_yosys_sv INCLUDE REGEX "\\.sv$")
  string(JOIN " " esp_kernel_yosys_sv ${esp_kernel_yosys_sv})
  add_test(NAME rtl_vitis_kernel_yosys_elaborate
           COMMAND ${ESP_YOSYS} -q -p "read_verilog -sv ${esp_kernel_yosys_sv}; hierarchy -check -top esp_engine_kernel")
  set_tests_properties(rtl_vitis_kernel_yosys_elaborate PROPERTIES LABELS "rtl;vitis")
endif()

# The kernel's files for rtl/vitis/Makefile: SystemVerilog for Vivado, with the lint
# configurations for Verilator.
set(esp_kernel_sv ${ESP_RTL_VITIS_SOURCES})
list(FILTER esp_kernel_sv INCLUDE REGEX "\\.sv$")
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/rtl/vitis/esp_engine_kernel.f CONTENT "$<JOIN:${esp_kernel_sv},\n>\n")
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/rtl/vitis/esp_engine_kernel_lint.f
     CONTENT "$<JOIN:${ESP_RTL_VITIS_SOURCES},\n>\n")
