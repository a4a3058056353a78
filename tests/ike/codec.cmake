# ike-codec / ike-crypto tests (owner: ike-crypto). Paths from
# CMAKE_CURRENT_LIST_DIR so the file can be included from elsewhere.
set(IKE_CODEC_TESTS_DIR ${CMAKE_CURRENT_LIST_DIR})

if(TARGET ike_crypto)
  file(GLOB ike_crypto_test_sources CONFIGURE_DEPENDS ${IKE_CODEC_TESTS_DIR}/crypto_*.cpp)
  add_executable(ike_crypto_tests ${ike_crypto_test_sources})
  target_link_libraries(ike_crypto_tests PRIVATE catch_main ike_crypto)
  target_include_directories(ike_crypto_tests PRIVATE ${IKE_CODEC_TESTS_DIR})
  target_compile_definitions(ike_crypto_tests PRIVATE ESP_VECTORS_DIR="${ESP_VECTORS_DIR}")
  catch_discover_tests(ike_crypto_tests TEST_PREFIX "")
endif()

if(TARGET ike_codec)
  file(GLOB ike_codec_test_sources CONFIGURE_DEPENDS ${IKE_CODEC_TESTS_DIR}/codec_*.cpp)
  add_executable(ike_codec_tests ${ike_codec_test_sources})
  target_link_libraries(ike_codec_tests PRIVATE catch_main ike_codec)
  target_include_directories(ike_codec_tests PRIVATE ${IKE_CODEC_TESTS_DIR})
  target_compile_definitions(ike_codec_tests PRIVATE ESP_VECTORS_DIR="${ESP_VECTORS_DIR}")
  catch_discover_tests(ike_codec_tests TEST_PREFIX "")
endif()
