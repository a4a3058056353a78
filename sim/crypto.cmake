# sim/crypto.cmake: Verilator testbenches of the crypto datapath (plain mains that return
# nonzero on any mismatch; registered as tests in tests/rtl/crypto.cmake).
if(NOT ESP_WITH_RTL OR NOT COMMAND esp_verilate_crypto)
  return()
endif()

function(esp_crypto_testbench name top)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/crypto/${name}.cpp)
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/crypto)
  target_link_libraries(${name} PRIVATE OpenSSL::Crypto)
  target_compile_definitions(${name} PRIVATE ESP_VECTORS_DIR="${ESP_VECTORS_DIR}")
  esp_verilate_crypto(${name} ${top} ${ARGN})
endfunction()

esp_crypto_testbench(tb_aes_enc_pipeline aes_enc_pipeline ${ESP_RTL_AES_SOURCES})
esp_crypto_testbench(tb_ghash_accum ghash_accum ${ESP_RTL_GHASH_SOURCES})
esp_crypto_testbench(tb_gcm_core gcm_core ${ESP_RTL_GCM_SOURCES})
# The ESP encapsulation is compared with the HLS engine model.
if(TARGET esp_hls_engine)
  esp_crypto_testbench(tb_esp_encap esp_encap ${ESP_RTL_ESP_SOURCES})
  target_link_libraries(tb_esp_encap PRIVATE esp_hls_engine)
endif()
