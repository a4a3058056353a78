// espsim end to end: captures made here are encrypted by one espsim run and decrypted by
// a second one with the peer's inbound SAs; the result must equal the input byte for byte.
// Tunnel outputs are also opened with OpenSSL EVP, independently of the engine.
#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <cstring>
#include <random>

#include "esp_contract.h"
#include "espsim_run.h"
#include "traffic.h"

using namespace espsim_test;
using espsim::traffic::Address;

namespace {

const char* const kKeys[] = {
    "0x000102030405060708090a0b0c0d0e0fa0a1a2a3",
    "0x101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2fb0b1b2b3",
    "0x303132333435363738393a3b3c3d3e3fc0c1c2c3",
    "0x404142434445464748494a4b4c4d4e4fd0d1d2d3",
    "0x505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6fe0e1e2e3",
};

// Five outbound SAs of gateway A and the five inbound SAs of gateway B for them.
std::string sa_file_text() {
    const std::string aead = " aead 'rfc4106(gcm(aes))' ";
    const std::string out[] = {
        "src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x100 mode tunnel" + aead + kKeys[0] +
            " 128 sel src 10.1.0.0/16 dst 10.2.0.0/16",
        "src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x200 mode tunnel flag esn" + aead + kKeys[1] +
            " 128 sel src fd00:a::/64 dst fd00:b::/64",
        "src 2001:db8:a::1 dst 2001:db8:b::1 proto esp spi 0x300 mode tunnel" + aead + kKeys[2] +
            " 128 sel src 10.11.0.0/16 dst 10.12.0.0/16",
        "src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x400 mode transport encap espinudp 4500 4500 0.0.0.0" + aead +
            kKeys[3] + " 128 sel src 192.0.2.1/32 dst 198.51.100.1/32",
        "src 2001:db8:a::1 dst 2001:db8:b::1 proto esp spi 0x500 mode transport flag esn" + aead + kKeys[4] +
            " 128 sel src 2001:db8:a::1/128 dst 2001:db8:b::1/128",
    };
    const unsigned windows[] = {64, 128, 1024, 32, 4096};
    std::string text = "# gateway A, outbound\n";
    for (const auto& l : out)
        text += l + " dir out" + (l.find("spi 0x500") != std::string::npos ? " replay-oseq 0xfffffff0" : "") + "\n";
    text += "# gateway B, inbound\n";
    for (int i = 0; i < 5; ++i) {
        std::string l = out[i].substr(0, out[i].find(" sel "));
        text += l + " dir in replay-window " + std::to_string(windows[i]) + "\n";
    }
    return text;
}

struct Flow {
    Address src, dst;
    int sa; // outbound SA index, -1: no SA (passes unchanged)
};

std::vector<Flow> flows() {
    auto A = [](const char* s) { return Address::parse(s); };
    return {{A("10.1.0.5"), A("10.2.3.4"), 0},           {A("fd00:a::5"), A("fd00:b::77"), 1},
            {A("10.11.1.1"), A("10.12.2.2"), 2},         {A("192.0.2.1"), A("198.51.100.1"), 3},
            {A("2001:db8:a::1"), A("2001:db8:b::1"), 4}, {A("172.16.0.1"), A("172.16.0.2"), -1}};
}

struct Generated {
    std::vector<Bytes> packets;
    std::vector<int> sa; // outbound SA per packet (-1 none)
};

Generated make_traffic(unsigned n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    const auto fl = flows();
    Generated g;
    for (unsigned i = 0; i < n; ++i) {
        const Flow& f = fl[rng() % fl.size()];
        const std::size_t len = rng() % 4 == 0 ? rng() % 1400 : rng() % 200;
        const Bytes data = espsim::traffic::pattern(len, static_cast<std::uint32_t>(i));
        const auto port = [&] { return static_cast<std::uint16_t>(1024 + rng() % 3000); }; // never 4500
        Bytes p;
        switch (rng() % 3) {
            case 0:
                p = espsim::traffic::icmp_echo(f.src, f.dst, 7, static_cast<std::uint16_t>(i), data);
                break;
            case 1:
                p = espsim::traffic::udp(f.src, f.dst, port(), port(), data);
                break;
            default:
                p = espsim::traffic::tcp(f.src, f.dst, port(), port(), rng(), rng(), 0x18, data);
                break;
        }
        g.packets.push_back(p);
        g.sa.push_back(f.sa);
    }
    return g;
}

Bytes hex_bytes(const std::string& hex) {
    Bytes b;
    for (std::size_t i = 2; i + 1 < hex.size(); i += 2)
        b.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return b;
}

std::uint32_t be32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

// Opens a tunnel-mode ESP packet (no UDP) with OpenSSL: returns the inner packet, or an
// empty vector when the tag, the padding or the next header is wrong.
Bytes evp_open_tunnel(const Bytes& pkt, const std::string& keysalt, bool esn, std::uint32_t seq_hi) {
    const Bytes ks = hex_bytes(keysalt);
    const std::size_t key_len = ks.size() - 4;
    const std::size_t esp = (pkt[0] >> 4) == 4 ? static_cast<std::size_t>(pkt[0] & 15) * 4 : 40;
    if (pkt.size() < esp + 8 + 8 + 16 + 2) return {};
    Bytes aad(pkt.begin() + static_cast<long>(esp), pkt.begin() + static_cast<long>(esp) + 4);
    if (esn)
        for (int s = 24; s >= 0; s -= 8) aad.push_back(static_cast<std::uint8_t>(seq_hi >> s));
    aad.insert(aad.end(), pkt.begin() + static_cast<long>(esp) + 4, pkt.begin() + static_cast<long>(esp) + 8);
    Bytes nonce(ks.end() - 4, ks.end());
    nonce.insert(nonce.end(), pkt.begin() + static_cast<long>(esp) + 8, pkt.begin() + static_cast<long>(esp) + 16);
    const std::uint8_t* ct = &pkt[esp + 16];
    const int ct_len = static_cast<int>(pkt.size() - esp - 16 - 16);
    Bytes tag(pkt.end() - 16, pkt.end());
    Bytes pt(static_cast<std::size_t>(ct_len));
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int len = 0, ok = 1;
    ok &= EVP_DecryptInit_ex(ctx, key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), nullptr, nullptr, nullptr);
    ok &= EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr);
    ok &= EVP_DecryptInit_ex(ctx, nullptr, nullptr, ks.data(), nonce.data());
    ok &= EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size()));
    ok &= EVP_DecryptUpdate(ctx, pt.data(), &len, ct, ct_len);
    ok &= EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag.data());
    ok &= EVP_DecryptFinal_ex(ctx, pt.data() + len, &len) > 0 ? 1 : 0;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok || pt.size() < 2) return {};
    const std::uint8_t next_header = pt.back();
    const std::size_t pad = pt[pt.size() - 2];
    if (pad + 2 > pt.size()) return {};
    for (std::size_t i = 0; i < pad; ++i)
        if (pt[pt.size() - 2 - pad + i] != i + 1) return {};
    pt.resize(pt.size() - 2 - pad);
    if (next_header != ((pt.empty() ? 0 : pt[0] >> 4) == 6 ? 41 : 4)) return {};
    return pt;
}

std::size_t count_lines(const std::string& s, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++n;
    return n;
}

} // namespace

TEST_CASE("espsim: raw IP round trip restores every packet, tunnel ESP opens with OpenSSL", "[espsim]") {
    ScratchDir dir;
    const std::string sa = dir.write("gw.sa", sa_file_text());
    const Generated g = make_traffic(400, 1);
    write_capture(dir.file("in.pcap"), DLT_RAW, g.packets);

    const auto enc = run_espsim(dir, {"--sa", sa, "--in", dir.file("in.pcap"), "--out", dir.file("esp.pcap"),
                                      "--stats-json", dir.file("enc.json")});
    INFO(enc.err);
    REQUIRE(enc.status == 0);
    const Capture esp = read_capture(dir.file("esp.pcap"));
    CHECK(esp.dlt == DLT_RAW);
    REQUIRE(esp.packets.size() == g.packets.size());
    CHECK(count_lines(enc.out, "\n#") + 1 == g.packets.size());

    // Every packet of an SA became ESP with the next sequence number; the rest passed.
    const char* tunnel_keys[] = {kKeys[0], kKeys[1], kKeys[2]};
    std::uint64_t next_seq[5] = {1, 1, 1, 1, 0xfffffff1ull};
    unsigned opened = 0;
    for (std::size_t i = 0; i < g.packets.size(); ++i) {
        const Bytes& out = esp.packets[i].frame;
        const int s = g.sa[i];
        INFO("packet " << i << " sa " << s);
        if (s < 0) {
            CHECK(out == g.packets[i]);
            continue;
        }
        const std::uint64_t seq = next_seq[s]++;
        const std::size_t ip_len = (out[0] >> 4) == 4 ? static_cast<std::size_t>(out[0] & 15) * 4 : 40;
        const std::size_t at = ip_len + (s == 3 ? 8 : 0); // SA 3 is in UDP
        REQUIRE(out.size() > at + 8);
        CHECK(be32(&out[at]) == 0x100u * static_cast<unsigned>(s + 1));
        CHECK(be32(&out[at + 4]) == static_cast<std::uint32_t>(seq));
        if (s < 3) {
            const Bytes inner = evp_open_tunnel(out, tunnel_keys[s], s == 1, static_cast<std::uint32_t>(seq >> 32));
            CHECK(inner == g.packets[i]);
            ++opened;
        }
    }
    CHECK(opened > 150);
    CHECK(next_seq[4] > 0x100000000ull); // the ESN SA crossed 2^32

    const auto dec = run_espsim(dir, {"--sa", sa, "--in", dir.file("esp.pcap"), "--out", dir.file("back.pcap"),
                                      "--stats-json", dir.file("dec.json")});
    INFO(dec.err);
    REQUIRE(dec.status == 0);
    const Capture back = read_capture(dir.file("back.pcap"));
    CHECK(back.frames() == g.packets);
    for (std::size_t i = 0; i < back.packets.size(); ++i) CHECK(back.packets[i].ts.tv_usec == static_cast<long>(i));

    const auto js = read_json(dir.file("dec.json"));
    const auto passed = std::count(g.sa.begin(), g.sa.end(), -1);
    CHECK(num(js, "totals.packets_in") == static_cast<long long>(g.packets.size()) - passed);
    CHECK(num(js, "totals.packets_out") == num(js, "totals.packets_in"));
    CHECK(num(js, "totals.passed") == passed);
    CHECK(js.get_child("totals.drops").empty());
    CHECK(num(js, "card.packets_in") == num(js, "totals.packets_in"));
    CHECK(num(js, "card.bytes_out") == num(js, "totals.bytes_out"));
    long long per_sa = 0;
    for (const auto& [_, sa_js] : js.get_child("sas")) {
        if (sa_js.get<std::string>("dir") == "in")
            per_sa += num(sa_js, "packets_out");
        else
            CHECK(num(sa_js, "packets_in") == 0);
    }
    CHECK(per_sa == num(js, "totals.packets_out"));
    const auto enc_js = read_json(dir.file("enc.json"));
    long long seq4 = 0;
    for (const auto& [_, sa_js] : enc_js.get_child("sas"))
        if (sa_js.get<std::string>("spi") == "0x00000500" && sa_js.get<std::string>("dir") == "out")
            seq4 = num(sa_js, "seq");
    CHECK(seq4 == static_cast<long long>(next_seq[4] - 1)); // the card's last sequence number sent, read back
}

TEST_CASE("espsim: Ethernet keeps MACs and VLAN tags, non-IP frames pass", "[espsim]") {
    ScratchDir dir;
    const std::string sa = dir.write("gw.sa", sa_file_text());
    const Generated g = make_traffic(120, 2);
    const std::uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a}, mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};
    std::vector<Bytes> frames;
    for (std::size_t i = 0; i < g.packets.size(); ++i)
        frames.push_back(espsim::traffic::ethernet(g.packets[i], mac_b, mac_a, i % 3 == 0 ? static_cast<int>(i) : -1));
    Bytes arp(42, 0);
    std::memset(arp.data(), 0xff, 6);
    arp[12] = 0x08;
    arp[13] = 0x06;
    frames.insert(frames.begin() + 5, arp);
    write_capture(dir.file("in.pcap"), DLT_EN10MB, frames);

    const auto enc = run_espsim(dir, {"--sa", sa, "--in", dir.file("in.pcap"), "--out", dir.file("esp.pcap")});
    INFO(enc.err);
    REQUIRE(enc.status == 0);
    CHECK(enc.out.find("#6 pass (not IP) 42 bytes") != std::string::npos);
    const Capture esp = read_capture(dir.file("esp.pcap"));
    const Capture orig = read_capture(dir.file("in.pcap"));
    CHECK(esp.dlt == DLT_EN10MB);
    REQUIRE(esp.packets.size() == frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const Bytes& in = frames[i];
        const Bytes& out = esp.packets[i].frame;
        const std::size_t l2 = esp.packets[i].ip_offset;
        INFO("frame " << i);
        if (i == 5) {
            CHECK(out == arp);
            continue;
        }
        REQUIRE(l2 == orig.packets[i].ip_offset);
        CHECK(l2 == ((i < 5 ? i : i - 1) % 3 == 0 ? 18u : 14u));
        CHECK(Bytes(out.begin(), out.begin() + static_cast<long>(l2) - 2) ==
              Bytes(in.begin(), in.begin() + static_cast<long>(l2) - 2));
        const bool v6 = (out[l2] >> 4) == 6;
        CHECK(out[l2 - 2] == (v6 ? 0x86 : 0x08));
        CHECK(out[l2 - 1] == (v6 ? 0xDD : 0x00));
    }

    const auto dec = run_espsim(dir, {"--sa", sa, "--in", dir.file("esp.pcap"), "--out", dir.file("back.pcap")});
    INFO(dec.err);
    REQUIRE(dec.status == 0);
    CHECK(read_capture(dir.file("back.pcap")).frames() == frames);
}

TEST_CASE("espsim: DLT_IPV4 input is read and written as raw IP", "[espsim]") {
    ScratchDir dir;
    const std::string sa = dir.write("gw.sa", sa_file_text());
    const Address a = Address::parse("10.1.0.1"), b = Address::parse("10.2.0.1");
    std::vector<Bytes> pk;
    for (std::uint16_t i = 0; i < 5; ++i)
        pk.push_back(espsim::traffic::udp(a, b, 1000, i, espsim::traffic::pattern(i * 10u, i)));
    write_capture(dir.file("in.pcap"), DLT_IPV4, pk);
    const auto enc = run_espsim(dir, {"--sa", sa, "--in", dir.file("in.pcap"), "--out", dir.file("esp.pcap")});
    REQUIRE(enc.status == 0);
    CHECK(read_capture(dir.file("esp.pcap")).dlt == DLT_RAW);
    const auto dec = run_espsim(dir, {"--sa", sa, "--in", dir.file("esp.pcap"), "--out", dir.file("back.pcap")});
    REQUIRE(dec.status == 0);
    CHECK(read_capture(dir.file("back.pcap")).frames() == pk);
}

TEST_CASE("espsim: replays, forgeries and unknown SPIs are dropped and counted", "[espsim]") {
    ScratchDir dir;
    const std::string sa = dir.write("gw.sa", sa_file_text()); // SA 0x100 in: window 64
    const Address a = Address::parse("10.1.0.9"), b = Address::parse("10.2.0.9");
    std::vector<Bytes> clear;
    for (unsigned i = 0; i < 100; ++i)
        clear.push_back(
            espsim::traffic::udp(a, b, 2000, static_cast<std::uint16_t>(i), espsim::traffic::pattern(40 + i, i)));
    write_capture(dir.file("in.pcap"), DLT_RAW, clear);
    REQUIRE(run_espsim(dir, {"--sa", sa, "--in", dir.file("in.pcap"), "--out", dir.file("esp.pcap")}).status == 0);
    const std::vector<Bytes> esp = read_capture(dir.file("esp.pcap")).frames();
    REQUIRE(esp.size() == 100);

    // 0..49, a duplicate inside the window, a forged copy of 60 (one ciphertext bit
    // flipped), 50..99 (the genuine 60 must still pass), a duplicate of 99, a number far
    // left of the window, an unknown SPI.
    std::vector<Bytes> in(esp.begin(), esp.begin() + 50);
    in.push_back(esp[45]);
    Bytes forged = esp[60];
    forged[forged.size() - 20] ^= 0x01;
    in.push_back(forged);
    in.insert(in.end(), esp.begin() + 50, esp.end());
    in.push_back(esp[99]);
    in.push_back(esp[3]);
    Bytes stranger = esp[10];
    stranger[20 + 3] ^= 0x77; // SPI low octet
    in.push_back(stranger);
    write_capture(dir.file("mixed.pcap"), DLT_RAW, in);

    const auto dec = run_espsim(dir, {"--sa", sa, "--in", dir.file("mixed.pcap"), "--out", dir.file("back.pcap"),
                                      "--stats-json", dir.file("dec.json")});
    INFO(dec.err);
    REQUIRE(dec.status == 0);
    CHECK(read_capture(dir.file("back.pcap")).frames() == clear);
    CHECK(dec.out.find("#51 in drop REPLAY sa=5 spi=0x00000100 seq=46") != std::string::npos);
    CHECK(dec.out.find("#52 in drop AUTH_FAIL sa=5 spi=0x00000100 seq=61") != std::string::npos);
    CHECK(dec.out.find("#105 in drop NO_SA spi=0x00000177 seq=11") != std::string::npos);
    const auto js = read_json(dir.file("dec.json"));
    CHECK(num(js, "totals.drops.replay") == 3);
    CHECK(num(js, "totals.drops.auth_fail") == 1);
    CHECK(num(js, "totals.drops.no_sa") == 1);
    CHECK(num(js, "card.drops.replay") == 3);
    CHECK(num(js, "card.drops.auth_fail") == 1);
    bool found = false;
    for (const auto& [_, s] : js.get_child("sas")) {
        if (s.get<std::string>("spi") != "0x00000100" || s.get<std::string>("dir") != "in") continue;
        found = true;
        CHECK(num(s, "packets_in") == 104);
        CHECK(num(s, "packets_out") == 100);
        CHECK(num(s, "drops.replay") == 3);
        CHECK(num(s, "drops.auth_fail") == 1);
        CHECK(num(s, "seq") == 100); // window top
    }
    CHECK(found);
}

TEST_CASE("espsim: an SA stops at its hard packet limit and at the last sequence number", "[espsim]") {
    ScratchDir dir;
    const std::string aead = " aead 'rfc4106(gcm(aes))' " + std::string(kKeys[0]) + " 128";
    const std::string sa = dir.write(
        "lim.sa", "src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x100 dir out mode tunnel" + aead +
                      " sel src 10.1.0.0/16 limit packet-hard 3\n"
                      "src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x101 dir out mode tunnel replay-oseq 0xfffffffe" +
                      aead + " sel src 10.9.0.0/16\n");
    const Address a = Address::parse("10.1.0.1"), z = Address::parse("10.9.0.1"), b = Address::parse("10.2.0.1");
    std::vector<Bytes> pk;
    for (int i = 0; i < 5; ++i) pk.push_back(espsim::traffic::udp(a, b, 1, 2, {}));
    for (int i = 0; i < 3; ++i) pk.push_back(espsim::traffic::udp(z, b, 1, 2, {}));
    write_capture(dir.file("in.pcap"), DLT_RAW, pk);
    const auto r = run_espsim(dir, {"--sa", sa, "--in", dir.file("in.pcap"), "--out", dir.file("esp.pcap"),
                                    "--stats-json", dir.file("s.json")});
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("#4 out drop SA_DISABLED sa=0") != std::string::npos);
    CHECK(r.out.find("#6 out sa=1 spi=0x00000101 seq=4294967295") != std::string::npos);
    CHECK(r.out.find("#7 out drop SEQ_EXHAUSTED sa=1") != std::string::npos);
    CHECK(read_capture(dir.file("esp.pcap")).packets.size() == 4);
    const auto js = read_json(dir.file("s.json"));
    CHECK(r.out.find("#5 out drop SA_DISABLED sa=0") != std::string::npos);
    CHECK(num(js, "totals.drops.seq_exhausted") >= 1);
    CHECK(num(js, "totals.drops.seq_exhausted") + num(js, "totals.drops.sa_disabled", 0) == 4);
}

TEST_CASE("espsim: bad SA files give FILE:LINE: message and exit 2", "[espsim]") {
    ScratchDir dir;
    const std::string good = "src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x100 dir in aead 'rfc4106(gcm(aes))' " +
                             std::string(kKeys[0]) + " 128";
    write_capture(dir.file("in.pcap"), DLT_RAW, {});
    const std::string in = dir.file("in.pcap"), out = dir.file("out.pcap");
    struct Case {
        std::string text, expected;
    };
    const Case cases[] = {
        {"# c\n" + good + "\n\n" + good + " spi x\n", ":4: spi: given twice\n"},
        {good + "\nsrc 192.0.2.1 dst 198.51.100.1 proto esp spi x\n", ":2: spi: expected a number, got 'x'\n"},
        {good + " 'unterminated\n", ":1: unterminated single quote\n"},
        {"\n\n" + good + " replay-window 5000\n", ":3: replay-window: 5000 is out of range (at most 4096)\n"},
        {good + "\n" + good + "\n", ":2: the card refused the SA: "}, // same SPI and destination
        {"# nothing\n", ": no SA in the file\n"},
    };
    int n = 0;
    for (const auto& c : cases) {
        const std::string path = dir.write("bad" + std::to_string(n++) + ".sa", c.text);
        const auto r = run_espsim(dir, {"--sa", path, "--in", in, "--out", out});
        INFO(c.text);
        CHECK(r.status == 2);
        CHECK(r.err.rfind(path + c.expected, 0) == 0);
        CHECK(r.out.empty());
    }
    const std::string ok = dir.write("ok.sa", good + "\n");
    CHECK(run_espsim(dir, {"--sa", ok, "--in", in}).status == 2); // --out missing
    CHECK(run_espsim(dir, {"--sa", ok, "--in", in, "--out", out, "--engine", "vhdl"}).status == 2);
    const auto missing = run_espsim(dir, {"--sa", ok, "--in", dir.file("nope.pcap"), "--out", out});
    CHECK(missing.status == 1);
    CHECK(missing.err.find("nope.pcap") != std::string::npos);
}

// The timing block of --stats-json: only engines that count cycles write it. The capture
// streams through the engine (packets overlap in it), the figures agree with the captures
// and with each other, stay under the 16-bytes-per-cycle bus bound, and are the same on a
// second run (cycles are deterministic) and in lockstep with the model (--engine both).
TEST_CASE("espsim: the RTL engine streams the capture and times it in --stats-json", "[espsim]") {
    ScratchDir dir;
    const auto help = run_espsim(dir, {"--help"});
    if (help.out.find("rtl (") == std::string::npos) {
        WARN("espsim was built without the RTL engine (ESP_WITH_RTL=OFF): nothing to time");
        return;
    }
    const std::string sa = dir.write("gw.sa", sa_file_text());
    const Generated g = make_traffic(120, 7);
    write_capture(dir.file("in.pcap"), DLT_RAW, g.packets);
    const auto run = [&](const std::string& engine, const std::string& in, const std::string& out,
                         const std::string& json) {
        const auto r = run_espsim(dir, {"--sa", sa, "--in", dir.file(in), "--out", dir.file(out), "--engine", engine,
                                        "--stats-json", dir.file(json), "-q"});
        INFO(r.err);
        REQUIRE(r.status == 0);
        return read_json(dir.file(json));
    };
    const auto fnum = [](const boost::property_tree::ptree& t, const std::string& path) {
        return std::stod(t.get<std::string>(path));
    };

    const auto enc = run("rtl", "in.pcap", "esp.pcap", "enc.json");
    const Capture esp = read_capture(dir.file("esp.pcap"));
    REQUIRE(esp.packets.size() == g.packets.size());
    long long n = 0, bytes_in = 0, bytes_out = 0, beats_out = 0;
    for (std::size_t i = 0; i < g.packets.size(); ++i) {
        if (g.sa[i] < 0) continue;
        ++n;
        bytes_in += static_cast<long long>(g.packets[i].size());
        bytes_out += static_cast<long long>(esp.packets[i].frame.size());
        beats_out += static_cast<long long>((esp.packets[i].frame.size() + 15) / 16);
    }
    REQUIRE(n > 50);
    CHECK(enc.get<std::string>("timing.stream") == "back-to-back");
    CHECK(num(enc, "timing.out.packets") == n);
    CHECK(num(enc, "timing.out.bytes_in") == bytes_in);
    CHECK(num(enc, "timing.out.bytes_out") == bytes_out);
    CHECK(num(enc, "timing.all.packets") == n);
    CHECK(num(enc, "timing.all.cycles") == num(enc, "timing.out.cycles"));
    CHECK(num(enc, "timing.in.packets") == 0);
    const long long cycles = num(enc, "timing.out.cycles");
    const double cpp = fnum(enc, "timing.out.cycles_per_packet");
    CHECK(cycles >= beats_out); // one output beat per cycle at most
    CHECK(cpp * static_cast<double>(n - 1) <= static_cast<double>(cycles));
    CHECK(fnum(enc, "timing.out.packets_per_cycle") == Approx(1 / cpp).epsilon(1e-3));
    CHECK(fnum(enc, "timing.out.bytes_out_per_cycle") ==
          Approx(static_cast<double>(bytes_out) / static_cast<double>(n) / cpp).epsilon(1e-3));
    CHECK(fnum(enc, "timing.out.bytes_out_per_cycle") <= 16);
    CHECK(fnum(enc, "timing.clock_mhz") == 250);
    CHECK(fnum(enc, "timing.out.gbit_s_out") == Approx(fnum(enc, "timing.out.bytes_out_per_cycle") * 2).epsilon(1e-3));
    CHECK(fnum(enc, "timing.out.mpackets_per_s") == Approx(250 / cpp).epsilon(1e-3));
    const long long lmin = num(enc, "timing.out.latency_cycles.min"), lmax = num(enc, "timing.out.latency_cycles.max");
    const double lavg = fnum(enc, "timing.out.latency_cycles.avg");
    CHECK(0 < lmin);
    CHECK(lmin <= lavg);
    CHECK(lavg <= lmax);
    // Streamed: packets overlap in the engine. One at a time would take at least
    // n x (min latency + 1) cycles.
    CHECK(cycles < n * lmin);
    CHECK(num(enc, "simulation.engine_cycles") >= cycles);

    const auto dec = run("rtl", "esp.pcap", "back.pcap", "dec.json");
    CHECK(read_capture(dir.file("back.pcap")).frames() == g.packets);
    CHECK(num(dec, "timing.in.packets") == n);
    CHECK(num(dec, "timing.in.bytes_in") == bytes_out);
    CHECK(fnum(dec, "timing.in.bytes_in_per_cycle") <= 16); // the input bus bounds decryption
    CHECK(num(dec, "timing.in.latency_cycles.min") > 0);
    CHECK(num(dec, "timing.in.cycles") < n * num(dec, "timing.in.latency_cycles.min"));
    CHECK(num(dec, "timing.out.packets") == 0);

    // Deterministic: a second run counts the same cycles.
    const auto again = run("rtl", "in.pcap", "esp2.pcap", "enc2.json");
    CHECK(num(again, "timing.out.cycles") == cycles);
    CHECK(num(again, "timing.out.latency_cycles.max") == lmax);

    // In lockstep with the model: the same packets out, and the same stream timing (nothing
    // reads registers while packets are in flight).
    const auto both = run("both", "in.pcap", "esp-both.pcap", "both.json");
    CHECK(read_capture(dir.file("esp-both.pcap")).frames() == esp.frames());
    CHECK(num(both, "timing.out.cycles") == cycles);
    run("both", "esp.pcap", "back-both.pcap", "dec-both.json");
    CHECK(read_capture(dir.file("back-both.pcap")).frames() == g.packets);

    // The C model counts no cycles: no timing block, the same packets out.
    const auto hls = run("hls", "in.pcap", "esp-hls.pcap", "hls.json");
    CHECK(hls.count("timing") == 0);
    CHECK(hls.count("simulation") == 0);
    CHECK(read_capture(dir.file("esp-hls.pcap")).frames() == esp.frames());
}
