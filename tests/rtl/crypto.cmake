# tests/rtl/crypto.cmake: registers the crypto RTL testbenches built in sim/crypto.cmake,
# and a lint pass over the crypto and ESP encapsulation RTL (warnings are errors).
foreach(tb tb_aes_enc_pipeline tb_ghash_accum tb_gcm_core tb_esp_encap)
  if(TARGET ${tb})
    add_test(NAME rtl_${tb} COMMAND ${tb})
    set_tests_properties(rtl_${tb} PROPERTIES LABELS rtl)
  endif()
endforeach()

if(ESP_WITH_RTL AND ESP_RTL_ESP_SOURCES)
  find_program(ESP_VERILATOR_BIN verilator)
  if(ESP_VERILATOR_BIN)
    add_test(NAME rtl_crypto_lint
             COMMAND ${ESP_VERILATOR_BIN} --lint-only -Wall ${ESP_RTL_ESP_SOURCES} --top-module esp_encap)
    set_tests_properties(rtl_crypto_lint PROPERTIES LABELS rtl)
  endif()
endif()
