// esp_engine_top (the whole accelerator in RTL) next to the HLS model: the same SAs are
// programmed through the register port of both, the same random packets (outbound inner
// packets, inbound packets from the OpenSSL-EVP peer, and broken ones of both kinds) go
// through both, and every output (bytes, RESULT, SA, DIR), every counter, every SA_READ row
// and every event must agree. Packets go one at a time through esp::RtlEngine::process()
// and, to exercise the in-order merge with many packets in flight, as one stream with
// bubbles and back-pressure. Cycle figures (printed) come from back-to-back bursts.
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>

#include "Vesp_engine_top.h"
#include "both_engine.h"
#include "engine_top_regs.h"
#include "esp_packet_gen.h"
#include "esp_reference.h"
#include "hls_engine.h"
#include "top_test_util.h"
#include "rtl_engine.h"

using namespace esp_test;

namespace {

using Top = Vesp_engine_top;
using Rtl = esp::RtlEngine<Top>;
using Result = esp::PacketEngine::PacketResult;

std::uint32_t command(esp::PacketEngine& e, unsigned op, unsigned handle) {
    return esp::sim::sa_command_settled(e, op, handle);
}
std::uint32_t install(esp::PacketEngine& e, unsigned handle, const SaConfig& c) {
    stage_words(e, sa_words(c));
    return command(e, ESP_SA_OP_WRITE, handle);
}
std::array<std::uint32_t, ESP_SA_READ_WORDS> sa_row(esp::PacketEngine& e, unsigned handle) {
    REQUIRE(command(e, ESP_SA_OP_READ, handle) == ESP_SA_ERR_NONE);
    std::array<std::uint32_t, ESP_SA_READ_WORDS> w{};
    for (unsigned i = 0; i < ESP_SA_READ_WORDS; ++i) w[i] = e.read_reg(ESP_REG_SA_READ + 4 * i);
    return w;
}

struct Lane {
    SaConfig sa;
    unsigned handle = 0;
    std::uint64_t next_seq = 0; // inbound: the number the peer sends next
};

struct Input {
    bool inbound = false;
    std::uint16_t handle = 0;
    Bytes bytes;
};

// SAs of all 32 shapes each way (AES-128/256, ESN, UDP, IPv4/IPv6, tunnel/transport).
// Outbound transport packets are of the SA's family: a packet the model refuses without a
// sequence number (family, fragment) still takes one in esp_out_ctrl (docs/rtl-top.md).
struct Traffic {
    std::mt19937_64 rng;
    std::vector<Lane> out, in;

    explicit Traffic(std::uint64_t seed) : rng(seed) {
        for (unsigned shape = 0; shape < 32; ++shape) {
            const bool key256 = shape & 1, esn = shape & 2, udp = shape & 4, ipv6 = shape & 8, transport = shape & 16;
            Lane l;
            l.sa = random_sa(rng, key256, esn, transport, ipv6, udp);
            l.sa.seq = esn ? 0xFFFFFFFFull - rng() % 100 : rng() % 1000;
            l.handle = shape;
            out.push_back(l);
        }
        for (unsigned shape = 0; shape < 32; ++shape) {
            const bool key256 = shape & 1, esn = shape & 2, udp = shape & 4, ipv6 = shape & 8, transport = shape & 16;
            Lane l;
            l.sa = random_sa(rng, key256, esn, transport, ipv6, udp);
            l.sa.inbound = true;
            l.sa.window = 64;
            l.sa.seq = esn ? 0xFFFFFFFFull - rng() % 100 : rng() % 1000;
            l.next_seq = l.sa.seq + 1;
            l.handle = 32 + shape;
            in.push_back(l);
        }
    }

    void program(esp::PacketEngine& e) const {
        for (const Lane& l : out) REQUIRE(install(e, l.handle, l.sa) == ESP_SA_ERR_NONE);
        for (const Lane& l : in) REQUIRE(install(e, l.handle, l.sa) == ESP_SA_ERR_NONE);
    }
    std::vector<unsigned> handles() const {
        std::vector<unsigned> h;
        for (const Lane& l : out) h.push_back(l.handle);
        for (const Lane& l : in) h.push_back(l.handle);
        return h;
    }

    std::size_t size() {
        const unsigned r = unsigned(rng() % 100);
        if (r < 60) return rng() % 200;
        if (r < 95) return 200 + rng() % 1300;
        return 1500 + rng() % 2500;
    }

    Input outbound() {
        Lane& l = out[rng() % out.size()];
        Input p{false, std::uint16_t(l.handle), random_inner(rng, l.sa.transport ? l.sa.ipv6 : (rng() & 1), size())};
        switch (rng() % 20) {
            case 0:
                p.handle = std::uint16_t(in[rng() % in.size()].handle);
                break; // inbound SA: NO_SA
            case 1:
                p.handle = std::uint16_t(rng() % 2 ? 0xFFFF : 200 + rng() % 50);
                break; // NO_SA
            case 2:
                put_be16(p.bytes, (p.bytes[0] >> 4) == 4 ? 2 : 4, be16(&p.bytes[(p.bytes[0] >> 4) == 4 ? 2 : 4]) + 1);
                break;
            case 3:
                p.bytes.resize(rng() % 20);
                break; // short or empty: MALFORMED
            default:
                break;
        }
        return p;
    }

    Input inbound() {
        Lane& l = in[rng() % in.size()];
        const bool inner6 = l.sa.transport ? l.sa.ipv6 : (rng() & 1);
        Bytes inner = random_inner(rng, inner6, size());
        if (l.sa.transport) set_addresses(inner, l.sa.src, l.sa.dst);
        RefEncryptOptions o;
        o.iv = random_bytes(rng, 8);
        o.extra_pad = 4 * unsigned(rng() % 3);
        if (!l.sa.transport && rng() % 4 == 0) o.tfc = random_bytes(rng, rng() % 40);
        o.udp_sport = std::uint16_t(rng());
        std::uint64_t seq = l.next_seq++;
        if (rng() % 10 == 0 && seq > l.sa.seq + 3) seq -= 1 + rng() % 3; // late or replayed
        Input p{true, std::uint16_t(rng()), ref_encrypt(l.sa, seq, inner, o)};
        switch (rng() % 16) {
            case 0: { // any bit: AUTH_FAIL, MALFORMED or NO_SA
                const std::size_t bit = rng() % (8 * p.bytes.size());
                p.bytes[bit / 8] ^= std::uint8_t(1u << (bit % 8));
                break;
            }
            case 1:
                p.bytes.resize(rng() % p.bytes.size());
                break;
            default:
                break;
        }
        return p;
    }

    Input next() { return rng() % 2 ? inbound() : outbound(); }
};

using esp::sim::same_result;

// Every global counter, each SA's READ row and the event queue agree.
void same_state(esp::PacketEngine& rtl, esp::PacketEngine& hls, const std::vector<unsigned>& handles) {
    std::vector<std::uint32_t> regs = {ESP_REG_CNT_PKTS_IN, ESP_REG_CNT_PKTS_OUT, ESP_REG_CNT_BYTES_IN,
                                       ESP_REG_CNT_BYTES_OUT};
    for (unsigned c = 1; c < ESP_REG_CNT_DROPS_COUNT; ++c) regs.push_back(ESP_REG_CNT_DROPS + 4 * c);
    for (std::uint32_t a : regs) {
        INFO("counter register 0x" << std::hex << a);
        REQUIRE(read_counter(rtl, a) == read_counter(hls, a));
    }
    for (unsigned h : handles) {
        const auto r = sa_row(rtl, h), m = sa_row(hls, h);
        for (unsigned w = 0; w < ESP_SA_READ_WORDS; ++w) {
            INFO("SA " << h << " READ word " << w);
            REQUIRE(r[w] == m[w]);
        }
    }
    REQUIRE(pop_events(rtl) == pop_events(hls));
    REQUIRE(rtl.irq() == hls.irq());
}

Result to_result(const esp::sim::Packet& p) {
    Result r;
    r.inbound = (p.user >> ESP_TUSER_OUT_DIR_LSB) & 1u;
    r.sa = std::uint16_t(p.user >> ESP_TUSER_OUT_SA_LSB);
    r.result = std::uint8_t((p.user >> ESP_TUSER_OUT_RESULT_LSB) & 0xfu);
    if (!p.drop) r.bytes = p.bytes;
    return r;
}

// The engine top driven as a stream: all packets queued at once, outputs collected in order.
struct Stream {
    esp::sim::Bench<Top> bench;
    esp::sim::AxiLiteMaster<Top> axi{bench};
    esp::sim::AxisSource src;
    esp::sim::AxisSink sink;

    esp::sim::AxiLiteRegs<Top> regs{axi}; // install() and friends through this bench's control port

    Stream(double bubble, double stall)
        : src(esp::sim::bind_s_axis(bench.top()), bubble, 11), sink(esp::sim::bind_m_axis(bench.top()), stall, 12) {
        bench.add(src);
        bench.add(sink);
        bench.reset();
        REQUIRE(bench.run_until([&] { return (axi.read(ESP_REG_SA_STATUS) & 1u) == 0; }, 10000));
    }

    // Sends every packet back to back; returns the outputs and the cycles until the last one.
    std::vector<Result> run(const std::vector<Input>& ins, std::uint64_t& cycles) {
        for (const Input& p : ins)
            src.send(p.bytes, std::uint64_t(p.inbound) << ESP_TUSER_IN_DIR_LSB |
                                  std::uint64_t(p.handle) << ESP_TUSER_IN_SA_LSB |
                                  std::uint64_t(p.bytes.size() & 0xffffu) << ESP_TUSER_IN_LEN_LSB);
        const std::uint64_t start = bench.cycle();
        REQUIRE(bench.run_until([&] { return sink.packets().size() >= ins.size(); }, 400 * ins.size() + 100000));
        cycles = bench.cycle() - start;
        std::vector<Result> out;
        for (const auto& p : sink.packets()) out.push_back(to_result(p));
        sink.packets().clear();
        return out;
    }
};

} // namespace

TEST_CASE("engine top: random packets one at a time agree with the HLS model", "[rtl][top]") {
    for (const double load : {0.0, 0.35}) {
        Rtl::Config cfg;
        cfg.bubble = load;
        cfg.stall = load;
        Rtl rtl(cfg);
        esp::HlsEngine hls;
        Traffic t(load > 0 ? 7 : 5);
        t.program(rtl);
        t.program(hls);
        std::array<unsigned, 8> codes{};
        for (std::size_t i = 0; i < 350; ++i) {
            const Input p = t.next();
            const auto h = hls.process(p.inbound, p.handle, p.bytes);
            const auto r = rtl.process(p.inbound, p.handle, p.bytes);
            same_result(r, h, i);
            ++codes[h.result & 7u];
        }
        same_state(rtl, hls, t.handles());
        for (int c : {ESP_DROP_OK, ESP_DROP_NO_SA, ESP_DROP_AUTH_FAIL, ESP_DROP_MALFORMED, ESP_DROP_REPLAY}) {
            INFO("drop code " << c << " never occurred");
            CHECK(codes[unsigned(c)] > 0);
        }
    }
}

TEST_CASE("engine top: a stream of mixed packets in flight comes out in order", "[rtl][top]") {
    for (const double load : {0.0, 0.3}) {
        Stream s(load, load);
        esp::HlsEngine hls;
        Traffic t(load > 0 ? 9 : 8);
        t.program(s.regs);
        t.program(hls);
        std::vector<Input> ins;
        for (int i = 0; i < 400; ++i) ins.push_back(t.next());
        std::uint64_t cycles = 0;
        const auto outs = s.run(ins, cycles);
        REQUIRE(outs.size() == ins.size());
        for (std::size_t i = 0; i < ins.size(); ++i)
            same_result(outs[i], hls.process(ins[i].inbound, ins[i].handle, ins[i].bytes), i);
        same_state(s.regs, hls, t.handles());
    }
}

// Lifetimes and sequence limits with many packets of one SA in flight: an OK packet that
// reaches a hard limit disables its SA, and every later packet of that SA must drop
// SA_DISABLED exactly as in the model (one packet at a time), although it may already be in
// the pipeline; ESN SAs cross 2^32 in both directions; one outbound SA runs out of numbers.
TEST_CASE("engine top: hard limits, exhaustion and ESN epochs with packets in flight", "[rtl][top][lifetime]") {
    for (const double load : {0.0, 0.3}) {
        Stream s(load, load);
        esp::HlsEngine hls;
        std::mt19937_64 rng(load > 0 ? 31 : 30);
        std::vector<Lane> out, in;
        auto lane = [&](bool inbound, unsigned handle, bool esn, std::uint64_t seq) -> Lane& {
            Lane l;
            l.sa = random_sa(rng, handle & 1, esn, false, false, false);
            l.sa.inbound = inbound;
            l.sa.seq = seq;
            l.next_seq = seq + 1;
            l.handle = handle;
            auto& v = inbound ? in : out;
            v.push_back(l);
            return v.back();
        };
        lane(false, 1, true, 0xFFFFFFFFull - 20).sa.pkt_hard = 45; // ESN epoch, packet limit
        Lane& ob = lane(false, 2, false, 100);                     // byte limit
        ob.sa.byte_soft = 1500, ob.sa.byte_hard = 3000;
        lane(false, 3, false, 0xFFFFFFFFull - 4); // runs out of numbers
        lane(false, 4, true, 0xFFFFFFFFull - 5);  // no limits, ESN epoch
        { // transport over IPv4: IPv6 inner packets and IPv4 fragments are MALFORMED without a number
            Lane& t = lane(false, 5, false, 500);
            t.sa = random_sa(rng, false, false, true, false, false);
            t.sa.seq = 500;
        }
        Lane& ia = lane(true, 40, true, 0xFFFFFFFFull - 25); // ESN epoch, packet limit
        ia.sa.pkt_soft = 20, ia.sa.pkt_hard = 50;
        lane(true, 41, false, 10).sa.byte_hard = 2500; // byte limit
        lane(true, 42, true, 0xFFFFFFFFull - 30);      // no limits, ESN epoch
        std::vector<unsigned> handles;
        for (auto* v : {&out, &in})
            for (const Lane& l : *v) {
                REQUIRE(install(s.regs, l.handle, l.sa) == ESP_SA_ERR_NONE);
                REQUIRE(install(hls, l.handle, l.sa) == ESP_SA_ERR_NONE);
                handles.push_back(l.handle);
            }
        std::vector<Input> ins;
        for (int i = 0; i < 420; ++i) {
            // mostly the first SA of each direction, so many of its packets are in flight at once
            const bool inbound = rng() % 2;
            auto& v = inbound ? in : out;
            const unsigned pick = unsigned(rng() % 12);
            Lane& l = v[pick < 6 ? 0 : (!inbound && pick < 9) ? v.size() - 1 : rng() % v.size()];
            const std::size_t size = rng() % 8 == 0 ? 300 + rng() % 1100 : rng() % 120;
            Bytes inner = random_inner(rng, rng() & 1, size);
            if (!inbound) {
                if (l.sa.transport) set_addresses(inner, l.sa.src, l.sa.dst);
                if (l.sa.transport && (inner[0] >> 4) == 4 && rng() % 4 == 0)
                    put_be16(inner, 6, std::uint16_t(rng() % 2 ? 0x2000 : 1 + rng() % 0x1fff)); // MF or an offset
                ins.push_back({false, std::uint16_t(l.handle), inner});
                continue;
            }
            std::uint64_t seq = l.next_seq++;
            if (rng() % 8 == 0 && seq > l.sa.seq + 3) seq -= 1 + rng() % 3; // late or replayed
            RefEncryptOptions o;
            o.iv = random_bytes(rng, 8);
            ins.push_back({true, 0, ref_encrypt(l.sa, seq, inner, o)});
        }
        std::uint64_t cycles = 0;
        const auto outs = s.run(ins, cycles);
        REQUIRE(outs.size() == ins.size());
        std::array<unsigned, 8> codes{};
        for (std::size_t i = 0; i < ins.size(); ++i) {
            const auto h = hls.process(ins[i].inbound, ins[i].handle, ins[i].bytes);
            same_result(outs[i], h, i);
            ++codes[h.result & 7u];
        }
        same_state(s.regs, hls, handles);
        for (int c : {ESP_DROP_OK, ESP_DROP_SA_DISABLED, ESP_DROP_SEQ_EXHAUSTED, ESP_DROP_REPLAY, ESP_DROP_MALFORMED}) {
            INFO("drop code " << c << " never occurred");
            CHECK(codes[unsigned(c)] > 0);
        }
    }
}

TEST_CASE("engine top: throughput of back-to-back bursts (printed)", "[rtl][top][figures]") {
    struct Case {
        const char* name;
        bool inbound;
        std::size_t inner; // inner packet bytes (IPv4)
        int count;
    };
    // Inbound over IPv4 tunnel AES-128: wire = inner + 54 + pad, so 1344 -> 1400, 20 -> 76.
    const Case cases[] = {{"outbound 1400-byte", false, 1400, 100},
                          {"inbound 1400-byte", true, 1344, 100},
                          {"outbound 64-byte", false, 64, 200},
                          {"inbound 76-byte", true, 20, 200}};
    for (const Case& c : cases) {
        Stream s(0.0, 0.0);
        esp::HlsEngine hls;
        std::mt19937_64 rng(42);
        SaConfig sa = random_sa(rng, false, false, false, false, false);
        sa.inbound = c.inbound;
        REQUIRE(install(s.regs, 3, sa) == ESP_SA_ERR_NONE);
        REQUIRE(install(hls, 3, sa) == ESP_SA_ERR_NONE);
        std::vector<Input> ins;
        std::size_t bytes = 0;
        for (int i = 0; i < c.count; ++i) {
            Bytes inner =
                ipv4_packet(random_addr(rng, false), random_addr(rng, false), 17, random_bytes(rng, c.inner - 20));
            Input p{c.inbound, 3, c.inbound ? ref_encrypt(sa, std::uint64_t(i) + 1, inner) : inner};
            bytes += p.bytes.size();
            ins.push_back(std::move(p));
        }
        std::uint64_t cycles = 0;
        const auto outs = s.run(ins, cycles);
        for (std::size_t i = 0; i < ins.size(); ++i) {
            const auto h = hls.process(ins[i].inbound, ins[i].handle, ins[i].bytes);
            REQUIRE(int(h.result) == ESP_DROP_OK);
            same_result(outs[i], h, i);
        }
        std::printf(
            "esp_engine_top %-20s %3d packets of %4zu bytes: %7llu cycles, %.3f input bytes/cycle, %.1f "
            "cycles/packet\n",
            c.name, c.count, ins[0].bytes.size(), static_cast<unsigned long long>(cycles),
            double(bytes) / double(cycles), double(cycles) / c.count);
    }
}

TEST_CASE("BothEngine (espsim --engine both): lockstep RTL and HLS, first difference named", "[rtl][top][both]") {
    Traffic t(21);
    espsim::BothEngine both(std::make_unique<Rtl>(), "rtl", std::make_unique<esp::HlsEngine>(), "hls");
    t.program(both);
    for (int i = 0; i < 40; ++i) {
        const Input p = t.next();
        both.process(p.inbound, p.handle, p.bytes);
    }
    REQUIRE(both.packets() == 40);

    // Two HLS models whose outbound SA differs in one key byte: the first packet's output
    // differs from byte 36 on (IPv4 outer header, SPI, seq and IV agree; the ciphertext not).
    auto a = std::make_unique<esp::HlsEngine>(), b = std::make_unique<esp::HlsEngine>();
    SaConfig sa = t.out[0].sa; // IPv4 outer, no UDP
    REQUIRE(install(*a, 1, sa) == ESP_SA_ERR_NONE);
    sa.key[0] ^= 1;
    REQUIRE(install(*b, 1, sa) == ESP_SA_ERR_NONE);
    espsim::BothEngine skew(std::move(a), "a", std::move(b), "b");
    REQUIRE_THROWS_WITH(skew.process(false, 1, ipv4_packet(sa.src, sa.dst, 6, Bytes(40, 7))),
                        Catch::Contains("packet 0") && Catch::Contains("output byte 36"));
}
