// GF(2^128) multiplication, SP 800-38D Algorithm 1, without data-dependent branches:
// the conditional XORs become AND masks so timing and hardware do not depend on data.
#include "ghash.h"

namespace esphls {
namespace {

// R = 11100001 || 0^120 as a block.
const block_t kReduction = block_t(0xE1) << 120;

// All ones when bit is set, else zero.
block_t replicate(bool bit) {
#pragma HLS INLINE
    return bit ? ~block_t(0) : block_t(0);
}

} // namespace

block_t gf128_mul(const block_t& x, const block_t& y) {
#pragma HLS PIPELINE II = 1
    block_t z = 0;
    block_t v = y;
    for (int i = 0; i < 128; ++i) {
#pragma HLS UNROLL
        // Spec bit x_i is bit 127 - i here; spec bit V_127 is bit 0.
        z ^= v & replicate(x[127 - i]);
        v = (v >> 1) ^ (kReduction & replicate(v[0]));
    }
    return z;
}

block_t ghash_update(const block_t& acc, const block_t& block, const block_t& h) {
#pragma HLS INLINE
    return gf128_mul(acc ^ block, h);
}

} // namespace esphls
