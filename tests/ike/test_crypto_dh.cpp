// DH groups through the KE-payload interface: Wycheproof vectors for
// X25519/X448/P-256/384/521, fixed-key known answers computed with OpenSSL's
// low-level BN/EC API for every group, two-party agreement, bad peer values.
#include <catch2/catch.hpp>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>

#include <algorithm>
#include <memory>

#include "codec_test_util.h"
#include "crypto/dh.h"

using namespace ike_test;
using ike::crypto::dh_public_value_bytes;
using ike::crypto::make_dh;
using ike::crypto::make_dh_with_private;

namespace {

const uint16_t kAllGroups[] = {1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
const uint16_t kModpGroups[] = {1, 2, 5, 14, 15, 16, 17, 18, 22, 23, 24};

struct BnFree {
    void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
struct BnCtxFree {
    void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};

Bn bn(std::span<const uint8_t> b) { return Bn(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr)); }
Bytes padded(const BIGNUM* v, std::size_t n) {
    Bytes out(n);
    REQUIRE(BN_bn2binpad(v, out.data(), static_cast<int>(n)) == static_cast<int>(n));
    return out;
}

// The prime of a MODP group, independently of ike_crypto where OpenSSL has
// a function for it; RFC 5114 groups are checked against the RFC's leading
// digits and their structure instead.
Bn modp_prime(uint16_t group) {
    switch (group) {
        case 1:
            return Bn(BN_get_rfc2409_prime_768(nullptr));
        case 2:
            return Bn(BN_get_rfc2409_prime_1024(nullptr));
        case 5:
            return Bn(BN_get_rfc3526_prime_1536(nullptr));
        case 14:
            return Bn(BN_get_rfc3526_prime_2048(nullptr));
        case 15:
            return Bn(BN_get_rfc3526_prime_3072(nullptr));
        case 16:
            return Bn(BN_get_rfc3526_prime_4096(nullptr));
        case 17:
            return Bn(BN_get_rfc3526_prime_6144(nullptr));
        case 18:
            return Bn(BN_get_rfc3526_prime_8192(nullptr));
        default:
            return nullptr;
    }
}

bool named_domain(uint16_t group, Bn& p, Bn& q, Bn& g) {
    const char* name = group == 22 ? "dh_1024_160" : group == 23 ? "dh_2048_224" : "dh_2048_256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("group", const_cast<char*>(name), 0),
                           OSSL_PARAM_construct_end()};
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr),
                                                                    &EVP_PKEY_CTX_free);
    EVP_PKEY* pk = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &pk, EVP_PKEY_KEY_PARAMETERS, params) != 1)
        return false;
    BIGNUM *pp = nullptr, *qq = nullptr, *gg = nullptr;
    const bool ok = EVP_PKEY_get_bn_param(pk, "p", &pp) == 1 && EVP_PKEY_get_bn_param(pk, "q", &qq) == 1 &&
                    EVP_PKEY_get_bn_param(pk, "g", &gg) == 1;
    EVP_PKEY_free(pk);
    p.reset(pp);
    q.reset(qq);
    g.reset(gg);
    return ok;
}

// p, q, g: RFC 2409/3526 safe primes with g = 2, q = (p-1)/2, or RFC 5114.
bool modp_domain(uint16_t group, Bn& p, Bn& q, Bn& g) {
    p = modp_prime(group);
    if (!p) return named_domain(group, p, q, g);
    q.reset(BN_dup(p.get()));
    g.reset(BN_new());
    return BN_sub_word(q.get(), 1) == 1 && BN_rshift1(q.get(), q.get()) == 1 && BN_set_word(g.get(), 2) == 1;
}

Bytes fixed_scalar(std::size_t n, uint8_t seed) {
    Bytes d(n);
    for (std::size_t i = 0; i < n; ++i) d[i] = static_cast<uint8_t>(seed + 37 * i);
    d[0] = 0x01; // below any group order / subgroup order of that length
    return d;
}

const char* curve_name(uint16_t group) {
    switch (group) {
        case 19:
            return "prime256v1";
        case 20:
            return "secp384r1";
        case 21:
            return "secp521r1";
        case 25:
            return "prime192v1";
        case 26:
            return "secp224r1";
        case 27:
            return "brainpoolP224r1";
        case 28:
            return "brainpoolP256r1";
        case 29:
            return "brainpoolP384r1";
        case 30:
            return "brainpoolP512r1";
        default:
            return nullptr;
    }
}

void run_wycheproof_ecdh(const char* file, uint16_t group) {
    const std::size_t field = dh_public_value_bytes(group) / 2;
    int checked = 0, rejected = 0, unrepresentable = 0;
    for_each_wycheproof(load_vectors(file), [&](const ptree&, const ptree& t, const std::vector<std::string>&) {
        const Bytes pub = unhex(t.get<std::string>("public"));
        Bytes priv = unhex(t.get<std::string>("private"));
        // Normalise the big-endian scalar: drop a leading 00 octet.
        while (priv.size() > 1 && priv[0] == 0 && priv.size() > field) priv.erase(priv.begin());
        const std::string result = t.get<std::string>("result");
        auto dh = make_dh_with_private(group, priv);
        INFO(file << " tcId " << t.get<std::string>("tcId"));
        REQUIRE(dh);
        // Anything not an uncompressed point cannot be a KE payload; the
        // raw octets must be refused because of their length.
        if (pub.size() != 1 + 2 * field || pub[0] != 0x04) {
            CHECK_FALSE(dh->shared_secret(pub));
            ++unrepresentable;
            return;
        }
        auto secret = dh->shared_secret(std::span<const uint8_t>(pub).subspan(1));
        if (result == "valid") {
            REQUIRE(secret);
            CHECK(hex(*secret) == t.get<std::string>("shared"));
            ++checked;
        } else if (result == "invalid") {
            CHECK_FALSE(secret);
            ++rejected;
        } else if (secret) {
            CHECK(hex(*secret) == t.get<std::string>("shared"));
        }
    });
    CHECK(checked > 300);
    CHECK(rejected > 5);
    CHECK(unrepresentable > 0);
}

void run_wycheproof_xdh(const char* file, uint16_t group) {
    int checked = 0, zero = 0;
    for_each_wycheproof(load_vectors(file), [&](const ptree&, const ptree& t, const std::vector<std::string>& flags) {
        INFO(file << " tcId " << t.get<std::string>("tcId"));
        auto dh = make_dh_with_private(group, unhex(t.get<std::string>("private")));
        REQUIRE(dh);
        auto secret = dh->shared_secret(unhex(t.get<std::string>("public")));
        const std::string result = t.get<std::string>("result");
        // RFC 8031: an all-zero shared secret must be rejected in IKEv2.
        if (has_flag(flags, "ZeroSharedSecret")) {
            CHECK_FALSE(secret);
            ++zero;
        } else if (result == "invalid") {
            CHECK_FALSE(secret);
        } else {
            REQUIRE(secret);
            CHECK(hex(*secret) == t.get<std::string>("shared"));
            ++checked;
        }
    });
    CHECK(checked > 400);
    CHECK(zero > 5);
}

} // namespace

TEST_CASE("ike-crypto: DH Wycheproof X25519 (group 31)", "[ike-crypto][dh]") {
    run_wycheproof_xdh("x25519_test.json", 31);
}

TEST_CASE("ike-crypto: DH Wycheproof X448 (group 32)", "[ike-crypto][dh]") { run_wycheproof_xdh("x448_test.json", 32); }

// One test case per curve so ctest can run them side by side.
TEST_CASE("ike-crypto: DH Wycheproof ECDH P-256 via KE format (group 19)", "[ike-crypto][dh]") {
    run_wycheproof_ecdh("ecdh_secp256r1_ecpoint_test.json", 19);
}

TEST_CASE("ike-crypto: DH Wycheproof ECDH P-384 via KE format (group 20)", "[ike-crypto][dh]") {
    run_wycheproof_ecdh("ecdh_secp384r1_ecpoint_test.json", 20);
}

TEST_CASE("ike-crypto: DH Wycheproof ECDH P-521 via KE format (group 21)", "[ike-crypto][dh]") {
    run_wycheproof_ecdh("ecdh_secp521r1_ecpoint_test.json", 21);
}

TEST_CASE("ike-crypto: every listed DH group is supported with the KE sizes of its RFC", "[ike-crypto][dh]") {
    const std::pair<uint16_t, std::size_t> sizes[] = {{1, 96},   {2, 128},   {5, 192}, {14, 256}, {15, 384}, {16, 512},
                                                      {17, 768}, {18, 1024}, {19, 64}, {20, 96},  {21, 132}, {22, 128},
                                                      {23, 256}, {24, 256},  {25, 48}, {26, 56},  {27, 56},  {28, 64},
                                                      {29, 96},  {30, 128},  {31, 32}, {32, 56}};
    for (auto [g, n] : sizes) {
        INFO("group " << g);
        CHECK(ike::crypto::dh_supported(g));
        CHECK(dh_public_value_bytes(g) == n);
    }
    CHECK(ike::crypto::dh_supported_groups().size() == 22);
    CHECK_FALSE(make_dh(0));
    CHECK_FALSE(make_dh(3));
    CHECK_FALSE(make_dh(33));
    CHECK_FALSE(make_dh(1024));
}

TEST_CASE("ike-crypto: DH two-party agreement for every group", "[ike-crypto][dh]") {
    for (uint16_t g : kAllGroups) {
        INFO("group " << g);
        auto a = make_dh(g);
        auto b = make_dh(g);
        REQUIRE(a);
        REQUIRE(b);
        const Bytes pa = a->public_value(), pb = b->public_value();
        REQUIRE(pa.size() == dh_public_value_bytes(g));
        REQUIRE(pb.size() == dh_public_value_bytes(g));
        CHECK(pa != pb);
        auto sa = a->shared_secret(pb);
        auto sb = b->shared_secret(pa);
        REQUIRE(sa);
        REQUIRE(sb);
        CHECK(*sa == *sb);
        // MODP/X25519/X448 secrets are as long as the public value, ECP ones
        // are the x coordinate only.
        const bool ecp = g >= 19 && g <= 30 && g != 22 && g != 23 && g != 24;
        CHECK(sa->size() == (ecp ? pa.size() / 2 : pa.size()));
    }
}

TEST_CASE("ike-crypto: RFC 5114 domain parameters (groups 22-24) have the RFC's structure", "[ike-crypto][dh]") {
    std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
    const struct {
        uint16_t group;
        const char* p_prefix;
        int p_bits, q_bits;
    } cases[] = {
        {22, "b10b8f96a080e01d", 1024, 160}, {23, "ad107e1e9123a9d0", 2048, 224}, {24, "87a8e61db4b6663c", 2048, 256}};
    for (const auto& c : cases) {
        INFO("group " << c.group);
        Bn p, q, g;
        REQUIRE(named_domain(c.group, p, q, g));
        CHECK(hex(padded(p.get(), static_cast<std::size_t>(c.p_bits / 8))).rfind(c.p_prefix, 0) == 0);
        CHECK(BN_num_bits(p.get()) == c.p_bits);
        CHECK(BN_num_bits(q.get()) == c.q_bits);
        CHECK(BN_check_prime(p.get(), ctx.get(), nullptr) == 1);
        CHECK(BN_check_prime(q.get(), ctx.get(), nullptr) == 1);
        Bn r(BN_new()), pm1(BN_dup(p.get()));
        REQUIRE(BN_sub_word(pm1.get(), 1) == 1);
        REQUIRE(BN_mod(r.get(), pm1.get(), q.get(), ctx.get()) == 1);
        CHECK(BN_is_zero(r.get()));
        REQUIRE(BN_mod_exp(r.get(), g.get(), q.get(), p.get(), ctx.get()) == 1);
        CHECK(BN_is_one(r.get()));
        // make_dh_with_private(1) exposes the generator ike_crypto uses.
        auto one = make_dh_with_private(c.group, Bytes{1});
        REQUIRE(one);
        CHECK(one->public_value() == padded(g.get(), static_cast<std::size_t>(c.p_bits / 8)));
    }
}

TEST_CASE("ike-crypto: MODP fixed-key known answer against BN_mod_exp", "[ike-crypto][dh]") {
    std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
    for (uint16_t grp : kModpGroups) {
        INFO("group " << grp);
        const std::size_t n = dh_public_value_bytes(grp);
        Bn p, q, g;
        REQUIRE(modp_domain(grp, p, q, g));
        // A 160-bit or 320-bit exponent keeps the 8192-bit group quick.
        const std::size_t x_len = std::min<std::size_t>(static_cast<std::size_t>(BN_num_bytes(q.get())) - 1, 40);
        const Bytes x = fixed_scalar(x_len, static_cast<uint8_t>(grp));
        auto ours = make_dh_with_private(grp, x);
        REQUIRE(ours);
        auto peer = make_dh(grp);
        REQUIRE(peer);
        const Bytes peer_pub = peer->public_value();
        auto secret = ours->shared_secret(peer_pub);
        REQUIRE(secret);
        Bn expect_pub(BN_new()), expect_secret(BN_new());
        REQUIRE(BN_mod_exp(expect_pub.get(), g.get(), bn(x).get(), p.get(), ctx.get()) == 1);
        REQUIRE(BN_mod_exp(expect_secret.get(), bn(peer_pub).get(), bn(x).get(), p.get(), ctx.get()) == 1);
        CHECK(ours->public_value() == padded(expect_pub.get(), n));
        CHECK(Bytes(secret->begin(), secret->end()) == padded(expect_secret.get(), n));
        auto back = peer->shared_secret(ours->public_value());
        REQUIRE(back);
        CHECK(*back == *secret);
    }
}

TEST_CASE("ike-crypto: MODP rejects 0, 1, p-1, p, non-subgroup values and wrong lengths", "[ike-crypto][dh]") {
    for (uint16_t grp : {uint16_t(2), uint16_t(14), uint16_t(22), uint16_t(24)}) {
        INFO("group " << grp);
        const std::size_t n = dh_public_value_bytes(grp);
        Bn p, q, g;
        REQUIRE(modp_domain(grp, p, q, g));
        auto dh = make_dh(grp);
        REQUIRE(dh);
        auto value = [&](long delta) {
            Bn v(BN_dup(p.get()));
            if (delta < 0) BN_sub_word(v.get(), static_cast<BN_ULONG>(-delta));
            return padded(v.get(), n);
        };
        CHECK_FALSE(dh->shared_secret(Bytes(n, 0)));
        Bytes one(n, 0);
        one.back() = 1;
        CHECK_FALSE(dh->shared_secret(one));
        CHECK_FALSE(dh->shared_secret(value(-1)));
        CHECK_FALSE(dh->shared_secret(value(0)));
        CHECK_FALSE(dh->shared_secret(Bytes(n, 0xFF)));
        // p - 2 = -2 is outside the prime-order subgroup of every group here
        // (a non-residue for the safe primes, p = 3 mod 4 and 2 a residue).
        CHECK_FALSE(dh->shared_secret(value(-2)));
        Bytes two(n, 0);
        two.back() = 2;
        CHECK(dh->shared_secret(two).has_value() == (grp == 2 || grp == 14));
        CHECK_FALSE(dh->shared_secret(Bytes(n - 1, 0x55)));
        CHECK_FALSE(dh->shared_secret(Bytes(n + 1, 0x55)));
        CHECK_FALSE(dh->shared_secret({}));
        // Private values outside [1, q-1] are refused.
        CHECK_FALSE(make_dh_with_private(grp, Bytes{0}));
        CHECK_FALSE(make_dh_with_private(grp, padded(q.get(), static_cast<std::size_t>(BN_num_bytes(q.get())))));
    }
}

TEST_CASE("ike-crypto: ECP fixed-key known answer against EC_POINT_mul", "[ike-crypto][dh]") {
    std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
    for (uint16_t grp : {19, 20, 21, 25, 26, 27, 28, 29, 30}) {
        INFO("group " << grp);
        const std::size_t n = dh_public_value_bytes(grp) / 2;
        std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> curve(
            EC_GROUP_new_by_curve_name(OBJ_sn2nid(curve_name(grp))), &EC_GROUP_free);
        REQUIRE(curve);
        const Bytes d = fixed_scalar(static_cast<std::size_t>(BN_num_bytes(EC_GROUP_get0_order(curve.get()))) - 1,
                                     static_cast<uint8_t>(grp));
        auto ours = make_dh_with_private(grp, d);
        REQUIRE(ours);
        auto peer = make_dh(grp);
        REQUIRE(peer);
        const Bytes peer_pub = peer->public_value();
        auto secret = ours->shared_secret(peer_pub);
        REQUIRE(secret);
        // Independent: d * G and d * Q_peer with the low-level EC API.
        auto point_xy = [&](const EC_POINT* pt) {
            Bn x(BN_new()), y(BN_new());
            REQUIRE(EC_POINT_get_affine_coordinates(curve.get(), pt, x.get(), y.get(), ctx.get()) == 1);
            Bytes out = padded(x.get(), n);
            Bytes ybytes = padded(y.get(), n);
            out.insert(out.end(), ybytes.begin(), ybytes.end());
            return out;
        };
        std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> pub(EC_POINT_new(curve.get()), &EC_POINT_free);
        REQUIRE(EC_POINT_mul(curve.get(), pub.get(), bn(d).get(), nullptr, nullptr, ctx.get()) == 1);
        CHECK(ours->public_value() == point_xy(pub.get()));
        std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> q(EC_POINT_new(curve.get()), &EC_POINT_free);
        Bytes oct{0x04};
        oct.insert(oct.end(), peer_pub.begin(), peer_pub.end());
        REQUIRE(EC_POINT_oct2point(curve.get(), q.get(), oct.data(), oct.size(), ctx.get()) == 1);
        std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> shared(EC_POINT_new(curve.get()), &EC_POINT_free);
        REQUIRE(EC_POINT_mul(curve.get(), shared.get(), nullptr, q.get(), bn(d).get(), ctx.get()) == 1);
        const Bytes shared_xy = point_xy(shared.get());
        CHECK(Bytes(secret->begin(), secret->end()) ==
              Bytes(shared_xy.begin(), shared_xy.begin() + static_cast<std::ptrdiff_t>(n)));

        // Off-curve, all-zero (the point at infinity has no x||y form) and
        // wrong-length peer values are refused.
        Bytes bad = peer_pub;
        bad.back() ^= 1;
        CHECK_FALSE(ours->shared_secret(bad));
        CHECK_FALSE(ours->shared_secret(Bytes(2 * n, 0)));
        CHECK_FALSE(ours->shared_secret(Bytes(peer_pub.begin(), peer_pub.end() - 1)));
        Bytes longer = peer_pub;
        longer.push_back(0);
        CHECK_FALSE(ours->shared_secret(longer));
        CHECK_FALSE(make_dh_with_private(grp, Bytes{0}));
    }
}

TEST_CASE("ike-crypto: X25519/X448 fixed-key answer matches the peer's and refuses low-order points",
          "[ike-crypto][dh]") {
    for (uint16_t grp : {31, 32}) {
        const std::size_t n = dh_public_value_bytes(grp);
        auto a = make_dh_with_private(grp, fixed_scalar(n, 3));
        auto b = make_dh_with_private(grp, fixed_scalar(n, 9));
        REQUIRE(a);
        REQUIRE(b);
        CHECK(*a->shared_secret(b->public_value()) == *b->shared_secret(a->public_value()));
        CHECK_FALSE(a->shared_secret(Bytes(n, 0))); // u = 0: all-zero result
        Bytes u1(n, 0);
        u1[0] = 1;
        CHECK_FALSE(a->shared_secret(u1)); // u = 1: all-zero result
        CHECK_FALSE(a->shared_secret(Bytes(n - 1, 9)));
        CHECK_FALSE(make_dh_with_private(grp, Bytes(n - 1, 1)));
    }
}
