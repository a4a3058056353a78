// SkCipher: RFC 7634 Appendix B, Wycheproof AES-GCM / ChaCha20-Poly1305
// through the salt || IV nonce split, AES-CBC + HMAC against an independent
// EVP computation, tamper rejection, IV uniqueness.
#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <set>

#include "codec_test_util.h"
#include "crypto/sk_cipher.h"

using namespace ike_test;
using namespace ike::crypto;

namespace {

Bytes pattern(std::size_t n, uint8_t seed) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed * 11 + i * 7);
    return out;
}

Bytes plain_of(const secure_bytes& s) { return Bytes(s.begin(), s.end()); }

// Wycheproof AEAD vectors with 96-bit nonces and 128-bit tags: the first 4
// nonce octets act as the salt, the other 8 as the SK payload IV.
void run_wycheproof_aead(const char* file, EncrId encr) {
    int valid = 0, invalid = 0;
    for_each_wycheproof(load_vectors(file), [&](const ptree& group, const ptree& t, const std::vector<std::string>&) {
        if (group.get<std::string>("ivSize") != "96" || group.get<std::string>("tagSize") != "128") return;
        const Bytes key = unhex(t.get<std::string>("key")), iv = unhex(t.get<std::string>("iv"));
        const uint16_t bits = encr == EncrId::CHACHA20_POLY1305 ? 0 : static_cast<uint16_t>(key.size() * 8);
        if (!encr_supported(encr, bits)) return;
        INFO(file << " tcId " << t.get<std::string>("tcId"));
        Bytes keymat = key;
        keymat.insert(keymat.end(), iv.begin(), iv.begin() + 4);
        auto c = make_sk_cipher(encr, bits, IntegId::NONE, keymat, {});
        REQUIRE(c);
        const Bytes aad = unhex(t.get<std::string>("aad")), msg = unhex(t.get<std::string>("msg"));
        Bytes body(iv.begin() + 4, iv.end());
        const Bytes ct = unhex(t.get<std::string>("ct")), tag = unhex(t.get<std::string>("tag"));
        body.insert(body.end(), ct.begin(), ct.end());
        body.insert(body.end(), tag.begin(), tag.end());
        auto opened = c->open(aad, body);
        if (t.get<std::string>("result") == "valid") {
            auto sealed = c->seal_with_iv(aad, std::span<const uint8_t>(iv).subspan(4), msg);
            REQUIRE(sealed);
            CHECK(*sealed == body);
            REQUIRE(opened);
            CHECK(plain_of(*opened) == msg);
            ++valid;
        } else {
            CHECK_FALSE(opened);
            ++invalid;
        }
    });
    CHECK(valid > 20);
    CHECK(invalid > 10);
}

// AES-CBC then HMAC over prefix | IV | ciphertext, built with other EVP calls.
Bytes ref_cbc_hmac(const EVP_CIPHER* cipher, const Bytes& key, const char* digest, const Bytes& ikey, std::size_t icv,
                   const Bytes& prefix, const Bytes& iv, const Bytes& plain) {
    Bytes body = iv;
    Bytes ct(plain.size() + 16);
    int len = 0, fin = 0;
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    REQUIRE(EVP_EncryptInit_ex(ctx, cipher, nullptr, key.data(), iv.data()) == 1);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    REQUIRE(EVP_EncryptUpdate(ctx, ct.data(), &len, plain.data(), static_cast<int>(plain.size())) == 1);
    REQUIRE(EVP_EncryptFinal_ex(ctx, ct.data() + len, &fin) == 1);
    EVP_CIPHER_CTX_free(ctx);
    ct.resize(static_cast<std::size_t>(len + fin));
    body.insert(body.end(), ct.begin(), ct.end());
    Bytes mac_input = prefix;
    mac_input.insert(mac_input.end(), body.begin(), body.end());
    Bytes mac(64);
    std::size_t mac_len = 0;
    REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, ikey.data(), ikey.size(), mac_input.data(),
                      mac_input.size(), mac.data(), mac.size(), &mac_len) != nullptr);
    body.insert(body.end(), mac.begin(), mac.begin() + static_cast<std::ptrdiff_t>(icv));
    return body;
}

} // namespace

TEST_CASE("ike-crypto: SK ChaCha20-Poly1305 RFC 7634 Appendix B byte exact", "[ike-crypto][sk]") {
    const ptree root = load_vectors("esp_chacha20poly1305_vectors.json");
    int n = 0;
    for (const auto& v : root.get_child("ikev2_vectors")) {
        const ptree& t = v.second;
        auto c = make_sk_cipher(EncrId::CHACHA20_POLY1305, 256, IntegId::NONE, unhex(t.get<std::string>("keymat")), {});
        REQUIRE(c);
        CHECK(c->iv_bytes() == 8);
        CHECK(c->icv_bytes() == 16);
        CHECK(c->block_bytes() == 1);
        const Bytes aad = unhex(t.get<std::string>("aad"));
        auto body =
            c->seal_with_iv(aad, unhex(t.get<std::string>("iv")), unhex(t.get<std::string>("padded_plaintext")));
        REQUIRE(body);
        CHECK(hex(*body) == t.get<std::string>("iv") + t.get<std::string>("ciphertext") + t.get<std::string>("icv"));
        auto opened = c->open(aad, *body);
        REQUIRE(opened);
        CHECK(hex(plain_of(*opened)) == t.get<std::string>("padded_plaintext"));
        ++n;
    }
    CHECK(n == 1);
}

TEST_CASE("ike-crypto: SK AES-GCM-16 against Wycheproof (salt || IV nonce)", "[ike-crypto][sk]") {
    run_wycheproof_aead("aes_gcm_test.json", EncrId::AES_GCM_16);
}

TEST_CASE("ike-crypto: SK ChaCha20-Poly1305 against Wycheproof (salt || IV nonce)", "[ike-crypto][sk]") {
    run_wycheproof_aead("chacha20_poly1305_test.json", EncrId::CHACHA20_POLY1305);
}

TEST_CASE("ike-crypto: SK AEAD round trip, counter IVs, tamper rejection", "[ike-crypto][sk]") {
    for (uint16_t bits : {uint16_t(128), uint16_t(192), uint16_t(256)}) {
        INFO("AES-GCM " << bits);
        auto c = make_sk_cipher(EncrId::AES_GCM_16, bits, IntegId::NONE, pattern(bits / 8 + 4, 1), {});
        REQUIRE(c);
        CHECK(c->is_aead());
        const Bytes prefix = pattern(32, 2), plain = pattern(77, 3);
        std::set<Bytes> ivs;
        for (int i = 0; i < 5; ++i) {
            auto body = c->seal(prefix, plain);
            REQUIRE(body);
            REQUIRE(body->size() == 8 + plain.size() + 16);
            ivs.insert(Bytes(body->begin(), body->begin() + 8));
            auto opened = c->open(prefix, *body);
            REQUIRE(opened);
            CHECK(plain_of(*opened) == plain);
        }
        CHECK(ivs.size() == 5);
        auto body = *c->seal(prefix, plain);
        for (std::size_t i = 0; i < body.size(); i += 7) {
            Bytes bad = body;
            bad[i] ^= 0x01;
            CHECK_FALSE(c->open(prefix, bad));
        }
        Bytes bad_prefix = prefix;
        bad_prefix[5] ^= 0x80;
        CHECK_FALSE(c->open(bad_prefix, body));
        CHECK_FALSE(c->open(prefix, Bytes(body.begin(), body.begin() + 23)));
        // The other direction's key (another object) cannot open it.
        auto other = make_sk_cipher(EncrId::AES_GCM_16, bits, IntegId::NONE, pattern(bits / 8 + 4, 9), {});
        CHECK_FALSE(other->open(prefix, body));
    }
}

TEST_CASE("ike-crypto: SK AES-CBC + HMAC matches an independent EVP computation and rejects tampering",
          "[ike-crypto][sk]") {
    struct Case {
        uint16_t bits;
        IntegId integ;
        const char* digest;
        std::size_t key, icv;
    };
    const Case cases[] = {
        {128, IntegId::HMAC_SHA2_256_128, "SHA256", 32, 16},
        {256, IntegId::HMAC_SHA2_384_192, "SHA384", 48, 24},
        {256, IntegId::HMAC_SHA2_512_256, "SHA512", 64, 32},
        {192, IntegId::HMAC_SHA1_96, "SHA1", 20, 12},
    };
    for (const auto& k : cases) {
        INFO("AES-CBC " << k.bits << " " << k.digest);
        const Bytes ekey = pattern(k.bits / 8, 4), ikey = pattern(k.key, 5);
        auto c = make_sk_cipher(EncrId::AES_CBC, k.bits, k.integ, ekey, ikey);
        REQUIRE(c);
        CHECK_FALSE(c->is_aead());
        CHECK(c->block_bytes() == 16);
        CHECK(c->icv_bytes() == k.icv);
        const Bytes prefix = pattern(32, 6), iv = pattern(16, 7), plain = pattern(64, 8);
        const EVP_CIPHER* cipher = k.bits == 128   ? EVP_aes_128_cbc()
                                   : k.bits == 192 ? EVP_aes_192_cbc()
                                                   : EVP_aes_256_cbc();
        auto body = c->seal_with_iv(prefix, iv, plain);
        REQUIRE(body);
        CHECK(*body == ref_cbc_hmac(cipher, ekey, k.digest, ikey, k.icv, prefix, iv, plain));
        auto opened = c->open(prefix, *body);
        REQUIRE(opened);
        CHECK(plain_of(*opened) == plain);
        auto fresh = c->seal(prefix, plain);
        REQUIRE(fresh);
        CHECK(!std::equal(fresh->begin(), fresh->begin() + 16, body->begin()));
        for (std::size_t i = 0; i < body->size(); ++i) {
            Bytes bad = *body;
            bad[i] ^= 0x40;
            CHECK_FALSE(c->open(prefix, bad));
        }
        for (std::size_t i = 0; i < prefix.size(); ++i) {
            Bytes bad = prefix;
            bad[i] ^= 0x01;
            CHECK_FALSE(c->open(bad, *body));
        }
        CHECK_FALSE(c->open(prefix, Bytes(body->begin(), body->end() - 1)));
        CHECK_FALSE(c->open(prefix, Bytes(16 + k.icv, 0)));
        CHECK_FALSE(c->seal(prefix, pattern(15, 1))); // not block aligned
    }
}

TEST_CASE("ike-crypto: make_sk_cipher refuses inconsistent transforms and key sizes", "[ike-crypto][sk]") {
    CHECK_FALSE(make_sk_cipher(EncrId::AES_GCM_16, 256, IntegId::NONE, pattern(32, 1), {})); // no salt
    CHECK_FALSE(make_sk_cipher(EncrId::AES_GCM_16, 256, IntegId::HMAC_SHA2_256_128, pattern(36, 1), pattern(32, 1)));
    CHECK_FALSE(make_sk_cipher(EncrId::AES_CBC, 256, IntegId::NONE, pattern(32, 1), {}));
    CHECK_FALSE(make_sk_cipher(EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128, pattern(32, 1), pattern(31, 1)));
    CHECK_FALSE(make_sk_cipher(EncrId::AES_CBC, 100, IntegId::HMAC_SHA2_256_128, pattern(13, 1), pattern(32, 1)));
    CHECK_FALSE(make_sk_cipher(EncrId::TRIPLE_DES, 0, IntegId::HMAC_SHA1_96, pattern(24, 1), pattern(20, 1)));
    CHECK_FALSE(make_sk_cipher(EncrId::CHACHA20_POLY1305, 128, IntegId::NONE, pattern(36, 1), {}));
    CHECK(make_sk_cipher(EncrId::CHACHA20_POLY1305, 0, IntegId::NONE, pattern(36, 1), {}));
}
