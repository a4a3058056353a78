// Differential test against OpenSSL: random packets over every SA shape (AES-128/256,
// ESN on/off, tunnel with IPv4/IPv6 outer and IPv4/IPv6 inner, transport, UDP encap).
// Engine output is decoded by the independent EVP codec; EVP-built packets are
// decrypted by the engine. Counters are checked against what was sent.
#include <catch2/catch.hpp>

#include "esp_packet_gen.h"
#include "esp_reference.h"
#include "hls_engine.h"

using namespace esp_test;

namespace {

struct Lane {
    SaConfig out; // outbound SA at handle 2i
    SaConfig in;  // inbound SA at handle 2i+1
    std::uint64_t out_seq;
    std::uint64_t in_seq;
    std::uint64_t out_bytes = 0, in_bytes = 0, out_pkts = 0, in_pkts = 0;
};

constexpr unsigned kPackets = 10000; // per direction

} // namespace

TEST_CASE("esp: differential vs OpenSSL, 10000 random packets each way", "[esp][differential]") {
    std::mt19937_64 rng(20261127);
    esp::HlsEngine engine;
    std::vector<Lane> lanes;
    for (unsigned shape = 0; shape < 32; ++shape) {
        const bool key256 = shape & 1, esn = shape & 2, udp = shape & 4, ipv6 = shape & 8, transport = shape & 16;
        Lane l;
        l.out = random_sa(rng, key256, esn, transport, ipv6, udp);
        // ESN lanes start just below 2^32 so the high half becomes 1 during the run.
        l.out.seq = esn ? 0xFFFFFFFFull - rng() % 300 : rng() % 1000;
        l.in = random_sa(rng, key256, esn, transport, ipv6, udp);
        l.in.inbound = true;
        l.in.window = 32;
        l.in.seq = esn ? 0xFFFFFFFFull - rng() % 300 : rng() % 1000;
        l.out_seq = l.out.seq;
        l.in_seq = l.in.seq;
        REQUIRE(program_sa(engine, 2 * shape, l.out) == ESP_SA_ERR_NONE);
        REQUIRE(program_sa(engine, 2 * shape + 1, l.in) == ESP_SA_ERR_NONE);
        lanes.push_back(l);
    }

    std::uint64_t bytes_in = 0, bytes_out = 0;
    for (unsigned i = 0; i < kPackets; ++i) {
        const unsigned li = unsigned(rng() % lanes.size());
        Lane& l = lanes[li];
        const bool inner6 = l.out.transport ? l.out.ipv6 : (rng() & 1);
        const Bytes inner = random_inner(rng, inner6, random_payload_size(rng));
        INFO("packet " << i << " lane " << li << " inner " << inner.size() << " bytes");

        // Outbound through the engine, decoded by OpenSSL.
        const auto out = engine.process(false, std::uint16_t(2 * li), inner);
        REQUIRE(int(out.result) == ESP_DROP_OK);
        REQUIRE(out.sa == 2 * li);
        REQUIRE(!out.inbound);
        ++l.out_seq;
        const RefDecoded dec = ref_decode(l.out, l.out_seq, out.bytes);
        INFO("decode: " << dec.error);
        REQUIRE(dec.ok);
        REQUIRE(dec.inner == inner);
        l.out_pkts++;
        l.out_bytes += inner.size();
        bytes_in += inner.size();
        bytes_out += out.bytes.size();

        // Inbound: OpenSSL builds it (random IV, pad, TFC); sometimes one number is skipped
        // and sent right after the next one, inside the window.
        const bool inner6b = l.in.transport ? l.in.ipv6 : (rng() & 1);
        Bytes inner2 = random_inner(rng, inner6b, random_payload_size(rng));
        if (l.in.transport) set_addresses(inner2, l.in.src, l.in.dst);
        RefEncryptOptions o;
        o.iv = random_bytes(rng, 8);
        o.extra_pad = 4 * unsigned(rng() % 3);
        if (!l.in.transport && rng() % 4 == 0) o.tfc = random_bytes(rng, rng() % 40);
        o.udp_sport = std::uint16_t(rng());
        std::uint64_t seq = ++l.in_seq;
        if (rng() % 8 == 0) seq = ++l.in_seq; // send n+1 now; n is sent below
        const Bytes pkt = ref_encrypt(l.in, seq, inner2, o);
        const auto in = engine.process(true, 0xABCD, pkt); // inbound ignores the handle
        REQUIRE(int(in.result) == ESP_DROP_OK);
        REQUIRE(in.sa == 2 * li + 1);
        REQUIRE(in.inbound);
        REQUIRE(in.bytes == inner2);
        l.in_pkts++;
        l.in_bytes += inner2.size();
        bytes_in += pkt.size();
        bytes_out += in.bytes.size();
        if (seq == l.in_seq && seq - 1 > l.in.seq && rng() % 8 == 0) {
            // The skipped number (or a replay, if it was already delivered) is judged correctly.
            const Bytes late = ref_encrypt(l.in, seq - 1, inner2, o);
            const auto lr = engine.process(true, 0, late);
            bytes_in += late.size();
            if (lr.result == ESP_DROP_OK) {
                l.in_pkts++;
                l.in_bytes += inner2.size();
                bytes_out += lr.bytes.size();
                REQUIRE(lr.bytes == inner2);
            } else {
                REQUIRE(int(lr.result) == ESP_DROP_REPLAY);
            }
        }
    }

    // Counters: per SA and global.
    std::uint64_t pkts_ok = 0, replays = 0;
    for (unsigned li = 0; li < lanes.size(); ++li) {
        const Lane& l = lanes[li];
        const auto ro = read_sa(engine, 2 * li);
        CHECK(read64(ro, ESP_SA_R_PKTS_LO) == l.out_pkts);
        CHECK(read64(ro, ESP_SA_R_BYTES_LO) == l.out_bytes);
        CHECK(read64(ro, ESP_SA_R_SEQ_LO) == l.out_seq);
        const auto ri = read_sa(engine, 2 * li + 1);
        CHECK(read64(ri, ESP_SA_R_PKTS_LO) == l.in_pkts);
        CHECK(read64(ri, ESP_SA_R_BYTES_LO) == l.in_bytes);
        CHECK(read64(ri, ESP_SA_R_SEQ_LO) == l.in_seq);
        pkts_ok += l.out_pkts + l.in_pkts;
        replays += read64(ri, ESP_SA_R_DROPS + 2 * ESP_DROP_REPLAY);
        if (l.out.esn) CHECK(l.out_seq > 0xFFFFFFFFull); // the run crossed into high half 1
    }
    CHECK(read_counter(engine, ESP_REG_CNT_PKTS_OUT) == pkts_ok);
    CHECK(read_counter(engine, ESP_REG_CNT_PKTS_IN) == pkts_ok + replays);
    CHECK(read_counter(engine, ESP_REG_CNT_DROPS + 4 * ESP_DROP_REPLAY) == replays);
    CHECK(read_counter(engine, ESP_REG_CNT_BYTES_IN) == bytes_in);
    CHECK(read_counter(engine, ESP_REG_CNT_BYTES_OUT) == bytes_out);
    CHECK(engine.read_reg(ESP_REG_EVT_COUNT) == 0);
}
