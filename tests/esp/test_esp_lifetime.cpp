// Lifetimes (soft/hard, bytes/packets), sequence number exhaustion, events and the IRQ.
#include <catch2/catch.hpp>

#include "esp_packet_gen.h"
#include "esp_reference.h"
#include "hls_engine.h"

using namespace esp_test;

namespace {

constexpr std::uint32_t kStateValid = 1u << ESP_SA_R_STATE_VALID_LSB;
constexpr std::uint32_t kStateDisabled = 1u << ESP_SA_R_STATE_DISABLED_LSB;
constexpr std::uint32_t kStateSoftBytes = 1u << ESP_SA_R_STATE_SOFT_BYTES_LSB;
constexpr std::uint32_t kStateSoftPkts = 1u << ESP_SA_R_STATE_SOFT_PACKETS_LSB;

std::uint32_t state_bits(esp::PacketEngine& e, unsigned h) { return read_sa(e, h)[ESP_SA_R_STATE] & 0xFFu; }

std::uint64_t sa_drops(esp::PacketEngine& e, unsigned h, unsigned code) {
    return read64(read_sa(e, h), ESP_SA_R_DROPS + 2 * code);
}

// A 100-byte inner IPv4 packet.
Bytes inner100(std::mt19937_64& rng) {
    return ipv4_packet(random_addr(rng, false), random_addr(rng, false), 17, random_bytes(rng, 80));
}

} // namespace

TEST_CASE("esp: outbound packet lifetimes, soft then hard", "[esp][lifetime]") {
    std::mt19937_64 rng(1);
    esp::HlsEngine e;
    e.write_reg(ESP_REG_IRQ_ENABLE, 1);
    SaConfig sa = random_sa(rng, false, false, false, false, false);
    sa.pkt_soft = 3;
    sa.pkt_hard = 5;
    REQUIRE(program_sa(e, 7, sa) == ESP_SA_ERR_NONE);
    for (unsigned i = 1; i <= 5; ++i) {
        REQUIRE(int(e.process(false, 7, inner100(rng)).result) == ESP_DROP_OK);
        if (i == 2) CHECK(e.read_reg(ESP_REG_EVT_COUNT) == 0);
        if (i == 3) {
            CHECK(e.irq());
            CHECK(e.read_reg(ESP_REG_IRQ_STATUS) == 1);
            CHECK(pop_events(e) == std::vector<std::uint32_t>{event_word(ESP_EVT_SOFT_PACKETS, 7)});
            CHECK(!e.irq());
            CHECK(state_bits(e, 7) == (kStateValid | kStateSoftPkts));
        }
    }
    CHECK(pop_events(e) == std::vector<std::uint32_t>{event_word(ESP_EVT_HARD_PACKETS, 7)});
    CHECK(state_bits(e, 7) == (kStateValid | kStateDisabled | kStateSoftPkts));
    const auto r = e.process(false, 7, inner100(rng));
    CHECK(int(r.result) == ESP_DROP_SA_DISABLED);
    CHECK(r.sa == 7);
    CHECK(r.bytes.empty());
    CHECK(e.read_reg(ESP_REG_EVT_COUNT) == 0); // hard events are raised once
    CHECK(sa_drops(e, 7, ESP_DROP_SA_DISABLED) == 1);
    CHECK(read_counter(e, ESP_REG_CNT_DROPS + 4 * ESP_DROP_SA_DISABLED) == 1);
    const auto rb = read_sa(e, 7);
    CHECK(read64(rb, ESP_SA_R_PKTS_LO) == 5);
    CHECK(read64(rb, ESP_SA_R_BYTES_LO) == 500);
    CHECK(read64(rb, ESP_SA_R_SEQ_LO) == sa.seq + 5);
}

TEST_CASE("esp: byte lifetimes count inner bytes; soft and hard on one packet raise both", "[esp][lifetime]") {
    std::mt19937_64 rng(2);
    esp::HlsEngine e;
    SaConfig sa = random_sa(rng, true, true, false, true, true);
    sa.byte_soft = 250;
    sa.byte_hard = 400;
    REQUIRE(program_sa(e, 1, sa) == ESP_SA_ERR_NONE);
    SaConfig both = random_sa(rng, false, false, true, false, false);
    both.byte_soft = 100;
    both.byte_hard = 100;
    REQUIRE(program_sa(e, 2, both) == ESP_SA_ERR_NONE);

    for (unsigned i = 1; i <= 4; ++i) REQUIRE(int(e.process(false, 1, inner100(rng)).result) == ESP_DROP_OK);
    CHECK(pop_events(e) ==
          std::vector<std::uint32_t>{event_word(ESP_EVT_SOFT_BYTES, 1), event_word(ESP_EVT_HARD_BYTES, 1)});
    CHECK(state_bits(e, 1) == (kStateValid | kStateDisabled | kStateSoftBytes));
    CHECK(int(e.process(false, 1, inner100(rng)).result) == ESP_DROP_SA_DISABLED);

    Bytes p = inner100(rng);
    set_addresses(p, both.src, both.dst);
    REQUIRE(int(e.process(false, 2, p).result) == ESP_DROP_OK);
    CHECK(pop_events(e) ==
          std::vector<std::uint32_t>{event_word(ESP_EVT_SOFT_BYTES, 2), event_word(ESP_EVT_HARD_BYTES, 2)});
}

TEST_CASE("esp: inbound lifetimes and counters", "[esp][lifetime]") {
    std::mt19937_64 rng(3);
    esp::HlsEngine e;
    SaConfig sa = random_sa(rng, false, false, false, false, false);
    sa.inbound = true;
    sa.pkt_hard = 3;
    sa.byte_soft = 150;
    REQUIRE(program_sa(e, 9, sa) == ESP_SA_ERR_NONE);
    for (unsigned seq = 1; seq <= 3; ++seq) {
        const Bytes inner = inner100(rng);
        RefEncryptOptions o;
        o.tfc = Bytes(7, 0xAB); // TFC padding does not count: inner bytes are the packet's own
        const auto r = e.process(true, 0, ref_encrypt(sa, seq, inner, o));
        REQUIRE(int(r.result) == ESP_DROP_OK);
        CHECK(r.bytes == inner);
    }
    CHECK(pop_events(e) ==
          std::vector<std::uint32_t>{event_word(ESP_EVT_SOFT_BYTES, 9), event_word(ESP_EVT_HARD_PACKETS, 9)});
    const auto r = e.process(true, 0, ref_encrypt(sa, 4, inner100(rng)));
    CHECK(int(r.result) == ESP_DROP_SA_DISABLED);
    CHECK(r.sa == 9);
    CHECK(r.inbound);
    const auto rb = read_sa(e, 9);
    CHECK(read64(rb, ESP_SA_R_PKTS_LO) == 3);
    CHECK(read64(rb, ESP_SA_R_BYTES_LO) == 300);
    CHECK(read64(rb, ESP_SA_R_SEQ_LO) == 3); // window top: the disabled packet did not move it
    CHECK(read64(rb, ESP_SA_R_DROPS + 2 * ESP_DROP_SA_DISABLED) == 1);
}

TEST_CASE("esp: 32-bit sequence exhaustion stops the SA, never wraps", "[esp][seq]") {
    std::mt19937_64 rng(4);
    esp::HlsEngine e;
    SaConfig sa = random_sa(rng, false, false, false, false, false);
    sa.seq = 0xFFFFFFFDull;
    REQUIRE(program_sa(e, 3, sa) == ESP_SA_ERR_NONE);
    for (std::uint64_t want : {0xFFFFFFFEull, 0xFFFFFFFFull}) {
        const Bytes inner = inner100(rng);
        const auto r = e.process(false, 3, inner);
        REQUIRE(int(r.result) == ESP_DROP_OK);
        const RefDecoded d = ref_decode(sa, want, r.bytes);
        INFO(d.error);
        REQUIRE(d.ok);
        CHECK(d.inner == inner);
    }
    const auto r3 = e.process(false, 3, inner100(rng));
    CHECK(int(r3.result) == ESP_DROP_SEQ_EXHAUSTED);
    CHECK(r3.sa == 3);
    CHECK(pop_events(e) == std::vector<std::uint32_t>{event_word(ESP_EVT_SEQ_EXHAUSTED, 3)});
    const auto rb = read_sa(e, 3);
    CHECK((rb[ESP_SA_R_STATE] & kStateDisabled) != 0);
    CHECK(read64(rb, ESP_SA_R_SEQ_LO) == 0xFFFFFFFFull);
    for (int i = 0; i < 3; ++i) CHECK(int(e.process(false, 3, inner100(rng)).result) == ESP_DROP_SA_DISABLED);
    CHECK(e.read_reg(ESP_REG_EVT_COUNT) == 0);
    CHECK(sa_drops(e, 3, ESP_DROP_SEQ_EXHAUSTED) == 1);
    CHECK(sa_drops(e, 3, ESP_DROP_SA_DISABLED) == 3);
    CHECK(read64(read_sa(e, 3), ESP_SA_R_SEQ_LO) == 0xFFFFFFFFull);

    // UPDATE (rekey) restarts the SA with fresh counters.
    SaConfig fresh = random_sa(rng, false, false, false, false, false);
    REQUIRE(program_sa(e, 3, fresh, ESP_SA_OP_UPDATE) == ESP_SA_ERR_NONE);
    const auto r = e.process(false, 3, inner100(rng));
    REQUIRE(int(r.result) == ESP_DROP_OK);
    CHECK(ref_decode(fresh, 1, r.bytes).ok);
    CHECK(sa_drops(e, 3, ESP_DROP_SA_DISABLED) == 0);
}

TEST_CASE("esp: 64-bit (ESN) sequence exhaustion", "[esp][seq]") {
    std::mt19937_64 rng(5);
    esp::HlsEngine e;
    SaConfig sa = random_sa(rng, true, true, false, true, false);
    sa.seq = ~0ull - 2;
    REQUIRE(program_sa(e, 0, sa) == ESP_SA_ERR_NONE);
    for (std::uint64_t want : {~0ull - 1, ~0ull}) {
        const Bytes inner = inner100(rng);
        const auto r = e.process(false, 0, inner);
        REQUIRE(int(r.result) == ESP_DROP_OK);
        const RefDecoded d = ref_decode(sa, want, r.bytes);
        INFO(d.error);
        REQUIRE(d.ok);
    }
    CHECK(int(e.process(false, 0, inner100(rng)).result) == ESP_DROP_SEQ_EXHAUSTED);
    CHECK(int(e.process(false, 0, inner100(rng)).result) == ESP_DROP_SA_DISABLED);
    CHECK(pop_events(e) == std::vector<std::uint32_t>{event_word(ESP_EVT_SEQ_EXHAUSTED, 0)});
    CHECK(read64(read_sa(e, 0), ESP_SA_R_SEQ_LO) == ~0ull);

    // An SA installed with the last number already used stops on its first packet.
    SaConfig spent = random_sa(rng, false, false, false, false, false);
    spent.seq = 0xFFFFFFFFull;
    REQUIRE(program_sa(e, 1, spent) == ESP_SA_ERR_NONE);
    CHECK(int(e.process(false, 1, inner100(rng)).result) == ESP_DROP_SEQ_EXHAUSTED);
    CHECK(pop_events(e) == std::vector<std::uint32_t>{event_word(ESP_EVT_SEQ_EXHAUSTED, 1)});
}

TEST_CASE("esp: event queue overflow counts lost events", "[esp][events]") {
    std::mt19937_64 rng(6);
    esp::HlsEngine e;
    const SaConfig sa = random_sa(rng, false, false, false, false, false);
    const unsigned n = ESP_EVENT_QUEUE_DEPTH + 10;
    for (unsigned i = 0; i < n; ++i) {
        REQUIRE(program_sa(e, i % ESP_N_SA, sa) == ESP_SA_ERR_NONE);
        REQUIRE(sa_command(e, ESP_SA_OP_DELETE, i % ESP_N_SA) == ESP_SA_ERR_NONE);
    }
    CHECK(e.read_reg(ESP_REG_EVT_COUNT) == ESP_EVENT_QUEUE_DEPTH);
    CHECK(e.read_reg(ESP_REG_EVT_OVERFLOW) == 10);
    CHECK(!e.irq()); // IRQ_ENABLE is 0 after reset
    e.write_reg(ESP_REG_IRQ_ENABLE, 1);
    CHECK(e.irq());
    const auto ev = pop_events(e);
    REQUIRE(ev.size() == ESP_EVENT_QUEUE_DEPTH);
    for (unsigned i = 0; i < ev.size(); ++i) CHECK(ev[i] == event_word(ESP_EVT_SA_DELETED, i)); // oldest kept
    CHECK(e.read_reg(ESP_REG_EVT_POP) == 0);
    CHECK(!e.irq());
    CHECK(e.read_reg(ESP_REG_IRQ_STATUS) == 0);
}
