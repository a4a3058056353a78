# tests/rtl/top.cmake: lint of esp_engine_top and its differential test against the HLS
# model (esp::RtlEngine<Vesp_engine_top> next to esp::HlsEngine, tests/esp's OpenSSL peer).
if(NOT ESP_WITH_RTL OR NOT DEFINED ESP_RTL_TOP_SOURCES)
  return()
endif()
add_test(NAME rtl_top_lint COMMAND verilator --lint-only -Wall ${ESP_RTL_TOP_SOURCES} --top-module esp_engine_top)
set_tests_properties(rtl_top_lint PROPERTIES LABELS rtl)
if(TARGET esp_engine_top_model AND TARGET esp_hls_model AND TARGET esp_test_reference)
  add_executable(tb_engine_top ${CMAKE_SOURCE_DIR}/sim/top/tb_engine_top.cpp
                ${CMAKE_SOURCE_DIR}/host/espsim/both_engine.cpp)  # espsim's comparison engine
  target_include_directories(tb_engine_top PRIVATE ${CMAKE_SOURCE_DIR}/tests/esp ${CMAKE_SOURCE_DIR}/host/espsim)
  target_link_libraries(tb_engine_top PRIVATE catch_main esp_engine_top_model esp_hls_model esp_test_reference)
  catch_discover_tests(tb_engine_top TEST_PREFIX "tb_engine_top: " PROPERTIES LABELS rtl)
endif()
