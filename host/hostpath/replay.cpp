#include "replay.h"

namespace hostpath {

void ReplayWindow::init(uint64_t top, unsigned window) {
    top_ = top;
    window_ = window > kMaxWindow ? kMaxWindow : window;
    ring_.fill(0);
    if (top != 0) ring_[(top >> 6) % kWords] |= uint64_t{1} << (top & 63);
}

uint64_t ReplayWindow::infer(uint32_t seq_lo, bool esn) const {
    if (!esn) return seq_lo;
    const uint32_t tl = static_cast<uint32_t>(top_);
    const uint32_t th = static_cast<uint32_t>(top_ >> 32);
    const uint32_t w = window_ == 0 ? 0x80000000u : window_;
    const uint32_t bottom = tl - w + 1; // modulo 2^32
    uint32_t hi;
    if (tl >= w - 1) // the window lies inside one epoch
        hi = seq_lo >= bottom ? th : th + 1;
    else // the window straddles the start of the epoch
        hi = seq_lo >= bottom ? (th == 0 ? 0 : th - 1) : th;
    return (uint64_t{hi} << 32) | seq_lo;
}

bool ReplayWindow::check(uint64_t seq) const {
    if (window_ == 0) return true;
    if (seq == 0) return false;
    if (seq > top_) return true;
    if (top_ - seq >= window_) return false;
    return !seen(seq);
}

void ReplayWindow::update(uint64_t seq) {
    if (seq > top_) {
        const uint64_t top_word = top_ >> 6;
        const uint64_t gap = (seq >> 6) - top_word;
        const uint64_t entering = gap >= kWords ? kWords : gap;
        for (uint64_t i = 1; i <= entering; ++i) ring_[(top_word + i) % kWords] = 0;
        top_ = seq;
    } else if (window_ == 0 || top_ - seq >= window_) {
        return;
    }
    ring_[(seq >> 6) % kWords] |= uint64_t{1} << (seq & 63);
}

} // namespace hostpath
