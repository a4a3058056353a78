# Certificate authentication: ike_auth units (signatures, chains, ID
# binding), iked pairs in memory with certificates, and the certificate
# tables of the configuration. Certificates are made in the tests.
add_executable(ike_auth_tests
  ${CMAKE_CURRENT_LIST_DIR}/test_auth_signature.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_auth_x509.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_protocol_cert.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_config_cert.cpp)
target_link_libraries(ike_auth_tests PRIVATE ike_sa ike_config catch_main)
target_include_directories(ike_auth_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR})
catch_discover_tests(ike_auth_tests TEST_PREFIX "" PROPERTIES LABELS ike)
