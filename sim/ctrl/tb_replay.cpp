// Property test of esp_replay_window against a plain reference: the top and an
// exact set of seen numbers, with the semantics of hls/esp/replay_window.h.
// Eight SAs (windows 32, 64, 1024, 4096, 4096, 0, 1, 4095; ESN ones crossing
// 2^32) take random in-order, reordered, old, duplicate, forged and far-jumping
// numbers; every check, inferred high half, update and top must agree.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <random>
#include <unordered_set>

#include "Vesp_replay_window.h"
#include "bench.h"

using esp::sim::Bench;

namespace {

constexpr unsigned kMaxWindow = 4096;

struct RefWindow {
    uint64_t top = 0;
    uint32_t window = 0;
    bool esn = false;
    std::unordered_set<uint64_t> seen;

    void init(uint64_t t, uint32_t w, bool e) {
        top = t;
        window = w > kMaxWindow ? kMaxWindow : w;
        esn = e;
        seen.clear();
        if (t != 0) seen.insert(t); // the installed top counts as seen
    }
    // The number with this low half in [top - W + 1, top - W + 2^32], never below epoch 0.
    uint64_t infer(uint32_t lo) const {
        if (!esn) return lo;
        const uint64_t w = window ? window : 0x80000000ull;
        if (top + 1 < w) return lo;
        const uint64_t base = top - w + 1;
        return base + static_cast<uint32_t>(lo - static_cast<uint32_t>(base));
    }
    bool check(uint64_t s) const {
        if (window == 0) return true;
        if (s == 0) return false;
        if (s > top) return true;
        if (top - s >= window) return false;
        return !seen.count(s);
    }
    void update(uint64_t s) {
        if (s > top) {
            top = s;
            seen.insert(s);
            if (seen.size() > 20000) std::erase_if(seen, [&](uint64_t x) { return top - x > 2 * kMaxWindow; });
        } else if (window && top - s < window) {
            seen.insert(s);
        }
    }
};

class Dut {
public:
    Dut() { b_.reset(); }
    void init(unsigned h, uint64_t top, uint32_t window, bool esn) {
        auto& t = b_.top();
        t.init_valid = 1;
        t.init_handle = h;
        t.init_window = window;
        t.init_esn = esn;
        t.init_top = top;
        b_.tick();
        t.init_valid = 0;
    }
    // One operation: two cycles, the result registered after the second.
    std::pair<bool, uint64_t> op(bool update, unsigned h, uint64_t seq) {
        auto& t = b_.top();
        REQUIRE(t.op_ready);
        t.op_valid = 1;
        t.op_update = update;
        t.op_handle = h;
        t.op_seq = seq;
        b_.tick();
        t.op_valid = 0;
        b_.tick();
        REQUIRE(t.res_valid);
        return {t.res_ok != 0, t.res_seq};
    }
    uint64_t top(unsigned h) {
        b_.top().rb_handle = h;
        b_.tick();
        return b_.top().rb_top;
    }
    uint64_t cycles() const { return b_.cycle(); }

private:
    Bench<Vesp_replay_window> b_;
};

struct SaSetup {
    uint32_t window;
    bool esn;
    uint64_t start;
};

} // namespace

TEST_CASE("replay window matches the reference over 150,000 random events", "[replay]") {
    const SaSetup setups[8] = {{32, false, 0},
                               {64, true, (1ull << 32) - 5000},
                               {1024, true, (1ull << 32) - 60000},
                               {4096, true, (1ull << 32) - 200000},
                               {4096, false, 1u << 31},
                               {0, true, (1ull << 32) - 3000},
                               {1, false, 100},
                               {4095, true, 1ull << 40}};
    Dut dut;
    RefWindow ref[8];
    uint64_t hi_sent[8];
    std::vector<uint64_t> recent[8];
    std::unordered_set<uint64_t> accepted[8];
    for (unsigned h = 0; h < 8; ++h) {
        dut.init(h, setups[h].start, setups[h].window, setups[h].esn);
        ref[h].init(setups[h].start, setups[h].window, setups[h].esn);
        hi_sent[h] = setups[h].start;
    }

    std::mt19937_64 rng(0x5eed);
    uint64_t n_accept = 0, n_replay = 0, n_auth = 0, n_reinit = 0, crossed = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const int kEvents = 150000;
    for (int ev = 0; ev < kEvents; ++ev) {
        const unsigned h = rng() % 8;
        RefWindow& r = ref[h];
        const uint64_t w = r.window ? r.window : 64;
        const unsigned kind = rng() % 1000;
        bool forged = false;
        uint64_t q;
        if (kind < 550) {
            q = hi_sent[h] + 1 + (rng() % 4 == 0 ? rng() % 8 : 0);
        } else if (kind < 560) {
            q = hi_sent[h] + 1 + rng() % (3 * w + 100);
        } else if (kind < 563) {
            q = hi_sent[h] + 10000 + rng() % 300000; // beyond the whole ring
        } else if (kind < 760) {
            const uint64_t back = rng() % (w + w / 4 + 40);
            q = hi_sent[h] > back ? hi_sent[h] - back : 1;
        } else if (kind < 880 && !recent[h].empty()) {
            q = recent[h][rng() % recent[h].size()];
        } else if (kind < 940) {
            q = hi_sent[h] + 1 - rng() % 3;
            forged = true;
        } else if (r.esn) {
            q = rng() % 2 ? hi_sent[h] - rng() % (1ull << 31) : hi_sent[h] + rng() % (1ull << 20);
        } else {
            q = hi_sent[h] + rng() % 5;
        }
        if (q == 0) q = 1;
        if (!r.esn && q >> 32) { // a 32-bit SA cannot go on: install it afresh
            dut.init(h, 0, r.window, false);
            r.init(0, r.window, false);
            hi_sent[h] = 0;
            accepted[h].clear();
            ++n_reinit;
            continue;
        }
        if (rng() % 2000 == 0) { // an UPDATE with new sequence state
            const uint64_t t = r.esn ? hi_sent[h] + rng() % 100000 : rng() % 0x7fffffff;
            dut.init(h, t, r.window, r.esn);
            r.init(t, r.window, r.esn);
            hi_sent[h] = t;
            accepted[h].clear();
            ++n_reinit;
            continue;
        }
        if (q > hi_sent[h]) hi_sent[h] = q;
        recent[h].push_back(q);
        if (recent[h].size() > 64) recent[h].erase(recent[h].begin());

        const uint32_t lo = static_cast<uint32_t>(q);
        const uint64_t inferred = r.infer(lo);
        const auto [ok, dut_seq] = dut.op(false, h, lo);
        INFO("event " << ev << " sa " << h << " seq " << q << " top " << r.top << " window " << r.window);
        REQUIRE(dut_seq == inferred);
        REQUIRE(ok == r.check(inferred));
        if (!ok) {
            ++n_replay;
            continue;
        }
        if (forged || inferred != q) { // the ICV covers the high half: a wrong guess fails
            ++n_auth;
            continue;
        }
        const auto [still_ok, seq2] = dut.op(true, h, inferred);
        REQUIRE(still_ok);
        REQUIRE(seq2 == inferred);
        if ((r.top >> 32) != (inferred >> 32) && r.esn) ++crossed;
        r.update(inferred);
        // a true number is never accepted twice (window 0 turns the check off)
        if (r.window) REQUIRE(accepted[h].insert(q).second);
        ++n_accept;
        if (ev % 97 == 0) REQUIRE(dut.top(h) == r.top);
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf(
        "replay: %d events: %llu accepted, %llu replay drops, %llu auth failures, %llu re-installs, "
        "%llu epoch crossings; %llu cycles, %.2f M cycles/s\n",
        kEvents, (unsigned long long)n_accept, (unsigned long long)n_replay, (unsigned long long)n_auth,
        (unsigned long long)n_reinit, (unsigned long long)crossed, (unsigned long long)dut.cycles(),
        dut.cycles() / secs / 1e6);
    CHECK(n_replay > 10000);
    CHECK(n_accept > 50000);
    CHECK(crossed > 0);
    for (unsigned h = 0; h < 8; ++h) REQUIRE(dut.top(h) == ref[h].top);
}

TEST_CASE("replay window edge cases", "[replay]") {
    Dut dut;
    SECTION("seq 0 is never accepted; the installed top counts as seen") {
        dut.init(0, 0, 64, false);
        REQUIRE_FALSE(dut.op(false, 0, 0).first);
        dut.init(1, 500, 64, false);
        REQUIRE_FALSE(dut.op(false, 1, 500).first);
        REQUIRE(dut.op(false, 1, 499).first);
        REQUIRE_FALSE(dut.op(false, 1, 500 - 64).first);
        REQUIRE(dut.op(false, 1, 501).first);
    }
    SECTION("window 0 accepts everything and still tracks top for ESN") {
        dut.init(2, 10, 0, true);
        REQUIRE(dut.op(false, 2, 10).first);
        dut.op(true, 2, 0x1234);
        REQUIRE(dut.top(2) == 0x1234);
        REQUIRE(dut.op(false, 2, 3).first);
    }
    SECTION("ESN: a low half just past 2^32 is inferred into the next epoch") {
        dut.init(3, 0xfffffff0ull, 128, true);
        auto [ok, s] = dut.op(false, 3, 5);
        REQUIRE(ok);
        REQUIRE(s == 0x100000005ull);
        dut.op(true, 3, s);
        auto [ok2, s2] = dut.op(false, 3, 0xfffffff8u); // inside the window, previous epoch
        REQUIRE(ok2);
        REQUIRE(s2 == 0xfffffff8ull);
        REQUIRE(dut.top(3) == 0x100000005ull);
    }
    SECTION("a jump beyond the ring clears every old bit") {
        dut.init(4, 1000, 4096, false);
        for (uint32_t s = 990; s < 1000; ++s) dut.op(true, 4, s);
        REQUIRE_FALSE(dut.op(false, 4, 995).first);
        dut.op(true, 4, 1000 + 8192 * 3 + 7);
        REQUIRE_FALSE(dut.op(false, 4, 995).first); // left of the window now
        const uint32_t inside = 1000 + 8192 * 3 + 7 - 100;
        REQUIRE(dut.op(false, 4, inside).first); // not seen: the stale ring bits were cleared
    }
}

#ifdef ESP_HAVE_HLS_REPLAY
#include "esp/replay_window.h"

// The same random traffic through the RTL and through the HLS model's own functions
// (hls/esp/replay_window.h): every inference, check and top agree.
TEST_CASE("replay window equals hls/esp/replay_window.h", "[replay]") {
    Dut dut;
    std::mt19937_64 rng(77);
    const uint32_t windows[4] = {32, 1024, 4096, 0};
    static esphls::ReplayState hls[4];
    uint64_t hi[4];
    for (unsigned h = 0; h < 4; ++h) {
        const uint64_t start = (1ull << 32) - 3000 * (h + 1);
        dut.init(h, start, windows[h], true);
        esphls::replay_init(hls[h], start, windows[h]);
        hi[h] = start;
    }
    uint64_t agreed = 0;
    for (int ev = 0; ev < 40000; ++ev) {
        const unsigned h = rng() % 4;
        const unsigned k = rng() % 10;
        uint64_t q = k < 6 ? hi[h] + 1 + rng() % 3 : (k < 9 ? hi[h] - rng() % 5000 : hi[h] + rng() % 100000);
        if (q > hi[h]) hi[h] = q;
        const uint32_t lo = static_cast<uint32_t>(q);
        const ap_uint<64> s = esphls::replay_infer_seq(hls[h], ap_uint<32>(lo), true);
        const bool ok = esphls::replay_check(hls[h], s);
        const auto [dut_ok, dut_seq] = dut.op(false, h, lo);
        INFO("event " << ev << " sa " << h);
        REQUIRE(dut_seq == s.to_uint64());
        REQUIRE(dut_ok == ok);
        if (ok && rng() % 8 != 0) { // one in eight fails its ICV
            dut.op(true, h, dut_seq);
            esphls::replay_update(hls[h], s);
        }
        if (ev % 50 == 0) REQUIRE(dut.top(h) == hls[h].top.to_uint64());
        ++agreed;
    }
    REQUIRE(agreed == 40000);
}
#endif
