// Known answers: RFC 7634 Appendix A (ChaCha20-Poly1305 ESP) and the RFC 4106 GCM ESP packets
// (draft-mcgrew-gcm-test-01, AES-128/192/256, with and without ESN), byte-exact both ways.
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <catch2/catch.hpp>

#include "hostpath_test_util.h"

using namespace hostpath;
using namespace hp_test;

namespace {
struct Vec {
    std::string name;
    Bytes key, salt, iv, plaintext, packet;
    uint32_t spi = 0;
    uint64_t seq = 0;
    bool esn = false;
    uint8_t nh = 0;
};
std::vector<Vec> load(const std::string& file) {
    boost::property_tree::ptree root;
    boost::property_tree::read_json(std::string(ESP_VECTORS_DIR) + "/" + file, root);
    std::vector<Vec> out;
    for (const auto& [unused, v] : root.get_child("vectors")) {
        Vec x;
        x.name = v.get<std::string>("name");
        x.key = from_hex(v.get<std::string>("key"));
        x.salt = from_hex(v.get<std::string>("salt"));
        x.iv = from_hex(v.get<std::string>("iv"));
        x.plaintext = from_hex(v.get<std::string>("plaintext"));
        x.packet = from_hex(v.get<std::string>("packet"));
        x.spi = uint32_t(std::stoul(v.get<std::string>("spi"), nullptr, 16));
        x.seq = std::stoull(v.get<std::string>("seq_hex"), nullptr, 16);
        x.esn = v.get<std::string>("esn") == "true";
        x.nh = uint8_t(std::stoul(v.get<std::string>("next_header")));
        out.push_back(x);
    }
    return out;
}

void check_vector(const Vec& v, Cipher c) {
    INFO(v.name);
    Bytes keymat = v.key;
    keymat.insert(keymat.end(), v.salt.begin(), v.salt.end());
    // The vectors' payloads are opaque to the codec (some GCM ones are not consistent IP
    // packets): transport mode, no inner-packet check.
    auto out_p = params(false, c, keymat, Integ::none, {}, v.spi, v.esn, v.seq - 1);
    out_p.tunnel = false;
    auto out = make_sa(out_p);
    Bytes esp;
    REQUIRE(out->seal_with_iv(v.nh, v.plaintext.data(), v.plaintext.size(), v.iv.data(), esp, 0) == Drop::ok);
    CHECK(esp == v.packet);
    CHECK(out->counters().seq == v.seq);

    auto in_p = params(true, c, keymat, Integ::none, {}, v.spi, v.esn, v.seq > 1 ? v.seq - 1 : 0);
    in_p.tunnel = false;
    auto in = make_sa(in_p);
    Bytes pt;
    uint8_t nh = 0;
    REQUIRE(in->open(v.packet.data(), v.packet.size(), pt, nh, 0) == Drop::ok);
    CHECK(pt == v.plaintext);
    CHECK(nh == v.nh);
    CHECK(in->counters().seq == v.seq);
    // The same packet again: a replay.
    CHECK(in->open(v.packet.data(), v.packet.size(), pt, nh, 0) == Drop::replay);
}
} // namespace

TEST_CASE("RFC 7634 Appendix A: ChaCha20-Poly1305 ESP packet, byte-exact", "[hostpath][vectors]") {
    auto vs = load("esp_chacha20poly1305_vectors.json");
    REQUIRE(vs.size() == 1);
    check_vector(vs[0], Cipher::chacha20_poly1305);
    // In tunnel mode too: the payload is an IPv4 ICMP packet (next header 4).
    const Vec& v = vs[0];
    Bytes keymat = v.key;
    keymat.insert(keymat.end(), v.salt.begin(), v.salt.end());
    auto in = make_sa(params(true, Cipher::chacha20_poly1305, keymat, Integ::none, {}, v.spi));
    Bytes pt;
    uint8_t nh = 0;
    REQUIRE(in->open(v.packet.data(), v.packet.size(), pt, nh, 0) == Drop::ok);
    CHECK(pt == v.plaintext);
    CHECK(in->counters().packets == 1);
    CHECK(in->counters().bytes == v.plaintext.size());
}

TEST_CASE("RFC 4106 GCM ESP packets, AES-128/192/256, ESN", "[hostpath][vectors]") {
    auto vs = load("esp_gcm_vectors.json");
    REQUIRE(vs.size() == 16);
    for (const auto& v : vs) check_vector(v, Cipher::aes_gcm);
}

TEST_CASE("AEAD round trips with the sequence number as IV", "[hostpath][vectors]") {
    std::mt19937 rng(7634);
    for (Cipher c : {Cipher::chacha20_poly1305, Cipher::aes_gcm}) {
        for (size_t klen : {size_t(20), size_t(28), size_t(36)}) {
            if (c == Cipher::chacha20_poly1305 && klen != 36) continue;
            Bytes key = random_bytes(rng, klen);
            auto out = make_sa(params(false, c, key, Integ::none, {}, 0x1234));
            auto in = make_sa(params(true, c, key, Integ::none, {}, 0x1234));
            for (size_t len : {0, 1, 2, 3, 61, 1400, 9000}) {
                Bytes inner = ipv4_udp(0x0a000001, 0x0a000002, len);
                Bytes esp, back;
                uint8_t nh = 0;
                REQUIRE(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::ok);
                CHECK((esp.size() - 8 - 8 - 16) % 4 == 0);
                uint64_t seq = out->counters().seq;
                for (int i = 0; i < 8; ++i) CHECK(esp[8 + i] == uint8_t(seq >> (56 - 8 * i))); // IV = seq
                REQUIRE(in->open(esp.data(), esp.size(), back, nh, 0) == Drop::ok);
                CHECK(back == inner);
                CHECK(nh == 4);
            }
        }
    }
}

TEST_CASE("impossible SAs are refused", "[hostpath]") {
    std::string err;
    CHECK(!EspSa::create(params(false, Cipher::null, {}, Integ::none, {}, 1), 0, &err));
    CHECK(err.find("integrity") != std::string::npos);
    CHECK(!EspSa::create(params(false, Cipher::aes_gcm, Bytes(20), Integ::hmac_sha256_128, Bytes(32), 1), 0, &err));
    CHECK(!EspSa::create(params(false, Cipher::aes_cbc, Bytes(17), Integ::hmac_sha256_128, Bytes(32), 1), 0, &err));
    CHECK(!EspSa::create(params(false, Cipher::aes_cbc, Bytes(16), Integ::hmac_sha256_128, Bytes(31), 1), 0, &err));
    CHECK(!EspSa::create(params(false, Cipher::chacha20_poly1305, Bytes(32), Integ::none, {}, 1), 0, &err));
    CHECK(!EspSa::create(params(true, Cipher::aes_gcm, Bytes(20), Integ::none, {}, 1, false, 0, 4097), 0, &err));
    CHECK(EspSa::create(params(true, Cipher::aes_gcm, Bytes(20), Integ::none, {}, 1, false, 0, 4096), 0, &err));
}
