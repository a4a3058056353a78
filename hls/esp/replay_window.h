// replay_window.h: the inbound anti-replay window of one SA (RFC 4303 3.4.3, RFC 6479).
//
// Header-only HLS C++ (Vitis idiom, hls_compat.h under g++). Include "esp/replay_window.h"
// with hls/ and driver/include on the include path (targets esp_hls_primitives and
// esp_contract give both).
//
// Use per inbound packet, in this order:
//   seq = replay_infer_seq(st, seq_lo_from_packet, esn);   // 64-bit number (ESN high half)
//   if (!replay_check(st, seq)) drop REPLAY;                // before the ICV check
//   ... ICV ...                                              // AUTH_FAIL: no update
//   replay_update(st, seq);                                  // only once the ICV verified
//
// State: a ring of ESP_REPLAY_RING_BLOCKS blocks of 32 bits. Bit (s mod ring_bits) says
// whether s was seen, for s in the last ring_bits numbers up to `top`. Advancing `top`
// clears only the blocks that enter the ring (RFC 6479), never shifts the window; a jump
// of a whole ring or more clears every block. Since ring_bits >= MAX_WINDOW + 32, every
// number inside the window has a live bit.
//
// Semantics (exact for window 1..ESP_MAX_REPLAY_WINDOW): seq is acceptable iff
//   seq > top, or (top - seq < window and seq not yet seen),
// and seq != 0 (0 is never sent, RFC 4303 3.3.3). window 0 turns checking off:
// replay_check is then always true (as Linux xfrm does), and replay_update still
// tracks top so ESN inference keeps working.
//
// Decisions beyond the brief (documented here as promised):
//  - replay_init marks `top` itself as seen when top != 0: the contract defines the
//    programmed SEQ of an inbound SA as "highest sequence number seen". Numbers below
//    top start as not seen (no bitmap is programmed).
//  - replay_init clamps window to ESP_MAX_REPLAY_WINDOW (the engine rejects larger
//    values with BAD_PARAM before calling it).
//  - replay_infer_seq with window 0 uses 2^31 as the inference window, i.e. the
//    64-bit number nearest to top (anti-replay off still needs the high half).
//  - replay_infer_seq never returns a high half below 0: at top < 2^32 a low half
//    "from the previous epoch" is taken in epoch 0. At top's high half 2^32-1, "the
//    next epoch" wraps to 0, which replay_check rejects as left of the window (the
//    sequence space never wraps).
//  - replay_update ignores numbers it could not have accepted (left of the window),
//    so a stray call cannot alias a live bit.
//
// Cost per packet: check = 1 block read; update = 1 read-modify-write, plus one block
// clear per 32 numbers the top advances (at most ESP_REPLAY_RING_BLOCKS, a bounded loop
// that is 1 iteration for in-order traffic).
#pragma once

#include "esp_contract.h"
#include "hls_compat.h"

namespace esphls {

constexpr unsigned kReplayBlockBits = ESP_REPLAY_BLOCK_BITS;
constexpr unsigned kReplayRingBlocks = ESP_REPLAY_RING_BLOCKS;
constexpr unsigned kReplayRingBits = kReplayBlockBits * kReplayRingBlocks;
constexpr unsigned kReplayMaxWindow = ESP_MAX_REPLAY_WINDOW;

constexpr unsigned replay_log2(unsigned v) { return v <= 1 ? 0 : 1 + replay_log2(v / 2); }
constexpr unsigned kReplayBlockShift = replay_log2(kReplayBlockBits);
constexpr unsigned kReplayRingMask = kReplayRingBlocks - 1;

static_assert((kReplayBlockBits & (kReplayBlockBits - 1)) == 0, "block bits: power of two");
static_assert((kReplayRingBlocks & (kReplayRingBlocks - 1)) == 0, "ring blocks: power of two");
static_assert(kReplayRingBits >= kReplayMaxWindow + kReplayBlockBits,
              "the ring must cover the largest window plus one block (RFC 6479)");
static_assert(kReplayMaxWindow < (1u << 13), "window must fit ReplayState::window");

struct ReplayState {
    ap_uint<64> top;                            // highest number accepted (window top)
    ap_uint<32> bitmap[ESP_REPLAY_RING_BLOCKS]; // seen bits, ring indexed by seq mod ring bits
    ap_uint<13> window;                         // 0 (off) or 1..ESP_MAX_REPLAY_WINDOW
};

namespace replay_detail {

inline unsigned block_of(const ap_uint<64>& seq) {
    return static_cast<unsigned>((seq >> kReplayBlockShift).to_uint64() & kReplayRingMask);
}
inline unsigned bit_of(const ap_uint<64>& seq) {
    return static_cast<unsigned>(seq.to_uint64() & (kReplayBlockBits - 1));
}

} // namespace replay_detail

inline void replay_init(ReplayState& st, ap_uint<64> top, unsigned window) {
    st.top = top;
    st.window = window > kReplayMaxWindow ? kReplayMaxWindow : window;
    for (unsigned i = 0; i < kReplayRingBlocks; ++i) {
#pragma HLS PIPELINE II = 1
        st.bitmap[i] = 0;
    }
    if (top != 0) st.bitmap[replay_detail::block_of(top)][replay_detail::bit_of(top)] = true;
}

// RFC 4303 Appendix A2.2: the high half of a 64-bit ESN from the low half on the wire,
// placing seq_lo inside [top - W + 1, top - W + 2^32]. Without ESN the high half is 0.
inline ap_uint<64> replay_infer_seq(const ReplayState& st, ap_uint<32> seq_lo, bool esn) {
    if (!esn) return ap_uint<64>(seq_lo);
    const ap_uint<32> tl = st.top.range(31, 0);
    const ap_uint<32> th = st.top.range(63, 32);
    const ap_uint<32> w = st.window == 0 ? ap_uint<32>(0x80000000u) : ap_uint<32>(st.window);
    const ap_uint<32> bottom = tl - w + 1; // window bottom, modulo 2^32
    ap_uint<32> hi;
    if (tl >= w - 1) { // Case A: the window lies inside one epoch
        hi = seq_lo >= bottom ? th : ap_uint<32>(th + 1);
    } else { // Case B: the window straddles the start of the epoch
        if (seq_lo >= bottom) {
            hi = th == 0 ? ap_uint<32>(0) : ap_uint<32>(th - 1);
        } else {
            hi = th;
        }
    }
    ap_uint<64> seq = seq_lo;
    seq.range(63, 32) = hi;
    return seq;
}

// Pre-ICV check; reads one block and changes nothing.
inline bool replay_check(const ReplayState& st, ap_uint<64> seq) {
    if (st.window == 0) return true;
    if (seq == 0) return false;
    if (seq > st.top) return true;
    const ap_uint<64> behind = st.top - seq;
    if (behind >= st.window) return false;
    const ap_uint<32> block = st.bitmap[replay_detail::block_of(seq)];
    return !block[replay_detail::bit_of(seq)];
}

// Post-ICV update: marks seq seen, advancing top (and clearing entering blocks) if needed.
inline void replay_update(ReplayState& st, ap_uint<64> seq) {
    if (seq > st.top) {
        const ap_uint<64> top_block = st.top >> kReplayBlockShift;
        const ap_uint<64> gap = ap_uint<64>(seq >> kReplayBlockShift) - top_block;
        const unsigned entering = gap >= kReplayRingBlocks ? kReplayRingBlocks : static_cast<unsigned>(gap.to_uint64());
        const unsigned first = static_cast<unsigned>(top_block.to_uint64() & kReplayRingMask) + 1;
        for (unsigned i = 0; i < kReplayRingBlocks; ++i) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 256
            if (i >= entering) break;
            st.bitmap[(first + i) & kReplayRingMask] = 0;
        }
        st.top = seq;
    } else {
        const ap_uint<64> behind = st.top - seq;
        if (st.window == 0 || behind >= st.window) return;
    }
    ap_uint<32> block = st.bitmap[replay_detail::block_of(seq)];
    block[replay_detail::bit_of(seq)] = true;
    st.bitmap[replay_detail::block_of(seq)] = block;
}

} // namespace esphls
