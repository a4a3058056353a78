# Tests of the configuration language (ike_config), the control socket
# (ike_control) and the ikectl binary. Paths from CMAKE_CURRENT_LIST_DIR so the
# file can be included from elsewhere.
set(IKE_CONFIG_TESTS_DIR ${CMAKE_CURRENT_LIST_DIR})

add_executable(ike_config_tests
  ${IKE_CONFIG_TESTS_DIR}/test_config_parse.cpp
  ${IKE_CONFIG_TESTS_DIR}/test_config_errors.cpp
  ${IKE_CONFIG_TESTS_DIR}/test_config_selectors.cpp
  ${IKE_CONFIG_TESTS_DIR}/test_config_fuzz.cpp
  ${IKE_CONFIG_TESTS_DIR}/test_config_warnings.cpp)
target_link_libraries(ike_config_tests PRIVATE catch_main ike_config)
target_compile_definitions(ike_config_tests PRIVATE
  IKE_EXAMPLES_DIR="${CMAKE_CURRENT_LIST_DIR}/../../examples/iked")
catch_discover_tests(ike_config_tests TEST_PREFIX "")

if(TARGET ike_control)
  add_executable(ike_control_tests
    ${IKE_CONFIG_TESTS_DIR}/test_control_json.cpp
    ${IKE_CONFIG_TESTS_DIR}/test_control_socket.cpp)
  target_link_libraries(ike_control_tests PRIVATE catch_main ike_control)
  catch_discover_tests(ike_control_tests TEST_PREFIX "")
endif()

if(TARGET ikectl)
  add_executable(ike_ikectl_tests ${IKE_CONFIG_TESTS_DIR}/test_control_ikectl.cpp)
  target_link_libraries(ike_ikectl_tests PRIVATE catch_main ike_control)
  target_compile_definitions(ike_ikectl_tests PRIVATE
    IKECTL_PATH="$<TARGET_FILE:ikectl>"
    IKE_EXAMPLES_DIR="${CMAKE_CURRENT_LIST_DIR}/../../examples/iked")
  add_dependencies(ike_ikectl_tests ikectl)
  catch_discover_tests(ike_ikectl_tests TEST_PREFIX "")
endif()
