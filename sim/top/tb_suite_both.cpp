// The HLS engine's vector and random suites (tests/esp) run through the RTL top and the HLS
// model in lockstep (espsim::BothEngine over esp::RtlEngine<Vesp_engine_top> and
// esp::HlsEngine): every register read, every packet's bytes, RESULT, SA and DIR, and the
// global counters after each packet must agree; SA_READ rows at the end too. Outputs are
// also checked on their own (OpenSSL-EVP codec, the vectors' bytes), so a shared mistake
// of both engines fails as well.
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>

#include "Vesp_engine_top.h"
#include "both_engine.h"
#include "esp_gcm_vectors.h"
#include "esp_packet_gen.h"
#include "esp_reference.h"
#include "hls_engine.h"
#include "rtl_engine.h"

using namespace esp_test;

namespace {

using Rtl = esp::RtlEngine<Vesp_engine_top>;

std::unique_ptr<espsim::BothEngine> make_both(double bubble, double stall, std::uint64_t seed) {
    Rtl::Config cfg;
    cfg.bubble = bubble;
    cfg.stall = stall;
    cfg.options.seed = seed;
    return std::make_unique<espsim::BothEngine>(std::make_unique<Rtl>(cfg), "rtl", std::make_unique<esp::HlsEngine>(),
                                                "hls");
}

// SA_CMD completes after a few cycles on the RTL (BothEngine waits for BUSY to clear).
std::uint32_t install(esp::PacketEngine& e, unsigned handle, const SaConfig& c) {
    stage_words(e, sa_words(c));
    e.write_reg(ESP_REG_SA_CMD, (ESP_SA_OP_WRITE << ESP_REG_SA_CMD_OP_LSB) | handle);
    return (e.read_reg(ESP_REG_SA_STATUS) >> ESP_REG_SA_STATUS_ERROR_LSB) & ESP_REG_SA_STATUS_ERROR_MASK;
}

using Vector = GcmEspVector;

std::vector<Vector> load_vectors(unsigned& skipped) {
    return load_gcm_esp_vectors(std::string(ESP_VECTORS_DIR) + "/esp_gcm_vectors.json", skipped);
}

SaConfig vector_sa(const Vector& v, bool inbound, unsigned handle) {
    SaConfig sa;
    sa.inbound = inbound;
    sa.transport = true; // the vectors' payload is the IPv4 packet's, next header its protocol
    sa.esn = v.esn;
    sa.spi = v.spi;
    sa.key = v.key;
    std::copy(v.salt.begin(), v.salt.end(), sa.salt.begin());
    sa.src = {198, 51, 100, 7};
    sa.dst = {192, 0, 2, std::uint8_t(handle)};
    sa.seq = v.seq - 1;
    return sa;
}

} // namespace

TEST_CASE("suite both: GCM ESP vectors both ways, RTL and HLS in lockstep", "[rtl][suite][vectors]") {
    unsigned skipped = 0;
    const auto vectors = load_vectors(skipped);
    REQUIRE(vectors.size() == 15);
    REQUIRE(skipped == 1);
    auto both = make_both(0.3, 0.3, 7);
    unsigned handle = 0, same_iv = 0;
    for (const Vector& v : vectors) {
        INFO(v.name);
        // Outbound: the vector's plaintext as a transport payload; the engine's IV is the
        // sequence number, so the ESP bytes equal the vector's only where its IV is seq.
        const SaConfig out_sa = vector_sa(v, false, handle);
        REQUIRE(install(*both, 2 * handle, out_sa) == ESP_SA_ERR_NONE);
        const Bytes inner = ipv4_packet({198, 51, 100, 7}, out_sa.dst, std::uint8_t(v.next_header), v.plaintext, 0x77);
        esp::PacketEngine::PacketResult out;
        REQUIRE_NOTHROW(out = both->process(false, std::uint16_t(2 * handle), inner));
        REQUIRE(int(out.result) == ESP_DROP_OK);
        const RefDecoded dec = ref_decode(out_sa, v.seq, out.bytes);
        INFO("decode: " << dec.error);
        REQUIRE(dec.ok);
        CHECK(dec.inner == inner);
        Bytes seq_iv(8);
        for (int i = 0; i < 8; ++i) seq_iv[std::size_t(i)] = std::uint8_t(v.seq >> (56 - 8 * i));
        if (v.iv == seq_iv) {
            ++same_iv;
            CHECK(to_hex(Bytes(out.bytes.begin() + 20, out.bytes.end())) == to_hex(v.packet));
        }

        // Inbound: the vector's packet decrypted to its plaintext.
        const SaConfig in_sa = vector_sa(v, true, handle);
        REQUIRE(install(*both, 2 * handle + 1, in_sa) == ESP_SA_ERR_NONE);
        const Bytes outer = ipv4_packet({198, 51, 100, 7}, in_sa.dst, 50, v.packet, 0x77);
        esp::PacketEngine::PacketResult in;
        REQUIRE_NOTHROW(in = both->process(true, 0, outer));
        REQUIRE(int(in.result) == ESP_DROP_OK);
        CHECK(in.sa == 2 * handle + 1);
        CHECK(to_hex(in.bytes) ==
              to_hex(ipv4_packet({198, 51, 100, 7}, in_sa.dst, std::uint8_t(v.next_header), v.plaintext, 0x77)));
        ++handle;
    }
    for (unsigned h = 0; h < 2 * handle; ++h) REQUIRE_NOTHROW(read_sa(*both, h));
    std::printf("suite both: %zu vectors both ways (%u with IV = seq byte-checked), %llu packets in lockstep\n",
                vectors.size(), same_iv, static_cast<unsigned long long>(both->packets()));
}

namespace {

struct Lane {
    SaConfig sa;
    unsigned handle = 0;
    std::uint64_t next_seq = 0; // outbound: the engine's next number; inbound: the peer's
};

// All 32 shapes each way (AES-128/256 x ESN x tunnel/transport x IPv4/IPv6 x UDP); sizes
// 0..9000 (tests/esp's mix); a few broken packets each way; OpenSSL checks the outputs.
void random_run(std::uint64_t seed, unsigned packets, double bubble, double stall) {
    std::mt19937_64 rng(seed);
    auto both = make_both(bubble, stall, seed);
    std::vector<Lane> out, in;
    for (unsigned shape = 0; shape < 32; ++shape) {
        const bool key256 = shape & 1, esn = shape & 2, udp = shape & 4, ipv6 = shape & 8, transport = shape & 16;
        Lane o;
        o.sa = random_sa(rng, key256, esn, transport, ipv6, udp);
        o.sa.seq = esn ? 0xFFFFFFFFull - rng() % 100 : rng() % 1000;
        o.handle = shape;
        o.next_seq = o.sa.seq + 1;
        REQUIRE(install(*both, o.handle, o.sa) == ESP_SA_ERR_NONE);
        out.push_back(o);
        Lane i;
        i.sa = random_sa(rng, key256, esn, transport, ipv6, udp);
        i.sa.inbound = true;
        i.sa.window = 64;
        i.sa.seq = esn ? 0xFFFFFFFFull - rng() % 100 : rng() % 1000;
        i.handle = 32 + shape;
        i.next_seq = i.sa.seq + 1;
        REQUIRE(install(*both, i.handle, i.sa) == ESP_SA_ERR_NONE);
        in.push_back(i);
    }

    unsigned ok_out = 0, ok_in = 0, drops = 0;
    for (unsigned n = 0; n < packets; ++n) {
        const bool inbound = rng() & 1;
        Lane& l = inbound ? in[rng() % in.size()] : out[rng() % out.size()];
        const bool inner6 = l.sa.transport ? l.sa.ipv6 : (rng() & 1);
        Bytes inner = random_inner(rng, inner6, random_payload_size(rng));
        if (l.sa.transport && inbound) set_addresses(inner, l.sa.src, l.sa.dst);
        INFO("packet " << n << (inbound ? " inbound" : " outbound") << " SA " << l.handle << " inner " << inner.size());
        esp::PacketEngine::PacketResult r;
        if (!inbound) {
            Bytes p = inner;
            const unsigned broken = unsigned(rng() % 25);
            if (broken == 0) p.resize(rng() % 20); // short or empty: MALFORMED
            REQUIRE_NOTHROW(r = both->process(false, std::uint16_t(l.handle), p));
            if (broken == 0) {
                CHECK(int(r.result) == ESP_DROP_MALFORMED);
                ++drops;
                continue;
            }
            REQUIRE(int(r.result) == ESP_DROP_OK);
            const RefDecoded dec = ref_decode(l.sa, l.next_seq++, r.bytes);
            INFO("decode: " << dec.error);
            REQUIRE(dec.ok);
            REQUIRE(dec.inner == inner);
            ++ok_out;
        } else {
            RefEncryptOptions o;
            o.iv = random_bytes(rng, 8);
            o.extra_pad = 4 * unsigned(rng() % 3);
            if (!l.sa.transport && rng() % 4 == 0) o.tfc = random_bytes(rng, rng() % 40);
            o.udp_sport = std::uint16_t(rng());
            Bytes p = ref_encrypt(l.sa, l.next_seq++, inner, o);
            const bool flip = rng() % 25 == 0;
            if (flip) {
                const std::size_t bit = rng() % (8 * p.size());
                p[bit / 8] ^= std::uint8_t(1u << (bit % 8));
            }
            REQUIRE_NOTHROW(r = both->process(true, std::uint16_t(rng()), p));
            if (flip) { // usually AUTH_FAIL/MALFORMED/NO_SA; a flip in an unchecked outer field passes
                if (r.result != ESP_DROP_OK) ++drops;
                continue;
            }
            REQUIRE(int(r.result) == ESP_DROP_OK);
            REQUIRE(r.bytes == inner);
            ++ok_in;
        }
    }
    // Per-SA rows (counters, sequence numbers, state) read through both engines.
    for (const Lane& l : out) REQUIRE_NOTHROW(read_sa(*both, l.handle));
    for (const Lane& l : in) REQUIRE_NOTHROW(read_sa(*both, l.handle));
    CHECK(both->read_reg(ESP_REG_EVT_COUNT) == 0);
    CHECK(ok_out > packets / 3);
    CHECK(ok_in > packets / 3);
    std::printf(
        "suite both: seed %llu, %u packets (bubble %.0f%%, stall %.0f%%): %u outbound OK, %u inbound OK, %u drops, "
        "%llu cycles\n",
        static_cast<unsigned long long>(seed), packets, 100 * bubble, 100 * stall, ok_out, ok_in, drops,
        static_cast<unsigned long long>(both->cycles()));
}

} // namespace

TEST_CASE("suite both: random packets over all 32 shapes each way, 30% bubbles and back-pressure",
          "[rtl][suite][random]") {
    random_run(20261127, 3000, 0.3, 0.3);
}

TEST_CASE("suite both: random packets, 60% bubbles and 70% back-pressure", "[rtl][suite][random]") {
    random_run(4, 1000, 0.6, 0.7);
}
