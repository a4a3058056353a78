// The signature AUTH methods: each key type and method signs and verifies,
// tampering and mismatches fail with a reason, unsupported hashes are refused.
#include <catch2/catch.hpp>

#include "auth/signature.h"
#include "cert_test_util.h"

using namespace ike::auth;
using namespace cert_test;

namespace {

const std::vector<uint8_t> octets{'I', 'K', 'E', 'v', '2', ' ', 's', 'i', 'g', 'n', 'e', 'd'};

AuthValue must_sign(EVP_PKEY* key, SignPolicy policy, std::vector<uint16_t> peer_hashes) {
    std::string error;
    auto v = sign_auth(key, policy, peer_hashes, octets, error);
    INFO(error);
    REQUIRE(v);
    return *v;
}

// The AlgorithmIdentifier inside a method 14 AUTH value.
std::vector<uint8_t> aid_of(const AuthValue& v) { return {v.data.begin() + 1, v.data.begin() + 1 + v.data[0]}; }

} // namespace

TEST_CASE("auth: classic methods follow the key when the peer announced no hashes", "[auth]") {
    auto rsa = rsa_key();
    CHECK(must_sign(rsa.get(), {}, {}).method == M_RSA_SHA1);
    struct {
        const char* curve;
        uint8_t method;
        size_t sig_len;
    } ec[] = {
        {"P-256", M_ECDSA_P256_SHA256, 64}, {"P-384", M_ECDSA_P384_SHA384, 96}, {"P-521", M_ECDSA_P521_SHA512, 132}};
    for (const auto& c : ec) {
        auto k = ec_key(c.curve);
        auto v = must_sign(k.get(), {}, {});
        CHECK(v.method == c.method);
        CHECK(v.data.size() == c.sig_len); // r | s, fixed width (RFC 4754)
        CHECK_FALSE(verify_auth(k.get(), v.method, v.data, octets));
    }
    auto v = must_sign(rsa.get(), {}, {});
    CHECK_FALSE(verify_auth(rsa.get(), v.method, v.data, octets));
    // digital-signature-auth disable: classic even when the peer has RFC 7427.
    CHECK(must_sign(rsa.get(), {false, false}, supported_hashes()).method == M_RSA_SHA1);
}

TEST_CASE("auth: RFC 7427 digital signatures for RSA, RSASSA-PSS and ECDSA with SHA-2", "[auth]") {
    auto rsa = rsa_key();
    for (uint16_t h : supported_hashes()) {
        for (bool pss : {false, true}) {
            auto v = must_sign(rsa.get(), {true, pss}, {h});
            CHECK(v.method == M_DIGITAL_SIGNATURE);
            CHECK(aid_of(v) == algorithm_identifier(rsa.get(), h, pss));
            CHECK_FALSE(verify_auth(rsa.get(), v.method, v.data, octets));
        }
        auto p256 = ec_key("P-256");
        auto v = must_sign(p256.get(), {}, {h});
        CHECK(v.method == M_DIGITAL_SIGNATURE);
        CHECK_FALSE(verify_auth(p256.get(), v.method, v.data, octets));
    }
    // sha256WithRSAEncryption with NULL parameters (RFC 7427 A.1), and rsassaPss with the
    // RSASSA-PSS-params of RFC 4055 3.1 for SHA-256, MGF1-SHA-256, salt 32 (NULL hash
    // parameters, trailer field left at its default), DER encoded by hand.
    std::vector<uint8_t> sha256_rsa{0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                    0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
    CHECK(algorithm_identifier(rsa.get(), H_SHA256, false) == sha256_rsa);
    std::vector<uint8_t> pss256{0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30,
                                0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
                                0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
                                0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20};
    CHECK(algorithm_identifier(rsa.get(), H_SHA256, true) == pss256);
    // The hash matching the curve is preferred when the peer has it.
    auto p384 = ec_key("P-384");
    auto v = must_sign(p384.get(), {}, {H_SHA256, H_SHA384});
    CHECK(aid_of(v) == algorithm_identifier(p384.get(), H_SHA384, false));
    // Only SHA-1 announced: no shared SHA-2 hash, the classic method is used.
    CHECK(must_sign(p384.get(), {}, {H_SHA1}).method == M_ECDSA_P384_SHA384);
}

TEST_CASE("auth: bad signatures, wrong keys and unsupported hashes fail with a reason", "[auth]") {
    auto rsa = rsa_key(), other = rsa_key();
    auto p256 = ec_key("P-256"), p384 = ec_key("P-384");
    auto v = must_sign(rsa.get(), {true, true}, {H_SHA256});
    auto tampered = octets;
    tampered[0] ^= 1;
    CHECK(verify_auth(rsa.get(), v.method, v.data, tampered) == "signature does not verify");
    CHECK(verify_auth(other.get(), v.method, v.data, octets) == "signature does not verify");
    auto bad = v;
    bad.data.back() ^= 0x80;
    CHECK(verify_auth(rsa.get(), bad.method, bad.data, octets));
    // Key type against method.
    CHECK(verify_auth(p256.get(), v.method, v.data, octets) ==
          "signature algorithm does not match the certificate key type");
    auto e = must_sign(p256.get(), {}, {});
    CHECK(*verify_auth(p384.get(), e.method, e.data, octets) ==
          "ECDSA method 9 does not match the certificate key's curve");
    CHECK(verify_auth(p256.get(), e.method, std::vector<uint8_t>(e.data.begin(), e.data.end() - 1), octets));
    CHECK(*verify_auth(rsa.get(), 3, e.data, octets) == "AUTH method 3 is not a supported signature method");
    // Method 14 naming SHA-1 (RSA and ECDSA) is refused as an unsupported hash.
    for (EVP_PKEY* k : {rsa.get(), p256.get()}) {
        auto aid = algorithm_identifier(k, H_SHA1, false);
        std::vector<uint8_t> data{static_cast<uint8_t>(aid.size())};
        data.insert(data.end(), aid.begin(), aid.end());
        data.insert(data.end(), 64, 0x55);
        CHECK(*verify_auth(k, M_DIGITAL_SIGNATURE, data, octets) ==
              "unsupported hash SHA-1 in a digital signature (SHA-2 only)");
    }
    // Malformed method 14 values.
    CHECK(*verify_auth(rsa.get(), M_DIGITAL_SIGNATURE, std::vector<uint8_t>{}, octets) ==
          "truncated digital signature");
    CHECK(*verify_auth(rsa.get(), M_DIGITAL_SIGNATURE, std::vector<uint8_t>{40, 0x30, 0x00}, octets) ==
          "truncated digital signature");
    std::vector<uint8_t> junk{3, 0x04, 0x01, 0x00, 0x11, 0x22};
    CHECK(*verify_auth(rsa.get(), M_DIGITAL_SIGNATURE, junk, octets) ==
          "malformed AlgorithmIdentifier in the digital signature");
}
