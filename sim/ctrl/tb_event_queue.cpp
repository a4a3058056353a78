// esp_event_queue (Verilated with DEPTH 16, so it wraps and overflows often) against a
// plain FIFO model: up to six pushes a cycle kept in port order while there is room
// (a pop in the same cycle frees its slot first), the rest counted as overflow;
// head/count/overflow compared after every cycle, through soft clears and resets (the
// queue's overflow count takes a cycle's losses in the next cycle: it shows the model's
// count from before the last cycle).
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <random>

#include "Vesp_event_queue.h"
#include "bench.h"

using esp::sim::Bench;

namespace {

constexpr unsigned kDepth = 16; // the -GDEPTH of this model (tests/rtl/control.cmake)
constexpr unsigned kPorts = 6;

struct RefQueue {
    std::deque<uint32_t> q;
    uint32_t overflow = 0;
    uint32_t overflow_shown = 0; // what the queue's `overflow` shows: the count before the last cycle

    void clear() {
        q.clear();
        overflow = 0;
        overflow_shown = 0;
    }
    // One cycle; returns how many pushes were kept.
    unsigned cycle(bool pop, unsigned valid, const std::array<uint32_t, kPorts>& words) {
        overflow_shown = overflow;
        if (pop && !q.empty()) q.pop_front();
        unsigned kept = 0;
        for (unsigned i = 0; i < kPorts; ++i) {
            if (!(valid >> i & 1)) continue;
            if (q.size() < kDepth) {
                q.push_back(words[i]);
                ++kept;
            } else {
                ++overflow;
            }
        }
        return kept;
    }
    uint32_t head() const { return q.empty() ? 0 : q.front(); }
};

class Dut {
public:
    Dut() { b_.reset(); }
    auto& top() { return b_.top(); }
    void cycle(bool pop, unsigned valid, const std::array<uint32_t, kPorts>& words, bool clear = false) {
        auto& t = b_.top();
        t.pop = pop;
        t.push_valid = valid;
        for (unsigned i = 0; i < kPorts; ++i) t.push_word[i] = words[i];
        t.clear = clear;
        b_.tick();
        t.pop = 0;
        t.push_valid = 0;
        t.clear = 0;
    }
    void reset() { b_.reset(2); }

private:
    Bench<Vesp_event_queue> b_;
};

void same(Dut& d, const RefQueue& r) {
    auto& t = d.top();
    t.eval();
    REQUIRE(t.count == r.q.size());
    REQUIRE(t.head == r.head());
    REQUIRE(t.overflow == r.overflow_shown);
}

} // namespace

TEST_CASE("event queue: bursts of six kept in port order, the excess counted", "[evq]") {
    Dut d;
    RefQueue r;
    uint32_t next = 1;
    auto burst = [&](unsigned valid, bool pop) {
        std::array<uint32_t, kPorts> w{};
        for (auto& x : w) x = next++;
        d.cycle(pop, valid, w);
        r.cycle(pop, valid, w);
        same(d, r);
    };
    burst(0x3f, false); // slots 0..5
    burst(0x2d, false); // ports 0,2,3,5 -> slots 6..9
    burst(0x3f, false); // slots 10..15: full
    REQUIRE(d.top().count == kDepth);
    burst(0x3f, true); // full with a pop: one slot free, port 0 kept, five lost
    REQUIRE(r.overflow == 5);
    burst(0x22, false); // full: both lost
    REQUIRE(r.overflow == 7);
    for (unsigned i = 0; i < kDepth; ++i) burst(0, true); // drain in order
    REQUIRE(d.top().count == 0);
    burst(0, true);     // pop of an empty queue changes nothing
    burst(0x3f, false); // the pointers have wrapped: bursts across the end of the ring
    burst(0x3f, true);
    burst(0x3f, true);
    std::array<uint32_t, kPorts> w{};
    d.cycle(false, 0x3f, w, true); // soft clear wins over this cycle's pushes
    r.clear();
    same(d, r);
}

TEST_CASE("event queue matches the FIFO model over 200,000 random cycles", "[evq]") {
    Dut d;
    RefQueue r;
    std::mt19937_64 rng(0xe7e47);
    std::array<uint64_t, kPorts + 1> kept_hist{};
    uint64_t partial = 0, clears = 0, resets = 0, pops = 0;
    unsigned busy_pct = 20, push_pct = 20, pop_pct = 50;
    for (int c = 0; c < 200000; ++c) {
        if (c % 2000 == 0) { // a new phase: rare to constant, thin to full bursts; slow to eager reader
            busy_pct = 5 + rng() % 96;
            push_pct = 5 + rng() % 96;
            pop_pct = rng() % 101;
        }
        const unsigned roll = rng() % 10000;
        if (roll == 0) {
            d.reset();
            r.clear();
            ++resets;
            same(d, r);
            continue;
        }
        unsigned valid = 0;
        std::array<uint32_t, kPorts> w{};
        const bool busy = rng() % 100 < busy_pct;
        for (unsigned i = 0; i < kPorts; ++i) {
            if (busy && rng() % 100 < push_pct) valid |= 1u << i;
            w[i] = static_cast<uint32_t>(rng());
        }
        const bool pop = rng() % 100 < pop_pct;
        if (roll < 4) {
            d.cycle(pop, valid, w, true);
            r.clear();
            ++clears;
        } else {
            const size_t before = r.q.size();
            d.cycle(pop, valid, w);
            if (pop && before) ++pops;
            const unsigned kept = r.cycle(pop, valid, w);
            ++kept_hist[kept];
            if (kept < static_cast<unsigned>(__builtin_popcount(valid))) ++partial;
        }
        same(d, r);
    }
    INFO("kept per cycle 0..6: " << kept_hist[0] << ' ' << kept_hist[1] << ' ' << kept_hist[2] << ' ' << kept_hist[3]
                                 << ' ' << kept_hist[4] << ' ' << kept_hist[5] << ' ' << kept_hist[6] << ", partial "
                                 << partial << ", clears " << clears << ", resets " << resets << ", pops " << pops
                                 << ", overflow " << r.overflow);
    // the run must have exercised every burst size and the partial-accept edge
    for (unsigned k = 0; k <= kPorts; ++k) CHECK(kept_hist[k] > 100);
    CHECK(partial > 100);
    CHECK(clears > 10);
    CHECK(resets > 2);
    CHECK(pops > 10000);
}
