// AES-128/256 encryption (FIPS-197), written for Vitis HLS: the state is one 128-bit
// word, SubBytes is 16 parallel S-box ROM lookups, ShiftRows is wiring and MixColumns
// is XOR logic, so a fully unrolled round loop pipelines at II=1.
#include "aes.h"

namespace esphls {
namespace {

// FIPS-197 Figure 7, the S-box, indexed by the input byte.
const ap_uint<8> kSbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76, 0xca, 0x82, 0xc9,
    0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0, 0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f,
    0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15, 0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07,
    0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75, 0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3,
    0x29, 0xe3, 0x2f, 0x84, 0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58,
    0xcf, 0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8, 0x51, 0xa3,
    0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2, 0xcd, 0x0c, 0x13, 0xec, 0x5f,
    0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73, 0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88,
    0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb, 0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac,
    0x62, 0x91, 0x95, 0xe4, 0x79, 0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a,
    0xae, 0x08, 0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a, 0x70,
    0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e, 0xe1, 0xf8, 0x98, 0x11,
    0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf, 0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42,
    0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

ap_uint<8> sbox(const ap_uint<8>& x) {
#pragma HLS INLINE
    return kSbox[x.to_uint()];
}

// Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
ap_uint<8> xtime(const ap_uint<8>& b) {
#pragma HLS INLINE
    ap_uint<8> shifted = b << 1;
    return b[7] ? ap_uint<8>(shifted ^ 0x1b) : shifted;
}

// The state is 16 bytes, byte r + 4c holding row r, column c (FIPS-197 3.4); in
// hardware the array is partitioned into registers, in C-simulation byte-wide values
// keep the model fast.
using AesState = ap_uint<8>[16];

void load_state(const block_t& b, AesState s) {
#pragma HLS INLINE
    for (int i = 0; i < 16; ++i) {
#pragma HLS UNROLL
        s[i] = block_byte(b, i);
    }
}

block_t store_state(const AesState s) {
#pragma HLS INLINE
    block_t b = 0;
    for (int i = 0; i < 16; ++i) {
#pragma HLS UNROLL
        b.range(127 - 8 * i, 120 - 8 * i) = s[i];
    }
    return b;
}

void add_round_key(AesState s, const block_t& rk) {
#pragma HLS INLINE
    for (int i = 0; i < 16; ++i) {
#pragma HLS UNROLL
        s[i] ^= block_byte(rk, i);
    }
}

// SubBytes and ShiftRows together: s'[r][c] = S(s[r][(c + r) mod 4]).
void sub_shift(AesState s) {
#pragma HLS INLINE
    ap_uint<8> t[16];
#pragma HLS ARRAY_PARTITION variable = t complete
    for (int c = 0; c < 4; ++c) {
#pragma HLS UNROLL
        for (int r = 0; r < 4; ++r) {
#pragma HLS UNROLL
            t[r + 4 * c] = sbox(s[r + 4 * ((c + r) % 4)]);
        }
    }
    for (int i = 0; i < 16; ++i) {
#pragma HLS UNROLL
        s[i] = t[i];
    }
}

void mix_columns(AesState s) {
#pragma HLS INLINE
    for (int c = 0; c < 4; ++c) {
#pragma HLS UNROLL
        const ap_uint<8> a0 = s[4 * c], a1 = s[4 * c + 1], a2 = s[4 * c + 2], a3 = s[4 * c + 3];
        // 2*a ^ 3*b ^ c ^ d with 3*b = 2*b ^ b, for each row rotation.
        s[4 * c] = xtime(a0 ^ a1) ^ a1 ^ a2 ^ a3;
        s[4 * c + 1] = xtime(a1 ^ a2) ^ a2 ^ a3 ^ a0;
        s[4 * c + 2] = xtime(a2 ^ a3) ^ a3 ^ a0 ^ a1;
        s[4 * c + 3] = xtime(a3 ^ a0) ^ a0 ^ a1 ^ a2;
    }
}

// SubWord(RotWord(w)) for the key schedule; w holds key bytes big-endian.
ap_uint<32> sub_word(const ap_uint<32>& w) {
    ap_uint<32> out = 0;
    for (int i = 0; i < 4; ++i) {
#pragma HLS UNROLL
        out.range(8 * i + 7, 8 * i) = sbox(w.range(8 * i + 7, 8 * i));
    }
    return out;
}

ap_uint<32> rot_word(const ap_uint<32>& w) { return (w << 8) | (w >> 24); }

} // namespace

void aes_expand_key(const ap_uint<256>& key, bool key256, AesKeySchedule& ks) {
    const int nk = key256 ? 8 : 4;
    const int rounds = key256 ? 14 : 10;
    const int total_words = 4 * (rounds + 1);
    ap_uint<32> w[60];
    for (int i = 0; i < 8; ++i) w[i] = key.range(255 - 32 * i, 224 - 32 * i);
    ap_uint<8> rcon = 0x01;
    for (int i = nk; i < total_words; ++i) {
        ap_uint<32> t = w[i - 1];
        if (i % nk == 0) {
            t = sub_word(rot_word(t)) ^ (ap_uint<32>(rcon) << 24);
            rcon = xtime(rcon);
        } else if (nk == 8 && i % nk == 4) {
            t = sub_word(t);
        }
        w[i] = w[i - nk] ^ t;
    }
    for (int r = 0; r < 15; ++r) {
        block_t k = 0;
        if (r <= rounds) {
            for (int j = 0; j < 4; ++j) k.range(127 - 32 * j, 96 - 32 * j) = w[4 * r + j];
        }
        ks.rk[r] = k;
    }
    ks.rounds = rounds;
}

block_t aes_encrypt_block(const AesKeySchedule& ks, const block_t& in) {
#pragma HLS PIPELINE II = 1
    // All round keys are read in the same cycle: the caller keeps the schedule in
    // registers (see aes.h).
    const bool key256 = ks.rounds == 14;
    AesState s;
#pragma HLS ARRAY_PARTITION variable = s complete
    load_state(in, s);
    add_round_key(s, ks.rk[0]);
    // Rounds 1..9 are common; AES-256 adds 10..13. Every round is instantiated and the
    // extra ones are bypassed for AES-128, keeping the pipeline depth fixed.
    for (int r = 1; r < 14; ++r) {
#pragma HLS UNROLL
        if (r < 10 || key256) {
            sub_shift(s);
            mix_columns(s);
            add_round_key(s, ks.rk[r]);
        }
    }
    sub_shift(s);
    add_round_key(s, key256 ? ks.rk[14] : ks.rk[10]);
    return store_state(s);
}

void aes_wipe_key(AesKeySchedule& ks) {
    for (int r = 0; r < 15; ++r) ks.rk[r] = 0;
    ks.rounds = 0;
#ifndef __SYNTHESIS__
    // Keeps the compiler from dropping the stores to an object about to die.
    asm volatile("" : : "r"(&ks) : "memory");
#endif
}

} // namespace esphls
