# tests/rtl/crypto.cmake: registers the crypto RTL testbenches built in sim/crypto.cmake.
foreach(tb tb_aes_enc_pipeline tb_ghash_accum tb_gcm_core tb_esp_encap)
  if(TARGET ${tb})
    add_test(NAME rtl_${tb} COMMAND ${tb})
    set_tests_properties(rtl_${tb} PROPERTIES LABELS rtl)
  endif()
endforeach()
