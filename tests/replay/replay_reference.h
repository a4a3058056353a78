// replay_reference.h: the anti-replay rule written the plain way (a set of seen numbers
// plus the top), against which the RFC 6479 ring in hls/esp/replay_window.h is checked.
#pragma once

#include <cstdint>
#include <set>

namespace replay_test {

class ReferenceWindow {
public:
    ReferenceWindow(std::uint64_t top, unsigned window) : top_(top), window_(window) {
        if (top != 0) seen_.insert(top); // the programmed top counts as seen
    }

    bool acceptable(std::uint64_t seq) const {
        if (window_ == 0) return true;
        if (seq == 0) return false;
        if (seq > top_) return true;
        if (top_ - seq >= window_) return false;
        return seen_.count(seq) == 0;
    }

    void accept(std::uint64_t seq) {
        if (seq > top_) top_ = seq;
        seen_.insert(seq);
        // Numbers this far left can never be acceptable again; keep the set small.
        const std::uint64_t keep = 2 * static_cast<std::uint64_t>(window_) + 64;
        if (top_ > keep) seen_.erase(seen_.begin(), seen_.lower_bound(top_ - keep));
    }

    std::uint64_t top() const { return top_; }

private:
    std::uint64_t top_;
    unsigned window_;
    std::set<std::uint64_t> seen_;
};

} // namespace replay_test
