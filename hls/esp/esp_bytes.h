// esp_bytes.h: big-endian field access and the Internet checksum on packet byte buffers.
#pragma once

#include <cstdint>

namespace esphls {

inline unsigned get16(const std::uint8_t* b, unsigned off) {
#pragma HLS INLINE
    return (unsigned(b[off]) << 8) | b[off + 1];
}
inline std::uint32_t get32(const std::uint8_t* b, unsigned off) {
#pragma HLS INLINE
    return (std::uint32_t(b[off]) << 24) | (std::uint32_t(b[off + 1]) << 16) | (std::uint32_t(b[off + 2]) << 8) |
           b[off + 3];
}
inline void put16(std::uint8_t* b, unsigned off, unsigned v) {
#pragma HLS INLINE
    b[off] = std::uint8_t(v >> 8);
    b[off + 1] = std::uint8_t(v);
}
inline void put32(std::uint8_t* b, unsigned off, std::uint32_t v) {
#pragma HLS INLINE
    b[off] = std::uint8_t(v >> 24);
    b[off + 1] = std::uint8_t(v >> 16);
    b[off + 2] = std::uint8_t(v >> 8);
    b[off + 3] = std::uint8_t(v);
}

// dst[doff ..) = src[soff ..), n bytes.
inline void copy_bytes(std::uint8_t* dst, unsigned doff, const std::uint8_t* src, unsigned soff, unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 0 max = 9216
        dst[doff + i] = src[soff + i];
    }
}

// One's-complement sum (RFC 1071) of len bytes at b[off], added to acc, not folded.
// An odd last byte counts as its high half. acc stays below 2^32 for any len <= 2^16.
inline std::uint32_t csum_add(std::uint32_t acc, const std::uint8_t* b, unsigned off, unsigned len) {
    for (unsigned i = 0; i + 1 < len; i += 2) {
#pragma HLS PIPELINE II = 1
        acc += get16(b, off + i);
    }
    if (len & 1u) acc += unsigned(b[off + len - 1]) << 8;
    return acc;
}

// Folds the carries and returns the 16-bit one's-complement sum (not inverted).
inline unsigned csum_fold(std::uint32_t acc) {
#pragma HLS INLINE
    acc = (acc & 0xFFFFu) + (acc >> 16);
    acc = (acc & 0xFFFFu) + (acc >> 16);
    return acc;
}

} // namespace esphls
