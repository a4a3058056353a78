# rtl/control.cmake: sources of the control plane (register file, SA table, hash,
# counters, events, anti-replay) and the lint configuration they are checked with.
if(NOT ESP_WITH_RTL)
  return()
endif()
find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT})

set(ESP_RTL_CTRL_LINT_CONFIG ${CMAKE_CURRENT_LIST_DIR}/ctrl/esp_lint.vlt CACHE INTERNAL "lint waivers of the control RTL")
set(ESP_RTL_REPLAY_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/esp_contract_pkg.sv
    ${CMAKE_CURRENT_LIST_DIR}/replay/esp_replay_window.sv
    CACHE INTERNAL "anti-replay window sources")
set(ESP_RTL_CTRL_SOURCES
    ${ESP_RTL_REPLAY_SOURCES}
    ${CMAKE_CURRENT_LIST_DIR}/ctrl/esp_event_queue.sv
    ${CMAKE_CURRENT_LIST_DIR}/ctrl/esp_counters.sv
    ${CMAKE_CURRENT_LIST_DIR}/ctrl/esp_sa_hash_pipe.sv
    ${CMAKE_CURRENT_LIST_DIR}/ctrl/esp_sa_hash.sv
    ${CMAKE_CURRENT_LIST_DIR}/ctrl/esp_sa_table.sv
    ${CMAKE_CURRENT_LIST_DIR}/ctrl/esp_csr.sv
    ${CMAKE_CURRENT_LIST_DIR}/ctrl/esp_ctrl.sv
    CACHE INTERNAL "control plane sources (package first)")
set(ESP_RTL_INGRESS_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/esp_contract_pkg.sv
    ${CMAKE_CURRENT_LIST_DIR}/ctrl/esp_ingress.sv
    CACHE INTERNAL "store-and-forward input stage")
