// AES-GCM through the streaming HLS API: Wycheproof, the RFC 4106 ESP vectors, random
// differential checks against OpenSSL EVP, tampering and API edge cases.
#include <catch2/catch.hpp>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <iostream>

#include "gcm.h"
#include "gcm_buffer.h"
#include "hls_test_util.h"

using namespace hls_test;
using boost::property_tree::ptree;
using esphls::block_t;

namespace {

// Integers through the string translator: ptree's get<int> trips GCC 12's
// -Wmaybe-uninitialized inside boost::optional under the sanitizer build.
int get_int(const ptree& node, const char* key) { return std::stoi(node.get<std::string>(key)); }

ptree load_vectors(const std::string& name) {
    ptree root;
    boost::property_tree::read_json(std::string(ESP_VECTORS_DIR) + "/" + name, root);
    return root;
}

Sealed hls_seal(const Bytes& key, const Bytes& iv, const Bytes& aad, const Bytes& pt) {
    Sealed s{{}, Bytes(16)};
    esphls::gcm_seal(key.data(), key.size(), iv.data(), aad, pt, s.ct, s.tag.data());
    return s;
}

bool hls_open(const Bytes& key, const Bytes& iv, const Bytes& aad, const Bytes& ct, const Bytes& tag, Bytes& pt) {
    return esphls::gcm_open(key.data(), key.size(), iv.data(), aad, ct, tag.data(), pt);
}

} // namespace

TEST_CASE("hls: GCM Wycheproof 96-bit IV, AES-128/256", "[hls][gcm][wycheproof]") {
    const ptree root = load_vectors("aes_gcm_test.json");
    int valid = 0;
    int invalid = 0;
    for (const auto& [unused, group] : root.get_child("testGroups")) {
        (void)unused;
        const int key_bits = get_int(group, "keySize");
        if (get_int(group, "ivSize") != 96 || (key_bits != 128 && key_bits != 256)) continue;
        REQUIRE(get_int(group, "tagSize") == 128);
        for (const auto& [unused2, tc] : group.get_child("tests")) {
            (void)unused2;
            const Bytes key = from_hex(tc.get<std::string>("key"));
            const Bytes iv = from_hex(tc.get<std::string>("iv"));
            const Bytes aad = from_hex(tc.get<std::string>("aad"));
            const Bytes msg = from_hex(tc.get<std::string>("msg"));
            const Bytes ct = from_hex(tc.get<std::string>("ct"));
            const Bytes tag = from_hex(tc.get<std::string>("tag"));
            const std::string result = tc.get<std::string>("result");
            INFO("tcId " << get_int(tc, "tcId") << " " << tc.get<std::string>("comment"));
            REQUIRE(key.size() * 8 == static_cast<std::size_t>(key_bits));
            Bytes opened;
            if (result == "valid") {
                const Sealed s = hls_seal(key, iv, aad, msg);
                REQUIRE(to_hex(s.ct) == to_hex(ct));
                REQUIRE(to_hex(s.tag) == to_hex(tag));
                REQUIRE(hls_open(key, iv, aad, ct, tag, opened));
                REQUIRE(opened == msg);
                ++valid;
            } else {
                REQUIRE(result == "invalid"); // no "acceptable" cases exist for 96-bit IVs
                REQUIRE_FALSE(hls_open(key, iv, aad, ct, tag, opened));
                REQUIRE(opened.empty());
                ++invalid;
            }
        }
    }
    std::cout << "hls: Wycheproof AES-GCM (96-bit IV, 128/256-bit keys): " << valid << " valid and " << invalid
              << " invalid cases passed\n";
    // The snapshot in tests/vectors holds 79 valid and 54 invalid such cases.
    REQUIRE(valid == 79);
    REQUIRE(invalid == 54);
}

TEST_CASE("hls: GCM RFC 4106 ESP vectors (McGrew draft)", "[hls][gcm]") {
    const ptree root = load_vectors("esp_gcm_vectors.json");
    int run = 0;
    for (const auto& [unused, v] : root.get_child("vectors")) {
        (void)unused;
        if (get_int(v, "key_bits") == 192) continue; // the engine supports 128 and 256 only
        const Bytes key = from_hex(v.get<std::string>("key"));
        const Bytes nonce = from_hex(v.get<std::string>("nonce"));
        const Bytes aad = from_hex(v.get<std::string>("aad"));
        const Bytes pt = from_hex(v.get<std::string>("padded_plaintext"));
        INFO(v.get<std::string>("name"));
        const Sealed s = hls_seal(key, nonce, aad, pt);
        REQUIRE(to_hex(s.ct) == v.get<std::string>("ciphertext"));
        REQUIRE(to_hex(s.tag) == v.get<std::string>("icv"));
        ++run;
    }
    REQUIRE(run == 15);
}

TEST_CASE("hls: GCM random differential against OpenSSL EVP", "[hls][gcm]") {
    std::mt19937_64 rng(0x6C3D1FF);
    for (std::size_t key_len : {16u, 32u}) {
        // Every short length (block boundaries), then random lengths up to 2000 bytes.
        std::vector<std::size_t> lengths;
        for (std::size_t n = 0; n <= 48; ++n) lengths.push_back(n);
        for (int i = 0; i < 60; ++i) lengths.push_back(rng() % 2001);
        lengths.push_back(2000);
        for (std::size_t n : lengths) {
            const Bytes key = random_bytes(rng, key_len);
            const Bytes iv = random_bytes(rng, 12);
            const Bytes aad = random_bytes(rng, rng() % 65);
            const Bytes pt = random_bytes(rng, n);
            INFO("key_len " << key_len << " pt " << n << " aad " << aad.size());
            const Sealed ref = evp_gcm_seal(key, iv, aad, pt);
            const Sealed got = hls_seal(key, iv, aad, pt);
            REQUIRE(got.ct == ref.ct);
            REQUIRE(got.tag == ref.tag);
            Bytes opened;
            REQUIRE(hls_open(key, iv, aad, ref.ct, ref.tag, opened));
            REQUIRE(opened == pt);
        }
    }
}

TEST_CASE("hls: GCM open rejects any single-bit change", "[hls][gcm]") {
    std::mt19937_64 rng(7);
    for (std::size_t key_len : {16u, 32u}) {
        const Bytes key = random_bytes(rng, key_len);
        const Bytes iv = random_bytes(rng, 12);
        const Bytes aad = random_bytes(rng, 20);
        const Bytes pt = random_bytes(rng, 77);
        const Sealed s = hls_seal(key, iv, aad, pt);
        Bytes out;
        for (int trial = 0; trial < 64; ++trial) {
            Bytes k = key, n = iv, a = aad, c = s.ct, t = s.tag;
            Bytes* target[] = {&k, &n, &a, &c, &t};
            Bytes& victim = *target[trial % 5];
            victim[rng() % victim.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
            REQUIRE_FALSE(hls_open(k, n, a, c, t, out));
            REQUIRE(out.empty());
        }
        // A truncated ciphertext fails too.
        Bytes shorter(s.ct.begin(), s.ct.end() - 1);
        REQUIRE_FALSE(hls_open(key, iv, aad, shorter, s.tag, out));
    }
}

TEST_CASE("hls: GCM streaming block API edge behaviour", "[hls][gcm]") {
    std::mt19937_64 rng(11);
    const Bytes key = random_bytes(rng, 16);
    esphls::AesKeySchedule ks;
    esphls::aes_expand_key(key_word(key), false, ks);
    const block_t h = esphls::gcm_hash_subkey(ks);
    REQUIRE(block_hex(h) == to_hex(evp_aes_ecb(key, Bytes(16, 0))));

    const Bytes iv = random_bytes(rng, 12);
    const ap_uint<96> nonce = ap_uint<96>(esphls::block_from_bytes(iv.data(), 12) >> 32);
    esphls::GcmState st;
    esphls::gcm_start(st, ks, h, nonce);
    REQUIRE(st.counter == 2);
    Bytes j0 = iv;
    j0.insert(j0.end(), {0, 0, 0, 1});
    REQUIRE(block_hex(st.ek_j0) == to_hex(evp_aes_ecb(key, j0)));

    // Bytes past nbytes in the input are ignored and zero in the output, both ways.
    const Bytes pt = random_bytes(rng, 5);
    const block_t garbage_tail = esphls::block_from_bytes(random_bytes(rng, 16).data(), 16);
    const block_t tail_only = garbage_tail & ~esphls::block_keep_bytes(~block_t(0), 5);
    REQUIRE(tail_only != 0);
    const block_t in = esphls::block_from_bytes(pt.data(), 5) | tail_only;
    // An empty call is a no-op, even with garbage input.
    REQUIRE(esphls::gcm_crypt_block(st, ks, tail_only, 0, true) == 0);
    REQUIRE(st.counter == 2);
    REQUIRE(st.ghash == 0);
    const block_t ct = esphls::gcm_crypt_block(st, ks, in, 5, true);
    REQUIRE(esphls::block_keep_bytes(ct, 5) == ct);
    const block_t tag = esphls::gcm_finish(st, 0, 5);
    const Sealed ref = evp_gcm_seal(key, iv, {}, pt);
    Bytes ct_bytes(16);
    esphls::block_to_bytes(ct, ct_bytes.data());
    ct_bytes.resize(5);
    REQUIRE(ct_bytes == ref.ct);
    REQUIRE(block_hex(tag) == to_hex(ref.tag));

    esphls::gcm_start(st, ks, h, nonce);
    const block_t dirty_ct = ct | tail_only;
    const block_t back = esphls::gcm_crypt_block(st, ks, dirty_ct, 5, false);
    REQUIRE(back == esphls::block_from_bytes(pt.data(), 5));
    REQUIRE(esphls::gcm_tag_equal(esphls::gcm_finish(st, 0, 5), tag));
    REQUIRE_FALSE(esphls::gcm_tag_equal(tag, tag ^ block_t(1)));
    REQUIRE_FALSE(esphls::gcm_tag_equal(tag, tag ^ (block_t(1) << 127)));
}

TEST_CASE("hls: GCM host wrappers reject bad arguments", "[hls][gcm]") {
    const Bytes key(24, 1);
    const Bytes iv(12, 0);
    Bytes ct;
    std::uint8_t tag[16];
    REQUIRE_THROWS_AS(esphls::gcm_seal(key.data(), key.size(), iv.data(), {}, {}, ct, tag), std::invalid_argument);
    REQUIRE_THROWS_AS(esphls::gcm_open(key.data(), 0, iv.data(), {}, {}, tag, ct), std::invalid_argument);
    REQUIRE_THROWS_AS(esphls::gcm_seal(key.data(), 16, nullptr, {}, {}, ct, tag), std::invalid_argument);
}

TEST_CASE("hls: beat and block byte orders are mirror images", "[hls][gcm]") {
    // Beat: packet byte i in bits [8i+7:8i]. Block: byte i in bits [127-8i:120-8i].
    esphls::beat_t beat = 0;
    for (int i = 0; i < 16; ++i) beat.range(8 * i + 7, 8 * i) = i + 1;
    const block_t blk = esphls::beat_to_block(beat);
    for (int i = 0; i < 16; ++i) REQUIRE(esphls::block_byte(blk, i) == i + 1);
    REQUIRE(esphls::block_to_beat(blk) == beat);
}
