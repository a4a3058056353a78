// The host path's anti-replay window against the card's (hls/esp/replay_window.h): the same
// sequence streams (in order, reordered, duplicated, jumps, ESN epochs, windows 0..4096) give
// the same verdicts and the same window top, first window by window, then packet by packet
// through an inbound SA (forged CBC packets, some with a bad ICV that must not move either).
#include <catch2/catch.hpp>

#include "esp/replay_window.h"
#include "hostpath_test_util.h"
#include "replay.h"

using namespace hostpath;
using namespace hp_test;

namespace {

struct Stream {
    std::vector<uint64_t> seqs; // 64-bit numbers the peer sends; the wire carries the low half
};

Stream make_stream(std::mt19937_64& rng, uint64_t start, size_t n, unsigned window) {
    Stream s;
    uint64_t hi = start;
    for (size_t i = 0; i < n; ++i) {
        uint64_t r = rng() % 100, seq;
        uint64_t w = window ? window : 64;
        if (r < 50)
            seq = ++hi; // in order
        else if (r < 70)
            seq = hi - std::min<uint64_t>(hi, rng() % (w + 8)); // late, around the edge
        else if (r < 80)
            seq = hi; // duplicate of the top
        else if (r < 90)
            seq = hi += 1 + rng() % (3 * w); // jump
        else if (r < 95)
            seq = hi += 1 + rng() % 20000; // big jump (clears the ring)
        else
            seq = hi - std::min<uint64_t>(hi, rng() % 10); // near duplicates
        s.seqs.push_back(seq);
    }
    return s;
}

} // namespace

TEST_CASE("same verdicts as the card's window", "[hostpath][replay]") {
    std::mt19937_64 rng(6479);
    const unsigned windows[] = {0, 1, 2, 31, 32, 33, 63, 64, 65, 100, 1024, 4095, 4096};
    const uint64_t starts[] = {0, 1, 1000, (uint64_t{1} << 32) - 100, (uint64_t{7} << 32) - 3};
    size_t compared = 0;
    for (unsigned w : windows) {
        for (uint64_t start : starts) {
            for (bool esn : {false, true}) {
                if (!esn && start > UINT32_MAX - 100000) continue;
                esphls::ReplayState card;
                esphls::replay_init(card, ap_uint<64>(start), w);
                ReplayWindow host;
                host.init(start, w);
                Stream s = make_stream(rng, start, 3000, w);
                for (uint64_t seq : s.seqs) {
                    uint32_t lo = uint32_t(seq);
                    uint64_t card_seq = esphls::replay_infer_seq(card, ap_uint<32>(lo), esn).to_uint64();
                    uint64_t host_seq = host.infer(lo, esn);
                    REQUIRE(card_seq == host_seq);
                    bool card_ok = esphls::replay_check(card, ap_uint<64>(card_seq));
                    bool host_ok = host.check(host_seq);
                    INFO("window " << w << " start " << start << " seq " << seq);
                    REQUIRE(card_ok == host_ok);
                    bool icv_ok = rng() % 8 != 0;
                    if (card_ok && icv_ok) {
                        esphls::replay_update(card, ap_uint<64>(card_seq));
                        host.update(host_seq);
                    }
                    REQUIRE(card.top.to_uint64() == host.top());
                    ++compared;
                }
            }
        }
    }
    CHECK(compared > 200000);
}

TEST_CASE("ESN inference edges as the card", "[hostpath][replay]") {
    for (uint64_t top : {uint64_t{0}, uint64_t{5}, (uint64_t{1} << 32) - 1, uint64_t{1} << 32, (uint64_t{1} << 32) + 3,
                         ~uint64_t{0} - 10, ~uint64_t{0}}) {
        for (unsigned w : {0u, 1u, 64u, 4096u}) {
            esphls::ReplayState card;
            esphls::replay_init(card, ap_uint<64>(top), w);
            ReplayWindow host;
            host.init(top, w);
            for (uint32_t lo : {0u, 1u, 2u, 63u, 64u, 4095u, 0x7fffffffu, 0x80000000u, 0xfffff000u, 0xfffffffeu,
                                0xffffffffu, uint32_t(top), uint32_t(top) + 1, uint32_t(top) - 1}) {
                uint64_t c = esphls::replay_infer_seq(card, ap_uint<32>(lo), true).to_uint64();
                CHECK(host.infer(lo, true) == c);
                CHECK(host.check(c) == esphls::replay_check(card, ap_uint<64>(c)));
            }
        }
    }
}

TEST_CASE("an inbound SA gives the card's verdicts on forged packets", "[hostpath][replay]") {
    std::mt19937_64 rng(4301);
    std::mt19937 brng(1);
    Bytes key = random_bytes(brng, 16), ikey = random_bytes(brng, 20);
    for (unsigned w : {32u, 64u, 128u, 4096u}) {
        for (bool esn : {false, true}) {
            uint64_t start = esn ? (uint64_t{3} << 32) - 50 : 10;
            RefCbc ref{key, ikey, Integ::hmac_sha1_96, 0x4242, esn};
            auto in = make_sa(params(true, Cipher::aes_cbc, key, Integ::hmac_sha1_96, ikey, 0x4242, esn, start, w));
            esphls::ReplayState card;
            esphls::replay_init(card, ap_uint<64>(start), w);
            Stream s = make_stream(rng, start, 1500, w);
            Bytes inner = ipv4_udp(1, 2, 10), pt;
            uint8_t nh = 0;
            uint64_t ok = 0;
            for (uint64_t seq : s.seqs) {
                bool icv_ok = rng() % 6 != 0;
                Bytes esp = ref.seal(seq, Bytes(16, uint8_t(seq)), inner, 4);
                if (!icv_ok) esp.back() ^= 1;
                uint64_t cs = esphls::replay_infer_seq(card, ap_uint<32>(uint32_t(seq)), esn).to_uint64();
                bool card_pass = esphls::replay_check(card, ap_uint<64>(cs));
                Drop d = in->open(esp.data(), esp.size(), pt, nh, 0);
                INFO("w " << w << " esn " << esn << " seq " << seq);
                if (!card_pass) {
                    REQUIRE(d == Drop::replay);
                } else if (cs != seq) { // inferred into another epoch: the ICV cannot match
                    REQUIRE(d == Drop::auth_fail);
                } else {
                    REQUIRE(d == (icv_ok ? Drop::ok : Drop::auth_fail));
                    if (icv_ok) {
                        esphls::replay_update(card, ap_uint<64>(cs));
                        ++ok;
                    }
                }
                REQUIRE(in->counters().seq == card.top.to_uint64());
            }
            CHECK(in->counters().packets == ok);
            CHECK(ok > 300);
        }
    }
}
