// Property test: the RFC 6479 ring agrees with the set-based reference on every event of
// randomised traffic (in order, duplicates, reordering inside and beyond the window, jumps,
// forgeries), with and without ESN, for many window sizes and starting points.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "esp/replay_window.h"
#include "replay_reference.h"

namespace {

using replay_test::ReferenceWindow;

struct Scenario {
    unsigned window;
    std::uint64_t start; // programmed top
    bool esn;
    unsigned events;
    std::uint64_t max_step = 0; // cap on how far one packet jumps ahead (0: no cap)
    bool reaches_end = false;   // runs into the end of the sequence space on purpose
};

struct Tally {
    std::uint64_t events = 0;
    std::uint64_t false_accepts = 0;
    std::uint64_t false_drops = 0;
    std::uint64_t check_mismatches = 0;
    std::uint64_t accepted = 0;
    std::uint64_t rejected_authentic = 0;
    std::uint64_t forged = 0;
    std::uint64_t forged_passing_check = 0; // forgeries that reach the ICV (and fail there)
};

std::uint64_t uniform(std::mt19937_64& rng, std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
}

// The receiver's view of one packet: the 64-bit number the sender used and whether its ICV
// is genuine. With ESN the high half is not on the wire: the ICV only verifies if the
// inferred high half is the sender's.
struct Packet {
    std::uint64_t seq;
    bool authentic;
};

class Traffic {
public:
    Traffic(const Scenario& sc, std::uint64_t seed)
        : rng_(seed),
          window_(std::max(sc.window, 1u)),
          sent_hi_(sc.start),
          limit_(sc.esn ? ~std::uint64_t{0} : 0xFFFFFFFFull),
          max_step_(sc.max_step),
          esn_(sc.esn) {}

    Packet next() {
        const unsigned kind = static_cast<unsigned>(uniform(rng_, 0, 99));
        if (kind < 35) return fresh(1, 1);
        if (kind < 45) return fresh(2, 2ull * window_ + 64);
        if (kind < 47) return fresh(kReplayRing, esn_ ? (1ull << 31) : (1ull << 22));
        if (kind < 67) return older(0, window_ - 1);
        if (kind < 75) return older(window_, 3ull * window_ + 100);
        if (kind < 90) return duplicate();
        return forged();
    }

    void delivered(std::uint64_t seq) {
        recent_[recent_pos_++ % recent_.size()] = seq;
        recent_count_ = std::min<std::size_t>(recent_count_ + 1, recent_.size());
    }

private:
    static constexpr std::uint64_t kReplayRing = esphls::kReplayRingBits;

    // A new packet ahead of everything sent, `lo..hi` numbers further on (capped at the end
    // of the sequence space; once there, only old packets remain).
    Packet fresh(std::uint64_t lo, std::uint64_t hi) {
        const std::uint64_t room = limit_ - sent_hi_;
        if (room == 0) return older(0, 3ull * window_);
        std::uint64_t step = uniform(rng_, lo, hi);
        if (max_step_ != 0) step = std::min(step, max_step_);
        step = std::min(step, room);
        sent_hi_ += step;
        return {sent_hi_, true};
    }

    // A packet sent earlier and held back in the network.
    Packet older(std::uint64_t lo, std::uint64_t hi) {
        const std::uint64_t back = uniform(rng_, lo, hi);
        if (back >= sent_hi_) return {sent_hi_ == 0 ? 1 : sent_hi_, sent_hi_ != 0};
        return {sent_hi_ - back, true};
    }

    Packet duplicate() {
        if (recent_count_ == 0) return fresh(1, 1);
        return {recent_[uniform(rng_, 0, recent_count_ - 1)], true};
    }

    // A packet with a bad ICV: a plausible or a random number.
    Packet forged() {
        std::uint64_t seq;
        switch (uniform(rng_, 0, 3)) {
            case 0:
                seq = sent_hi_ + uniform(rng_, 1, 4ull * window_);
                break;
            case 1:
                seq = sent_hi_ - std::min<std::uint64_t>(sent_hi_, uniform(rng_, 0, window_));
                break;
            case 2:
                seq = sent_hi_ + uniform(rng_, 1, 1ull << 30);
                break;
            default:
                seq = rng_();
                break;
        }
        if (!esn_) seq &= 0xFFFFFFFFull;
        return {seq, false};
    }

    std::mt19937_64 rng_;
    std::uint64_t window_;
    std::uint64_t sent_hi_;
    std::uint64_t limit_;
    std::uint64_t max_step_;
    bool esn_;
    std::vector<std::uint64_t> recent_ = std::vector<std::uint64_t>(256);
    std::size_t recent_pos_ = 0;
    std::size_t recent_count_ = 0;
};

// Returns the final window top.
std::uint64_t run(const Scenario& sc, std::uint64_t seed, Tally& t) {
    auto st = std::make_unique<esphls::ReplayState>();
    esphls::replay_init(*st, sc.start, sc.window);
    ReferenceWindow ref(sc.start, sc.window);
    Traffic traffic(sc, seed);
    for (unsigned i = 0; i < sc.events; ++i) {
        const Packet p = traffic.next();
        ++t.events;
        const ap_uint<32> wire_lo = static_cast<std::uint32_t>(p.seq);
        const std::uint64_t inferred = sc.esn ? esphls::replay_infer_seq(*st, wire_lo, true).to_uint64()
                                              : esphls::replay_infer_seq(*st, ap_uint<32>(p.seq), false).to_uint64();
        const bool passes = esphls::replay_check(*st, inferred);
        if (passes != ref.acceptable(inferred)) ++t.check_mismatches;
        if (!p.authentic) {
            ++t.forged;
            if (passes) ++t.forged_passing_check;
            continue; // ICV fails: never update
        }
        const bool icv_ok = inferred == p.seq;
        const bool dut_accepts = passes && icv_ok;
        const bool ref_accepts = ref.acceptable(p.seq);
        if (dut_accepts && !ref_accepts) ++t.false_accepts;
        if (!dut_accepts && ref_accepts) ++t.false_drops;
        if (dut_accepts) {
            esphls::replay_update(*st, inferred);
            traffic.delivered(p.seq);
            ++t.accepted;
        } else {
            ++t.rejected_authentic;
        }
        if (ref_accepts) ref.accept(p.seq);
        if (st->top.to_uint64() != ref.top()) ++t.check_mismatches;
    }
    return ref.top();
}

unsigned event_scale() {
    // ESP_REPLAY_EVENTS (total events) may only raise the default of 1,168,000.
    const char* env = std::getenv("ESP_REPLAY_EVENTS");
    const unsigned long v = env ? std::strtoul(env, nullptr, 10) : 0;
    return v > 1168000 ? static_cast<unsigned>(v / 1168000) : 1;
}

} // namespace

TEST_CASE("replay: ring agrees with the reference model on 1.17M events", "[replay]") {
    const std::uint64_t near_2_32 = (1ull << 32) - 5000;
    const std::uint64_t near_2_64 = ~std::uint64_t{0} - (1ull << 20) + 1;
    const unsigned scale = event_scale();
    std::vector<Scenario> scenarios;
    // Main windows from four starting points, two of them run into the end of the
    // space (2^32 - 1 without ESN, 2^64 - 1 with it): 1,000,000 events.
    for (unsigned w : {32u, 64u, 1024u, 4096u}) {
        scenarios.push_back({w, 0, false, 70000 * scale});
        scenarios.push_back({w, near_2_32, true, 90000 * scale});
        scenarios.push_back({w, near_2_64, true, 70000 * scale, 64}); // stays short of the end
        scenarios.push_back({w, near_2_32 - 2000000, false, 10000 * scale, 0, true});
        scenarios.push_back({w, near_2_64, true, 10000 * scale, 0, true});
    }
    // Odd windows and the boundaries of the block and ring sizes: 199,200 events.
    for (unsigned w : {1u, 2u, 31u, 33u, 100u, 127u, 129u, 1000u, 4095u}) {
        scenarios.push_back({w, 0, false, 8000 * scale});
        scenarios.push_back({w, near_2_32, true, 8000 * scale});
    }
    // Window 0: with ESN, numbers stay within the 2^31 that inference can place.
    scenarios.push_back({0, 0, false, 10000 * scale});
    scenarios.push_back({0, near_2_32, true, 10000 * scale, 1u << 20});
    scenarios.push_back({0, near_2_64, true, 4000 * scale, 16});

    Tally total;
    std::uint64_t seed = 20261127;
    for (const Scenario& sc : scenarios) {
        Tally t;
        const std::uint64_t top = run(sc, seed++, t);
        INFO("window " << sc.window << " start " << sc.start << (sc.esn ? " esn" : ""));
        CHECK(t.false_accepts == 0);
        CHECK(t.false_drops == 0);
        CHECK(t.check_mismatches == 0);
        // The traffic must exercise both outcomes or the comparison proves nothing.
        CHECK(t.accepted > (sc.reaches_end ? 20 : sc.events / 4));
        if (sc.reaches_end) CHECK(top == (sc.esn ? ~std::uint64_t{0} : 0xFFFFFFFFull));
        if (sc.window != 0) CHECK(t.rejected_authentic > sc.events / 20);
        total.events += t.events;
        total.false_accepts += t.false_accepts;
        total.false_drops += t.false_drops;
        total.forged += t.forged;
        total.forged_passing_check += t.forged_passing_check;
    }
    CHECK(total.events >= 1000000);
    CHECK(total.forged > total.events / 20);
    CHECK(total.forged_passing_check > 0); // forgeries did reach the ICV and did not update
}

TEST_CASE("replay: every window size 1..4096 agrees with the reference on short runs", "[replay]") {
    Tally total;
    for (unsigned w = 1; w <= esphls::kReplayMaxWindow; ++w) {
        Tally t;
        // Odd sizes start without ESN, even ones with ESN just below 2^32.
        const Scenario sc{w, w % 2 ? 0 : (1ull << 32) - 3 * w, w % 2 == 0, 120};
        run(sc, 7000 + w, t);
        total.events += t.events;
        total.false_accepts += t.false_accepts;
        total.false_drops += t.false_drops;
        total.check_mismatches += t.check_mismatches;
        total.accepted += t.accepted;
        total.rejected_authentic += t.rejected_authentic;
    }
    CHECK(total.false_accepts == 0);
    CHECK(total.false_drops == 0);
    CHECK(total.check_mismatches == 0);
    CHECK(total.accepted > total.events / 4);
    CHECK(total.rejected_authentic > total.events / 20);
}
