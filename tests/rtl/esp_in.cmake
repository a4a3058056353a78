# tests/rtl/esp_in.cmake: lint of the inbound ESP datapath and its testbench against the
# HLS model (needs esp_hls_model and tests/esp's OpenSSL ESP peer).
if(NOT ESP_WITH_RTL OR NOT DEFINED ESP_RTL_ESP_IN_SOURCES)
  return()
endif()
add_test(NAME rtl_esp_in_lint COMMAND verilator --lint-only -Wall ${ESP_RTL_ESP_IN_SOURCES} --top-module esp_decap)
set_tests_properties(rtl_esp_in_lint PROPERTIES LABELS rtl)
if(TARGET esp_hls_model AND TARGET esp_test_reference AND COMMAND esp_in_testbench)
  esp_in_testbench(tb_esp_decap)
  catch_discover_tests(tb_esp_decap TEST_PREFIX "tb_esp_decap: " PROPERTIES LABELS rtl)
endif()
