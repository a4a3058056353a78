# ike-protocol tests: the IKEv2 protocol engine (in-memory pairs, units), and
# strongSwan interop (label interop, needs root; skipped with 77 otherwise).
add_executable(ike_protocol_tests
  ${CMAKE_CURRENT_LIST_DIR}/protocol_exchange_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/protocol_units_test.cpp)
target_link_libraries(ike_protocol_tests PRIVATE ike_sa catch_main)
target_include_directories(ike_protocol_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR})
catch_discover_tests(ike_protocol_tests TEST_PREFIX "" PROPERTIES LABELS ike)
