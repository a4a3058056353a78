// Fixed SK ciphers shared by the SK fuzzer and its seed corpus, so seeds
// carry valid ICVs that mutations then break in every way.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "crypto/sk_cipher.h"

namespace fuzz_keys {

inline std::vector<uint8_t> key_bytes(std::size_t n, uint8_t seed) {
    std::vector<uint8_t> k(n);
    for (std::size_t i = 0; i < n; ++i) k[i] = static_cast<uint8_t>(seed + i);
    return k;
}

// 0: AES_GCM_16_256, 1: AES_CBC_256 + HMAC_SHA2_256_128, 2: CHACHA20_POLY1305.
inline std::unique_ptr<ike::crypto::SkCipher> cipher(unsigned which) {
    using namespace ike::crypto;
    switch (which % 3) {
        case 0:
            return make_sk_cipher(EncrId::AES_GCM_16, 256, IntegId::NONE, key_bytes(36, 1), {});
        case 1:
            return make_sk_cipher(EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128, key_bytes(32, 2), key_bytes(32, 3));
        default:
            return make_sk_cipher(EncrId::CHACHA20_POLY1305, 0, IntegId::NONE, key_bytes(36, 4), {});
    }
}

} // namespace fuzz_keys
