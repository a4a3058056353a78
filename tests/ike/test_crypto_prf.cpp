// PRFs, prf+, IKE/Child SA key derivation, PSK AUTH, NAT hashes, transform
// tables. Independent answers come from Wycheproof, RFC 2202/4231 and
// OpenSSL's one-shot EVP_Q_mac / EVP_Q_digest.
#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <cstring>

#include "codec_test_util.h"
#include "crypto/key_derivation.h"
#include "crypto/prf.h"
#include "crypto/transforms.h"

using namespace ike_test;
using namespace ike::crypto;

namespace {

const char* digest_of(PrfId id) {
    switch (id) {
        case PrfId::HMAC_SHA1:
            return "SHA1";
        case PrfId::HMAC_SHA2_256:
            return "SHA256";
        case PrfId::HMAC_SHA2_384:
            return "SHA384";
        default:
            return "SHA512";
    }
}

// Reference HMAC through a different OpenSSL entry point.
Bytes ref_hmac(PrfId id, std::span<const uint8_t> key, std::span<const uint8_t> data) {
    Bytes out(64);
    std::size_t len = 0;
    static const uint8_t none = 0;
    REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, digest_of(id), nullptr, key.empty() ? &none : key.data(), key.size(),
                      data.data(), data.size(), out.data(), out.size(), &len) != nullptr);
    out.resize(len);
    return out;
}

// prf+ spelled out as in RFC 7296 2.13 with the reference HMAC.
Bytes ref_prf_plus(PrfId id, std::span<const uint8_t> key, std::span<const uint8_t> seed, std::size_t n) {
    Bytes out, t;
    for (uint8_t i = 1; out.size() < n; ++i) {
        Bytes msg = t;
        msg.insert(msg.end(), seed.begin(), seed.end());
        msg.push_back(i);
        t = ref_hmac(id, key, msg);
        out.insert(out.end(), t.begin(), t.end());
    }
    out.resize(n);
    return out;
}

Bytes b(const secure_bytes& s) { return Bytes(s.begin(), s.end()); }
Bytes cat(std::initializer_list<std::span<const uint8_t>> parts) {
    Bytes out;
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}
Bytes be64(uint64_t v) {
    Bytes out(8);
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
    return out;
}
Bytes pattern(std::size_t n, uint8_t seed) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed * 7 + i * 13);
    return out;
}

void run_wycheproof_hmac(const char* file, PrfId id) {
    int valid = 0, invalid = 0;
    for_each_wycheproof(load_vectors(file), [&](const ptree& group, const ptree& t, const std::vector<std::string>&) {
        INFO(file << " tcId " << t.get<std::string>("tcId"));
        const std::size_t tag_bytes = std::stoul(group.get<std::string>("tagSize")) / 8;
        auto mac = prf(id, unhex(t.get<std::string>("key")), unhex(t.get<std::string>("msg")));
        REQUIRE(mac);
        const Bytes tag = unhex(t.get<std::string>("tag"));
        const bool match = equal_ct(std::span<const uint8_t>(*mac).first(tag_bytes), tag);
        if (t.get<std::string>("result") == "valid") {
            CHECK(match);
            ++valid;
        } else {
            CHECK_FALSE(match);
            ++invalid;
        }
    });
    CHECK(valid > 50);
    CHECK(invalid > 50);
}

} // namespace

TEST_CASE("ike-crypto: PRF HMAC-SHA2 Wycheproof", "[ike-crypto][prf]") {
    run_wycheproof_hmac("hmac_sha256_test.json", PrfId::HMAC_SHA2_256);
    run_wycheproof_hmac("hmac_sha384_test.json", PrfId::HMAC_SHA2_384);
    run_wycheproof_hmac("hmac_sha512_test.json", PrfId::HMAC_SHA2_512);
}

TEST_CASE("ike-crypto: PRF RFC 2202 / RFC 4231 test case vectors", "[ike-crypto][prf]") {
    const Bytes key1(20, 0x0b);
    const std::string hi = "Hi There";
    const Bytes msg1(hi.begin(), hi.end());
    CHECK(hex(*prf(PrfId::HMAC_SHA1, key1, msg1)) == "b617318655057264e28bc0b6fb378c8ef146be00");
    const std::string jefe = "Jefe", what = "what do ya want for nothing?";
    CHECK(hex(*prf(PrfId::HMAC_SHA2_256, Bytes(jefe.begin(), jefe.end()), Bytes(what.begin(), what.end()))) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK_FALSE(prf(PrfId::HMAC_MD5, key1, msg1));
    CHECK_FALSE(prf(PrfId::AES128_XCBC, key1, msg1));
}

TEST_CASE("ike-crypto: prf+ equals the RFC 7296 2.13 loop and stops at 255 blocks", "[ike-crypto][prf]") {
    for (PrfId id : {PrfId::HMAC_SHA1, PrfId::HMAC_SHA2_256, PrfId::HMAC_SHA2_384, PrfId::HMAC_SHA2_512}) {
        const std::size_t block = *prf_output_bytes(id);
        const Bytes key = pattern(block, 1), seed = pattern(77, 2);
        for (std::size_t n :
             {std::size_t(0), std::size_t(1), block - 1, block, block + 1, 3 * block + 5, 255 * block}) {
            INFO("prf " << static_cast<int>(id) << " length " << n);
            auto out = prf_plus(id, key, seed, n);
            REQUIRE(out);
            CHECK(b(*out) == ref_prf_plus(id, key, seed, n));
        }
        CHECK_FALSE(prf_plus(id, key, seed, 255 * block + 1));
    }
}

TEST_CASE("ike-crypto: IKE SA keys are SKEYSEED and prf+ split per RFC 7296 2.14", "[ike-crypto][keys]") {
    const Bytes ni = pattern(32, 3), nr = pattern(24, 4), gir = pattern(256, 5);
    const uint64_t spi_i = 0x0102030405060708ULL, spi_r = 0xA1A2A3A4A5A6A7A8ULL;
    struct Case {
        IkeAlgorithms alg;
        std::size_t d, a, e;
    };
    const Case cases[] = {
        {{EncrId::AES_GCM_16, 256, PrfId::HMAC_SHA2_384, IntegId::NONE}, 48, 0, 36},
        {{EncrId::AES_GCM_16, 128, PrfId::HMAC_SHA2_256, IntegId::NONE}, 32, 0, 20},
        {{EncrId::CHACHA20_POLY1305, 0, PrfId::HMAC_SHA2_512, IntegId::NONE}, 64, 0, 36},
        {{EncrId::AES_CBC, 128, PrfId::HMAC_SHA2_256, IntegId::HMAC_SHA2_256_128}, 32, 32, 16},
        {{EncrId::AES_CBC, 256, PrfId::HMAC_SHA1, IntegId::HMAC_SHA2_512_256}, 20, 64, 32},
    };
    for (const auto& c : cases) {
        INFO(transform_name(TransformType::ENCR, static_cast<uint16_t>(c.alg.encr), c.alg.encr_key_bits));
        auto keys = derive_ike_keys_initial(c.alg, gir, ni, nr, spi_i, spi_r);
        REQUIRE(keys);
        const Bytes seed_key = ref_hmac(c.alg.prf, cat({ni, nr}), gir);
        CHECK(b(*skeyseed(c.alg.prf, ni, nr, gir)) == seed_key);
        const Bytes km =
            ref_prf_plus(c.alg.prf, seed_key, cat({ni, nr, be64(spi_i), be64(spi_r)}), 3 * c.d + 2 * c.a + 2 * c.e);
        std::size_t pos = 0;
        auto next = [&](std::size_t n) {
            Bytes out(km.begin() + static_cast<std::ptrdiff_t>(pos), km.begin() + static_cast<std::ptrdiff_t>(pos + n));
            pos += n;
            return out;
        };
        CHECK(b(keys->sk_d) == next(c.d));
        CHECK(b(keys->sk_ai) == next(c.a));
        CHECK(b(keys->sk_ar) == next(c.a));
        CHECK(b(keys->sk_ei) == next(c.e));
        CHECK(b(keys->sk_er) == next(c.e));
        CHECK(b(keys->sk_pi) == next(c.d));
        CHECK(b(keys->sk_pr) == next(c.d));
    }
    // AEAD with an INTEG transform, CBC without one, unknown sizes: refused.
    CHECK_FALSE(derive_ike_keys_initial({EncrId::AES_GCM_16, 256, PrfId::HMAC_SHA2_256, IntegId::HMAC_SHA2_256_128},
                                        gir, ni, nr, 1, 2));
    CHECK_FALSE(
        derive_ike_keys_initial({EncrId::AES_CBC, 256, PrfId::HMAC_SHA2_256, IntegId::NONE}, gir, ni, nr, 1, 2));
    CHECK_FALSE(
        derive_ike_keys_initial({EncrId::AES_GCM_16, 100, PrfId::HMAC_SHA2_256, IntegId::NONE}, gir, ni, nr, 1, 2));
    CHECK_FALSE(
        derive_ike_keys_initial({EncrId::AES_GCM_16, 256, PrfId::AES128_XCBC, IntegId::NONE}, gir, ni, nr, 1, 2));
}

TEST_CASE("ike-crypto: rekeyed IKE SA SKEYSEED uses the old SK_d (RFC 7296 2.18)", "[ike-crypto][keys]") {
    const Bytes old_d = pattern(48, 6), gir = pattern(97, 7), ni = pattern(32, 8), nr = pattern(32, 9);
    auto s = skeyseed_rekey(PrfId::HMAC_SHA2_384, old_d, gir, ni, nr);
    REQUIRE(s);
    CHECK(b(*s) == ref_hmac(PrfId::HMAC_SHA2_384, old_d, cat({gir, ni, nr})));
}

TEST_CASE("ike-crypto: Child SA KEYMAT with and without PFS (RFC 7296 2.17)", "[ike-crypto][keys]") {
    const Bytes sk_d = pattern(32, 10), ni = pattern(32, 11), nr = pattern(32, 12), gir = pattern(32, 13);
    for (bool pfs : {false, true}) {
        INFO("pfs " << pfs);
        const std::span<const uint8_t> g = pfs ? std::span<const uint8_t>(gir) : std::span<const uint8_t>();
        auto gcm = derive_child_keys(PrfId::HMAC_SHA2_256, sk_d, {EncrId::AES_GCM_16, 256, IntegId::NONE}, g, ni, nr);
        REQUIRE(gcm);
        const Bytes km = ref_prf_plus(PrfId::HMAC_SHA2_256, sk_d, cat({g, ni, nr}), 72);
        CHECK(b(gcm->encr_i) == Bytes(km.begin(), km.begin() + 36));
        CHECK(gcm->integ_i.empty());
        CHECK(b(gcm->encr_r) == Bytes(km.begin() + 36, km.end()));
        CHECK(gcm->integ_r.empty());

        auto cbc = derive_child_keys(PrfId::HMAC_SHA2_256, sk_d, {EncrId::AES_CBC, 128, IntegId::HMAC_SHA2_256_128}, g,
                                     ni, nr);
        REQUIRE(cbc);
        const Bytes km2 = ref_prf_plus(PrfId::HMAC_SHA2_256, sk_d, cat({g, ni, nr}), 96);
        CHECK(b(cbc->encr_i) == Bytes(km2.begin(), km2.begin() + 16));
        CHECK(b(cbc->integ_i) == Bytes(km2.begin() + 16, km2.begin() + 48));
        CHECK(b(cbc->encr_r) == Bytes(km2.begin() + 48, km2.begin() + 64));
        CHECK(b(cbc->integ_r) == Bytes(km2.begin() + 64, km2.end()));
    }
    auto no_pfs = derive_child_keys(PrfId::HMAC_SHA2_256, sk_d, {}, {}, ni, nr);
    auto with_pfs = derive_child_keys(PrfId::HMAC_SHA2_256, sk_d, {}, gir, ni, nr);
    CHECK(no_pfs->encr_i != with_pfs->encr_i);
}

TEST_CASE("ike-crypto: PSK AUTH value per RFC 7296 2.15", "[ike-crypto][keys]") {
    const std::string psk_text = "correct horse battery staple";
    const Bytes psk(psk_text.begin(), psk_text.end());
    const Bytes msg = pattern(300, 14), nonce = pattern(32, 15), sk_p = pattern(32, 16), id = pattern(20, 17);
    auto auth = psk_auth(PrfId::HMAC_SHA2_256, psk, msg, nonce, sk_p, id);
    REQUIRE(auth);
    const std::string pad = "Key Pad for IKEv2";
    const Bytes inner = ref_hmac(PrfId::HMAC_SHA2_256, psk, Bytes(pad.begin(), pad.end()));
    const Bytes octets = cat({msg, nonce, ref_hmac(PrfId::HMAC_SHA2_256, sk_p, id)});
    CHECK(b(*auth) == ref_hmac(PrfId::HMAC_SHA2_256, inner, octets));
    CHECK(*signed_octets(PrfId::HMAC_SHA2_256, msg, nonce, sk_p, id) == octets);
}

TEST_CASE("ike-crypto: NAT detection hash is SHA-1(SPIi | SPIr | IP | port)", "[ike-crypto][keys]") {
    const Bytes ip{192, 0, 2, 1};
    Bytes expect(20);
    const Bytes data = cat({be64(0x1122334455667788ULL), be64(0), ip, Bytes{0x01, 0xF4}});
    std::size_t len = 0;
    REQUIRE(EVP_Q_digest(nullptr, "SHA1", nullptr, data.data(), data.size(), expect.data(), &len) == 1);
    CHECK(nat_detection_hash(0x1122334455667788ULL, 0, ip, 500) == expect);
    CHECK(nat_detection_hash(1, 2, Bytes(16, 0x20), 4500).size() == 20);
    CHECK(nat_detection_hash(1, 2, Bytes(5, 0), 500).empty());
}

TEST_CASE("ike-crypto: transform tables use strongSwan names and RFC key sizes", "[ike-crypto][transforms]") {
    CHECK(transform_name(TransformType::ENCR, 20, 256) == "AES_GCM_16_256");
    CHECK(transform_name(TransformType::ENCR, 12, 128) == "AES_CBC_128");
    CHECK(transform_name(TransformType::ENCR, 28) == "CHACHA20_POLY1305");
    CHECK(transform_name(TransformType::PRF, 6) == "PRF_HMAC_SHA2_384");
    CHECK(transform_name(TransformType::INTEG, 12) == "HMAC_SHA2_256_128");
    CHECK(transform_name(TransformType::DH, 20) == "ECP_384");
    CHECK(transform_name(TransformType::DH, 31) == "CURVE_25519");
    CHECK(transform_name(TransformType::DH, 28) == "ECP_256_BP");
    CHECK(transform_name(TransformType::ESN, 1) == "EXT_SEQ");
    CHECK(transform_name(TransformType::DH, 99) == "UNKNOWN_99");
    for (auto type :
         {TransformType::ENCR, TransformType::PRF, TransformType::INTEG, TransformType::DH, TransformType::ESN})
        for (uint16_t id = 0; id < 64; ++id) {
            const std::string name = transform_name(type, id);
            if (name.rfind("UNKNOWN_", 0) == 0) {
                CHECK_FALSE(transform_from_name(type, name));
            } else {
                CHECK(transform_from_name(type, name) == id);
            }
        }
    CHECK(encr_keymat_bytes(EncrId::AES_GCM_16, 256) == 36u);
    CHECK(encr_keymat_bytes(EncrId::AES_GCM_16, 128) == 20u);
    CHECK(encr_keymat_bytes(EncrId::CHACHA20_POLY1305, 0) == 36u);
    CHECK(encr_keymat_bytes(EncrId::AES_CBC, 192) == 24u);
    CHECK(encr_keymat_bytes(EncrId::AES_CCM_16, 128) == 19u);
    CHECK_FALSE(encr_keymat_bytes(EncrId::AES_CBC, 0));
    CHECK(integ_key_bytes(IntegId::HMAC_SHA2_384_192) == 48u);
    CHECK(integ_icv_bytes(IntegId::HMAC_SHA2_384_192) == 24u);
    CHECK(integ_icv_bytes(IntegId::HMAC_SHA2_512_256) == 32u);
    CHECK(integ_icv_bytes(IntegId::HMAC_SHA1_96) == 12u);
    CHECK(encr_is_aead(EncrId::CHACHA20_POLY1305));
    CHECK_FALSE(encr_is_aead(EncrId::AES_CBC));
}

TEST_CASE("ike-crypto: secure_bytes wipes, equal_ct compares", "[ike-crypto][secure]") {
    uint8_t buf[32];
    std::memset(buf, 0xAB, sizeof buf);
    secure_wipe(buf, sizeof buf);
    for (uint8_t v : buf) CHECK(v == 0);
    CHECK(equal_ct(Bytes{1, 2, 3}, Bytes{1, 2, 3}));
    CHECK_FALSE(equal_ct(Bytes{1, 2, 3}, Bytes{1, 2, 4}));
    CHECK_FALSE(equal_ct(Bytes{1, 2, 3}, Bytes{1, 2}));
    Bytes r1(32), r2(32);
    CHECK(random_bytes(r1));
    CHECK(random_bytes(r2));
    CHECK(r1 != r2);
}
