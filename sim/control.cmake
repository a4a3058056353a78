# sim/control.cmake: the Verilator harness library (header-only, sim/harness) and the
# helper that Verilates a top into a testbench executable.
if(NOT ESP_WITH_RTL)
  return()
endif()
find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT})

add_library(esp_sim_harness INTERFACE)
target_include_directories(esp_sim_harness INTERFACE ${CMAKE_CURRENT_LIST_DIR}/harness)

# esp_verilate_model(<target> TOP <module> SOURCES <files...> [ARGS <verilator args...>] [NO_TRACE]):
# Verilates into an existing target with -Wall lint and the fast-model flags (Verilator -O3,
# X assignments and initial values fast; C++ -O3 -march=native for the per-cycle code, -O1
# for the run-once code, no debug info in generated code: a plain -CFLAGS -O3 would be
# overridden by -Os). FST tracing is compiled in (off until a trace file is asked for) unless
# NO_TRACE: trace support keeps every signal of the model alive, which slows a big model.
function(esp_verilate_model target)
  cmake_parse_arguments(VM "NO_TRACE" "TOP" "SOURCES;ARGS" ${ARGN})
  set(trace TRACE_FST)
  if(VM_NO_TRACE)
    set(trace)
  endif()
  verilate(${target}
    TOP_MODULE ${VM_TOP}
    PREFIX V${VM_TOP}
    SOURCES ${VM_SOURCES}
    ${trace}
    VERILATOR_ARGS -Wall -O3 --x-assign fast --x-initial fast ${VM_ARGS}
    OPT_FAST -O3 -march=native
    OPT_SLOW -O1
    OPT_GLOBAL -O3)
  # Verilator's own headers and generated code are not -Wextra clean: system includes, -w.
  target_include_directories(${target} SYSTEM PRIVATE ${VERILATOR_ROOT}/include ${VERILATOR_ROOT}/include/vltstd)
  get_target_property(srcs ${target} SOURCES)
  foreach(src IN LISTS srcs)
    if(src MATCHES "/V${VM_TOP}[^/]*\\.cpp$" OR src MATCHES "/include/verilated")
      set_property(SOURCE ${src} APPEND PROPERTY COMPILE_OPTIONS -w -g0)
    endif()
  endforeach()
  target_link_libraries(${target} PRIVATE esp_sim_harness)
endfunction()
