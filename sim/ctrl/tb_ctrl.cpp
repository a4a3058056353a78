// esp_ctrl (contract sizes) against the HLS model of the card (hls/esp, esp::HlsEngine):
// registers, thousands of random SA commands compared register for register (status,
// SA_READ, events, inbound lookups), every SA error code with no state change, HASH_FULL,
// the install cost in control-port cycles, and the datapath ports (fetch/seq, counters,
// lifetime events, event queue overflow, irq).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>

#include "ctrl_dut.h"
#include "esp/esp_engine.h"
#include "hls_engine.h"

using esp::sim::CtrlDut;
using esp::sim::SaWords;

namespace {

using Dst = std::array<uint32_t, 4>;

uint32_t cmd_word(unsigned op, unsigned h) { return (op << ESP_REG_SA_CMD_OP_LSB) | (h & 0xffffu); }

struct Entry {
    SaWords w{};
    uint32_t& operator[](unsigned i) { return w[i]; }
};

// A valid outbound or inbound entry.
Entry make_entry(bool inbound, uint32_t spi, const Dst& dst, bool ipv6, bool esn, uint32_t window) {
    Entry e;
    e[ESP_SA_W_CTRL] = (inbound ? 1u : 0u) | (ipv6 ? 4u : 0u) | (esn ? 8u : 0u);
    e[ESP_SA_W_SPI] = spi;
    e[ESP_SA_W_REPLAY_WINDOW] = window;
    e[ESP_SA_W_SALT] = 0x01020304;
    for (unsigned i = 0; i < 4; ++i) e[ESP_SA_W_KEY + i] = 0x11111111u * (i + 1);
    e[ESP_SA_W_SRC_ADDR] = 0x0a000001;
    for (unsigned i = 0; i < 4; ++i) e[ESP_SA_W_DST_ADDR + i] = dst[i];
    return e;
}

uint32_t hash_bucket(uint32_t mult, uint32_t spi, const Dst& d) {
    const uint32_t key = spi ^ d[0] ^ d[1] ^ d[2] ^ d[3];
    return (key * mult) >> (32 - ESP_HASH_BUCKETS_LOG2);
}

// SPIs whose two candidate buckets (for destination d) are the same pair: 2 x HASH_WAYS of
// them fill both buckets, one more is HASH_FULL.
std::vector<uint32_t> colliding_spis(const Dst& d, unsigned n) {
    std::vector<uint32_t> first_of(1u << 20, 0);
    std::vector<std::vector<uint32_t>> found(1u << 20);
    for (uint32_t spi = 256;; ++spi) {
        const uint32_t pair = hash_bucket(ESP_HASH_MULT0, spi, d) << 10 | hash_bucket(ESP_HASH_MULT1, spi, d);
        found[pair].push_back(spi);
        if (found[pair].size() == n) return found[pair];
    }
}

// The DUT and the HLS model side by side; every access goes to both.
struct Pair {
    CtrlDut dut;
    esp::HlsEngine hls;

    void stage(const SaWords& w) {
        dut.stage(w);
        for (unsigned i = 0; i < w.size(); ++i) hls.write_reg(ESP_REG_SA_DATA + 4 * i, w[i]);
    }
    // Runs one command on both; returns the (equal) error code.
    uint32_t command(unsigned op, unsigned h) {
        const uint32_t e = dut.command(op, h);
        hls.write_reg(ESP_REG_SA_CMD, cmd_word(op, h));
        const uint32_t he = (hls.read_reg(ESP_REG_SA_STATUS) >> ESP_REG_SA_STATUS_ERROR_LSB) & 0xf;
        INFO("op " << op << " handle " << h);
        REQUIRE(e == he);
        return e;
    }
    void same_reg(uint32_t addr) {
        INFO("register 0x" << std::hex << addr);
        REQUIRE(dut.rd(addr) == hls.read_reg(addr));
    }
    int hls_lookup(uint32_t spi, const Dst& d, bool ipv6) {
        ap_uint<32> dst[4];
        for (unsigned i = 0; i < 4; ++i) dst[i] = d[i];
        return esphls::hash_lookup(hls.state().hash, spi, dst, ipv6);
    }
};

} // namespace

TEST_CASE("registers read as the HLS model's", "[ctrl]") {
    Pair p;
    for (uint32_t a : {ESP_REG_DEV_ID, ESP_REG_DEV_VERSION, ESP_REG_DEV_CAPS, ESP_REG_DEV_SA_SLOTS,
                       ESP_REG_DEV_MAX_WINDOW, ESP_REG_DEV_CONTROL, ESP_REG_SA_CMD, ESP_REG_SA_STATUS,
                       ESP_REG_EVT_COUNT, ESP_REG_EVT_POP, ESP_REG_EVT_OVERFLOW, ESP_REG_IRQ_ENABLE, ESP_REG_IRQ_STATUS,
                       ESP_REG_CNT_PKTS_IN, ESP_REG_CNT_HI_LATCH, 0x400u, 0xffcu})
        p.same_reg(a);
    REQUIRE(p.dut.rd(ESP_REG_DEV_ID) == 0x45535031u);
    // SA_DATA is read/write; unaligned accesses reach nothing.
    for (unsigned i = 0; i < ESP_SA_DATA_WORDS; ++i) {
        p.dut.wr(ESP_REG_SA_DATA + 4 * i, 0xa5000000u + i);
        p.hls.write_reg(ESP_REG_SA_DATA + 4 * i, 0xa5000000u + i);
    }
    p.dut.wr(ESP_REG_SA_DATA + 1, 0xdeadbeef);
    p.hls.write_reg(ESP_REG_SA_DATA + 1, 0xdeadbeef);
    for (unsigned i = 0; i < ESP_SA_DATA_WORDS; ++i) p.same_reg(ESP_REG_SA_DATA + 4 * i);
    p.same_reg(ESP_REG_SA_DATA + 2);
    REQUIRE(p.dut.rd(ESP_REG_SA_DATA + 4) == 0xa5000001u);
    // IRQ_ENABLE keeps bit 0; SOFT_RESET clears staging and IRQ_ENABLE.
    p.dut.wr(ESP_REG_IRQ_ENABLE, 3);
    p.hls.write_reg(ESP_REG_IRQ_ENABLE, 3);
    p.same_reg(ESP_REG_IRQ_ENABLE);
    p.dut.wr(ESP_REG_DEV_CONTROL, 1);
    p.hls.write_reg(ESP_REG_DEV_CONTROL, 1);
    REQUIRE(p.dut.wait_idle() == 0);
    p.same_reg(ESP_REG_IRQ_ENABLE);
    p.same_reg(ESP_REG_SA_DATA + 8);
    p.same_reg(ESP_REG_SA_STATUS);
}

TEST_CASE("every SA command error matches the model and changes no state", "[ctrl]") {
    Pair p;
    const Dst d4{0xc0a80001, 0, 0, 0};
    // A valid inbound SA at 5 and an outbound one at 6.
    p.stage(make_entry(true, 0x1000, d4, false, true, 64).w);
    REQUIRE(p.command(ESP_SA_OP_WRITE, 5) == ESP_SA_ERR_NONE);
    p.stage(make_entry(false, 0x2000, d4, false, false, 0).w);
    REQUIRE(p.command(ESP_SA_OP_WRITE, 6) == ESP_SA_ERR_NONE);

    auto snapshot = [&] {
        std::vector<uint32_t> s;
        for (unsigned h : {5u, 6u, 7u}) {
            p.command(ESP_SA_OP_READ, h);
            for (unsigned i = 0; i < ESP_SA_READ_WORDS; ++i) s.push_back(p.dut.rd(ESP_REG_SA_READ + 4 * i));
        }
        s.push_back(uint32_t(p.dut.lookup(0x1000, d4, false)));
        s.push_back(p.dut.rd(ESP_REG_EVT_COUNT));
        return s;
    };
    const auto before = snapshot();
    REQUIRE(before[0] & 1u);
    REQUIRE(before.at(before.size() - 2) == 5u);

    REQUIRE(p.command(9, 5) == ESP_SA_ERR_BAD_OP);
    REQUIRE(p.command(ESP_SA_OP_DELETE, ESP_N_SA) == ESP_SA_ERR_BAD_HANDLE);
    REQUIRE(p.command(ESP_SA_OP_WRITE, 0xffff) == ESP_SA_ERR_BAD_HANDLE);
    REQUIRE(p.command(ESP_SA_OP_WRITE, 5) == ESP_SA_ERR_SLOT_IN_USE);
    REQUIRE(p.command(ESP_SA_OP_UPDATE, 7) == ESP_SA_ERR_SLOT_EMPTY);
    REQUIRE(p.command(ESP_SA_OP_DELETE, 7) == ESP_SA_ERR_SLOT_EMPTY);
    REQUIRE(p.command(ESP_SA_OP_READ, 7) == ESP_SA_ERR_SLOT_EMPTY);
    // BAD_PARAM: each rule on its own, against a slot that would otherwise accept.
    const std::vector<std::pair<unsigned, uint32_t>> bad = {{ESP_SA_W_CTRL, 1u | 0x40u},
                                                            {ESP_SA_W_REPLAY_WINDOW, ESP_MAX_REPLAY_WINDOW + 1},
                                                            {ESP_SA_W_SEQ_HI, 1},
                                                            {ESP_SA_W_DST_ADDR + 2, 1},
                                                            {ESP_SA_W_SRC_ADDR + 3, 1},
                                                            {ESP_SA_W_KEY + 5, 1},
                                                            {ESP_SA_W_UDP_PORTS, 0x11940000u}};
    for (const auto& [word, value] : bad) {
        Entry e = make_entry(true, 0x3000, d4, false, false, 32);
        e[word] = value;
        p.stage(e.w);
        INFO("word " << word);
        REQUIRE(p.command(ESP_SA_OP_WRITE, 7) == ESP_SA_ERR_BAD_PARAM);
        REQUIRE(p.command(ESP_SA_OP_UPDATE, 6) == ESP_SA_ERR_BAD_PARAM);
    }
    Entry udp0 = make_entry(true, 0x3000, d4, false, false, 32);
    udp0[ESP_SA_W_CTRL] |= 1u << ESP_SA_W_CTRL_UDP_ENCAP_LSB;
    udp0[ESP_SA_W_UDP_PORTS] = 4500; // source port 0
    p.stage(udp0.w);
    REQUIRE(p.command(ESP_SA_OP_WRITE, 7) == ESP_SA_ERR_BAD_PARAM);
    // DUPLICATE: same SPI, destination and family as SA 5, on another slot or by UPDATE.
    p.stage(make_entry(true, 0x1000, d4, false, false, 0).w);
    REQUIRE(p.command(ESP_SA_OP_WRITE, 7) == ESP_SA_ERR_DUPLICATE);
    REQUIRE(p.command(ESP_SA_OP_UPDATE, 6) == ESP_SA_ERR_DUPLICATE);
    REQUIRE(snapshot() == before);

    // The same key in the other family, or outbound, is no duplicate.
    p.stage(make_entry(true, 0x1000, d4, true, false, 0).w);
    REQUIRE(p.command(ESP_SA_OP_WRITE, 7) == ESP_SA_ERR_NONE);
    REQUIRE(p.dut.lookup(0x1000, d4, true) == 7);
    REQUIRE(p.dut.lookup(0x1000, d4, false) == 5);
    // UPDATE of an inbound SA onto its own key is allowed.
    p.stage(make_entry(true, 0x1000, d4, false, false, 128).w);
    REQUIRE(p.command(ESP_SA_OP_UPDATE, 5) == ESP_SA_ERR_NONE);
    REQUIRE(p.dut.lookup(0x1000, d4, false) == 5);
}

TEST_CASE("HASH_FULL when both candidate buckets are full", "[ctrl]") {
    Pair p;
    const Dst d{0x20010db8, 0, 0, 1};
    const auto spis = colliding_spis(d, 2 * ESP_HASH_WAYS + 1);
    for (unsigned i = 0; i < 2 * ESP_HASH_WAYS; ++i) {
        p.stage(make_entry(true, spis[i], d, true, false, 32).w);
        REQUIRE(p.command(ESP_SA_OP_WRITE, 100 + i) == ESP_SA_ERR_NONE);
    }
    p.stage(make_entry(true, spis.back(), d, true, false, 32).w);
    REQUIRE(p.command(ESP_SA_OP_WRITE, 200) == ESP_SA_ERR_HASH_FULL);
    REQUIRE(p.command(ESP_SA_OP_READ, 200) == ESP_SA_ERR_SLOT_EMPTY);
    for (unsigned i = 0; i < 2 * ESP_HASH_WAYS; ++i) REQUIRE(p.dut.lookup(spis[i], d, true) == int(100 + i));
    REQUIRE(p.dut.lookup(spis.back(), d, true) == -1);
    // UPDATE of a member to the ninth key fits in the place it frees.
    REQUIRE(p.command(ESP_SA_OP_UPDATE, 103) == ESP_SA_ERR_NONE);
    REQUIRE(p.dut.lookup(spis.back(), d, true) == 103);
    REQUIRE(p.dut.lookup(spis[3], d, true) == -1);
    // After a DELETE the slot frees and the write succeeds.
    p.stage(make_entry(true, spis[3], d, true, false, 32).w);
    REQUIRE(p.command(ESP_SA_OP_WRITE, 200) == ESP_SA_ERR_HASH_FULL);
    REQUIRE(p.command(ESP_SA_OP_DELETE, 101) == ESP_SA_ERR_NONE);
    REQUIRE(p.command(ESP_SA_OP_WRITE, 200) == ESP_SA_ERR_NONE);
    REQUIRE(p.dut.lookup(spis[3], d, true) == 200);
    REQUIRE(p.dut.lookup(spis[1], d, true) == -1);
}

TEST_CASE("random SA commands: DUT and HLS model agree register for register", "[ctrl]") {
    Pair p;
    std::mt19937_64 rng(20261127);
    const Dst collide_dst{0x0a0b0c0d, 0, 0, 0};
    const auto collide = colliding_spis(collide_dst, 12);
    const uint32_t spi_pool[6] = {0x100, 0x101, 0x2000, 0xdeadbeef, 0x7fffffff, 0x55};
    const Dst dst_pool[4] = {
        {0xc0a80001, 0, 0, 0}, {0xc0a80002, 0, 0, 0}, {0x20010db8, 0, 0, 2}, {0xfe800000, 1, 2, 3}};
    std::set<std::tuple<uint32_t, Dst, bool>> keys;
    std::array<unsigned, 8> errors{};
    const int kCommands = 2500;

    for (int n = 0; n < kCommands; ++n) {
        // staged entry
        const bool inbound = rng() % 3 != 0;
        const bool useful_collision = rng() % 2 == 0; // fills one bucket pair: HASH_FULL
        bool ipv6 = rng() % 3 == 0;
        uint32_t spi = spi_pool[rng() % 6];
        Dst dst = dst_pool[rng() % 2 + (ipv6 ? 2 : 0)];
        if (useful_collision) {
            ipv6 = false;
            spi = collide[rng() % collide.size()];
            dst = collide_dst;
        }
        const uint32_t windows[5] = {0, 32, 64, 1024, 4096};
        Entry e = make_entry(inbound, spi, dst, ipv6, rng() % 2, windows[rng() % 5]);
        if (rng() % 2) {
            e[ESP_SA_W_CTRL] |= 1u << ESP_SA_W_CTRL_UDP_ENCAP_LSB;
            e[ESP_SA_W_UDP_PORTS] = 0x11941194u;
        }
        if (rng() % 2) {
            e[ESP_SA_W_CTRL] |= 1u << ESP_SA_W_CTRL_KEY256_LSB;
            for (unsigned i = 4; i < 8; ++i) e[ESP_SA_W_KEY + i] = uint32_t(rng());
        }
        e[ESP_SA_W_SEQ_LO] = uint32_t(rng());
        if (e[ESP_SA_W_CTRL] & 8u) e[ESP_SA_W_SEQ_HI] = uint32_t(rng() % 3);
        for (unsigned i = ESP_SA_W_BYTE_SOFT_LO; i <= ESP_SA_W_PKT_HARD_HI; ++i) e[i] = rng() % 2 ? uint32_t(rng()) : 0;
        if (rng() % 12 == 0) e[rng() % 31] ^= 1u << (rng() % 32); // often BAD_PARAM
        keys.insert({spi, dst, ipv6});

        unsigned op;
        const unsigned r = rng() % 1000;
        if (r < 450)
            op = ESP_SA_OP_WRITE;
        else if (r < 650)
            op = ESP_SA_OP_UPDATE;
        else if (r < 760)
            op = ESP_SA_OP_DELETE;
        else if (r < 950)
            op = ESP_SA_OP_READ;
        else if (r < 965)
            op = ESP_SA_OP_NOP;
        else if (r < 995)
            op = 6 + rng() % 10;
        else
            op = n % 500 < 250 ? ESP_SA_OP_NOP
                               : ESP_SA_OP_FLUSH; // no flush in the first half of each 500: the table fills
        unsigned h = rng() % 40;
        if (rng() % 20 == 0) h = rng() % ESP_N_SA;
        if (rng() % 40 == 0) h = ESP_N_SA + rng() % 100;

        p.stage(e.w);
        const uint32_t err = p.command(op, h);
        ++errors[err & 7];
        if (op == ESP_SA_OP_READ && err == 0)
            for (unsigned i = 0; i < ESP_SA_READ_WORDS; ++i) p.same_reg(ESP_REG_SA_READ + 4 * i);
        if (n % 100 == 99) {
            for (const auto& [s, d, v6] : keys) {
                INFO("lookup spi " << s);
                REQUIRE(p.dut.lookup(s, d, v6) == p.hls_lookup(s, d, v6));
            }
            p.same_reg(ESP_REG_EVT_COUNT);
            p.same_reg(ESP_REG_EVT_OVERFLOW);
            for (int i = 0; i < 5; ++i) p.same_reg(ESP_REG_EVT_POP);
        }
    }
    // Every slot's readback and the remaining events agree at the end.
    for (unsigned h = 0; h < 40; ++h) {
        if (p.command(ESP_SA_OP_READ, h) == 0)
            for (unsigned i = 0; i < ESP_SA_READ_WORDS; ++i) p.same_reg(ESP_REG_SA_READ + 4 * i);
    }
    p.same_reg(ESP_REG_EVT_COUNT);
    for (int i = 0; i < 300; ++i) p.same_reg(ESP_REG_EVT_POP);
    std::printf(
        "ctrl: %d random commands; errors none %u bad_handle %u bad_param %u in_use %u empty %u "
        "duplicate %u hash_full %u bad_op %u\n",
        kCommands, errors[0], errors[1], errors[2], errors[3], errors[4], errors[5], errors[6], errors[7]);
    for (unsigned e = 0; e < 8; ++e) CHECK(errors[e] > 0);
}

TEST_CASE("SA install cost on the control port", "[ctrl]") {
    CtrlDut dut;
    const Dst d{0x0a000002, 0, 0, 0};
    SaWords w = make_entry(true, 0x4242, d, false, true, 1024).w;
    auto& axi = dut.axi();
    auto& b = dut.bench();

    // One write at a time (the next AW/W only after B): 31 SA_DATA words + SA_CMD + polls.
    uint64_t start = b.cycle();
    for (unsigned i = 0; i < w.size(); ++i) axi.write(ESP_REG_SA_DATA + 4 * i, w[i]);
    axi.write(ESP_REG_SA_CMD, cmd_word(ESP_SA_OP_WRITE, 1));
    REQUIRE(dut.wait_idle() == 0);
    const uint64_t sequential = b.cycle() - start;
    const uint64_t write_cost = axi.last_cycles();

    // Posted writes back to back (one in flight per cycle), as a PCIe bridge issues them.
    w[ESP_SA_W_SPI] = 0x4343;
    std::vector<std::pair<uint32_t, uint32_t>> burst;
    for (unsigned i = 0; i < w.size(); ++i) burst.emplace_back(ESP_REG_SA_DATA + 4 * i, w[i]);
    burst.emplace_back(ESP_REG_SA_CMD, cmd_word(ESP_SA_OP_WRITE, 2));
    start = b.cycle();
    axi.write_burst(burst);
    REQUIRE(dut.wait_idle() == 0);
    const uint64_t posted = b.cycle() - start;
    REQUIRE(dut.lookup(0x4242, d, false) == 1);
    REQUIRE(dut.lookup(0x4343, d, false) == 2);
    std::printf(
        "SA install: %llu cycles with one write at a time (%llu per write), %llu cycles with posted writes "
        "(32 writes + status poll)\n",
        (unsigned long long)sequential, (unsigned long long)write_cost, (unsigned long long)posted);
    CHECK(write_cost == 2);
    CHECK(posted <= 64);
}

TEST_CASE("fetch port: snapshot, sequence allocation, exhaustion, generation", "[ctrl]") {
    CtrlDut dut;
    const Dst d{0x0a000002, 0, 0, 0};
    Entry e = make_entry(false, 0x99, d, false, false, 0);
    e[ESP_SA_W_SEQ_LO] = 0xfffffffd;
    dut.stage(e.w);
    REQUIRE(dut.command(ESP_SA_OP_WRITE, 3) == 0);

    auto f = dut.fetch(3, true, true); // wrong direction
    REQUIRE(f.result == ESP_DROP_NO_SA);
    REQUIRE(dut.fetch(4, false, true).result == ESP_DROP_NO_SA);        // empty slot
    REQUIRE(dut.fetch(ESP_N_SA, false, true).result == ESP_DROP_NO_SA); // beyond the table
    f = dut.fetch(3, false, false);                                     // snapshot only: no number taken
    REQUIRE(f.result == ESP_DROP_OK);
    REQUIRE(f.cfg[ESP_SA_W_SPI] == 0x99);
    REQUIRE(f.cfg[ESP_SA_W_KEY] == 0x11111111u);
    REQUIRE(dut.fetch(3, false, true).seq == 0xfffffffeull);
    REQUIRE(dut.fetch(3, false, true).seq == 0xffffffffull);
    REQUIRE(dut.fetch(3, false, true).result == ESP_DROP_SEQ_EXHAUSTED);
    REQUIRE(dut.fetch(3, false, true).result == ESP_DROP_SA_DISABLED);
    REQUIRE(dut.rd(ESP_REG_EVT_POP) == (uint32_t(ESP_EVT_SEQ_EXHAUSTED) << 24 | 3));
    REQUIRE(dut.rd(ESP_REG_EVT_COUNT) == 0);
    REQUIRE(dut.command(ESP_SA_OP_READ, 3) == 0);
    REQUIRE((dut.rd(ESP_REG_SA_READ) & 3u) == 3u); // valid, disabled
    REQUIRE(dut.rd(ESP_REG_SA_READ + 4 * ESP_SA_R_SEQ_LO) == 0xffffffffu);

    // ESN: the count goes on past 2^32; UPDATE re-enables and restarts from the staged value.
    e[ESP_SA_W_CTRL] |= 8u;
    dut.stage(e.w);
    REQUIRE(dut.command(ESP_SA_OP_UPDATE, 3) == 0);
    uint64_t last = 0;
    for (int i = 0; i < 5; ++i) last = dut.fetch(3, false, true).seq;
    REQUIRE(last == 0x100000002ull);
    // A packet fetched before an UPDATE keeps the old generation: its result counts globally only.
    const auto old = dut.fetch(3, false, true);
    dut.stage(e.w);
    REQUIRE(dut.command(ESP_SA_OP_UPDATE, 3) == 0);
    dut.packet_done(3, old.gen, ESP_DROP_OK, 100, 140, 100);
    REQUIRE(dut.command(ESP_SA_OP_READ, 3) == 0);
    REQUIRE(dut.rd(ESP_REG_SA_READ + 4 * ESP_SA_R_PKTS_LO) == 0);
    REQUIRE(dut.counter(ESP_REG_CNT_PKTS_OUT) == 1);
    REQUIRE(dut.fetch(3, false, true).seq == 0xfffffffeull);

    // Back-to-back fetches of one SA (one per cycle) get consecutive numbers.
    auto& t = dut.bench().top();
    std::vector<uint64_t> seqs;
    t.sf_handle = 3;
    t.sf_dir = 0;
    t.sf_alloc = 1;
    t.sf_valid = 1;
    for (int i = 0; i < 6; ++i) {
        dut.bench().tick();
        if (i == 3) t.sf_valid = 0;
        if (t.sf_done) seqs.push_back(t.sf_seq);
    }
    REQUIRE(seqs == std::vector<uint64_t>{0xffffffffull, 0x100000000ull, 0x100000001ull, 0x100000002ull});

    // DELETE and FLUSH wipe the key from the SA RAM, not just the valid bit.
    dut.stage(e.w);
    REQUIRE(dut.command(ESP_SA_OP_WRITE, 8) == 0);
    REQUIRE(dut.fetch(8, false, false).cfg[ESP_SA_W_KEY + 1] == 0x22222222u);
    REQUIRE(dut.command(ESP_SA_OP_DELETE, 3) == 0);
    REQUIRE(dut.command(ESP_SA_OP_FLUSH, 0) == 0);
    for (unsigned h : {3u, 8u}) {
        const auto wiped = dut.fetch(h, false, false);
        REQUIRE(wiped.result == ESP_DROP_NO_SA);
        for (uint32_t w : wiped.cfg) REQUIRE(w == 0);
    }
}

TEST_CASE("counters, lifetime limits, events and irq", "[ctrl]") {
    CtrlDut dut;
    const Dst d{0x0a000002, 0, 0, 0};
    Entry e = make_entry(true, 0x77, d, false, false, 64);
    e[ESP_SA_W_BYTE_SOFT_LO] = 1000;
    e[ESP_SA_W_BYTE_HARD_LO] = 3000;
    e[ESP_SA_W_PKT_SOFT_LO] = 5;
    dut.stage(e.w);
    REQUIRE(dut.command(ESP_SA_OP_WRITE, 9) == 0);
    dut.wr(ESP_REG_IRQ_ENABLE, 1);
    const auto f = dut.fetch(9, true, false);
    REQUIRE(f.result == ESP_DROP_OK);

    unsigned pkts = 0, bytes = 0;
    while (true) {
        dut.packet_done(9, f.gen, ESP_DROP_OK, 500, 400, 400);
        ++pkts;
        bytes += 400;
        if (bytes >= 3000) break;
    }
    dut.packet_done(9, f.gen, ESP_DROP_REPLAY, 90, 0, 0);
    dut.packet_done(9, f.gen, ESP_DROP_AUTH_FAIL, 90, 0, 0);
    dut.packet_done(0xffff, 0, ESP_DROP_NO_SA, 60, 0, 0);
    REQUIRE(dut.fetch(9, true, false).result == ESP_DROP_SA_DISABLED);

    REQUIRE(dut.command(ESP_SA_OP_READ, 9) == 0);
    const auto rb = dut.read_window();
    REQUIRE((rb[ESP_SA_R_STATE] & 0xfu) == 0xfu); // valid, disabled, soft bytes, soft packets
    REQUIRE(((rb[ESP_SA_R_STATE] >> 8) & 0xffu) == 1u);
    REQUIRE(rb[ESP_SA_R_PKTS_LO] == pkts);
    REQUIRE(rb[ESP_SA_R_BYTES_LO] == bytes);
    REQUIRE(rb[ESP_SA_R_DROPS + 2 * ESP_DROP_REPLAY] == 1);
    REQUIRE(rb[ESP_SA_R_DROPS + 2 * ESP_DROP_AUTH_FAIL] == 1);
    REQUIRE(rb[ESP_SA_R_DROPS + 2 * ESP_DROP_NO_SA] == 0);
    REQUIRE(rb[ESP_SA_R_REPLAY_WINDOW] == 64);
    REQUIRE(rb[ESP_SA_R_SPI] == 0x77);

    REQUIRE(dut.counter(ESP_REG_CNT_PKTS_IN) == pkts + 3);
    REQUIRE(dut.counter(ESP_REG_CNT_PKTS_OUT) == pkts);
    REQUIRE(dut.counter(ESP_REG_CNT_BYTES_IN) == pkts * 500 + 240);
    REQUIRE(dut.counter(ESP_REG_CNT_BYTES_OUT) == bytes);
    REQUIRE(dut.counter(ESP_REG_CNT_DROPS + 4 * ESP_DROP_NO_SA) == 1);
    REQUIRE(dut.counter(ESP_REG_CNT_DROPS + 4 * ESP_DROP_REPLAY) == 1);
    REQUIRE(dut.counter(ESP_REG_CNT_DROPS) == 0);

    // Events in order, each once: soft packets (5th packet), soft bytes (3rd), hard bytes (8th).
    REQUIRE(dut.rd(ESP_REG_IRQ_STATUS) == 1);
    REQUIRE(dut.bench().top().irq == 1);
    REQUIRE(dut.rd(ESP_REG_EVT_COUNT) == 3);
    REQUIRE(dut.rd(ESP_REG_EVT_POP) == (uint32_t(ESP_EVT_SOFT_BYTES) << 24 | 9));
    REQUIRE(dut.rd(ESP_REG_EVT_POP) == (uint32_t(ESP_EVT_SOFT_PACKETS) << 24 | 9));
    REQUIRE(dut.rd(ESP_REG_EVT_POP) == (uint32_t(ESP_EVT_HARD_BYTES) << 24 | 9));
    REQUIRE(dut.rd(ESP_REG_EVT_POP) == 0);
    REQUIRE(dut.rd(ESP_REG_IRQ_STATUS) == 0);
    REQUIRE(dut.bench().top().irq == 0);

    // 64-bit counters: the high word is latched with the low word.
    const uint64_t c0 = dut.bench().cycle();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 70000; ++i) dut.packet_done(0xffff, 0, ESP_DROP_OK, 65535, 65535, 0);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("esp_ctrl (N_SA 1024): %.2f M cycles/s\n", double(dut.bench().cycle() - c0) / secs / 1e6);
    const uint64_t expect = uint64_t(pkts * 500 + 240) + 70000ull * 65535;
    REQUIRE(dut.rd(ESP_REG_CNT_BYTES_IN) == uint32_t(expect));
    REQUIRE(dut.rd(ESP_REG_CNT_HI_LATCH) == uint32_t(expect >> 32));
    REQUIRE(expect >> 32 == 1);

    // Queue overflow: DEPTH events kept, the rest counted.
    for (unsigned i = 0; i < ESP_EVENT_QUEUE_DEPTH + 7; ++i) {
        dut.stage(make_entry(false, 1, d, false, false, 0).w);
        REQUIRE(dut.command(ESP_SA_OP_WRITE, 20) == 0);
        REQUIRE(dut.command(ESP_SA_OP_DELETE, 20) == 0);
    }
    REQUIRE(dut.rd(ESP_REG_EVT_COUNT) == ESP_EVENT_QUEUE_DEPTH);
    REQUIRE(dut.rd(ESP_REG_EVT_OVERFLOW) == 7);
    REQUIRE(dut.rd(ESP_REG_EVT_POP) == (uint32_t(ESP_EVT_SA_DELETED) << 24 | 20));
    // SOFT_RESET empties everything.
    dut.wr(ESP_REG_DEV_CONTROL, 1);
    REQUIRE(dut.wait_idle() == 0);
    REQUIRE(dut.rd(ESP_REG_EVT_COUNT) == 0);
    REQUIRE(dut.rd(ESP_REG_EVT_OVERFLOW) == 0);
    REQUIRE(dut.counter(ESP_REG_CNT_PKTS_IN) == 0);
    REQUIRE(dut.command(ESP_SA_OP_READ, 9) == ESP_SA_ERR_SLOT_EMPTY);
    REQUIRE(dut.lookup(0x77, d, false) == -1);
}

TEST_CASE("packet results every cycle: per-SA counters forward between back-to-back packets", "[ctrl]") {
    CtrlDut dut;
    const Dst d{0x0a000002, 0, 0, 0};
    unsigned gen[2];
    for (unsigned i = 0; i < 2; ++i) {
        dut.stage(make_entry(false, 0x500 + i, d, false, false, 0).w);
        REQUIRE(dut.command(ESP_SA_OP_WRITE, 10 + i) == 0);
        gen[i] = dut.fetch(10 + i, false, false).gen;
    }
    std::mt19937_64 rng(5);
    uint64_t pkts[2] = {}, bytes[2] = {}, drops[2][8] = {}, global_in = 0;
    auto& t = dut.bench().top();
    for (int c = 0; c < 3000; ++c) {
        const unsigned which = rng() % 5; // 0,1: SA 10; 2,3: SA 11; 4: no SA
        const unsigned i = which / 2;
        const unsigned result = rng() % 3 == 0 ? 1 + rng() % 7 : 0;
        const unsigned inner = rng() % 1500;
        t.pd_valid = 1;
        t.pd_handle = which == 4 ? 0xffff : 10 + i;
        t.pd_gen = which == 4 ? 0 : gen[i];
        t.pd_result = result;
        t.pd_in_bytes = inner + 50;
        t.pd_out_bytes = inner;
        t.pd_inner_bytes = inner;
        dut.bench().tick();
        global_in += inner + 50;
        if (which == 4) continue;
        if (result == 0) {
            ++pkts[i];
            bytes[i] += inner;
        } else {
            ++drops[i][result];
        }
    }
    t.pd_valid = 0;
    dut.bench().ticks(3);
    for (unsigned i = 0; i < 2; ++i) {
        REQUIRE(dut.command(ESP_SA_OP_READ, 10 + i) == 0);
        const auto rb = dut.read_window();
        REQUIRE(rb[ESP_SA_R_PKTS_LO] == pkts[i]);
        REQUIRE(rb[ESP_SA_R_BYTES_LO] == bytes[i]);
        for (unsigned code = 1; code < 8; ++code) REQUIRE(rb[ESP_SA_R_DROPS + 2 * code] == drops[i][code]);
    }
    REQUIRE(dut.counter(ESP_REG_CNT_PKTS_IN) == 3000);
    REQUIRE(dut.counter(ESP_REG_CNT_BYTES_IN) == global_in);
}

// Drives a lookup and a fetch every cycle and records what came back, so commands can be
// checked for atomicity while traffic runs.
class TrafficAgent : public esp::sim::Agent {
public:
    TrafficAgent(Vesp_ctrl& t, uint32_t spi_a, uint32_t spi_b, const Dst& d, unsigned handle)
        : t_(t), spi_{spi_a, spi_b}, d_(d), h_(handle) {}
    bool on = true;
    std::vector<int> hits[2];      // lookup results for key A and key B, in order
    std::vector<uint32_t> fetched; // SPI seen by each fetch snapshot (0 for NO_SA)

    void drive() override {
        t_.lk_valid = on;
        t_.lk_spi = spi_[n_ % 2];
        for (unsigned i = 0; i < 4; ++i) t_.lk_dst[3 - i] = d_[i];
        t_.lk_ipv6 = 0;
        t_.sf_valid = on;
        t_.sf_handle = h_;
        t_.sf_dir = 1;
        t_.sf_alloc = 0;
        if (on) ++n_;
    }
    void sample() override {
        if (t_.lk_done) hits[(done_++) % 2].push_back(t_.lk_hit ? int(t_.lk_handle) : -1);
        if (t_.sf_done) fetched.push_back(t_.sf_result == ESP_DROP_OK ? t_.sf_cfg[ESP_SA_W_SPI] : 0);
    }

private:
    Vesp_ctrl& t_;
    uint32_t spi_[2];
    Dst d_;
    unsigned h_;
    uint64_t n_ = 0, done_ = 0;
};

// Values seen over time may change once, from `before` to `after`, and never back.
template <class T>
bool changes_once(const std::vector<T>& v, T before, T after) {
    size_t i = 0;
    while (i < v.size() && v[i] == before) ++i;
    while (i < v.size() && v[i] == after) ++i;
    return i == v.size();
}

TEST_CASE("UPDATE and DELETE under traffic: lookups and snapshots switch atomically", "[ctrl]") {
    CtrlDut dut;
    const Dst d{0xc0a80009, 0, 0, 0};
    dut.stage(make_entry(true, 0xaaaa, d, false, false, 64).w);
    REQUIRE(dut.command(ESP_SA_OP_WRITE, 33) == 0);
    TrafficAgent traffic(dut.bench().top(), 0xaaaa, 0xbbbb, d, 33);
    dut.bench().add(traffic);
    dut.bench().ticks(20);

    // Rekey in place: the SA moves from SPI aaaa to bbbb while a lookup and a fetch run
    // every cycle (the command's hash probe has its own read port).
    dut.stage(make_entry(true, 0xbbbb, d, false, false, 64).w);
    dut.wr(ESP_REG_SA_CMD, cmd_word(ESP_SA_OP_UPDATE, 33));
    REQUIRE(dut.wait_idle() == 0);
    dut.bench().ticks(20);
    REQUIRE(changes_once(traffic.hits[0], 33, -1));
    REQUIRE(changes_once(traffic.hits[1], -1, 33));
    REQUIRE(traffic.hits[0].front() == 33);
    REQUIRE(traffic.hits[1].back() == 33);
    REQUIRE(changes_once(traffic.fetched, 0xaaaau, 0xbbbbu));
    REQUIRE(traffic.fetched.back() == 0xbbbbu);

    // UPDATE keeping the key: never a miss.
    for (auto& h : traffic.hits) h.clear();
    dut.stage(make_entry(true, 0xbbbb, d, false, true, 128).w);
    dut.wr(ESP_REG_SA_CMD, cmd_word(ESP_SA_OP_UPDATE, 33));
    REQUIRE(dut.wait_idle() == 0);
    dut.bench().ticks(10);
    for (int h : traffic.hits[1]) REQUIRE(h == 33);

    // DELETE: found until some cycle, then gone for good.
    for (auto& h : traffic.hits) h.clear();
    traffic.fetched.clear();
    dut.wr(ESP_REG_SA_CMD, cmd_word(ESP_SA_OP_DELETE, 33));
    REQUIRE(dut.wait_idle() == 0);
    dut.bench().ticks(10);
    REQUIRE(changes_once(traffic.hits[1], 33, -1));
    REQUIRE(traffic.hits[1].back() == -1);
    REQUIRE(changes_once(traffic.fetched, 0xbbbbu, 0u));
    REQUIRE(traffic.fetched.back() == 0u);
    traffic.on = false;
    dut.bench().ticks(5);
}
