// gf128_ref.h: a bit-serial C++ GHASH reference (SP 800-38D Algorithm 1), written from the
// spec independently of the RTL and itself checked against OpenSSL's GCM tags in
// tb_ghash_accum.
#pragma once

#include <cstdint>

#include "tb_common.h"

namespace tbc {

struct U128 {
    std::uint64_t hi = 0; // bytes 0..7, byte 0 in the top bits
    std::uint64_t lo = 0; // bytes 8..15
    bool operator==(const U128&) const = default;
    U128 operator^(const U128& o) const { return {hi ^ o.hi, lo ^ o.lo}; }
};

inline U128 u128_from(const std::uint8_t* p, std::size_t n) {
    U128 r;
    for (std::size_t i = 0; i < 16; ++i) {
        std::uint64_t v = i < n ? p[i] : 0;
        if (i < 8)
            r.hi |= v << (56 - 8 * i);
        else
            r.lo |= v << (56 - 8 * (i - 8));
    }
    return r;
}

inline Bytes u128_bytes(const U128& v) {
    Bytes b(16);
    for (int i = 0; i < 8; ++i) {
        b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v.hi >> (56 - 8 * i));
        b[static_cast<std::size_t>(i + 8)] = static_cast<std::uint8_t>(v.lo >> (56 - 8 * i));
    }
    return b;
}

inline U128 gf128_mul_ref(const U128& x, const U128& y) {
    U128 z, v = y;
    for (int i = 0; i < 128; ++i) {
        bool bit = i < 64 ? (x.hi >> (63 - i)) & 1 : (x.lo >> (127 - i)) & 1;
        if (bit) z = z ^ v;
        bool lsb = v.lo & 1;
        v.lo = (v.lo >> 1) | (v.hi << 63);
        v.hi >>= 1;
        if (lsb) v.hi ^= 0xE1ULL << 56;
    }
    return z;
}

// The GCM lengths block: len(A) || len(C) in bits, 64 bits each.
inline U128 gcm_lengths_block(std::uint64_t aad_bytes, std::uint64_t text_bytes) {
    return {aad_bytes * 8, text_bytes * 8};
}

} // namespace tbc
