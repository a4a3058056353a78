// Shared helpers for the HLS primitive tests: hex, random bytes and OpenSSL EVP
// references (the independent implementation every primitive is checked against).
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/test_bytes.h"

#include "block.h"

namespace hls_test {

using test_bytes::Bytes;
using test_bytes::from_hex;
using test_bytes::random_bytes;
using test_bytes::to_hex;

inline esphls::block_t block_from_hex(const std::string& hex) {
    const Bytes b = from_hex(hex);
    return esphls::block_from_bytes(b.data(), b.size());
}

inline std::string block_hex(const esphls::block_t& blk) {
    Bytes b(16);
    esphls::block_to_bytes(blk, b.data());
    return to_hex(b);
}

// Key bytes -> the ap_uint<256> layout aes_expand_key expects (byte 0 at [255:248]).
inline ap_uint<256> key_word(const Bytes& key) {
    ap_uint<256> k = 0;
    for (std::size_t i = 0; i < key.size() && i < 32; ++i) {
        const int hi = 255 - 8 * static_cast<int>(i);
        k.range(hi, hi - 7) = key[i];
    }
    return k;
}

// One AES block with OpenSSL (ECB, no padding).
inline Bytes evp_aes_ecb(const Bytes& key, const Bytes& block16) {
    const EVP_CIPHER* cipher = key.size() == 32 ? EVP_aes_256_ecb() : EVP_aes_128_ecb();
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    Bytes out(32);
    int n = 0;
    int fin = 0;
    bool ok = ctx != nullptr && EVP_EncryptInit_ex(ctx, cipher, nullptr, key.data(), nullptr) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
              EVP_EncryptUpdate(ctx, out.data(), &n, block16.data(), 16) == 1 &&
              EVP_EncryptFinal_ex(ctx, out.data() + n, &fin) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok || n + fin != 16) throw std::runtime_error("EVP AES-ECB failed");
    out.resize(16);
    return out;
}

struct Sealed {
    Bytes ct;
    Bytes tag;
};

// AES-GCM seal with OpenSSL, 12-byte IV, 16-byte tag.
inline Sealed evp_gcm_seal(const Bytes& key, const Bytes& iv, const Bytes& aad, const Bytes& pt) {
    const EVP_CIPHER* cipher = key.size() == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    Sealed s{Bytes(pt.size() + 16), Bytes(16)};
    int n = 0;
    int total = 0;
    bool ok = ctx != nullptr && EVP_EncryptInit_ex(ctx, cipher, nullptr, nullptr, nullptr) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) == 1 &&
              EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), iv.data()) == 1;
    if (ok && !aad.empty()) ok = EVP_EncryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())) == 1;
    if (ok && !pt.empty()) {
        ok = EVP_EncryptUpdate(ctx, s.ct.data(), &n, pt.data(), static_cast<int>(pt.size())) == 1;
        total = n;
    }
    if (ok) ok = EVP_EncryptFinal_ex(ctx, s.ct.data() + total, &n) == 1;
    total += n;
    if (ok) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, s.tag.data()) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) throw std::runtime_error("EVP AES-GCM failed");
    s.ct.resize(static_cast<std::size_t>(total));
    return s;
}

} // namespace hls_test
