# sim/control.cmake: the Verilator harness library (header-only, sim/harness) and the
# helper that Verilates a top into a testbench executable.
if(NOT ESP_WITH_RTL)
  return()
endif()
find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT})

add_library(esp_sim_harness INTERFACE)
target_include_directories(esp_sim_harness INTERFACE ${CMAKE_CURRENT_LIST_DIR}/harness)

# esp_verilate_model(<target> TOP <module> SOURCES <files...> [ARGS <verilator args...>]):
# Verilates into an existing executable with -Wall lint and the fast-model flags
# (-O3 -march=native; a plain -CFLAGS -O3 would be overridden by -Os), FST tracing
# compiled in (off until a trace file is asked for).
function(esp_verilate_model target)
  cmake_parse_arguments(VM "" "TOP" "SOURCES;ARGS" ${ARGN})
  verilate(${target}
    TOP_MODULE ${VM_TOP}
    PREFIX V${VM_TOP}
    SOURCES ${VM_SOURCES}
    TRACE_FST
    VERILATOR_ARGS -Wall ${VM_ARGS}
    OPT_FAST -O3 -march=native
    OPT_GLOBAL -O3)
  # Verilator's own headers and generated code are not -Wextra clean: system includes, -w.
  target_include_directories(${target} SYSTEM PRIVATE ${VERILATOR_ROOT}/include ${VERILATOR_ROOT}/include/vltstd)
  get_target_property(srcs ${target} SOURCES)
  foreach(src IN LISTS srcs)
    if(src MATCHES "/V${VM_TOP}[^/]*\\.cpp$" OR src MATCHES "/include/verilated")
      set_property(SOURCE ${src} APPEND PROPERTY COMPILE_OPTIONS -w)
    endif()
  endforeach()
  target_link_libraries(${target} PRIVATE esp_sim_harness)
endfunction()
