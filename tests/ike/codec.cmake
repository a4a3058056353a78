# ike-codec / ike-crypto tests (owner: ike-crypto): ike_crypto_tests from
# test_crypto_*.cpp, ike_codec_tests from test_codec_*.cpp. Paths from
# CMAKE_CURRENT_LIST_DIR so the file can be included from elsewhere.
set(IKE_CODEC_TESTS_DIR ${CMAKE_CURRENT_LIST_DIR})

foreach(part crypto codec)
  if(TARGET ike_${part})
    file(GLOB ike_${part}_test_sources CONFIGURE_DEPENDS ${IKE_CODEC_TESTS_DIR}/test_${part}_*.cpp)
    if(NOT ike_${part}_test_sources)
      message(FATAL_ERROR "tests/ike: no test_${part}_*.cpp (a rename must not drop the tests silently)")
    endif()
    add_executable(ike_${part}_tests ${ike_${part}_test_sources})
    target_link_libraries(ike_${part}_tests PRIVATE catch_main ike_${part})
    target_include_directories(ike_${part}_tests PRIVATE ${IKE_CODEC_TESTS_DIR})
    target_compile_definitions(ike_${part}_tests PRIVATE ESP_VECTORS_DIR="${ESP_VECTORS_DIR}")
    catch_discover_tests(ike_${part}_tests TEST_PREFIX "")
  endif()
endforeach()
