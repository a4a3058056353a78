// ike-protocol: units of the protocol layer (selectors, proposals, the
// payload view over ike_codec, keys).
#include <catch2/catch.hpp>

#include "sa/gateway_config.h"
#include "sa/ike_sa.h"
#include "sa/key_export.h"
#include "sa/retransmit.h"
#include "sa/traffic_selector.h"
#include "sa/payloads.h"
#include "codec/message.h"
#include "crypto/sk_cipher.h"

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

TEST_CASE("ike-protocol: payload view round trip through ike_codec, malformed input", "[ike-protocol]") {
    Payloads p;
    PeerCfg cfg;
    cfg.suites = {*parse_ike_suite("aes256gcm-prfsha384"), *parse_ike_suite("aes128-sha256")};
    cfg.dh_groups = {19, 14};
    p.sa = ike_proposals(cfg);
    p.ke = KePl{19, Bytes(64, 7)};
    p.nonce = Bytes(32, 9);
    p.add(N_NAT_DETECTION_SOURCE_IP, Bytes(20, 1));
    p.add(N_COOKIE, Bytes(16, 3));
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
    CHECK(d.version == 0x20);
    Payloads q = decode_plain(msg);
    REQUIRE(q.sa);
    REQUIRE(q.sa->size() == 2);
    CHECK((*q.sa)[0].transforms == (*p.sa)[0].transforms);
    CHECK(q.ke->group == 19);
    CHECK(q.nonce == p.nonce);
    CHECK(*q.tsi == *p.tsi);
    CHECK(*q.tsr == *p.tsr);
    CHECK(q.deletes[0].spis == p.deletes[0].spis);
    CHECK(q.find(N_NAT_DETECTION_SOURCE_IP));
    // The same bytes through ike_codec directly: COOKIE first (RFC 7296 2.6),
    // the key length as a TV attribute.
    auto m = ike::codec::decode(msg);
    REQUIRE(m.ok());
    auto* first = std::get_if<ike::codec::NotifyPayload>(&m->payloads.front());
    REQUIRE(first);
    CHECK(first->type == ike::codec::NotifyType::COOKIE);
    auto* sa = m->find<ike::codec::SaPayload>();
    REQUIRE(sa);
    CHECK(sa->proposals[0].transforms[0].key_length == std::optional<uint16_t>(256));
    // every truncation is a clean WireError, never a crash
    for (size_t cut = 0; cut < msg.size(); ++cut) {
        Bytes t(msg.begin(), msg.begin() + static_cast<long>(cut));
        CHECK_THROWS_AS(decode_plain(t), WireError);
    }
    CHECK_THROWS_AS(decode_header(Bytes(10, 0)), WireError);
    // An unknown critical payload is refused with the notify a responder sends.
    Bytes crit = msg;
    crit[16] = 200; // first payload type: unassigned
    crit[28 + 1] |= 0x80;
    try {
        decode_plain(crit);
        FAIL("decoded a message with an unknown critical payload");
    } catch (const WireError& e) {
        CHECK(e.notify == N_UNSUPPORTED_CRITICAL_PAYLOAD);
        CHECK_FALSE(e.integrity());
    }
}

TEST_CASE("ike-protocol: SK payload protects and detects tampering", "[ike-protocol]") {
    for (auto [encr, bits, integ] : {std::tuple<uint16_t, uint16_t, uint16_t>{ENCR_AES_GCM_16, 256, AUTH_NONE},
                                     {ENCR_CHACHA20_POLY1305, 0, AUTH_NONE},
                                     {ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128}}) {
        Bytes ek = random_bytes(encr_key_len(encr, bits));
        Bytes ik = random_bytes(integ_key_len(integ));
        auto out = ike::crypto::make_sk_cipher(encr_id(encr), bits, integ_id(integ), ek, ik);
        auto in = ike::crypto::make_sk_cipher(encr_id(encr), bits, integ_id(integ), ek, ik);
        REQUIRE(out);
        REQUIRE(in);
        Header h;
        h.spi_i = 1;
        h.spi_r = 2;
        h.exchange = IKE_AUTH;
        Payloads p;
        p.add(N_INITIAL_CONTACT);
        p.idi = IdPl{ID_FQDN, Bytes{'g', 'w'}};
        Bytes msg = seal(*out, h, p);
        Payloads q = open(*in, msg);
        CHECK(q.has(N_INITIAL_CONTACT));
        REQUIRE(q.idi);
        CHECK(q.idi->data == p.idi->data);
        msg[msg.size() / 2] ^= 1;
        try {
            open(*in, msg);
            FAIL("a tampered message was accepted");
        } catch (const WireError& e) {
            CHECK(e.integrity()); // dropped silently by the engine (RFC 7296 2.21.2)
        }
    }
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
    CHECK(
        KeyExport::esp_line(e) ==
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
