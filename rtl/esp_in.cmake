# rtl/esp_in.cmake: sources of the inbound ESP datapath (esp_decap), package first, with
# gcm_core from rtl/crypto and the lint waivers they are checked with.
if(NOT ESP_WITH_RTL OR NOT DEFINED ESP_RTL_GCM_SOURCES)
  return()
endif()
set(ESP_RTL_ESP_IN_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/esp_in/esp_in_lint.vlt
    ${CMAKE_CURRENT_LIST_DIR}/esp_contract_pkg.sv
    ${CMAKE_CURRENT_LIST_DIR}/esp_in/esp_in_pkg.sv
    ${ESP_RTL_GCM_SOURCES}
    ${CMAKE_CURRENT_LIST_DIR}/ctrl/esp_lim_queue.sv   # also esp_out_ctrl's (rtl/top, via this list)
    ${CMAKE_CURRENT_LIST_DIR}/esp_in/esp_in_parser.sv
    ${CMAKE_CURRENT_LIST_DIR}/esp_in/esp_in_resolve.sv
    ${CMAKE_CURRENT_LIST_DIR}/esp_in/esp_in_trailer.sv
    ${CMAKE_CURRENT_LIST_DIR}/esp_in/esp_in_emit.sv
    ${CMAKE_CURRENT_LIST_DIR}/esp_in/esp_in_ring.sv
    ${CMAKE_CURRENT_LIST_DIR}/esp_in/esp_decap.sv
    CACHE INTERNAL "inbound ESP datapath sources")
