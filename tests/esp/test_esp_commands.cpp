// The control port: identification registers, SA commands and their errors (a failed
// command changes no state), readback, DELETE/FLUSH wiping, SOFT_RESET, CNT_HI_LATCH, and
// the Vitis top.
#include <catch2/catch.hpp>

#include <sstream>

#include "esp/esp_engine.h"
#include "esp_packet_gen.h"
#include "esp_reference.h"
#include "hls_engine.h"
#include "hls_top_engine.h"

using namespace esp_test;

namespace {

// Everything a command could change, as text (readable diffs on failure).
std::string digest(const esphls::EspEngineState& st) {
    std::ostringstream o;
    for (unsigned h = 0; h < ESP_N_SA; ++h) {
        const auto& s = st.sat.slot[h];
        if (!s.valid && s.spi == 0 && st.sat.key[h].h == 0 && st.sat.key[h].ks.rk[0] == 0) continue;
        o << "slot " << h << ' ' << s.valid << s.disabled << s.soft_bytes_raised << s.soft_pkts_raised << ' '
          << s.ctrl.to_uint() << ' ' << s.spi.to_uint() << ' ' << s.salt.to_uint() << ' ' << s.window.to_uint() << ' '
          << s.seq.to_uint64() << ' ' << s.pkts.to_uint64() << ' ' << s.bytes.to_uint64() << ' '
          << s.byte_soft.to_uint64() << ' ' << s.byte_hard.to_uint64() << ' ' << s.pkt_soft.to_uint64() << ' '
          << s.pkt_hard.to_uint64() << ' ' << s.sport.to_uint() << ' ' << s.dport.to_uint();
        for (unsigned i = 0; i < 4; ++i) o << ' ' << s.src[i].to_uint() << ' ' << s.dst[i].to_uint();
        for (unsigned c = 0; c < ESP_DROP_COUNT; ++c) o << ' ' << s.drops[c].to_uint64();
        for (unsigned r = 0; r < 15; ++r) o << ' ' << std::hex << st.sat.key[h].ks.rk[r].range(63, 0).to_uint64();
        o << ' ' << st.sat.key[h].h.range(63, 0).to_uint64() << std::dec << " top " << st.sat.replay[h].top.to_uint64()
          << '\n';
    }
    for (unsigned t = 0; t < ESP_HASH_TABLES; ++t)
        for (unsigned b = 0; b < esphls::kHashBuckets; ++b)
            for (unsigned w = 0; w < ESP_HASH_WAYS; ++w) {
                const auto& e = st.hash.e[t][b][w];
                if (e.valid)
                    o << "hash " << t << ' ' << b << ' ' << w << ' ' << e.handle.to_uint() << ' ' << e.spi.to_uint()
                      << '\n';
            }
    o << "events " << st.evq.count.to_uint() << ' ' << st.evq.overflow.to_uint() << '\n';
    for (unsigned i = 0; i < ESP_SA_READ_WORDS; ++i) o << st.sa_read[i].to_uint() << ' ';
    return o.str();
}

SaConfig inbound(std::mt19937_64& rng, bool ipv6 = false) {
    SaConfig c = random_sa(rng, rng() & 1, rng() & 1, false, ipv6, false);
    c.inbound = true;
    return c;
}

bool key_wiped(const esphls::EspEngineState& st, unsigned h) {
    for (const auto& rk : st.sat.key[h].ks.rk)
        if (rk != 0) return false;
    return st.sat.key[h].h == 0 && st.sat.slot[h].salt == 0;
}

} // namespace

TEST_CASE("esp: identification and plain registers", "[esp][regs]") {
    esp::HlsEngine e;
    CHECK(e.read_reg(ESP_REG_DEV_ID) == ESP_DEV_ID_VALUE);
    CHECK(e.read_reg(ESP_REG_DEV_VERSION) == ESP_CONTRACT_VERSION);
    CHECK(e.read_reg(ESP_REG_DEV_CAPS) == 0x1Fu); // ESN, UDP_ENCAP, IPV6, AES256, TRANSPORT
    CHECK(e.read_reg(ESP_REG_DEV_SA_SLOTS) == ESP_N_SA);
    CHECK(e.read_reg(ESP_REG_DEV_MAX_WINDOW) == ESP_MAX_REPLAY_WINDOW);
    CHECK(e.read_reg(ESP_REG_DEV_ID + 1) == 0); // unaligned
    CHECK(e.read_reg(0xFFC) == 0);              // unmapped
    e.write_reg(ESP_REG_DEV_ID, 5);             // read-only: ignored
    CHECK(e.read_reg(ESP_REG_DEV_ID) == ESP_DEV_ID_VALUE);
    e.write_reg(ESP_REG_SA_DATA + 4 * 31, 0xDEADBEEF);
    CHECK(e.read_reg(ESP_REG_SA_DATA + 4 * 31) == 0xDEADBEEF); // the staging window reads back
    CHECK(e.read_reg(ESP_REG_SA_CMD) == 0);                    // write-only
    e.write_reg(ESP_REG_SA_READ, 1);
    CHECK(e.read_reg(ESP_REG_SA_READ) == 0);
    e.write_reg(ESP_REG_IRQ_ENABLE, 0xFFFFFFFF);
    CHECK(e.read_reg(ESP_REG_IRQ_ENABLE) == 1);

    // CNT_HI_LATCH holds the high word of the counter whose low word was read last.
    e.state().cnt.bytes_in = ap_uint<64>(0x0000000512345678ull);
    e.state().cnt.drops[3] = ap_uint<64>(0x0000000700000009ull);
    CHECK(e.read_reg(ESP_REG_CNT_BYTES_IN) == 0x12345678u);
    CHECK(e.read_reg(ESP_REG_CNT_HI_LATCH) == 5);
    CHECK(e.read_reg(ESP_REG_CNT_HI_LATCH) == 5); // reading the latch has no side effect
    e.state().cnt.bytes_in = 0;
    CHECK(e.read_reg(ESP_REG_CNT_HI_LATCH) == 5); // it holds until the next low-word read
    CHECK(e.read_reg(ESP_REG_CNT_DROPS + 12) == 9);
    CHECK(e.read_reg(ESP_REG_CNT_HI_LATCH) == 7);
    CHECK(e.read_reg(ESP_REG_CNT_DROPS) == 0);
    CHECK(e.read_reg(ESP_REG_CNT_HI_LATCH) == 0);
}

TEST_CASE("esp: SA command errors change no state", "[esp][commands]") {
    std::mt19937_64 rng(21);
    esp::HlsEngine e;
    const SaConfig in = inbound(rng);
    const SaConfig out = random_sa(rng, true, true, false, true, true);
    REQUIRE(program_sa(e, 1, in) == ESP_SA_ERR_NONE);
    REQUIRE(program_sa(e, 2, out) == ESP_SA_ERR_NONE);
    REQUIRE(int(e.process(false, 2, random_inner(rng, false, 10)).result) == ESP_DROP_OK);
    (void)read_sa(e, 1);
    const std::string before = digest(e.state());

    auto expect_error = [&](unsigned op, unsigned handle, const std::array<std::uint32_t, 32>& w, unsigned err) {
        stage_words(e, w);
        CHECK(sa_command(e, op, handle) == err);
        CHECK(digest(e.state()) == before);
    };
    const auto good = sa_words(inbound(rng));
    for (unsigned op = 6; op < 16; ++op) expect_error(op, 3, good, ESP_SA_ERR_BAD_OP);
    for (unsigned op : {ESP_SA_OP_WRITE, ESP_SA_OP_UPDATE, ESP_SA_OP_DELETE, ESP_SA_OP_READ})
        for (unsigned h : {ESP_N_SA, 0xFFFFu}) expect_error(op, h, good, ESP_SA_ERR_BAD_HANDLE);
    expect_error(ESP_SA_OP_WRITE, 1, good, ESP_SA_ERR_SLOT_IN_USE);
    for (unsigned op : {ESP_SA_OP_UPDATE, ESP_SA_OP_DELETE, ESP_SA_OP_READ})
        expect_error(op, 3, good, ESP_SA_ERR_SLOT_EMPTY);

    // BAD_PARAM, on WRITE to an empty slot and UPDATE of a live one.
    std::vector<std::array<std::uint32_t, 32>> bad;
    auto variant = [&](auto change) {
        auto w = good;
        change(w);
        bad.push_back(w);
    };
    variant([](auto& w) { w[ESP_SA_W_CTRL] |= 1u << 6; });
    variant([](auto& w) { w[ESP_SA_W_REPLAY_WINDOW] = ESP_MAX_REPLAY_WINDOW + 1; });
    variant([](auto& w) {
        w[ESP_SA_W_CTRL] &= ~(1u << ESP_SA_W_CTRL_ESN_LSB);
        w[ESP_SA_W_SEQ_HI] = 1;
    });
    variant([](auto& w) { w[ESP_SA_W_SRC_ADDR + 1] = 1; });
    variant([](auto& w) { w[ESP_SA_W_DST_ADDR + 3] = 1; });
    variant([](auto& w) {
        w[ESP_SA_W_CTRL] &= ~(1u << ESP_SA_W_CTRL_KEY256_LSB);
        w[ESP_SA_W_KEY + 4] = 1;
    });
    variant([](auto& w) { w[ESP_SA_W_UDP_PORTS] = 4500; }); // ports without UDP_ENCAP
    variant([](auto& w) {
        w[ESP_SA_W_CTRL] |= 1u << ESP_SA_W_CTRL_UDP_ENCAP_LSB;
        w[ESP_SA_W_UDP_PORTS] = 4500;
    });
    variant([](auto& w) {
        w[ESP_SA_W_CTRL] |= 1u << ESP_SA_W_CTRL_UDP_ENCAP_LSB;
        w[ESP_SA_W_UDP_PORTS] = 4500u << 16;
    });
    for (const auto& w : bad) {
        expect_error(ESP_SA_OP_WRITE, 3, w, ESP_SA_ERR_BAD_PARAM);
        expect_error(ESP_SA_OP_UPDATE, 2, w, ESP_SA_ERR_BAD_PARAM);
    }

    // DUPLICATE: another slot with the same inbound SPI and destination.
    expect_error(ESP_SA_OP_WRITE, 3, sa_words(in), ESP_SA_ERR_DUPLICATE);
    expect_error(ESP_SA_OP_UPDATE, 2, sa_words(in), ESP_SA_ERR_DUPLICATE);

    // Boundaries that are fine: window = MAX, same SPI/dst words but the other family,
    // UPDATE of a slot with its own key.
    auto edge = good;
    edge[ESP_SA_W_REPLAY_WINDOW] = ESP_MAX_REPLAY_WINDOW;
    stage_words(e, edge);
    CHECK(sa_command(e, ESP_SA_OP_WRITE, 3) == ESP_SA_ERR_NONE);
    SaConfig other_family = in;
    other_family.ipv6 = true;
    CHECK(program_sa(e, 4, other_family) == ESP_SA_ERR_NONE);
    CHECK(program_sa(e, 1, in, ESP_SA_OP_UPDATE) == ESP_SA_ERR_NONE);
    CHECK(sa_command(e, ESP_SA_OP_NOP, 0xFFFF) == ESP_SA_ERR_NONE);
}

TEST_CASE("esp: READ, UPDATE, DELETE, FLUSH and SOFT_RESET", "[esp][commands]") {
    std::mt19937_64 rng(22);
    esp::HlsEngine e;
    SaConfig in = inbound(rng, true);
    in.esn = true;
    in.window = 100;
    in.seq = 0x1234567890ull;
    in.pkt_hard = 77;
    REQUIRE(program_sa(e, 300, in) == ESP_SA_ERR_NONE);
    auto rb = read_sa(e, 300);
    CHECK(rb[ESP_SA_R_STATE] == (1u | (sa_words(in)[ESP_SA_W_CTRL] << ESP_SA_R_STATE_CTRL_LSB)));
    CHECK(rb[ESP_SA_R_SPI] == in.spi);
    CHECK(read64(rb, ESP_SA_R_SEQ_LO) == in.seq);
    CHECK(rb[ESP_SA_R_REPLAY_WINDOW] == 100);
    for (unsigned i = ESP_SA_R_PKTS_LO; i < ESP_SA_R_REPLAY_WINDOW; ++i) CHECK(rb[i] == 0);
    for (unsigned i = ESP_SA_R_REPLAY_WINDOW + 1; i < ESP_SA_READ_WORDS; ++i) CHECK(rb[i] == 0);

    Bytes inner = random_inner(rng, false, 20);
    REQUIRE(int(e.process(true, 0, ref_encrypt(in, in.seq + 1, inner)).result) == ESP_DROP_OK);
    REQUIRE(int(e.process(true, 0, ref_encrypt(in, in.seq + 1, inner)).result) == ESP_DROP_REPLAY);
    rb = read_sa(e, 300);
    CHECK(read64(rb, ESP_SA_R_PKTS_LO) == 1);
    CHECK(read64(rb, ESP_SA_R_BYTES_LO) == inner.size());
    CHECK(read64(rb, ESP_SA_R_DROPS + 2 * ESP_DROP_REPLAY) == 1);
    CHECK(read64(rb, ESP_SA_R_SEQ_LO) == in.seq + 1);

    // UPDATE to a new SPI: the old one is gone from the lookup, counters restart.
    SaConfig rekey = in;
    rekey.spi ^= 0x5A5A;
    rekey.key = random_bytes(rng, 16);
    rekey.seq = 5;
    REQUIRE(program_sa(e, 300, rekey, ESP_SA_OP_UPDATE) == ESP_SA_ERR_NONE);
    rb = read_sa(e, 300);
    CHECK(read64(rb, ESP_SA_R_PKTS_LO) == 0);
    CHECK(read64(rb, ESP_SA_R_DROPS + 2 * ESP_DROP_REPLAY) == 0);
    CHECK(read64(rb, ESP_SA_R_SEQ_LO) == 5);
    CHECK(int(e.process(true, 0, ref_encrypt(in, in.seq + 2, inner)).result) == ESP_DROP_NO_SA);
    CHECK(int(e.process(true, 0, ref_encrypt(rekey, 6, inner)).result) == ESP_DROP_OK);

    // DELETE: wiped, out of the lookup, SA_DELETED raised.
    REQUIRE(sa_command(e, ESP_SA_OP_DELETE, 300) == ESP_SA_ERR_NONE);
    CHECK(key_wiped(e.state(), 300));
    CHECK(!e.state().sat.slot[300].valid);
    CHECK(pop_events(e) == std::vector<std::uint32_t>{event_word(ESP_EVT_SA_DELETED, 300)});
    CHECK(int(e.process(true, 0, ref_encrypt(rekey, 7, inner)).result) == ESP_DROP_NO_SA);
    CHECK(sa_command(e, ESP_SA_OP_READ, 300) == ESP_SA_ERR_SLOT_EMPTY);

    // FLUSH: every slot wiped, no events.
    for (unsigned h = 0; h < 20; ++h) REQUIRE(program_sa(e, h, inbound(rng)) == ESP_SA_ERR_NONE);
    REQUIRE(sa_command(e, ESP_SA_OP_FLUSH, 0) == ESP_SA_ERR_NONE);
    for (unsigned h = 0; h < 20; ++h) {
        CHECK(key_wiped(e.state(), h));
        CHECK(sa_command(e, ESP_SA_OP_READ, h) == ESP_SA_ERR_SLOT_EMPTY);
    }
    CHECK(e.read_reg(ESP_REG_EVT_COUNT) == 0);

    // SOFT_RESET: table, counters, events, windows and IRQ enable back to zero.
    REQUIRE(program_sa(e, 9, rekey) == ESP_SA_ERR_NONE);
    REQUIRE(sa_command(e, ESP_SA_OP_DELETE, 9) == ESP_SA_ERR_NONE);
    REQUIRE(program_sa(e, 9, rekey) == ESP_SA_ERR_NONE);
    e.write_reg(ESP_REG_IRQ_ENABLE, 1);
    CHECK(e.irq());
    e.write_reg(ESP_REG_DEV_CONTROL, 1);
    CHECK(e.read_reg(ESP_REG_DEV_CONTROL) == 0); // self-clearing
    CHECK(!e.irq());
    CHECK(e.read_reg(ESP_REG_IRQ_ENABLE) == 0);
    CHECK(e.read_reg(ESP_REG_EVT_COUNT) == 0);
    CHECK(read_counter(e, ESP_REG_CNT_PKTS_IN) == 0);
    CHECK(read_counter(e, ESP_REG_CNT_DROPS + 4 * ESP_DROP_NO_SA) == 0);
    CHECK(e.read_reg(ESP_REG_SA_DATA + 4 * ESP_SA_W_SPI) == 0);
    CHECK(key_wiped(e.state(), 9));
    CHECK(sa_command(e, ESP_SA_OP_READ, 9) == ESP_SA_ERR_SLOT_EMPTY);
}

TEST_CASE("esp: inbound hash with many random SAs, DUPLICATE and HASH_FULL", "[esp][hash]") {
    std::mt19937_64 rng(23);
    esp::HlsEngine e;
    auto& st = e.state();
    std::vector<SaConfig> sas;
    std::array<std::uint8_t, 16> shared_dst = random_addr(rng, false);
    for (unsigned h = 0; h < ESP_N_SA; ++h) {
        SaConfig c = inbound(rng, h % 3 == 0);
        if (h % 4 == 1) c.dst = shared_dst; // many SAs to one gateway address
        REQUIRE(program_sa(e, h, c) == ESP_SA_ERR_NONE);
        sas.push_back(c);
    }
    // Each SA sits in one of its two candidate buckets, computed here from the contract's
    // formula, and the lookup finds it.
    for (unsigned h = 0; h < ESP_N_SA; ++h) {
        const auto w = sa_words(sas[h]);
        const std::uint32_t key = w[ESP_SA_W_SPI] ^ w[ESP_SA_W_DST_ADDR] ^ w[ESP_SA_W_DST_ADDR + 1] ^
                                  w[ESP_SA_W_DST_ADDR + 2] ^ w[ESP_SA_W_DST_ADDR + 3];
        const unsigned b[2] = {std::uint32_t(key * 0x9E3779B1u) >> 22, std::uint32_t(key * 0x85EBCA77u) >> 22};
        unsigned found = 0;
        for (unsigned t = 0; t < 2; ++t)
            for (unsigned way = 0; way < ESP_HASH_WAYS; ++way) {
                const auto& ent = st.hash.e[t][b[t]][way];
                if (ent.valid && ent.handle == h) ++found;
            }
        CHECK(found == 1);
        ap_uint<32> dst[4];
        for (unsigned i = 0; i < 4; ++i) dst[i] = w[ESP_SA_W_DST_ADDR + i];
        CHECK(esphls::hash_lookup(st.hash, w[ESP_SA_W_SPI], dst, sas[h].ipv6) == int(h));
        CHECK(esphls::hash_lookup(st.hash, w[ESP_SA_W_SPI] ^ 1, dst, sas[h].ipv6) == -1);
        CHECK(esphls::hash_lookup(st.hash, w[ESP_SA_W_SPI], dst, !sas[h].ipv6) == -1);
    }
    // Real packets to a sample of them.
    for (unsigned h = 0; h < ESP_N_SA; h += 37) {
        const Bytes inner = random_inner(rng, false, 16);
        const auto r = e.process(true, 0, ref_encrypt(sas[h], sas[h].seq + 1, inner));
        CHECK(int(r.result) == ESP_DROP_OK);
        CHECK(r.sa == h);
    }
    // Delete half; the rest stay reachable, the deleted are gone.
    for (unsigned h = 0; h < ESP_N_SA; h += 2) REQUIRE(sa_command(e, ESP_SA_OP_DELETE, h) == ESP_SA_ERR_NONE);
    for (unsigned h = 0; h < ESP_N_SA; ++h) {
        const auto w = sa_words(sas[h]);
        ap_uint<32> dst[4];
        for (unsigned i = 0; i < 4; ++i) dst[i] = w[ESP_SA_W_DST_ADDR + i];
        CHECK(esphls::hash_lookup(st.hash, w[ESP_SA_W_SPI], dst, sas[h].ipv6) == (h % 2 ? int(h) : -1));
    }
    REQUIRE(sa_command(e, ESP_SA_OP_FLUSH, 0) == ESP_SA_ERR_NONE);

    // HASH_FULL: SPI ^ dst0 constant gives the same key, so the same two buckets; they hold
    // 2 x HASH_WAYS SAs, the next one finds both full.
    const std::uint32_t key = 0xC0FFEE00u;
    auto colliding = [&](unsigned i) {
        SaConfig c = inbound(rng);
        c.dst = {10, 9, 8, std::uint8_t(i)};
        c.spi = key ^ be32(c.dst.data());
        return c;
    };
    for (unsigned i = 0; i < ESP_HASH_TABLES * ESP_HASH_WAYS; ++i)
        REQUIRE(program_sa(e, i, colliding(i)) == ESP_SA_ERR_NONE);
    // 2-left: the buckets filled alternately, table 0 first on ties.
    const unsigned b0 = std::uint32_t(key * 0x9E3779B1u) >> 22, b1 = std::uint32_t(key * 0x85EBCA77u) >> 22;
    for (unsigned way = 0; way < ESP_HASH_WAYS; ++way) {
        CHECK(st.hash.e[0][b0][way].handle == 2 * way);
        CHECK(st.hash.e[1][b1][way].handle == 2 * way + 1);
    }
    const std::string before = digest(st);
    const unsigned full = ESP_HASH_TABLES * ESP_HASH_WAYS;
    CHECK(program_sa(e, full, colliding(full)) == ESP_SA_ERR_HASH_FULL);
    CHECK(digest(st) == before);
    CHECK(program_sa(e, 3, colliding(full), ESP_SA_OP_UPDATE) == ESP_SA_ERR_NONE); // replaces its own entry
    REQUIRE(sa_command(e, ESP_SA_OP_DELETE, 4) == ESP_SA_ERR_NONE);
    CHECK(program_sa(e, full, colliding(full + 1)) == ESP_SA_ERR_NONE);
    // Outbound SAs never enter the hash.
    SaConfig out = colliding(99);
    out.inbound = false;
    CHECK(program_sa(e, full + 1, out) == ESP_SA_ERR_NONE);
}

TEST_CASE("esp: Vitis top esp_kernel drives the same engine", "[esp][kernel]") {
    std::mt19937_64 rng(24);
    esp::HlsTopEngine top; // AXI4-Lite and AXI4-Stream transactions on esp_kernel's ports
    CHECK(top.read_reg(ESP_REG_DEV_ID) == ESP_DEV_ID_VALUE);
    const SaConfig sa = random_sa(rng, false, false, false, false, false);
    const auto w = sa_words(sa);
    for (unsigned i = 0; i < 32; ++i) top.write_reg(ESP_REG_SA_DATA + 4 * i, w[i]);
    top.write_reg(ESP_REG_SA_CMD, (ESP_SA_OP_WRITE << 16) | 6);
    CHECK(top.read_reg(ESP_REG_SA_STATUS) == 0);
    const Bytes inner = random_inner(rng, false, 33);
    const auto r = top.process(false, 6, inner);
    CHECK(r.result == ESP_DROP_OK);
    CHECK(r.sa == 6);
    const RefDecoded d = ref_decode(sa, 1, r.bytes);
    INFO(d.error);
    CHECK(d.ok);
    CHECK(d.inner == inner);
    CHECK_FALSE(top.irq());
    top.write_reg(ESP_REG_IRQ_ENABLE, 1);
    top.write_reg(ESP_REG_SA_CMD, (ESP_SA_OP_DELETE << 16) | 6);
    CHECK(top.irq());
    // Read side effects through the port: EVT_POP pops, a counter low word latches its high.
    CHECK(top.read_reg(ESP_REG_EVT_COUNT) == 1);
    CHECK(top.read_reg(ESP_REG_EVT_POP) == ((ESP_EVT_SA_DELETED << ESP_EVTW_TYPE_LSB) | 6));
    CHECK(top.read_reg(ESP_REG_EVT_COUNT) == 0);
    CHECK(top.read_reg(ESP_REG_IRQ_STATUS) == 0);
    CHECK(top.read_reg(ESP_REG_CNT_PKTS_IN) == 1);
    CHECK(top.read_reg(ESP_REG_CNT_HI_LATCH) == 0);
    // Byte strobes: SA_DATA merges the strobed bytes; IRQ_ENABLE needs byte 0.
    top.write_reg(ESP_REG_SA_DATA, 0x11223344);
    top.write_reg_strobed(ESP_REG_SA_DATA, 0xAABBCCDD, 0x5);
    CHECK(top.read_reg(ESP_REG_SA_DATA) == 0x11BB33DD);
    top.write_reg_strobed(ESP_REG_IRQ_ENABLE, 0, 0xE);
    CHECK(top.read_reg(ESP_REG_IRQ_ENABLE) == 1);
    // 12 address bits: 0x1000 + DEV_ID is DEV_ID.
    CHECK(top.read_reg(0x1000 + ESP_REG_DEV_ID) == ESP_DEV_ID_VALUE);
}
