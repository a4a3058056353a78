# rtl/top.cmake: the accelerator top (esp_engine_top) over every RTL area's sources.
if(NOT ESP_WITH_RTL OR NOT DEFINED ESP_RTL_ESP_SOURCES OR NOT DEFINED ESP_RTL_ESP_IN_SOURCES
   OR NOT DEFINED ESP_RTL_CTRL_SOURCES)
  return()
endif()
set(esp_top_sources
    ${CMAKE_CURRENT_LIST_DIR}/top/esp_top_lint.vlt
    ${ESP_RTL_CTRL_LINT_CONFIG}
    ${ESP_RTL_ESP_SOURCES}          # lint config, contract package, gcm_core, esp_encap
    ${ESP_RTL_ESP_IN_SOURCES}       # lint config, esp_in_pkg, esp_decap
    ${ESP_RTL_CTRL_SOURCES}
    ${ESP_RTL_INGRESS_SOURCES}
    ${CMAKE_CURRENT_LIST_DIR}/top/esp_out_ctrl.sv
    ${CMAKE_CURRENT_LIST_DIR}/top/esp_engine_top.sv)
list(REMOVE_DUPLICATES esp_top_sources)  # the contract package and GCM sources are shared
set(ESP_RTL_TOP_SOURCES ${esp_top_sources} CACHE INTERNAL "esp_engine_top and everything below it")
