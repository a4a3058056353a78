// esp_ingress against the HLS model's stream rules (hls/esp/esp_datapath.cpp): random
// well-formed and malformed packets (LEN mismatch, keep holes, short middle beats, empty,
// oversize, overlong runs of partial beats) with input bubbles; the consumer reads or
// skips each packet under random back-pressure. Every descriptor and every stored beat
// must match.
#include <catch2/catch.hpp>

#include <deque>
#include <random>

#include "Vesp_ingress.h"
#include "axi_stream.h"
#include "bench.h"
#include "esp_contract.h"

using esp::sim::Beat;
using esp::sim::Bench;

namespace {

struct Expect {
    bool dir;
    uint16_t sa;
    uint16_t len;
    uint32_t nbytes;
    bool ok;
    std::vector<Beat> stored;
};

Expect reference(const std::vector<Beat>& beats) {
    Expect e{};
    const uint64_t user = beats[0].user;
    e.dir = user & 1;
    e.sa = static_cast<uint16_t>(user >> ESP_TUSER_IN_SA_LSB);
    const unsigned len_field = static_cast<unsigned>(user >> ESP_TUSER_IN_LEN_LSB) & 0xffff;
    e.ok = true;
    for (const Beat& b : beats) {
        const unsigned n = __builtin_popcount(b.keep);
        const bool contiguous = b.keep != 0 && (b.keep & (b.keep + 1)) == 0;
        if (!contiguous || (!b.last && n != 16)) e.ok = false;
        e.nbytes += n;
    }
    if (e.nbytes > ESP_MAX_PACKET_BYTES || e.nbytes != len_field) e.ok = false;
    e.len = static_cast<uint16_t>(e.nbytes > ESP_MAX_PACKET_BYTES ? ESP_MAX_PACKET_BYTES : e.nbytes);
    const size_t max_beats = (ESP_MAX_PACKET_BYTES + 15) / 16;
    e.stored.assign(beats.begin(), beats.begin() + std::min(beats.size(), max_beats));
    return e;
}

uint64_t tuser(bool dir, unsigned sa, unsigned len) {
    return uint64_t(dir) | uint64_t(sa & 0xffff) << ESP_TUSER_IN_SA_LSB |
           uint64_t(len & 0xffff) << ESP_TUSER_IN_LEN_LSB;
}

// Reads or skips packets, recording what it saw.
class Consumer : public esp::sim::Agent {
public:
    Consumer(Vesp_ingress& t, uint64_t seed) : t_(t), rng_(seed) {}
    struct Got {
        bool dir, ok, skipped;
        uint16_t sa, len;
        uint32_t nbytes;
        std::vector<std::pair<std::array<uint8_t, 16>, unsigned>> beats;
    };
    std::deque<Got> got;

    void drive() override {
        t_.d_skip = 0;
        t_.b_ready = 0;
        if (!t_.d_valid) return;
        if (!started_) {
            started_ = true;
            skip_ = rng_() % 8 == 0;
        }
        if (skip_)
            t_.d_skip = 1;
        else
            t_.b_ready = rng_() % 10 < 7;
    }
    void sample() override {
        if (!t_.d_valid || (!t_.d_skip && !t_.b_ready)) return;
        if (cur_.beats.empty() && !cur_open_) {
            cur_ = Got{bool(t_.d_dir),
                       bool(t_.d_ok),
                       bool(t_.d_skip),
                       uint16_t(t_.d_sa),
                       uint16_t(t_.d_len),
                       uint32_t(t_.d_nbytes),
                       {}};
            cur_open_ = true;
        }
        if (t_.d_skip) {
            finish();
            return;
        }
        cur_.beats.emplace_back(esp::sim::load_bytes(t_.b_data), unsigned(t_.b_nbytes));
        if (t_.b_last) finish();
    }

private:
    void finish() {
        got.push_back(std::move(cur_));
        cur_ = Got{};
        cur_open_ = false;
        started_ = false;
    }
    Vesp_ingress& t_;
    std::mt19937_64 rng_;
    bool started_ = false, skip_ = false, cur_open_ = false;
    Got cur_{};
};

} // namespace

TEST_CASE("ingress: descriptors and stored beats follow the model's stream rules", "[ingress]") {
    Bench<Vesp_ingress> b;
    esp::sim::AxisSource src({[&t = b.top()](bool valid, const Beat& beat) {
                                  t.s_axis_tvalid = valid;
                                  esp::sim::store_bytes(t.s_axis_tdata, beat.data);
                                  t.s_axis_tkeep = beat.keep;
                                  t.s_axis_tlast = beat.last;
                                  t.s_axis_tuser = beat.user;
                              },
                              [&t = b.top()] { return bool(t.s_axis_tready); }},
                             0.2, 11);
    Consumer consumer(b.top(), 12);
    b.add(src);
    b.add(consumer);
    b.reset();

    std::mt19937_64 rng(13);
    std::vector<Expect> expected;
    unsigned kinds[7] = {};
    const int kPackets = 1500;
    for (int p = 0; p < kPackets; ++p) {
        const unsigned kind = rng() % 100 < 65 ? 0 : 1 + rng() % 6;
        ++kinds[kind];
        const bool dir = rng() % 2;
        const unsigned sa = rng() % 0x10000;
        unsigned size = rng() % 10 == 0 ? 1 + rng() % ESP_MAX_PACKET_BYTES : 1 + rng() % 1600;
        if (kind == 4) size = ESP_MAX_PACKET_BYTES + 1 + rng() % 200;
        std::vector<uint8_t> bytes(size);
        for (auto& x : bytes) x = static_cast<uint8_t>(rng());
        std::vector<Beat> beats =
            esp::sim::to_beats(bytes, tuser(dir, sa, kind == 1 ? size + (rng() % 2 ? 1 : -1) : size));
        if (kind == 2) { // a hole in one beat's keep
            Beat& bt = beats[rng() % beats.size()];
            if (__builtin_popcount(bt.keep) >= 2)
                bt.keep &= static_cast<uint16_t>(~1u);
            else
                bt.keep = 0x0002;
        } else if (kind == 3 && beats.size() > 1) { // a short beat in the middle
            beats[rng() % (beats.size() - 1)].keep = 0x00ff;
        } else if (kind == 5) { // empty packet: one beat, keep 0
            beats.assign(1, Beat{{}, 0, true, tuser(dir, sa, 0)});
        } else if (kind == 6) { // more beats than the longest packet, one byte each
            beats.assign(700, Beat{{}, 1, false, tuser(dir, sa, 700)});
            beats.back().last = true;
        }
        expected.push_back(reference(beats));
        src.send_beats(beats);
    }
    REQUIRE(b.run_until([&] { return consumer.got.size() == expected.size(); }, 5000000));

    unsigned ok = 0, bad = 0, skipped = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        const Expect& e = expected[i];
        const auto& g = consumer.got[i];
        INFO("packet " << i);
        REQUIRE(g.dir == e.dir);
        REQUIRE(g.sa == e.sa);
        REQUIRE(g.len == e.len);
        REQUIRE(g.nbytes == e.nbytes);
        REQUIRE(g.ok == e.ok);
        (e.ok ? ok : bad) += 1;
        if (g.skipped) {
            ++skipped;
            continue;
        }
        REQUIRE(g.beats.size() == e.stored.size());
        for (size_t k = 0; k < g.beats.size(); ++k) {
            REQUIRE(g.beats[k].second == unsigned(__builtin_popcount(e.stored[k].keep)));
            REQUIRE(g.beats[k].first == e.stored[k].data);
        }
    }
    CHECK(ok > 900);
    CHECK(bad > 300);
    CHECK(skipped > 100);
    for (unsigned k = 1; k < 7; ++k) CHECK(kinds[k] > 0);
}
