# rtl/crypto.cmake: the crypto datapath sources and a helper that Verilates one of them
# into a testbench executable (used by sim/crypto.cmake).
if(NOT ESP_WITH_RTL)
  return()
endif()
find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT})

set(ESP_RTL_CRYPTO_DIR ${CMAKE_CURRENT_LIST_DIR}/crypto CACHE INTERNAL "crypto RTL sources")
set(ESP_RTL_AES_SOURCES
    ${ESP_RTL_CRYPTO_DIR}/aes_sbox.sv
    ${ESP_RTL_CRYPTO_DIR}/aes_round.sv
    ${ESP_RTL_CRYPTO_DIR}/aes_key_expand.sv
    ${ESP_RTL_CRYPTO_DIR}/aes_enc_pipeline.sv
    CACHE INTERNAL "AES pipeline sources")
set(ESP_RTL_GHASH_SOURCES
    ${ESP_RTL_CRYPTO_DIR}/gf128_mul.sv
    ${ESP_RTL_CRYPTO_DIR}/ghash_accum.sv
    CACHE INTERNAL "GHASH sources")
set(ESP_RTL_GCM_SOURCES
    ${ESP_RTL_AES_SOURCES} ${ESP_RTL_GHASH_SOURCES}
    ${ESP_RTL_CRYPTO_DIR}/stream_fifo.sv
    ${ESP_RTL_CRYPTO_DIR}/gcm_core.sv
    CACHE INTERNAL "GCM core sources")

# esp_verilate_crypto(<executable target> <top module> <sources...>): Verilates with lint
# warnings as errors and the fast-model flags measured in docs (-O3 -march=native; a plain
# -CFLAGS -O3 would be overridden by Verilator's -Os).
function(esp_verilate_crypto target top)
  verilate(${target}
    TOP_MODULE ${top}
    PREFIX V${top}
    SOURCES ${ARGN}
    VERILATOR_ARGS -Wall --x-assign fast --x-initial fast
    OPT_FAST -O3 -march=native
    OPT_GLOBAL -O3)
  # Verilator's runtime headers trip -Wextra: include them as system headers (-isystem wins
  # over the -I that verilate() adds).
  target_include_directories(${target} SYSTEM PRIVATE ${VERILATOR_ROOT}/include
                             ${VERILATOR_ROOT}/include/vltstd
                             ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.dir/V${top}.dir)
  # Generated model code is not ours to keep -Wextra clean; our testbench sources still are.
  get_target_property(srcs ${target} SOURCES)
  foreach(src IN LISTS srcs)
    if(src MATCHES "/V${top}[^/]*\\.cpp$" OR src MATCHES "/include/verilated")
      set_property(SOURCE ${src} APPEND PROPERTY COMPILE_OPTIONS -w)
    endif()
  endforeach()
endfunction()

set(ESP_RTL_ESP_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/esp/esp_lint.vlt
    ${CMAKE_CURRENT_LIST_DIR}/esp_contract_pkg.sv
    ${ESP_RTL_GCM_SOURCES}
    ${CMAKE_CURRENT_LIST_DIR}/esp/esp_out_header.sv
    ${CMAKE_CURRENT_LIST_DIR}/esp/esp_out_pack.sv
    ${CMAKE_CURRENT_LIST_DIR}/esp/esp_encap.sv
    CACHE INTERNAL "ESP encapsulation sources")
