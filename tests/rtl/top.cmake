# tests/rtl/top.cmake: lint of esp_engine_top and its differential test against the HLS
# model (esp::RtlEngine<Vesp_engine_top> next to esp::HlsEngine, tests/esp's OpenSSL peer).
if(NOT ESP_WITH_RTL OR NOT DEFINED ESP_RTL_TOP_SOURCES)
  return()
endif()
add_test(NAME rtl_top_lint COMMAND verilator --lint-only -Wall ${ESP_RTL_TOP_SOURCES} --top-module esp_engine_top)
set_tests_properties(rtl_top_lint PROPERTIES LABELS rtl)
# The whole accelerator must stay readable by yosys 0.23, or the synthesis estimate
# (scripts/synth-estimate.sh, docs/rtl-synth.md) breaks: parse and elaborate, ~20 s.
find_program(ESP_YOSYS yosys)
if(ESP_YOSYS)
  set(esp_top_sv ${ESP_RTL_TOP_SOURCES})
  list(FILTER esp_top_sv INCLUDE REGEX "\\.sv$")
  string(JOIN " " esp_top_sv ${esp_top_sv})
  add_test(NAME rtl_top_yosys_elaborate
           COMMAND ${ESP_YOSYS} -q -p "read_verilog -sv ${esp_top_sv}; hierarchy -check -top esp_engine_top")
  set_tests_properties(rtl_top_yosys_elaborate PROPERTIES LABELS rtl)
endif()
if(TARGET esp_engine_top_model AND TARGET esp_hls_model AND TARGET esp_test_reference)
  add_executable(tb_engine_top ${CMAKE_SOURCE_DIR}/sim/top/tb_engine_top.cpp
                ${CMAKE_SOURCE_DIR}/host/espsim/both_engine.cpp)  # espsim's comparison engine
  target_include_directories(tb_engine_top PRIVATE ${CMAKE_SOURCE_DIR}/tests/esp ${CMAKE_SOURCE_DIR}/host/espsim)
  target_link_libraries(tb_engine_top PRIVATE catch_main esp_engine_top_model esp_hls_model esp_test_reference)
  catch_discover_tests(tb_engine_top TEST_PREFIX "tb_engine_top: " PROPERTIES LABELS rtl)
endif()
