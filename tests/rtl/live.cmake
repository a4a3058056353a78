# tests/rtl/live.cmake: esp_engine_top changed while packets flow (SA changes through the
# driver core under traffic, rst_n / SOFT_RESET mid-packet), against the HLS model.
if(NOT ESP_WITH_RTL OR NOT TARGET esp_engine_top_model OR NOT TARGET esp_hls_model
   OR NOT TARGET esp_test_reference OR NOT TARGET espdrv)
  return()
endif()
add_executable(tb_engine_live ${CMAKE_SOURCE_DIR}/sim/top/tb_engine_live.cpp)
target_include_directories(tb_engine_live PRIVATE ${CMAKE_SOURCE_DIR}/tests/esp ${CMAKE_SOURCE_DIR}/tests/driver)
target_link_libraries(tb_engine_live PRIVATE catch_main esp_engine_top_model esp_hls_model esp_test_reference espdrv)
catch_discover_tests(tb_engine_live TEST_PREFIX "tb_engine_live: " PROPERTIES LABELS rtl)
