# sim/top.cmake: the Verilated accelerator (esp_engine_top) as one static library, so the
# differential test and espsim (--engine rtl / both) share a single model build.
if(NOT ESP_WITH_RTL OR NOT DEFINED ESP_RTL_TOP_SOURCES OR NOT COMMAND esp_verilate_model)
  return()
endif()
# Without trace support by default (it keeps every signal alive, which slows the whole top); a build configured
# with -DESP_TRACE_TOP=ON has it, for ESP_SIM_TRACE=<file.fst> / --trace FILE.
option(ESP_TRACE_TOP "compile FST tracing into the Verilated esp_engine_top" OFF)
set(esp_top_trace NO_TRACE)
if(ESP_TRACE_TOP)
  set(esp_top_trace)
endif()
add_library(esp_engine_top_model STATIC)
esp_verilate_model(esp_engine_top_model TOP esp_engine_top SOURCES ${ESP_RTL_TOP_SOURCES} ${esp_top_trace})
if(ESP_TRACE_TOP)  # verilate() defines these for the model only; users' Bench opens the trace
  target_compile_definitions(esp_engine_top_model INTERFACE VM_TRACE=1 VM_TRACE_FST=1)
endif()
# Users include Vesp_engine_top.h and rtl_engine.h: Verilator headers as system includes.
target_include_directories(esp_engine_top_model SYSTEM INTERFACE ${VERILATOR_ROOT}/include
                           ${VERILATOR_ROOT}/include/vltstd)
target_include_directories(esp_engine_top_model INTERFACE ${CMAKE_CURRENT_LIST_DIR}/top)
target_link_libraries(esp_engine_top_model PUBLIC esp_sim_harness esp_packet_engine esp_contract)

# espsim --engine rtl / both (host/espsim/engines.cpp); host/ is configured before sim/.
if(TARGET espsim_lib)
  target_link_libraries(espsim_lib PUBLIC esp_engine_top_model)
  target_compile_definitions(espsim_lib PRIVATE ESP_WITH_RTL_ENGINE)
endif()
