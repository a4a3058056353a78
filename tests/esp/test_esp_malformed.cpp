// Hostile input: stream-rule breaks, every truncation, bad lengths and headers, bad
// padding and single-bit flips. Every packet must give one counted drop with the
// documented code (docs/engine.md), and never crash (this also runs under ASan/UBSan).
#include <catch2/catch.hpp>

#include <map>

#include "esp/esp_engine.h"
#include "esp_packet_gen.h"
#include "esp_reference.h"
#include "hls_engine.h"

using namespace esp_test;

namespace {

// Sends p and records the expected code in a tally that is checked against the global
// drop counters at the end of each test.
struct Harness {
    esp::HlsEngine e;
    std::map<unsigned, std::uint64_t> drops;

    esp::PacketEngine::PacketResult send(bool inbound, unsigned handle, const Bytes& p, unsigned want,
                                         unsigned want_sa) {
        const auto r = e.process(inbound, std::uint16_t(handle), p);
        CHECK(int(r.result) == int(want));
        CHECK(r.sa == want_sa);
        CHECK(r.inbound == inbound);
        if (want != ESP_DROP_OK) {
            CHECK(r.bytes.empty());
            drops[want]++;
        }
        return r;
    }
    void check_counters() {
        for (unsigned c = 1; c < ESP_DROP_COUNT; ++c) {
            INFO("drop code " << c);
            CHECK(read_counter(e, ESP_REG_CNT_DROPS + 4 * c) == drops[c]);
        }
        CHECK(e.read_reg(ESP_REG_CNT_DROPS) == 0);
    }
};

// Raw beats into esp_process_packet: lets a test break the stream rules.
struct Beats {
    std::vector<esphls::AxisIn> v;
    static ap_uint<ESP_TUSER_IN_WIDTH> user(bool inbound, unsigned handle, unsigned len) {
        ap_uint<ESP_TUSER_IN_WIDTH> u = 0;
        u.range(0, 0) = inbound ? 1 : 0;
        u.range(16, 1) = handle;
        u.range(32, 17) = len;
        return u;
    }
    Beats(const Bytes& p, bool inbound, unsigned handle, unsigned len) {
        for (std::size_t off = 0; off < p.size(); off += 16) {
            const std::size_t n = std::min<std::size_t>(16, p.size() - off);
            esphls::AxisIn b;
            b.data = 0;
            for (std::size_t i = 0; i < n; ++i) b.data.range(8 * int(i) + 7, 8 * int(i)) = p[off + i];
            b.keep = n == 16 ? 0xFFFF : (1u << n) - 1;
            b.last = off + n >= p.size();
            b.user = user(inbound, handle, len);
            v.push_back(b);
        }
    }
    // Runs them; returns the single output beat's RESULT (it must be a drop beat).
    unsigned run_drop(esphls::EspEngineState& st) {
        hls::stream<esphls::AxisIn> in;
        hls::stream<esphls::AxisOut> out;
        for (const auto& b : v) in.write(b);
        esphls::esp_process_packet(st, in, out);
        REQUIRE(in.empty());
        REQUIRE(out.size() == 1);
        const auto o = out.read();
        CHECK(o.keep == 0);
        CHECK(o.last == 1);
        CHECK(o.user.range(32, 17) == 0);
        return unsigned(o.user.range(36, 33));
    }
};

void fix_ipv4(Bytes& p) {
    put_be16(p, 2, unsigned(p.size()));
    put_be16(p, 10, 0);
    put_be16(p, 10, inet_checksum(p.data(), (p[0] & 15u) * 4));
}

SaConfig inbound_sa(std::mt19937_64& rng, bool ipv6, bool udp, bool transport = false) {
    SaConfig sa = random_sa(rng, false, false, transport, ipv6, udp);
    sa.inbound = true;
    sa.window = 64;
    sa.seq = 1000;
    return sa;
}

} // namespace

TEST_CASE("esp: stream rule breaks are MALFORMED drops", "[esp][malformed]") {
    std::mt19937_64 rng(10);
    Harness h;
    const SaConfig out = random_sa(rng, false, false, false, false, false);
    REQUIRE(program_sa(h.e, 5, out) == ESP_SA_ERR_NONE);
    const Bytes inner = random_inner(rng, false, 100);
    auto& st = h.e.state();
    const unsigned n = unsigned(inner.size());

    CHECK(Beats(inner, false, 5, n + 1).run_drop(st) == ESP_DROP_MALFORMED); // LEN too big
    CHECK(Beats(inner, false, 5, n - 1).run_drop(st) == ESP_DROP_MALFORMED); // LEN too small
    Beats hole(inner, false, 5, n);
    hole.v[0].keep = 0xFFFD; // a hole in the lanes
    CHECK(hole.run_drop(st) == ESP_DROP_MALFORMED);
    Beats short_mid(inner, false, 5, n - 1);
    short_mid.v[0].keep = 0x7FFF; // a short beat that is not the last
    CHECK(short_mid.run_drop(st) == ESP_DROP_MALFORMED);
    Beats empty_last(inner, false, 5, n);
    empty_last.v.back().keep = 0;
    CHECK(empty_last.run_drop(st) == ESP_DROP_MALFORMED);
    h.drops[ESP_DROP_MALFORMED] += 5;
    CHECK(read64(read_sa(h.e, 5), ESP_SA_R_DROPS + 2 * ESP_DROP_MALFORMED) == 5); // the SA was known

    // tuser is sampled on the first beat only.
    Beats later_user(inner, false, 5, n);
    for (std::size_t i = 1; i < later_user.v.size(); ++i) later_user.v[i].user = Beats::user(true, 77, 3);
    hls::stream<esphls::AxisIn> in;
    hls::stream<esphls::AxisOut> o;
    for (const auto& b : later_user.v) in.write(b);
    esphls::esp_process_packet(st, in, o);
    CHECK(o.read().user.range(36, 33) == ESP_DROP_OK);

    // Longer than MAX_PACKET_BYTES, LEN consistent: dropped, all bytes counted in.
    const std::uint64_t bytes_before = read_counter(h.e, ESP_REG_CNT_BYTES_IN);
    Bytes big = ipv4_packet(out.src, out.dst, 17, Bytes(ESP_MAX_PACKET_BYTES - 19, 7));
    REQUIRE(big.size() == ESP_MAX_PACKET_BYTES + 1);
    h.send(false, 5, big, ESP_DROP_MALFORMED, 5);
    h.send(true, 0, big, ESP_DROP_MALFORMED, 0xFFFF);
    CHECK(read_counter(h.e, ESP_REG_CNT_BYTES_IN) == bytes_before + 2 * big.size());
    h.send(false, 5, {}, ESP_DROP_MALFORMED, 5); // an empty packet
    h.check_counters();
}

TEST_CASE("esp: every truncation of outbound and inbound packets is a counted drop", "[esp][malformed]") {
    std::mt19937_64 rng(11);
    Harness h;
    const SaConfig out = random_sa(rng, true, true, false, true, true);
    REQUIRE(program_sa(h.e, 0, out) == ESP_SA_ERR_NONE);
    const SaConfig in4 = inbound_sa(rng, false, false);
    const SaConfig in6u = inbound_sa(rng, true, true);
    const SaConfig in4t = inbound_sa(rng, false, true, true);
    REQUIRE(program_sa(h.e, 1, in4) == ESP_SA_ERR_NONE);
    REQUIRE(program_sa(h.e, 2, in6u) == ESP_SA_ERR_NONE);
    REQUIRE(program_sa(h.e, 3, in4t) == ESP_SA_ERR_NONE);

    for (bool v6 : {false, true}) {
        const Bytes inner = random_inner(rng, v6, 61);
        for (std::size_t k = 0; k < inner.size(); ++k)
            h.send(false, 0, Bytes(inner.begin(), inner.begin() + long(k)), ESP_DROP_MALFORMED, 0);
    }

    const std::pair<unsigned, SaConfig> ins[] = {{1, in4}, {2, in6u}, {3, in4t}};
    for (const auto& [handle, sa] : ins) {
        Bytes inner = random_inner(rng, sa.ipv6, 45);
        if (sa.transport) set_addresses(inner, sa.src, sa.dst);
        const Bytes pkt = ref_encrypt(sa, 1001, inner);
        // Raw truncation: the IP length field no longer matches.
        for (std::size_t k = 0; k < pkt.size(); ++k)
            h.send(true, 0, Bytes(pkt.begin(), pkt.begin() + long(k)), ESP_DROP_MALFORMED, 0xFFFF);
        // Truncation inside ESP with the IP (and UDP) lengths fixed up.
        const unsigned esp_off = (sa.ipv6 ? 40u : 20u) + (sa.udp ? 8u : 0u);
        for (std::size_t k = esp_off; k < pkt.size(); ++k) {
            Bytes t(pkt.begin(), pkt.begin() + long(k));
            if (sa.ipv6)
                put_be16(t, 4, unsigned(t.size() - 40));
            else
                fix_ipv4(t);
            if (sa.udp) {
                if (t.size() < esp_off) continue;
                put_be16(t, esp_off - 4, unsigned(t.size() - esp_off + 8));
            }
            const std::size_t esp_len = k - esp_off;
            INFO("esp bytes " << esp_len);
            if (esp_len < 8)
                h.send(true, 0, t, ESP_DROP_MALFORMED, 0xFFFF);
            else if (esp_len < 34)
                h.send(true, 0, t, ESP_DROP_MALFORMED, handle);
            else
                h.send(true, 0, t, ESP_DROP_AUTH_FAIL, handle);
        }
        // The SA is untouched: the whole packet still goes through.
        CHECK(h.send(true, 0, pkt, ESP_DROP_OK, handle).bytes == inner);
    }
    h.check_counters();
}

TEST_CASE("esp: bad outbound inner packets", "[esp][malformed]") {
    std::mt19937_64 rng(12);
    Harness h;
    const SaConfig tun = random_sa(rng, false, false, false, false, false);
    const SaConfig tr4 = random_sa(rng, false, false, true, false, false);
    const SaConfig tr6 = random_sa(rng, false, false, true, true, false);
    REQUIRE(program_sa(h.e, 0, tun) == ESP_SA_ERR_NONE);
    REQUIRE(program_sa(h.e, 1, tr4) == ESP_SA_ERR_NONE);
    REQUIRE(program_sa(h.e, 2, tr6) == ESP_SA_ERR_NONE);
    SaConfig inbound = inbound_sa(rng, false, false);
    REQUIRE(program_sa(h.e, 3, inbound) == ESP_SA_ERR_NONE);
    const Bytes v4 = ipv4_packet(tr4.src, tr4.dst, 6, random_bytes(rng, 30)); // 50 bytes < IHL 15
    const Bytes v6 = ipv6_packet(tr6.src, tr6.dst, 17, random_bytes(rng, 50));

    auto with = [](Bytes p, std::size_t off, std::uint8_t val, bool fix) {
        p[off] = val;
        if (fix) {
            put_be16(p, 10, 0);
            put_be16(p, 10, inet_checksum(p.data(), std::min<std::size_t>(p.size(), (p[0] & 15u) * 4)));
        }
        return p;
    };
    h.send(false, 0, with(v4, 0, 0x44, true), ESP_DROP_MALFORMED, 0);                     // IHL 4
    h.send(false, 0, with(v4, 0, 0x4F, true), ESP_DROP_MALFORMED, 0);                     // IHL 15 > length
    h.send(false, 0, with(v4, 0, 0x55, true), ESP_DROP_MALFORMED, 0);                     // version 5
    h.send(false, 0, with(v4, 3, std::uint8_t(v4[3] + 1), true), ESP_DROP_MALFORMED, 0);  // total > LEN
    h.send(false, 0, with(v4, 3, std::uint8_t(v4[3] - 1), true), ESP_DROP_MALFORMED, 0);  // total < LEN
    h.send(false, 0, with(v6, 5, std::uint8_t(v6[5] + 1), false), ESP_DROP_MALFORMED, 0); // payload length
    h.send(false, 0, with(v4, 6, 0x20, true), ESP_DROP_OK, 0);                            // tunnel carries fragments
    h.send(false, 1, with(v4, 6, 0x20, true), ESP_DROP_MALFORMED, 1);                     // transport: MF set
    h.send(false, 1, with(v4, 7, 0x08, true), ESP_DROP_MALFORMED, 1);                     // transport: offset
    h.send(false, 1, with(v4, 6, 0x40, true), ESP_DROP_OK, 1);                            // DF alone is fine
    h.send(false, 1, v6, ESP_DROP_MALFORMED, 1);                                          // family differs from the SA
    h.send(false, 2, v4, ESP_DROP_MALFORMED, 2);
    for (std::uint8_t nh : {0, 43, 44}) h.send(false, 2, with(v6, 6, nh, false), ESP_DROP_MALFORMED, 2);
    h.send(false, 2, with(v6, 6, 60, false), ESP_DROP_OK, 2); // destination options: encrypted
    // Wrong SA handles.
    h.send(false, 3, v4, ESP_DROP_NO_SA, 0xFFFF);      // an inbound SA
    h.send(false, 4, v4, ESP_DROP_NO_SA, 0xFFFF);      // an empty slot
    h.send(false, 0xFFFF, v4, ESP_DROP_NO_SA, 0xFFFF); // beyond N_SA
    h.check_counters();
}

TEST_CASE("esp: bad inbound headers, IKE marker, padding and inner packets", "[esp][malformed]") {
    std::mt19937_64 rng(13);
    Harness h;
    const SaConfig esp4 = inbound_sa(rng, false, false);
    const SaConfig udp4 = inbound_sa(rng, false, true);
    const SaConfig esp6 = inbound_sa(rng, true, false);
    REQUIRE(program_sa(h.e, 10, esp4) == ESP_SA_ERR_NONE);
    REQUIRE(program_sa(h.e, 11, udp4) == ESP_SA_ERR_NONE);
    REQUIRE(program_sa(h.e, 12, esp6) == ESP_SA_ERR_NONE);
    const Bytes inner = random_inner(rng, false, 70);

    Bytes p = ref_encrypt(esp4, 1001, inner);
    Bytes bad = p;
    bad[10] ^= 1; // header checksum
    h.send(true, 0, bad, ESP_DROP_MALFORMED, 0xFFFF);
    bad = p;
    bad[6] = 0x20; // MF: fragments are reassembled by the host first
    fix_ipv4(bad);
    h.send(true, 0, bad, ESP_DROP_MALFORMED, 0xFFFF);
    bad = p;
    bad[9] = 51; // AH
    fix_ipv4(bad);
    h.send(true, 0, bad, ESP_DROP_MALFORMED, 0xFFFF);
    bad = p;
    bad[16] ^= 1; // another destination: no SA
    fix_ipv4(bad);
    h.send(true, 0, bad, ESP_DROP_NO_SA, 0xFFFF);

    // ESP-in-UDP.
    const Bytes u = ref_encrypt(udp4, 1001, inner);
    RefEncryptOptions port;
    port.udp_dport = 4501;
    h.send(true, 0, ref_encrypt(udp4, 1001, inner, port), ESP_DROP_MALFORMED, 0xFFFF);
    bad = u;
    put_be16(bad, 24, be16(&bad[24]) + 1); // UDP length
    h.send(true, 0, bad, ESP_DROP_MALFORMED, 0xFFFF);
    Bytes ike = ipv4_packet(udp4.src, udp4.dst, 17,
                            from_hex("1194119400240000"
                                     "00000000"
                                     "0102030405060708"));
    put_be16(ike, 24, unsigned(ike.size() - 20));
    h.send(true, 0, ike, ESP_DROP_MALFORMED, 0xFFFF); // non-ESP marker: IKE is not for the engine
    Bytes keepalive = ipv4_packet(udp4.src, udp4.dst, 17, from_hex("1194119400090000ff"));
    h.send(true, 0, keepalive, ESP_DROP_MALFORMED, 0xFFFF); // NAT keepalive
    SaConfig as_plain = udp4;
    as_plain.udp = false;
    h.send(true, 0, ref_encrypt(as_plain, 1001, inner), ESP_DROP_MALFORMED, 11); // SA expects UDP
    SaConfig as_udp = esp4;
    as_udp.udp = true;
    h.send(true, 0, ref_encrypt(as_udp, 1001, inner), ESP_DROP_MALFORMED, 10); // SA expects plain ESP

    // IPv6 with an extension header ahead of ESP.
    Bytes p6 = ref_encrypt(esp6, 1001, inner);
    Bytes ext(p6.begin(), p6.begin() + 40);
    ext[6] = 60;
    const Bytes opts = {50, 0, 1, 4, 0, 0, 0, 0};
    ext.insert(ext.end(), opts.begin(), opts.end());
    ext.insert(ext.end(), p6.begin() + 40, p6.end());
    put_be16(ext, 4, unsigned(ext.size() - 40));
    h.send(true, 0, ext, ESP_DROP_MALFORMED, 0xFFFF);

    // Authentic packets with a bad trailer or inner packet: dropped, window unchanged.
    RefEncryptOptions o;
    o.pad_length = 200;
    h.send(true, 0, ref_encrypt(esp4, 1001, inner, o), ESP_DROP_BAD_PADDING, 10);
    o = {};
    o.extra_pad = 4;
    o.corrupt_pad_byte = 3;
    h.send(true, 0, ref_encrypt(esp4, 1001, inner, o), ESP_DROP_BAD_PADDING, 10);
    for (std::uint8_t nh : {41, 59, 6}) {
        o = {};
        o.next_header = nh;
        h.send(true, 0, ref_encrypt(esp4, 1001, inner, o), ESP_DROP_MALFORMED, 10);
    }
    Bytes long_inner = inner;
    put_be16(long_inner, 2, unsigned(inner.size() + 1)); // says one byte more than sent
    h.send(true, 0, ref_encrypt(esp4, 1001, long_inner), ESP_DROP_MALFORMED, 10);
    CHECK(h.send(true, 0, p, ESP_DROP_OK, 10).bytes == inner);
    h.send(true, 0, p, ESP_DROP_REPLAY, 10);
    const auto rb = read_sa(h.e, 10);
    CHECK(read64(rb, ESP_SA_R_DROPS + 2 * ESP_DROP_BAD_PADDING) == 2);
    CHECK(read64(rb, ESP_SA_R_DROPS + 2 * ESP_DROP_MALFORMED) == 5);
    CHECK(read64(rb, ESP_SA_R_DROPS + 2 * ESP_DROP_REPLAY) == 1);
    CHECK(read64(rb, ESP_SA_R_PKTS_LO) == 1);
    h.check_counters();
}

TEST_CASE("esp: every single-bit flip of an inbound packet", "[esp][malformed]") {
    std::mt19937_64 rng(14);
    Harness h;
    const SaConfig sa = inbound_sa(rng, false, false);
    REQUIRE(program_sa(h.e, 20, sa) == ESP_SA_ERR_NONE);
    const Bytes inner = random_inner(rng, true, 40);
    const Bytes pkt = ref_encrypt(sa, 1001, inner);
    for (std::size_t bit = 0; bit < 8 * pkt.size(); ++bit) {
        Bytes f = pkt;
        f[bit / 8] ^= std::uint8_t(1u << (bit % 8));
        const std::size_t byte = bit / 8;
        INFO("bit " << bit);
        if (byte < 20) {
            h.send(true, 0, f, ESP_DROP_MALFORMED, 0xFFFF); // any flip breaks the header checksum
        } else if (byte < 24) {
            h.send(true, 0, f, ESP_DROP_NO_SA, 0xFFFF); // SPI
        } else if (byte < 28) {
            // Sequence number: left of the window or the top itself (seen) is REPLAY, else the
            // changed AAD fails the ICV.
            const std::uint32_t s = be32(&f[24]);
            const bool replay = s == 0 || s == 1000 || (s < 1000 && 1000 - s >= 64);
            h.send(true, 0, f, replay ? ESP_DROP_REPLAY : ESP_DROP_AUTH_FAIL, 20);
        } else {
            h.send(true, 0, f, ESP_DROP_AUTH_FAIL, 20); // IV, ciphertext, ICV
        }
    }
    CHECK(h.send(true, 0, pkt, ESP_DROP_OK, 20).bytes == inner);
    h.check_counters();
}

TEST_CASE("esp: bit flips in outbound inner headers never crash", "[esp][malformed]") {
    std::mt19937_64 rng(15);
    Harness h;
    const SaConfig tr = random_sa(rng, true, true, true, false, true);
    REQUIRE(program_sa(h.e, 0, tr) == ESP_SA_ERR_NONE);
    Bytes inner = ipv4_packet(tr.src, tr.dst, 17, random_bytes(rng, 30), 1, Bytes(8, 1));
    std::uint64_t seq = 0;
    for (std::size_t bit = 0; bit < 8 * 28; ++bit) {
        Bytes f = inner;
        f[bit / 8] ^= std::uint8_t(1u << (bit % 8));
        const auto r = h.e.process(false, 0, f);
        INFO("bit " << bit);
        if (r.result == ESP_DROP_OK) {
            const RefDecoded d = ref_decode(tr, ++seq, r.bytes);
            CHECK(d.ok);
            // Transport output carries the (flipped) header with protocol, length and checksum
            // rewritten; the decoder restores the same header.
            Bytes want = f;
            fix_ipv4(want);
            CHECK(d.inner == want);
        } else {
            CHECK(int(r.result) == ESP_DROP_MALFORMED);
            h.drops[ESP_DROP_MALFORMED]++;
        }
    }
    h.check_counters();
}
