// Hand-picked cases of the anti-replay window: edges of the window, ring aliasing,
// window 0, programmed top, and RFC 4303 Appendix A2.2 ESN inference (cases A and B).
#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>

#include "esp/replay_window.h"

namespace {

using esphls::ReplayState;

std::unique_ptr<ReplayState> make(std::uint64_t top, unsigned window) {
    auto st = std::make_unique<ReplayState>();
    esphls::replay_init(*st, top, window);
    return st;
}

bool check(const ReplayState& st, std::uint64_t seq) { return esphls::replay_check(st, seq); }

std::uint64_t infer(const ReplayState& st, std::uint32_t lo, bool esn = true) {
    return esphls::replay_infer_seq(st, lo, esn).to_uint64();
}

constexpr std::uint64_t k2_32 = 1ull << 32;

} // namespace

TEST_CASE("replay: in order, duplicate and window edges", "[replay]") {
    auto st = make(0, 64);
    CHECK_FALSE(check(*st, 0)); // 0 is never sent
    for (std::uint64_t s = 1; s <= 200; ++s) {
        REQUIRE(check(*st, s));
        esphls::replay_update(*st, s);
        REQUIRE_FALSE(check(*st, s));
    }
    auto gap = make(1000, 64);
    CHECK_FALSE(check(*gap, 1000)); // the programmed top counts as seen
    CHECK(check(*gap, 1000 - 63));  // newest-but-63 is inside a window of 64
    CHECK_FALSE(check(*gap, 1000 - 64));
    esphls::replay_update(*gap, 1000 - 63);
    CHECK_FALSE(check(*gap, 1000 - 63));
    CHECK(check(*gap, 1001));
}

TEST_CASE("replay: window of 1 accepts only numbers above top", "[replay]") {
    auto st = make(0, 1);
    esphls::replay_update(*st, 10);
    CHECK_FALSE(check(*st, 10));
    CHECK_FALSE(check(*st, 9));
    CHECK(check(*st, 11));
}

TEST_CASE("replay: full window of 4096 is exact at both ends", "[replay]") {
    auto st = make(0, 4096);
    esphls::replay_update(*st, 10000);
    for (std::uint64_t s = 10000 - 4095; s < 10000; ++s) REQUIRE(check(*st, s));
    CHECK_FALSE(check(*st, 10000 - 4096));
    for (std::uint64_t s = 10000 - 4095; s < 10000; s += 2) esphls::replay_update(*st, s);
    for (std::uint64_t s = 10000 - 4095; s < 10000; ++s) REQUIRE(check(*st, s) == ((s - 5905) % 2 == 1));
}

TEST_CASE("replay: advancing clears entering blocks, jumps of a ring clear all", "[replay]") {
    const std::uint64_t ring = esphls::kReplayRingBits;
    auto st = make(0, 4096);
    for (std::uint64_t s = 1; s <= 5000; ++s) esphls::replay_update(*st, s);
    // Advance by exactly one ring: every number of the new window shares a bit with an old one.
    esphls::replay_update(*st, 5000 + ring);
    for (std::uint64_t s = 5000 + ring - 4095; s < 5000 + ring; ++s) REQUIRE(check(*st, s));
    // Advance by less than a ring: the overlap keeps its bits, entering blocks are clean.
    auto part = make(0, 4096);
    for (std::uint64_t s = 1; s <= 5000; ++s) esphls::replay_update(*part, s);
    esphls::replay_update(*part, 5000 + 3000);
    for (std::uint64_t s = 8000 - 4095; s <= 5000; ++s) REQUIRE_FALSE(check(*part, s));
    for (std::uint64_t s = 5001; s < 8000; ++s) REQUIRE(check(*part, s));
    // A huge jump.
    esphls::replay_update(*part, 1ull << 40);
    CHECK_FALSE(check(*part, 1ull << 40));
    CHECK(check(*part, (1ull << 40) - 1));
    CHECK(check(*part, (1ull << 40) - 4095));
    CHECK_FALSE(check(*part, (1ull << 40) - 4096));
}

TEST_CASE("replay: update ignores numbers left of the window", "[replay]") {
    // x = s - ring shares s's bit; marking x would later drop the genuine s.
    auto st = make(0, 4096);
    esphls::replay_update(*st, 10000);
    const std::uint64_t s = 10000 - 100;
    esphls::replay_update(*st, s - esphls::kReplayRingBits);
    CHECK(check(*st, s));
}

TEST_CASE("replay: window 0 turns checking off but tracks top", "[replay]") {
    auto st = make(0, 0);
    CHECK(check(*st, 0));
    esphls::replay_update(*st, 5);
    CHECK(check(*st, 5));
    CHECK(check(*st, 1));
    CHECK(st->top.to_uint64() == 5);
    esphls::replay_update(*st, 3);
    CHECK(st->top.to_uint64() == 5);
    // ESN inference still works: nearest number to top.
    auto esn = make(3 * k2_32 + 10, 0);
    CHECK(infer(*esn, 5) == 3 * k2_32 + 5);
    CHECK(infer(*esn, 0xFFFFFF00u) == 2 * k2_32 + 0xFFFFFF00u);
    CHECK(infer(*esn, 0x70000000u) == 3 * k2_32 + 0x70000000u);
}

TEST_CASE("replay: window larger than the maximum is clamped", "[replay]") {
    auto st = make(0, 100000);
    CHECK(st->window.to_uint() == esphls::kReplayMaxWindow);
}

TEST_CASE("replay: ESN inference, RFC 4303 A2.2 case A (window inside one epoch)", "[replay]") {
    // W = 64, Tl = 1000 >= W - 1; window bottom Bl = Tl - W + 1 = 937.
    auto st = make(5 * k2_32 + 1000, 64);
    CHECK(infer(*st, 937) == 5 * k2_32 + 937); // Seql >= Bl: same epoch (in window)
    CHECK(infer(*st, 1000) == 5 * k2_32 + 1000);
    CHECK(infer(*st, 5000) == 5 * k2_32 + 5000); // ahead of top, same epoch
    CHECK(infer(*st, 0xFFFFFFFFu) == 5 * k2_32 + 0xFFFFFFFFu);
    CHECK(infer(*st, 936) == 6 * k2_32 + 936); // Seql < Bl: next epoch
    CHECK(infer(*st, 0) == 6 * k2_32);
    // Tl exactly W - 1: still case A, bottom 0.
    auto edge = make(2 * k2_32 + 63, 64);
    CHECK(infer(*edge, 0) == 2 * k2_32);
    CHECK(infer(*edge, 63) == 2 * k2_32 + 63);
}

TEST_CASE("replay: ESN inference, RFC 4303 A2.2 case B (window straddles the epoch start)", "[replay]") {
    // W = 64, Tl = 10 < W - 1; Bl = Tl - W + 1 wraps to 2^32 - 53.
    auto st = make(7 * k2_32 + 10, 64);
    CHECK(infer(*st, 0xFFFFFFFFu - 52) == 6 * k2_32 + 0xFFFFFFFFu - 52); // Seql >= Bl: epoch - 1
    CHECK(infer(*st, 0xFFFFFFFFu) == 6 * k2_32 + 0xFFFFFFFFu);
    CHECK(infer(*st, 0xFFFFFFFFu - 53) == 7 * k2_32 + 0xFFFFFFFFu - 53); // Seql < Bl: same epoch
    CHECK(infer(*st, 5) == 7 * k2_32 + 5);
    CHECK(infer(*st, 10) == 7 * k2_32 + 10);
    CHECK(infer(*st, 11) == 7 * k2_32 + 11);
    // And the check then sees the right numbers.
    CHECK(check(*st, infer(*st, 0xFFFFFFFFu))); // inside the window, unseen
    // Below Bl is read as far ahead in this epoch (never left of the window): the ICV decides.
    CHECK(infer(*st, 0xFFFFFFFFu - 60) == 7 * k2_32 + 0xFFFFFFFFu - 60);
    CHECK(check(*st, infer(*st, 0xFFFFFFFFu - 60)));
}

TEST_CASE("replay: ESN inference at the ends of the 64-bit space", "[replay]") {
    // Epoch 0, case B: there is no previous epoch, numbers stay in epoch 0.
    auto low = make(10, 64);
    CHECK(infer(*low, 0xFFFFFFF0u) == 0xFFFFFFF0u);
    CHECK(infer(*low, 3) == 3);
    // Last epoch: "next epoch" would wrap; the check must reject what comes back.
    const std::uint64_t near_end = ~std::uint64_t{0} - 100;
    auto high = make(near_end, 64);
    const std::uint64_t wrapped = infer(*high, 5);
    CHECK_FALSE(check(*high, wrapped));
    CHECK(infer(*high, static_cast<std::uint32_t>(near_end + 50)) == near_end + 50);
    CHECK(check(*high, near_end + 50));
}

TEST_CASE("replay: without ESN the high half is 0", "[replay]") {
    auto st = make(5 * k2_32 + 1000, 64); // a top with a high half must not leak in
    CHECK(infer(*st, 936, false) == 936);
    CHECK(infer(*st, 0xFFFFFFFFu, false) == 0xFFFFFFFFu);
}
