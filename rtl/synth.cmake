# rtl/synth.cmake: the yosys synthesis estimate (scripts/synth-estimate.sh) over the same
# source lists the Verilator builds use, so the two never drift. Two modes:
#   included from rtl/CMakeLists.txt: a `synth_estimate` target (never part of ctest; it
#     takes many minutes and GBs), e.g. `ninja synth_estimate`;
#   `cmake -P rtl/synth.cmake`: prints the lists as LIST=file;file lines (the script uses
#     this when run by hand, without a build directory).
if(CMAKE_SCRIPT_MODE_FILE)
  # The area files only define lists here; Verilator is not needed for that.
  macro(find_package)
  endmacro()
  set(ESP_WITH_RTL ON)
  set(ESP_RTL_LIST_DIR ${CMAKE_CURRENT_LIST_DIR})
  foreach(area crypto control esp_in top)
    include(${ESP_RTL_LIST_DIR}/${area}.cmake OPTIONAL)
  endforeach()
endif()

# Lists handed to the script; yosys reads only the .sv files of each.
set(esp_synth_lists ESP_RTL_AES_SOURCES ESP_RTL_GHASH_SOURCES ESP_RTL_GCM_SOURCES
    ESP_RTL_ESP_SOURCES ESP_RTL_ESP_IN_SOURCES ESP_RTL_REPLAY_SOURCES ESP_RTL_CTRL_SOURCES
    ESP_RTL_TOP_SOURCES)
set(esp_synth_text "")
foreach(list IN LISTS esp_synth_lists)
  if(DEFINED ${list})
    string(APPEND esp_synth_text "${list}=${${list}}\n")
  endif()
endforeach()

if(CMAKE_SCRIPT_MODE_FILE)
  execute_process(COMMAND ${CMAKE_COMMAND} -E echo_append "${esp_synth_text}")
  return()
endif()
if(NOT ESP_WITH_RTL)
  return()
endif()
set(esp_synth_list_file ${CMAKE_CURRENT_BINARY_DIR}/synth-sources.txt)
file(WRITE ${esp_synth_list_file} "${esp_synth_text}")
set(ESP_SYNTH_TOPS "" CACHE STRING "tops for synth_estimate (empty: every major module)")
set(ESP_SYNTH_TIMEOUT 3600 CACHE STRING "seconds allowed per yosys run of synth_estimate")
add_custom_target(synth_estimate
  COMMAND ${CMAKE_COMMAND} -E env ESP_SYNTH_SOURCES=${esp_synth_list_file}
          ESP_SYNTH_TIMEOUT=${ESP_SYNTH_TIMEOUT}
          nice -n 10 ${CMAKE_SOURCE_DIR}/scripts/synth-estimate.sh
          ${CMAKE_CURRENT_BINARY_DIR}/synth ${ESP_SYNTH_TOPS}
  USES_TERMINAL
  COMMENT "yosys synth_xilinx -family xcup over the RTL (long)")
