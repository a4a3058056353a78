// Known-answer tests: draft-mcgrew-gcm-test-01 ESP packets (esp_gcm_vectors.json) through
// the engine's framing layer (with the vector's IV injected) and through the whole
// inbound path (the engine's IV choice, seq, does not matter when decrypting).
#include <catch2/catch.hpp>

#include "esp/esp_framing.h"
#include "esp_gcm_vectors.h"
#include "esp_test_util.h"
#include "hls_engine.h"

using namespace esp_test;

namespace {

using Vector = GcmEspVector;

std::vector<Vector> load_vectors(unsigned& skipped) {
    return load_gcm_esp_vectors(std::string(ESP_VECTORS_DIR) + "/esp_gcm_vectors.json", skipped);
}

esphls::SaKeys expand(const Bytes& key) {
    ap_uint<256> k = 0;
    for (std::size_t i = 0; i < key.size(); ++i) {
        const int hi = 255 - 8 * int(i);
        k.range(hi, hi - 7) = key[i];
    }
    esphls::SaKeys sk;
    esphls::aes_expand_key(k, key.size() == 32, sk.ks);
    sk.h = esphls::gcm_hash_subkey(sk.ks);
    return sk;
}

ap_uint<64> u64(std::uint64_t v) { return ap_uint<64>(v); }
ap_uint<64> iv64(const Bytes& iv) { return (std::uint64_t(be32(iv.data())) << 32) | be32(iv.data() + 4); }

} // namespace

TEST_CASE("esp: GCM ESP vectors, framing layer both ways (192-bit vector skipped)", "[esp][vectors]") {
    unsigned skipped = 0;
    const auto vectors = load_vectors(skipped);
    REQUIRE(vectors.size() == 15);
    REQUIRE(skipped == 1); // case 7 uses AES-192, which the engine does not offer
    unsigned esn_cases = 0;
    for (const Vector& v : vectors) {
        INFO(v.name);
        esn_cases += v.esn ? 1 : 0;
        const esphls::SaKeys key = expand(v.key);
        const ap_uint<32> salt = be32(v.salt.data());

        // Outbound framing: payload in place, the vector's IV injected.
        std::vector<std::uint8_t> buf(16 + v.plaintext.size() + 3 + 2 + 16 + 8, 0xEE);
        std::copy(v.plaintext.begin(), v.plaintext.end(), buf.begin() + 16);
        const unsigned len = esphls::esp_seal(buf.data(), 0, unsigned(v.plaintext.size()), v.next_header, v.spi,
                                              u64(v.seq), v.esn, iv64(v.iv), key, salt);
        REQUIRE(len == v.packet.size());
        CHECK(to_hex(Bytes(buf.begin(), buf.begin() + len)) == to_hex(v.packet));
        CHECK(buf[len] == 0xEE); // nothing written past the packet

        // Inbound framing: open the printed packet.
        Bytes in = v.packet;
        unsigned plen = 0, nh = 0;
        REQUIRE(esphls::esp_open(in.data(), 0, unsigned(in.size()), u64(v.seq), v.esn, key, salt, plen, nh) ==
                ESP_DROP_OK);
        CHECK(nh == v.next_header);
        CHECK(to_hex(Bytes(in.begin() + 16, in.begin() + 16 + plen)) == to_hex(v.plaintext));

        // The high half of an ESN is authenticated although it is not sent.
        if (v.esn) {
            Bytes again = v.packet;
            CHECK(esphls::esp_open(again.data(), 0, unsigned(again.size()), u64(v.seq ^ (1ull << 32)), true, key, salt,
                                   plen, nh) == ESP_DROP_AUTH_FAIL);
        }
        // Wrong ICV.
        Bytes bad = v.packet;
        bad.back() ^= 1;
        CHECK(esphls::esp_open(bad.data(), 0, unsigned(bad.size()), u64(v.seq), v.esn, key, salt, plen, nh) ==
              ESP_DROP_AUTH_FAIL);
    }
    CHECK(esn_cases >= 10);
}

TEST_CASE("esp: GCM ESP vectors decrypted by the engine's inbound path", "[esp][vectors]") {
    unsigned skipped = 0;
    const auto vectors = load_vectors(skipped);
    esp::HlsEngine engine;
    unsigned handle = 0;
    for (const Vector& v : vectors) {
        INFO(v.name);
        // Transport SA: the vectors' next header is 1, and transport mode hands it back as
        // the IPv4 protocol. The window top sits just below the vector's number so the
        // engine infers the same ESN high half.
        SaConfig sa;
        sa.inbound = true;
        sa.transport = true;
        sa.esn = v.esn;
        sa.spi = v.spi;
        sa.key = v.key;
        std::copy(v.salt.begin(), v.salt.end(), sa.salt.begin());
        sa.dst = {192, 0, 2, std::uint8_t(handle)};
        sa.seq = v.seq - 1;
        REQUIRE(program_sa(engine, handle, sa) == ESP_SA_ERR_NONE);

        Bytes outer = ipv4_packet({198, 51, 100, 7}, sa.dst, 50, v.packet, 0x77);
        const auto r = engine.process(true, 0, outer);
        REQUIRE(int(r.result) == ESP_DROP_OK);
        CHECK(r.sa == handle);
        Bytes want = ipv4_packet({198, 51, 100, 7}, sa.dst, std::uint8_t(v.next_header), v.plaintext, 0x77);
        CHECK(to_hex(r.bytes) == to_hex(want));
        const auto rb = read_sa(engine, handle);
        CHECK(read64(rb, ESP_SA_R_SEQ_LO) == v.seq); // window top advanced to the vector's number
        ++handle;
    }
}
