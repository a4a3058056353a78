# tests/rtl/control.cmake: lint and Verilator tests of the control plane and the harness.
if(NOT ESP_WITH_RTL OR NOT COMMAND esp_verilate_model)
  return()
endif()
set(ESP_SIM_CTRL_DIR ${CMAKE_SOURCE_DIR}/sim/ctrl)

add_test(NAME rtl_control_lint
         COMMAND verilator --lint-only -Wall ${ESP_RTL_CTRL_LINT_CONFIG} ${ESP_RTL_CTRL_SOURCES}
                 --top-module esp_ctrl)
add_test(NAME rtl_ingress_lint
         COMMAND verilator --lint-only -Wall ${ESP_RTL_CTRL_LINT_CONFIG} ${ESP_RTL_INGRESS_SOURCES}
                 --top-module esp_ingress)
set_tests_properties(rtl_control_lint rtl_ingress_lint PROPERTIES LABELS rtl)
# The control plane must stay readable by yosys 0.23 (no imports, no `return`, 1-D memories).
find_program(ESP_YOSYS yosys)
if(ESP_YOSYS)
  string(JOIN " " esp_ctrl_sv ${ESP_RTL_CTRL_SOURCES})
  string(JOIN " " esp_ingress_sv ${ESP_RTL_INGRESS_SOURCES})
  add_test(NAME rtl_control_yosys_elaborate
           COMMAND ${ESP_YOSYS} -q -p "read_verilog -sv ${esp_ctrl_sv}; hierarchy -check -top esp_ctrl -chparam NSA 16 -chparam LOG2 3 -chparam EVQ 8")
  add_test(NAME rtl_ingress_yosys_elaborate
           COMMAND ${ESP_YOSYS} -q -p "read_verilog -sv ${esp_ingress_sv}; hierarchy -check -top esp_ingress")
  set_tests_properties(rtl_control_yosys_elaborate rtl_ingress_yosys_elaborate PROPERTIES LABELS rtl)
endif()

# A Catch2 testbench: sim/ctrl/<name>.cpp over the Verilated <top>.
function(esp_ctrl_testbench name top)
  add_executable(${name} ${ESP_SIM_CTRL_DIR}/${name}.cpp)
  target_link_libraries(${name} PRIVATE catch_main esp_contract)
  target_include_directories(${name} PRIVATE ${ESP_SIM_CTRL_DIR})
  esp_verilate_model(${name} TOP ${top} ${ARGN})
  catch_discover_tests(${name} TEST_PREFIX "${name}: " PROPERTIES LABELS rtl)
endfunction()

esp_ctrl_testbench(tb_axis_harness tb_axis_fifo SOURCES ${ESP_SIM_CTRL_DIR}/tb_axis_fifo.sv)
esp_ctrl_testbench(tb_replay esp_replay_window
                   SOURCES ${ESP_RTL_CTRL_LINT_CONFIG} ${ESP_RTL_REPLAY_SOURCES} ARGS -GNSA=8)
if(TARGET esp_hls_primitives)  # also compare with the HLS replay_window.h itself
  target_link_libraries(tb_replay PRIVATE esp_hls_primitives)
  target_compile_definitions(tb_replay PRIVATE ESP_HAVE_HLS_REPLAY)
endif()
# DEPTH 16: the 8 banks hold 2 slots each, so the ring wraps and fills within a few bursts.
esp_ctrl_testbench(tb_event_queue esp_event_queue
                   SOURCES ${ESP_RTL_CTRL_LINT_CONFIG} ${CMAKE_SOURCE_DIR}/rtl/esp_contract_pkg.sv
                           ${CMAKE_SOURCE_DIR}/rtl/ctrl/esp_event_queue.sv ARGS -GDEPTH=16)
esp_ctrl_testbench(tb_ingress esp_ingress SOURCES ${ESP_RTL_CTRL_LINT_CONFIG} ${ESP_RTL_INGRESS_SOURCES})

# The control plane at contract sizes, compared with the HLS model of the card.
if(TARGET esp_hls_model)
  esp_ctrl_testbench(tb_ctrl esp_ctrl SOURCES ${ESP_RTL_CTRL_LINT_CONFIG} ${ESP_RTL_CTRL_SOURCES})
  target_link_libraries(tb_ctrl PRIVATE esp_hls_model)
  # esp::RtlEngine (sim/harness/rtl_engine.h) over a shell: esp_ctrl + stream loopback.
  esp_ctrl_testbench(tb_rtl_engine tb_engine_shell
                     SOURCES ${ESP_RTL_CTRL_LINT_CONFIG} ${ESP_RTL_CTRL_SOURCES}
                             ${ESP_SIM_CTRL_DIR}/tb_axis_fifo.sv ${ESP_SIM_CTRL_DIR}/tb_engine_shell.sv)
  target_link_libraries(tb_rtl_engine PRIVATE esp_hls_model)
endif()
