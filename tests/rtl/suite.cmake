# tests/rtl/suite.cmake: the HLS engine's vector and random suites through the RTL top and
# the HLS model in lockstep (sim/top/tb_suite_both.cpp, espsim's BothEngine).
if(NOT ESP_WITH_RTL OR NOT TARGET esp_engine_top_model OR NOT TARGET esp_hls_model
   OR NOT TARGET esp_test_reference)
  return()
endif()
add_executable(tb_suite_both ${CMAKE_SOURCE_DIR}/sim/top/tb_suite_both.cpp
               ${CMAKE_SOURCE_DIR}/host/espsim/both_engine.cpp)
target_include_directories(tb_suite_both PRIVATE ${CMAKE_SOURCE_DIR}/tests/esp ${CMAKE_SOURCE_DIR}/host/espsim)
target_link_libraries(tb_suite_both PRIVATE catch_main esp_engine_top_model esp_hls_model esp_test_reference
                      Boost::headers)
target_compile_definitions(tb_suite_both PRIVATE ESP_VECTORS_DIR="${ESP_VECTORS_DIR}")
catch_discover_tests(tb_suite_both TEST_PREFIX "tb_suite_both: " PROPERTIES LABELS rtl)
