# sim/esp_in.cmake: the Verilator testbench of the inbound ESP datapath (rtl/esp_in). The
# executable is made by esp_in_testbench(), called from tests/rtl/esp_in.cmake, because it
# links the test libraries (catch_main, esp_test_reference) defined under tests/.
if(NOT ESP_WITH_RTL)
  return()
endif()
set(ESP_SIM_ESP_IN_DIR ${CMAKE_CURRENT_LIST_DIR}/esp_in CACHE INTERNAL "esp_decap testbench sources")

function(esp_in_testbench name)
  add_executable(${name} ${ESP_SIM_ESP_IN_DIR}/${name}.cpp)
  target_include_directories(${name} PRIVATE ${ESP_SIM_ESP_IN_DIR} ${CMAKE_SOURCE_DIR}/tests/esp)
  target_link_libraries(${name} PRIVATE catch_main esp_hls_model esp_test_reference esp_contract)
  esp_verilate_model(${name} TOP esp_decap SOURCES ${ESP_RTL_ESP_IN_SOURCES})
endfunction()
