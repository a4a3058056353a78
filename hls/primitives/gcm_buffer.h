// gcm_buffer.h: whole-message AES-GCM built on the streaming HLS API. Host-side
// convenience for tests and the software model; not synthesizable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace esphls {

// Encrypts plaintext; ciphertext_out gets plaintext.size() bytes, tag_out16 16 bytes.
// key_len must be 16 or 32 (else std::invalid_argument); iv12 is the 96-bit IV.
void gcm_seal(const std::uint8_t* key, std::size_t key_len, const std::uint8_t* iv12, std::span<const std::uint8_t> aad,
              std::span<const std::uint8_t> plaintext, std::vector<std::uint8_t>& ciphertext_out,
              std::uint8_t* tag_out16);

// Decrypts and verifies; the tag is compared in constant time. Returns false (and
// leaves plaintext_out empty) when the tag does not match.
bool gcm_open(const std::uint8_t* key, std::size_t key_len, const std::uint8_t* iv12, std::span<const std::uint8_t> aad,
              std::span<const std::uint8_t> ciphertext, const std::uint8_t* tag16,
              std::vector<std::uint8_t>& plaintext_out);

} // namespace esphls
