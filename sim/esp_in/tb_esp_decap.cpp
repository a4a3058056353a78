// esp_decap (rtl/esp_in) against esp::HlsEngine: packets built by the OpenSSL-EVP peer
// (tests/esp esp_reference), good and broken, go through both; every output packet must be
// byte-identical and every drop must carry the same code and SA, under random input bubbles
// and output back-pressure. Also throughput and latency figures (printed).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>

#include "Vesp_decap.h"
#include "axi_stream.h"
#include "bench.h"
#include "esp_decap_ctrl_model.h"
#include "esp_packet_gen.h"
#include "esp_reference.h"
#include "hls_engine.h"

using namespace esp_test;
using esp::sim::AxisSink;
using esp::sim::AxisSource;
using esp::sim::Bench;
using esp_decap_tb::CtrlModel;

namespace {

uint64_t in_user(unsigned len) { return 1u | (uint64_t(len & 0xFFFF) << ESP_TUSER_IN_LEN_LSB); }

struct Expect {
    Bytes bytes;
    unsigned result;
    unsigned sa;
};

// Records the cycles of input and output handshakes (first beat / last beat of packets).
class Probe : public esp::sim::Agent {
public:
    explicit Probe(Vesp_decap& t) : t_(t) {}
    void drive() override {}
    void sample() override {
        if (t_.s_axis_tvalid && t_.s_axis_tready) {
            if (in_first_) in_start.push_back(cycle_);
            in_first_ = t_.s_axis_tlast;
            if (t_.s_axis_tlast) in_end.push_back(cycle_);
            in_bytes += __builtin_popcount(t_.s_axis_tkeep);
        }
        if (t_.m_axis_tvalid && t_.m_axis_tready) {
            if (out_first_) out_start.push_back(cycle_);
            out_first_ = t_.m_axis_tlast;
            // contract: keep contiguous from lane 0, full unless last, unused lanes zero
            const unsigned keep = t_.m_axis_tkeep;
            const auto data = esp::sim::load_bytes(t_.m_axis_tdata);
            bool ok = (keep & (keep + 1)) == 0 && (t_.m_axis_tlast || keep == 0xFFFF);
            for (unsigned i = 0; i < 16; ++i) ok = ok && ((keep >> i) & 1 || data[i] == 0);
            if (!ok) ++bad_beats;
        }
        ++cycle_;
    }
    std::vector<uint64_t> in_start, in_end, out_start;
    uint64_t in_bytes = 0;
    uint64_t bad_beats = 0; // output beats breaking the lane rules

private:
    Vesp_decap& t_;
    uint64_t cycle_ = 0;
    bool in_first_ = true, out_first_ = true;
};

// One DUT + reference pair; SAs go into both.
struct Rig {
    Bench<Vesp_decap> bench;
    AxisSource src;
    AxisSink sink;
    CtrlModel ctrl;
    Probe probe;
    esp::HlsEngine ref;
    std::vector<Expect> expected;

    Rig(double bubble, double stall, uint64_t seed)
        : src(esp::sim::bind_s_axis(bench.top()), bubble, seed),
          sink(esp::sim::bind_m_axis(bench.top()), stall, seed + 1),
          ctrl(bench.top()),
          probe(bench.top()) {
        bench.add(src);
        bench.add(sink);
        bench.add(ctrl);
        bench.add(probe);
        bench.reset();
    }

    void install(unsigned handle, SaConfig c) {
        c.inbound = true;
        REQUIRE(program_sa(ref, handle, c) == ESP_SA_ERR_NONE);
        ctrl.install(handle, c);
    }

    // Sends pkt to both; the reference decides what must come out.
    void send(const Bytes& pkt) {
        const auto r = ref.process(true, 0, pkt);
        expected.push_back({r.bytes, r.result, r.sa});
        src.send(pkt, in_user(unsigned(pkt.size())));
    }
    // A packet whose tuser LEN disagrees with its beats: MALFORMED with no SA (stream rule).
    void send_bad_len(const Bytes& pkt, int delta) {
        expected.push_back({{}, ESP_DROP_MALFORMED, 0xFFFF});
        src.send(pkt, in_user(unsigned(int(pkt.size()) + delta)));
    }

    void run_and_compare() {
        const bool done =
            bench.run_until([&] { return sink.packets().size() >= expected.size(); }, 200 * expected.size() + 100000);
        REQUIRE(done);
        bench.ticks(50); // nothing extra may come out
        REQUIRE(sink.packets().size() == expected.size());
        REQUIRE(ctrl.records().size() == expected.size());
        REQUIRE(probe.bad_beats == 0);
        for (size_t i = 0; i < expected.size(); ++i) {
            const auto& got = sink.packets()[i];
            const auto& exp = expected[i];
            const uint64_t u = got.user;
            const unsigned dir = u & 1, sa = (u >> ESP_TUSER_OUT_SA_LSB) & 0xFFFF;
            const unsigned len = (u >> ESP_TUSER_OUT_LEN_LSB) & 0xFFFF, res = (u >> ESP_TUSER_OUT_RESULT_LSB) & 15;
            INFO("packet " << i << " expected result " << exp.result << " sa " << exp.sa << " len "
                           << exp.bytes.size());
            CHECK(dir == 1);
            REQUIRE(res == exp.result);
            CHECK(sa == exp.sa);
            CHECK(got.drop == (exp.result != ESP_DROP_OK));
            CHECK(len == exp.bytes.size());
            REQUIRE(got.bytes == exp.bytes);
            const auto& pd = ctrl.records()[i];
            CHECK(pd.result == exp.result);
            CHECK(pd.handle == exp.sa);
            CHECK(pd.out_bytes == exp.bytes.size());
        }
    }
};

// The SA shapes: key size x ESN x UDP x outer family x mode, 32 of them.
std::vector<SaConfig> all_shapes(std::mt19937_64& rng) {
    std::vector<SaConfig> v;
    for (unsigned s = 0; s < 32; ++s) {
        SaConfig c = random_sa(rng, s & 1, s & 2, s & 4, s & 8, s & 16);
        c.window = (s % 3 == 0) ? 32 : 1024;
        c.seq = c.esn ? 0xFFFFFFFFull - rng() % 40 : rng() % 1000; // ESN ones cross 2^32
        v.push_back(c);
    }
    return v;
}

Bytes inner_for(std::mt19937_64& rng, const SaConfig& c, std::size_t payload) {
    const bool v6 = c.transport ? c.ipv6 : (rng() & 1);
    Bytes inner = random_inner(rng, v6, payload);
    if (c.transport) set_addresses(inner, c.src, c.dst);
    return inner;
}

std::size_t small_payload(std::mt19937_64& rng) {
    const unsigned r = unsigned(rng() % 100);
    if (r < 70) return rng() % 200;
    if (r < 97) return 200 + rng() % 1300;
    return 1500 + rng() % 7600;
}

// A random packet for SA c (next number in *next), good or broken in one of many ways.
Bytes make_packet(std::mt19937_64& rng, const SaConfig& c, uint64_t& next, bool allow_bad) {
    RefEncryptOptions o;
    o.iv = random_bytes(rng, 8);
    o.extra_pad = 4 * unsigned(rng() % 3);
    if (!c.transport && rng() % 4 == 0) o.tfc = random_bytes(rng, rng() % 40);
    o.udp_sport = uint16_t(rng());
    uint64_t seq = ++next;
    if (rng() % 10 == 0 && next > 3) seq = next - 1 - rng() % 3; // late or duplicate
    const unsigned kind = allow_bad ? unsigned(rng() % 20) : 99;
    SaConfig sc = c;
    if (kind == 0) o.pad_length = unsigned(rng() % 256);
    if (kind == 1) o.corrupt_pad_byte = int(rng() % (o.extra_pad + 1));
    if (kind == 2) o.next_header = uint8_t(rng());
    if (kind == 3) sc.spi ^= 1u << (rng() % 32); // unknown SA
    if (kind == 4) {                             // encapsulation differs from the SA's
        sc.udp = !sc.udp;
        sc.sport = sc.udp ? 4500 : 0;
        sc.dport = sc.udp ? ESP_UDP_ENCAP_PORT : 0;
    }
    Bytes p = ref_encrypt(sc, seq, inner_for(rng, c, small_payload(rng)), o);
    if (kind == 5) p[p.size() - 1 - rng() % 16] ^= uint8_t(1u << (rng() % 8)); // ICV
    if (kind == 6) p[rng() % p.size()] ^= uint8_t(1u << (rng() % 8));          // anywhere
    if (kind == 7) p.resize(rng() % p.size());                                 // truncation
    if (kind == 8 && c.udp) {                                                  // IKE marker
        const unsigned off = (c.ipv6 ? 40 : (p[0] & 15u) * 4) + 8;
        for (unsigned i = 0; i < 4; ++i) p[off + i] = 0;
    }
    if (kind == 9) p[p.size() / 2] ^= 0x80; // ciphertext
    return p;
}

} // namespace

TEST_CASE("esp_decap: random good and broken packets match HlsEngine under bubbles and back-pressure") {
    const double mixes[][2] = {{0.0, 0.0}, {0.3, 0.3}, {0.1, 0.7}};
    uint64_t seed = esp::sim::Options::from_env().seed;
    for (const auto& m : mixes) {
        std::mt19937_64 rng(seed++);
        Rig rig(m[0], m[1], seed);
        auto shapes = all_shapes(rng);
        std::vector<uint64_t> next;
        for (unsigned h = 0; h < shapes.size(); ++h) {
            rig.install(3 * h + 1, shapes[h]);
            next.push_back(shapes[h].seq);
        }
        for (unsigned i = 0; i < 900; ++i) {
            const unsigned h = unsigned(rng() % shapes.size());
            const Bytes p = make_packet(rng, shapes[h], next[h], true);
            if (i % 97 == 5)
                rig.send_bad_len(p, (rng() & 1) ? 1 : -1);
            else
                rig.send(p);
        }
        const auto t0 = std::chrono::steady_clock::now();
        rig.run_and_compare();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::map<unsigned, unsigned> codes;
        for (const auto& e : rig.expected) codes[e.result]++;
        std::printf(
            "esp_decap random (bubble %.1f, stall %.1f): %zu packets, %llu cycles, %.2f M cycles/s; codes:", m[0], m[1],
            rig.expected.size(), (unsigned long long)rig.bench.cycle(), rig.bench.cycle() / s / 1e6);
        for (auto [c, n] : codes) std::printf(" %u:%u", c, n);
        std::printf("\n");
        for (unsigned c = 0; c <= 5; ++c) CHECK(codes[c] > 0); // OK..BAD_PADDING all exercised
    }
}

TEST_CASE("esp_decap: every truncation and every bit of one packet per outer shape") {
    std::mt19937_64 rng(7);
    Rig rig(0.2, 0.2, 11);
    // IPv4 + options transport, IPv6 UDP tunnel, IPv4 UDP ESN tunnel
    SaConfig a = random_sa(rng, false, false, true, false, false);
    SaConfig b = random_sa(rng, true, false, false, true, true);
    SaConfig c = random_sa(rng, false, true, false, false, true);
    rig.install(0, a);
    rig.install(1, b);
    rig.install(2, c);
    uint64_t seq = 100;
    for (const SaConfig* sa : {&a, &b, &c}) {
        Bytes inner = random_inner(rng, sa->transport ? sa->ipv6 : false, 37);
        if (sa->transport) {
            // IPv4 with 8 bytes of options: the outer header is 28 bytes, the text unaligned
            inner = ipv4_packet(sa->src, sa->dst, 6, random_bytes(rng, 37), 0x77, Bytes(8, 1));
        }
        RefEncryptOptions o;
        o.extra_pad = 4;
        const Bytes p = ref_encrypt(*sa, ++seq, inner, o);
        for (size_t n = 0; n <= p.size(); ++n) rig.send(Bytes(p.begin(), p.begin() + long(n)));
        for (size_t bit = 0; bit < 8 * p.size(); bit += 3) {
            Bytes q = p;
            q[bit / 8] ^= uint8_t(1u << (bit % 8));
            rig.send(q);
        }
        // Flips outside the ICV's cover (IPv4 ID, UDP source port/checksum, IPv6 flow label)
        // deliver the packet, so only a fresh number is sure to be good now.
        rig.send(ref_encrypt(*sa, ++seq, inner, o));
        rig.run_and_compare();
        CHECK(rig.expected.back().result == ESP_DROP_OK);
    }
    // A hard packet limit of 1: the second packet finds the SA disabled.
    SaConfig d = random_sa(rng, false, false, false, false, false);
    d.pkt_hard = 1;
    rig.install(3, d);
    const Bytes inner = random_inner(rng, false, 100);
    rig.send(ref_encrypt(d, 1, inner));
    rig.run_and_compare();
    rig.send(ref_encrypt(d, 2, inner));
    rig.run_and_compare();
    CHECK(rig.expected.back().result == ESP_DROP_SA_DISABLED);
}

TEST_CASE("esp_decap: 1400-byte packets, throughput and latency") {
    std::mt19937_64 rng(3);
    Rig rig(0.0, 0.0, 5);
    SaConfig c = random_sa(rng, false, false, false, false, false);
    c.seq = 1;
    rig.install(0, c);
    // latency: one packet into the idle pipeline
    const Bytes inner0 = ipv4_packet(c.src, c.dst, 17, random_bytes(rng, 1346 - 20));
    rig.send(ref_encrypt(c, 2, inner0));
    REQUIRE(rig.bench.run_until([&] { return rig.sink.packets().size() == 1; }, 10000));
    const uint64_t lat_first = rig.probe.out_start[0] - rig.probe.in_start[0];
    const uint64_t lat_last = rig.probe.out_start[0] - rig.probe.in_end[0];
    // throughput: 200 packets back to back
    const unsigned n = 200;
    for (unsigned i = 0; i < n; ++i) {
        const Bytes inner = ipv4_packet(c.src, c.dst, 17, random_bytes(rng, 1346 - 20));
        const Bytes p = ref_encrypt(c, 3 + i, inner);
        REQUIRE(p.size() == 1400);
        rig.send(p);
    }
    rig.run_and_compare();
    const auto& pr = rig.probe;
    const uint64_t in_cycles = pr.in_end.back() - pr.in_start[1] + 1;
    const uint64_t out_cycles = pr.out_start.back() - pr.out_start[1];
    const double bpc = 1400.0 * n / double(in_cycles);
    std::printf(
        "esp_decap 1400-byte packets: input %.3f bytes/cycle (%llu cycles for %u packets, %.4f beats/cycle); "
        "output packet every %.2f cycles; latency first beat in -> first beat out %llu cycles, "
        "last beat in -> first beat out %llu cycles\n",
        bpc, (unsigned long long)in_cycles, n, bpc / 16.0, double(out_cycles) / (n - 1), (unsigned long long)lat_first,
        (unsigned long long)lat_last);
    CHECK(bpc > 14.0); // >= 0.875 beats/cycle on 88-beat packets

    // small packets: 100-byte inner, where the per-packet costs show
    const size_t first = pr.in_start.size();
    size_t small_bytes = 0;
    for (unsigned i = 0; i < n; ++i) {
        const Bytes p = ref_encrypt(c, 3 + n + i, ipv4_packet(c.src, c.dst, 17, random_bytes(rng, 80)));
        small_bytes = p.size();
        rig.send(p);
    }
    rig.run_and_compare();
    const uint64_t small_cycles = pr.in_end.back() - pr.in_start[first] + 1;
    std::printf("esp_decap %zu-byte packets: one packet per %.2f cycles (%.3f input bytes/cycle)\n", small_bytes,
                double(small_cycles) / n, double(small_bytes) * n / double(small_cycles));
}
