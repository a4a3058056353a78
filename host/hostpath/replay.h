// replay.h: the inbound anti-replay window of a host-path SA (RFC 4303 3.4.3).
//
// Its own code, with the card's semantics (hls/esp/replay_window.h, docs/engine.md), so an
// SA behaves the same wherever it runs:
//  - seq is acceptable iff seq != 0 and (seq > top, or top - seq < window and not yet seen);
//  - window 0 turns checking off (check always true), update still tracks top;
//  - init(top) marks top itself seen when top != 0;
//  - infer() is RFC 4303 A2.2 with the card's edge choices: window 0 infers with 2^31, the
//    high half never goes below 0, and after high half 2^32-1 it wraps to 0 (then rejected:
//    the sequence space never wraps);
//  - update() ignores numbers left of the window.
// Storage: a ring of 64-bit words covering window + 64 bits, cleared word by word as top
// advances (RFC 6479): O(1) per in-order packet, no shifting.
#pragma once

#include <array>
#include <cstdint>

namespace hostpath {

class ReplayWindow {
public:
    static constexpr unsigned kMaxWindow = 4096;

    // window is clamped to kMaxWindow.
    void init(uint64_t top, unsigned window);
    uint64_t infer(uint32_t seq_lo, bool esn) const;
    bool check(uint64_t seq) const; // before the ICV: changes nothing
    void update(uint64_t seq);      // after the packet verified
    uint64_t top() const { return top_; }
    unsigned window() const { return window_; }

private:
    static constexpr unsigned kWords = 128; // 8192 bits >= kMaxWindow + 64, a power of two
    bool seen(uint64_t seq) const { return (ring_[(seq >> 6) % kWords] >> (seq & 63)) & 1; }

    uint64_t top_ = 0;
    unsigned window_ = 0;
    std::array<uint64_t, kWords> ring_{};
};

} // namespace hostpath
