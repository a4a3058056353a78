// block.h: the 128-bit block type shared by the crypto primitives, and the byte-order
// bridges between it and the AXI stream beat.
//
// Block convention (FIPS-197 / SP 800-38D): packet byte 0 sits in bits [127:120], so a
// block printed as hex reads like the standards' strings.
// Beat convention (docs/contract.md): packet byte i sits in tdata[8*i+7 : 8*i].
// The two differ by a byte reversal, done here once so nobody else re-derives it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hls_compat.h"

namespace esphls {

using block_t = ap_uint<128>;
using beat_t = ap_uint<128>;

// Byte i of the block (i = 0 is the first packet byte, bits [127:120]).
inline ap_uint<8> block_byte(const block_t& b, int i) {
#pragma HLS INLINE
    return b.range(127 - 8 * i, 120 - 8 * i);
}

// AXI beat (byte i in lane i) -> block (byte i at [127-8i:120-8i]); pure wiring.
inline block_t beat_to_block(const beat_t& beat) {
#pragma HLS INLINE
    block_t b = 0;
    for (int i = 0; i < 16; ++i) {
#pragma HLS UNROLL
        b.range(127 - 8 * i, 120 - 8 * i) = beat.range(8 * i + 7, 8 * i);
    }
    return b;
}

// Block -> AXI beat; the inverse of beat_to_block (it is its own inverse).
inline beat_t block_to_beat(const block_t& b) {
#pragma HLS INLINE
    return beat_to_block(b);
}

// Keeps the first nbytes bytes (0..16) of a block and zeroes the rest.
inline block_t block_keep_bytes(const block_t& b, unsigned nbytes) {
#pragma HLS INLINE
    block_t mask = 0;
    for (int i = 0; i < 16; ++i) {
#pragma HLS UNROLL
        if (static_cast<unsigned>(i) < nbytes) mask.range(127 - 8 * i, 120 - 8 * i) = 0xFF;
    }
    return b & mask;
}

// Host-side helpers (also synthesizable, but meant for tests and drivers of the model):
// load up to 16 bytes into a block (missing bytes zero), store all 16.
inline block_t block_from_bytes(const std::uint8_t* p, std::size_t n) {
    block_t b = 0;
    for (std::size_t i = 0; i < n && i < 16; ++i) {
        b.range(127 - 8 * static_cast<int>(i), 120 - 8 * static_cast<int>(i)) = p[i];
    }
    return b;
}
inline void block_to_bytes(const block_t& b, std::uint8_t* out16) {
    for (int i = 0; i < 16; ++i) out16[i] = static_cast<std::uint8_t>(block_byte(b, i).to_uint());
}

} // namespace esphls
