# ike-protocol tests: the IKEv2 protocol engine (in-memory pairs, units), and
# strongSwan interop (label interop, needs root; skipped with 77 otherwise).
add_executable(ike_protocol_tests
  ${CMAKE_CURRENT_LIST_DIR}/test_protocol_exchange.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_protocol_units.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_protocol_cookie.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_protocol_ike_rekey.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_protocol_fragment.cpp)
target_link_libraries(ike_protocol_tests PRIVATE ike_sa catch_main)
target_include_directories(ike_protocol_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR})
catch_discover_tests(ike_protocol_tests TEST_PREFIX "" PROPERTIES LABELS ike)

# The iked binary itself on 127.0.0.1 (unprivileged ports, no root), set up
# by bench/ike/ike_rate; runs in the ASan+UBSan pass of scripts/test.sh too.
# bench is added after tests, hence the component check, not if(TARGET).
if(TARGET iked AND TARGET ikectl AND "bench" IN_LIST ESP_COMPONENTS)
  add_test(NAME ike-protocol-iked-localhost
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/../interop/iked_localhost.sh $<TARGET_FILE:iked>
                   $<TARGET_FILE:ike_rate> $<TARGET_FILE:ikectl>)
  set_tests_properties(ike-protocol-iked-localhost PROPERTIES LABELS ike TIMEOUT 120)
endif()

# The strongSwan peer itself: charon against charon, keys compared, traffic through the TUNs.
add_test(NAME interop-strongswan-peer-selftest
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/../interop/peer_selftest.sh)
set_tests_properties(interop-strongswan-peer-selftest PROPERTIES LABELS interop SKIP_RETURN_CODE 77
                     RUN_SERIAL TRUE TIMEOUT 120)

# strongSwan interop: one ctest per case (see tests/interop/iked_strongswan.sh).
if(TARGET iked)
  foreach(case gcm128-init gcm128-resp gcm256-init gcm256-resp chacha-init chacha-resp cbc-init cbc-resp
               pfs-ecp256-init pfs-modp2048-resp pfs-x25519-init pfs-x25519-resp range-init range-resp
               ipv6-init ipv6-resp delete-by-peer delete-by-iked offload-model ike-rekey-resp mesh-subnet
               cert-rsa-init cert-rsa-resp cert-ecdsa-init cert-ecdsa-resp)
    add_test(NAME ike-protocol-interop-${case}
             COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/../interop/iked_strongswan.sh $<TARGET_FILE:iked>
                     ${case} $<$<TARGET_EXISTS:ikectl>:$<TARGET_FILE:ikectl>>)
    # Namespaces and charon instances are named per case, but the veth
    # addresses are the same: run them one at a time.
    set_tests_properties(ike-protocol-interop-${case} PROPERTIES LABELS interop SKIP_RETURN_CODE 77
                         RUN_SERIAL TRUE TIMEOUT 120)
  endforeach()
  # RFC 7383 fragmentation against charon forcing fragments (tests/interop/iked_fragmentation.sh).
  foreach(case frag-resp frag-init)
    add_test(NAME ike-protocol-interop-${case}
             COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/../interop/iked_fragmentation.sh $<TARGET_FILE:iked> ${case})
    set_tests_properties(ike-protocol-interop-${case} PROPERTIES LABELS interop SKIP_RETURN_CODE 77
                         RUN_SERIAL TRUE TIMEOUT 120)
  endforeach()
  # iked rekeys the IKE SA itself: the shortest phase1 keylife is 120 s.
  add_test(NAME ike-protocol-interop-ike-rekey-init
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/../interop/iked_strongswan.sh $<TARGET_FILE:iked>
                   ike-rekey-init $<$<TARGET_EXISTS:ikectl>:$<TARGET_FILE:ikectl>>)
  set_tests_properties(ike-protocol-interop-ike-rekey-init PROPERTIES LABELS "interop;slow" SKIP_RETURN_CODE 77
                       RUN_SERIAL TRUE TIMEOUT 240)
endif()

# Engines with model cards (libespdrv model:): tunnel list counters and byte
# lifetimes with real ESP packets; DPD, keepalives, acquires and add-route.
if(TARGET iked_core AND TARGET espdrv)
  add_executable(ike_card_tests
    ${CMAKE_CURRENT_LIST_DIR}/test_protocol_card.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_protocol_liveness.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_protocol_routes.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_protocol_mesh.cpp
    ${CMAKE_CURRENT_LIST_DIR}/card_traffic.cpp
    ${CMAKE_SOURCE_DIR}/host/ikectl/format.cpp)
  target_link_libraries(ike_card_tests PRIVATE iked_core espdrv catch_main)
  target_include_directories(ike_card_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_SOURCE_DIR}/host/ikectl)
  catch_discover_tests(ike_card_tests TEST_PREFIX "" PROPERTIES LABELS ike)
endif()

# iked against iked in two namespaces: acquire, tunnel list, add-route, DPD.
if(TARGET iked AND TARGET ikectl)
  add_test(NAME ike-protocol-interop-iked-pair
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/../interop/iked_pair.sh $<TARGET_FILE:iked> $<TARGET_FILE:ikectl>)
  set_tests_properties(ike-protocol-interop-iked-pair PROPERTIES LABELS interop SKIP_RETURN_CODE 77
                       RUN_SERIAL TRUE TIMEOUT 60)
endif()
