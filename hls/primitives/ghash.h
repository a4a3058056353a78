// ghash.h: multiplication in GF(2^128) as GCM defines it (SP 800-38D, 6.3).
//
// Throughput note: gf128_mul below is a branch-free 128-step shift/xor loop. Fully
// unrolled (#pragma HLS UNROLL) it becomes a pure XOR network of depth ~log2(128)
// after synthesis folds the constant reduction polynomial, so with PIPELINE II=1 a
// new block enters every cycle; the cost is area (about 128x128 AND/XOR terms) and
// a few register stages. If timing closure fails at the target clock, the standard
// alternative is aggregated powers of H: precompute H, H^2, H^3, H^4 per SA and
// fold four blocks as X = (X ^ C1)*H^4 ^ C2*H^3 ^ C3*H^2 ^ C4*H, letting each of the
// four multipliers take four cycles while the unit still absorbs one block a cycle.
#pragma once

#include "block.h"

namespace esphls {

// X * Y in GF(2^128) with GCM's bit order (bit 0 of the spec = bit 127 here).
block_t gf128_mul(const block_t& x, const block_t& y);

// One GHASH step: (acc ^ block) * h.
block_t ghash_update(const block_t& acc, const block_t& block, const block_t& h);

} // namespace esphls
