// Chains against configured CAs (X509_verify_cert), CERTREQ hashes, and the
// binding of each IKE ID type to a certificate.
#include <catch2/catch.hpp>

#include "cert_test_util.h"

using namespace ike::auth;
using namespace cert_test;

namespace {

std::vector<X509Ptr> chain_of(X509* inter) {
    std::vector<X509Ptr> v;
    v.push_back(copy_cert(inter));
    return v;
}

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> bytes4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return {a, b, c, d}; }

} // namespace

TEST_CASE("auth: chains verify to the configured CA only, in their validity window", "[auth]") {
    Pki pki("Alpha"), other("Beta", true);
    auto key = ec_key("P-256");
    auto leaf = pki.leaf(key.get(), "gw", "DNS:gw.example");
    auto trust = pki.trust();
    CHECK_FALSE(trust->verify(leaf.get(), chain_of(pki.inter.get())));
    // Without the intermediate the chain does not reach the root.
    auto missing = trust->verify(leaf.get(), {});
    REQUIRE(missing);
    CHECK_THAT(*missing, Catch::Contains("unable to get local issuer certificate"));
    // Another CA.
    auto wrong = other.trust()->verify(leaf.get(), chain_of(pki.inter.get()));
    REQUIRE(wrong);
    CHECK_THAT(*wrong, Catch::Contains("unable to get local issuer certificate"));
    // Expired and not yet valid.
    auto expired = pki.leaf(key.get(), "old", "", -60, -7200);
    CHECK_THAT(*trust->verify(expired.get(), chain_of(pki.inter.get())), Catch::Contains("certificate has expired"));
    auto future = pki.leaf(key.get(), "new", "", 7200, 3600);
    CHECK_THAT(*trust->verify(future.get(), chain_of(pki.inter.get())), Catch::Contains("not yet valid"));
    // A leaf signed by a key (of the issuer's type) that is not its issuer's.
    auto rogue = rsa_key();
    auto forged = make_cert({"C=CH, O=Test, CN=forged", "", false}, key.get(), pki.inter.get(), rogue.get());
    CHECK_THAT(*trust->verify(forged.get(), chain_of(pki.inter.get())), Catch::Contains("signature failure"));
    CHECK(TrustStore().verify(leaf.get(), {}) == "no CA certificate configured");
}

TEST_CASE("auth: CERTREQ carries the SHA-1 of each CA's public key", "[auth]") {
    Pki pki("Alpha"), other("Beta", true);
    auto trust = pki.trust();
    auto req = trust->certreq();
    REQUIRE(req.size() == 20);
    // SHA-1 of the SubjectPublicKeyInfo DER, computed independently.
    unsigned char* spki = nullptr;
    int n = i2d_PUBKEY(X509_get0_pubkey(pki.root.get()), &spki);
    std::vector<uint8_t> want(20);
    unsigned len = 0;
    EVP_Digest(spki, static_cast<size_t>(n), want.data(), &len, EVP_sha1(), nullptr);
    OPENSSL_free(spki);
    CHECK(req == want);
    CHECK(trust->requested_by(req));
    CHECK_FALSE(trust->requested_by(other.trust()->certreq()));
    trust->add(copy_cert(other.root.get()));
    CHECK(trust->certreq().size() == 40);
}

TEST_CASE("auth: each ID type is checked against subjectAltName or the subject DN", "[auth]") {
    Pki pki;
    auto key = rsa_key();
    auto leaf = pki.leaf(key.get(), "gw.example", "DNS:gw.example,email:admin@gw.example,IP:192.0.2.7,IP:2001:db8::7");
    CHECK_FALSE(id_matches_cert(ID_FQDN, bytes("gw.example"), leaf.get()));
    CHECK_FALSE(id_matches_cert(ID_FQDN, bytes("GW.Example"), leaf.get()));
    CHECK(id_matches_cert(ID_FQDN, bytes("other.example"), leaf.get()));
    CHECK_FALSE(id_matches_cert(ID_RFC822, bytes("admin@gw.example"), leaf.get()));
    CHECK(id_matches_cert(ID_RFC822, bytes("root@gw.example"), leaf.get()));
    CHECK_FALSE(id_matches_cert(ID_IPV4, bytes4(192, 0, 2, 7), leaf.get()));
    CHECK(id_matches_cert(ID_IPV4, bytes4(192, 0, 2, 8), leaf.get()));
    std::vector<uint8_t> v6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
    CHECK_FALSE(id_matches_cert(ID_IPV6, v6, leaf.get()));
    v6[15] = 8;
    CHECK(id_matches_cert(ID_IPV6, v6, leaf.get()));
    // The CN is not a subjectAltName: an FQDN equal to it does not bind.
    auto no_san = pki.leaf(key.get(), "cn-only.example", "");
    CHECK_THAT(*id_matches_cert(ID_FQDN, bytes("cn-only.example"), no_san.get()),
               Catch::Contains("is not a subjectAltName"));
    // DER_ASN1_DN: the subject, attribute by attribute.
    std::string error;
    auto dn = dn_der(X509_get_subject_name(leaf.get()));
    CHECK_FALSE(id_matches_cert(ID_DN, dn, leaf.get()));
    CHECK(dn_equals(dn, "C=CH, O=Test, CN=gw.example"));
    CHECK_FALSE(dn_equals(dn, "C=CH, O=Test, CN=other"));
    auto other_dn = parse_dn("C=CH, O=Test, CN=other", error);
    CHECK_THAT(*id_matches_cert(ID_DN, dn_der(other_dn.get()), leaf.get()),
               Catch::Contains("is not the certificate subject"));
    CHECK(id_matches_cert(ID_DN, std::vector<uint8_t>{0x30, 0x03, 0x01}, leaf.get()) ==
          "the DER_ASN1_DN identity does not decode");
    CHECK(id_matches_cert(11, bytes("keyid"), leaf.get()));
    CHECK_FALSE(parse_dn("C=CH, garbage", error));
    CHECK_FALSE(parse_dn("XYZ=1", error));
    CHECK(error == "unknown DN attribute type 'XYZ'");
}
