// Protection of the IKEv2 Encrypted (SK) payload body, one object per
// direction (SK_ei/SK_ai for what the initiator sends, SK_er/SK_ar back).
//
// The SK payload body is IV || ciphertext || ICV (RFC 7296 3.14).
// `prefix` is every message octet before the body: the IKE header, any
// plaintext payloads and the SK (or SKF) payload header, with all length
// fields already final.
//   AEAD (RFC 5282, RFC 7634): AAD = prefix; nonce = salt || IV.
//   AES-CBC + HMAC (RFC 7296, RFC 4868): ICV = HMAC(prefix | IV | ciphertext)
//   truncated; the ICV is checked (constant time) before decrypting.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "secure_bytes.h"
#include "transforms.h"

namespace ike::crypto {

class SkCipher {
public:
    virtual ~SkCipher() = default;
    virtual std::size_t iv_bytes() const = 0;
    virtual std::size_t icv_bytes() const = 0;
    // Plaintext (inner payloads | padding | pad length) is padded to a
    // multiple of this: 16 for AES-CBC, 1 for the AEAD ciphers.
    virtual std::size_t block_bytes() const = 0;
    virtual bool is_aead() const = 0;

    // Body = fresh IV || ciphertext || ICV. AEAD IVs come from a 64-bit
    // counter so a nonce is never reused under one key; CBC IVs are random.
    // nullopt if the counter is exhausted, the plaintext is not a multiple
    // of block_bytes(), or OpenSSL fails.
    virtual std::optional<std::vector<uint8_t>> seal(std::span<const uint8_t> prefix,
                                                     std::span<const uint8_t> plaintext) = 0;
    // Known-answer tests only: seal with a caller-chosen IV (iv_bytes() long).
    virtual std::optional<std::vector<uint8_t>> seal_with_iv(std::span<const uint8_t> prefix,
                                                             std::span<const uint8_t> iv,
                                                             std::span<const uint8_t> plaintext) = 0;
    // Verifies and decrypts a body. Returns the padded plaintext (the caller
    // strips pad length + padding), or nullopt on any failure (too short,
    // ciphertext not block aligned, ICV mismatch).
    virtual std::optional<secure_bytes> open(std::span<const uint8_t> prefix, std::span<const uint8_t> body) const = 0;
};

// encr_key includes the salt for AEAD (as derive_ike_keys() produces it);
// integ must be NONE for AEAD and an HMAC-SHA1/SHA2 transform for AES-CBC.
// nullptr for unsupported combinations or wrong key sizes.
std::unique_ptr<SkCipher> make_sk_cipher(EncrId encr, uint16_t key_bits, IntegId integ,
                                         std::span<const uint8_t> encr_key, std::span<const uint8_t> integ_key);

} // namespace ike::crypto
