// ike-protocol: units of the protocol layer (selectors, proposals, wire, keys).
#include <catch2/catch.hpp>

#include "sa/gateway_config.hpp"
#include "sa/ike_sa.hpp"
#include "sa/key_export.hpp"
#include "sa/retransmit.hpp"
#include "sa/traffic_selector.hpp"
#include "sa/wire.hpp"

using namespace ike::sa;

TEST_CASE("ike-protocol: traffic selector narrowing (RFC 7296 2.9)", "[ike-protocol]") {
    auto wide = *parse_ts("10.0.0.0/8");
    auto net = *parse_ts("10.1.2.0/24");
    CHECK(narrow({wide}, {net}) == std::vector<Ts>{net});
    CHECK(narrow({net}, {wide}) == std::vector<Ts>{net});
    CHECK(narrow({*parse_ts("10.1.2.0/24")}, {*parse_ts("10.1.3.0/24")}).empty());
    auto range = *parse_ts("10.1.2.250-10.1.3.5");
    auto n = narrow({range}, {net});
    REQUIRE(n.size() == 1);
    CHECK(to_string(n[0]) == "10.1.2.250..10.1.2.255");
    // protocol and ports: any vs specific narrows to the specific one
    auto tcp443 = *parse_ts("10.1.2.0/24", 6, 443, 443);
    auto udp = *parse_ts("10.1.2.0/24", 17);
    CHECK(narrow({net}, {tcp443}) == std::vector<Ts>{tcp443});
    CHECK(narrow({tcp443}, {udp}).empty());
    CHECK(narrow({*parse_ts("2001:db8::/32")}, {*parse_ts("10.0.0.0/8")}).empty());
    CHECK(all_within({net}, {wide}));
    CHECK_FALSE(all_within({wide}, {net}));
    CHECK_FALSE(parse_ts("10.0.0.9-10.0.0.1"));
    CHECK_FALSE(parse_ts("10.0.0.0/33"));
    CHECK(to_string(*parse_ts("10.9.8.7")) == "10.9.8.7..10.9.8.7");
}

TEST_CASE("ike-protocol: proposal selection prefers our order per transform", "[ike-protocol]") {
    ChildCfg ours;
    ours.suites = {*parse_esp_suite("aes256gcm"), *parse_esp_suite("aes128gcm")};
    ChildCfg theirs;
    theirs.suites = {*parse_esp_suite("aes128gcm"), *parse_esp_suite("aes256gcm")};
    theirs.esn = false;
    auto sel = select_proposal(esp_proposals(theirs, 0x1234, false), esp_proposals(ours, 0, false));
    REQUIRE(sel);
    CHECK(sel->key_bits == 128); // the peer's first acceptable proposal
    CHECK_FALSE(sel->esn);       // peer offers NO_EXT_SEQ only
    CHECK(sel->spi == Bytes{0, 0, 0x12, 0x34});
    theirs.esn = true;
    sel = select_proposal(esp_proposals(theirs, 1, false), esp_proposals(ours, 0, false));
    REQUIRE(sel);
    CHECK(sel->esn); // both want ESN
    // PFS group in CREATE_CHILD_SA must match too
    ours.pfs = theirs.pfs = true;
    ours.dh_groups = {19};
    theirs.dh_groups = {14};
    CHECK_FALSE(select_proposal(esp_proposals(theirs, 1, true), esp_proposals(ours, 0, true)));
    theirs.dh_groups = {14, 19};
    sel = select_proposal(esp_proposals(theirs, 1, true), esp_proposals(ours, 0, true));
    REQUIRE(sel);
    CHECK(sel->dh == 19);
    // accept_proposal rejects an answer with transforms we never offered
    Selected bogus = *sel;
    bogus.encr = ENCR_AES_CBC;
    bogus.integ = AUTH_HMAC_SHA2_256_128;
    CHECK_FALSE(accept_proposal({bogus.to_proposal()}, esp_proposals(ours, 0, true)));
    CHECK(accept_proposal({sel->to_proposal()}, esp_proposals(ours, 0, true)));
}

TEST_CASE("ike-protocol: FortiOS proposal words", "[ike-protocol]") {
    CHECK(parse_ike_suite("aes256gcm-prfsha384")->prf == PRF_HMAC_SHA2_384);
    CHECK(parse_ike_suite("aes128-sha256")->integ == AUTH_HMAC_SHA2_256_128);
    CHECK(parse_esp_suite("chacha20poly1305")->encr == ENCR_CHACHA20_POLY1305);
    CHECK_FALSE(parse_esp_suite("des-md5"));
    CHECK_FALSE(parse_ike_suite("aes128gcm-prfmd5"));
}

TEST_CASE("ike-protocol: payload chain round trip and malformed input", "[ike-protocol]") {
    Payloads p;
    PeerCfg cfg;
    cfg.suites = {*parse_ike_suite("aes256gcm-prfsha384"), *parse_ike_suite("aes128-sha256")};
    cfg.dh_groups = {19, 14};
    p.sa = ike_proposals(cfg);
    p.ke = KePl{19, Bytes(64, 7)};
    p.nonce = Bytes(32, 9);
    p.add(N_NAT_DETECTION_SOURCE_IP, Bytes(20, 1));
    p.tsi = {*parse_ts("10.0.0.0/8", 6, 80, 80)};
    p.tsr = {*parse_ts("2001:db8::/64")};
    p.deletes.push_back(DeletePl{PROTO_ESP, {0x11223344, 0x55667788}});
    Header h;
    h.spi_i = 0x0102030405060708;
    h.exchange = IKE_SA_INIT;
    h.flags = F_INITIATOR;
    Bytes msg = encode_plain(h, p);
    Header d = decode_header(msg);
    CHECK(d.spi_i == h.spi_i);
    Payloads q = decode_payloads(d.next, std::span<const uint8_t>(msg).subspan(kHeaderLen));
    REQUIRE(q.sa);
    REQUIRE(q.sa->size() == 2);
    CHECK((*q.sa)[0].transforms == (*p.sa)[0].transforms);
    CHECK(q.ke->group == 19);
    CHECK(q.nonce == p.nonce);
    CHECK(*q.tsi == *p.tsi);
    CHECK(*q.tsr == *p.tsr);
    CHECK(q.deletes[0].spis == p.deletes[0].spis);
    CHECK(q.find(N_NAT_DETECTION_SOURCE_IP));
    // every truncation is a clean WireError, never a crash
    for (size_t cut = 0; cut < msg.size(); ++cut) {
        Bytes t(msg.begin(), msg.begin() + static_cast<long>(cut));
        CHECK_THROWS_AS(decode_payloads(d.next, std::span<const uint8_t>(t).subspan(std::min(cut, kHeaderLen))),
                        WireError);
    }
    CHECK_THROWS_AS(decode_header(Bytes(10, 0)), WireError);
}

TEST_CASE("ike-protocol: SK payload protects and detects tampering", "[ike-protocol]") {
    for (auto [encr, bits, integ] : {std::tuple<uint16_t, uint16_t, uint16_t>{ENCR_AES_GCM_16, 256, AUTH_NONE},
                                     {ENCR_CHACHA20_POLY1305, 0, AUTH_NONE},
                                     {ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128}}) {
        Secret ek(random_bytes(encr_key_len(encr, bits)));
        Secret ik(random_bytes(integ_key_len(integ)));
        SkCipher c(encr, bits, integ, ek, ik);
        Header h;
        h.spi_i = 1;
        h.spi_r = 2;
        h.exchange = IKE_AUTH;
        Payloads p;
        p.add(N_INITIAL_CONTACT);
        uint8_t first = 0;
        Bytes inner = encode_payloads(p, first);
        Bytes msg = c.seal(h, first, inner);
        Header hd = decode_header(msg);
        uint8_t f2 = 0;
        CHECK(c.open(msg, hd, f2) == inner);
        CHECK(f2 == PL_NOTIFY);
        msg[msg.size() / 2] ^= 1;
        CHECK_THROWS_AS(c.open(msg, hd, f2), WireError);
    }
}

TEST_CASE("ike-protocol: prf+ and the RFC 7296 key schedule shape", "[ike-protocol]") {
    Prf prf(PRF_HMAC_SHA2_256);
    Bytes key(32, 0x0b), seed{'s', 'e', 'e', 'd'};
    Bytes out = prf.plus(key, seed, 100);
    CHECK(out.size() == 100);
    // T1 = prf(K, S | 0x01); T2 = prf(K, T1 | S | 0x02)
    Bytes s1 = seed;
    s1.push_back(1);
    Bytes t1 = prf(key, s1);
    CHECK(Bytes(out.begin(), out.begin() + 32) == t1);
    Bytes s2 = t1;
    s2.insert(s2.end(), seed.begin(), seed.end());
    s2.push_back(2);
    CHECK(Bytes(out.begin() + 32, out.begin() + 64) == prf(key, s2));
    // RFC 4231 test case 1 (HMAC-SHA-256)
    Bytes k1(20, 0x0b);
    std::string hi = "Hi There";
    CHECK(hex(prf(k1, Bytes(hi.begin(), hi.end()))) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST_CASE("ike-protocol: DH exchange agrees for every group, bad values refused", "[ike-protocol]") {
    for (uint16_t g : {1, 2, 5, 14, 19, 20, 21, 25, 26, 27, 28, 29, 30, 31, 32}) {
        auto a = DhKey::generate(g), b = DhKey::generate(g);
        REQUIRE(a);
        REQUIRE(b);
        auto sa = a->derive(b->public_value()), sb = b->derive(a->public_value());
        REQUIRE(sa);
        REQUIRE(sb);
        CHECK(sa->bytes() == sb->bytes());
        CHECK_FALSE(a->derive(Bytes(3, 1)));
        if (g >= 19 && g <= 30 && g != 22 && g != 23 && g != 24) // a point off the curve
            CHECK_FALSE(a->derive(Bytes(b->public_value().size(), 0x01)));
    }
    CHECK_FALSE(DhKey::generate(99));
}

TEST_CASE("ike-protocol: retransmission backoff doubles and gives up", "[ike-protocol]") {
    RetransmitPolicy p;
    p.base = Millis(1000);
    p.max_tries = 4;
    Outstanding o;
    TimePoint t{};
    o.start(Bytes{1}, t, p);
    CHECK(o.tick(t + Millis(999), p) == Outstanding::Tick::idle);
    CHECK(o.tick(t + Millis(1000), p) == Outstanding::Tick::resend); // after 1 s
    CHECK(o.tick(t + Millis(2999), p) == Outstanding::Tick::idle);
    CHECK(o.tick(t + Millis(3000), p) == Outstanding::Tick::resend); // then 2 s
    CHECK(o.tick(t + Millis(7000), p) == Outstanding::Tick::resend); // then 4 s
    CHECK(o.tick(t + Millis(15000), p) == Outstanding::Tick::give_up);
    CHECK_FALSE(o.active());
}

TEST_CASE("ike-protocol: key export lines in Wireshark formats", "[ike-protocol]") {
    EspKeyRecord e;
    e.src = "10.99.0.1";
    e.dst = "10.99.0.2";
    e.spi = 0x7461ebb1;
    e.encr_name = "AES-GCM with 16 octet ICV [RFC4106]";
    e.encr_key = {0x37, 0xeb, 0xc8, 0x23};
    e.integ_name = "NULL";
    CHECK(KeyExport::esp_line(e) ==
          R"("IPv4","10.99.0.1","10.99.0.2","0x7461ebb1","AES-GCM with 16 octet ICV [RFC4106]","0x37ebc823","NULL","")");
    IkeKeyRecord i;
    i.spi_i = 0x50fd7f0a2946bd5e;
    i.spi_r = 0x93e6187935a7992a;
    i.sk_ei = {1, 2};
    i.sk_er = {3};
    i.encr_name = "AES-GCM-256 with 16 octet ICV [RFC5282]";
    i.integ_name = "NONE [RFC4306]";
    CHECK(KeyExport::ike_line(i) ==
          R"(50fd7f0a2946bd5e,93e6187935a7992a,0102,03,"AES-GCM-256 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]")");
}
