// Certificates made in the test with OpenSSL: RSA and EC keys, a CA ->
// intermediate -> leaf hierarchy, subjectAltNames, validity windows.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "auth/credentials.h"
#include "auth/x509.h"

namespace cert_test {

using ike::auth::PkeyPtr;
using ike::auth::X509Ptr;

inline PkeyPtr rsa_key(size_t bits = 2048) { return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits)); }
inline PkeyPtr ec_key(const char* curve) { return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve)); }

inline PkeyPtr copy_key(EVP_PKEY* k) {
    EVP_PKEY_up_ref(k);
    return PkeyPtr(k);
}
inline X509Ptr copy_cert(X509* x) {
    X509_up_ref(x);
    return X509Ptr(x);
}

struct CertSpec {
    std::string subject; // "C=CH, O=Test, CN=name"
    std::string san;     // "DNS:a.example,email:u@a.example,IP:10.0.0.1" or empty
    bool ca = false;
    long not_before_s = -3600; // relative to now
    long not_after_s = 30L * 86400;
};

// A certificate for `key` signed by `issuer_key` (issuer: null = self-signed).
inline X509Ptr make_cert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    static long serial = 1;
    X509Ptr x(X509_new());
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), spec.not_before_s);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), spec.not_after_s);
    X509_set_pubkey(x.get(), key);
    std::string error;
    auto name = ike::auth::parse_dn(spec.subject, error);
    REQUIRE(name);
    X509_set_subject_name(x.get(), name.get());
    X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name.get());
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : x.get(), x.get(), nullptr, nullptr, 0);
    auto add = [&](int nid, const std::string& value) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
        REQUIRE(ext);
        X509_add_ext(x.get(), ext, -1);
        X509_EXTENSION_free(ext);
    };
    add(NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add(NID_key_usage, spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    add(NID_subject_key_identifier, "hash");
    if (issuer) add(NID_authority_key_identifier, "keyid");
    if (!spec.san.empty()) add(NID_subject_alt_name, spec.san);
    REQUIRE(X509_sign(x.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    return x;
}

inline std::string pem_of(X509* x) {
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    char* d = nullptr;
    long n = BIO_get_mem_data(b, &d);
    std::string s(d, static_cast<size_t>(n));
    BIO_free(b);
    return s;
}
inline std::string pem_of(EVP_PKEY* k) {
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
    char* d = nullptr;
    long n = BIO_get_mem_data(b, &d);
    std::string s(d, static_cast<size_t>(n));
    BIO_free(b);
    return s;
}

// A CA and an intermediate under it; leaves are issued by the intermediate.
struct Pki {
    PkeyPtr root_key, inter_key;
    X509Ptr root, inter;
    explicit Pki(const std::string& org = "Test", bool ec = false)
        : root_key(ec ? ec_key("P-384") : rsa_key()), inter_key(ec ? ec_key("P-256") : rsa_key()) {
        root = make_cert({"C=CH, O=" + org + ", CN=" + org + " Root CA", "", true, -3600, 3650L * 86400},
                         root_key.get(), nullptr, nullptr);
        inter = make_cert({"C=CH, O=" + org + ", CN=" + org + " Intermediate CA", "", true, -3600, 365L * 86400},
                          inter_key.get(), root.get(), root_key.get());
    }
    X509Ptr leaf(EVP_PKEY* key, const std::string& cn, const std::string& san, long not_after_s = 30L * 86400,
                 long not_before_s = -3600) const {
        return make_cert({"C=CH, O=Test, CN=" + cn, san, false, not_before_s, not_after_s}, key, inter.get(),
                         inter_key.get());
    }
    std::shared_ptr<ike::auth::TrustStore> trust() const {
        auto t = std::make_shared<ike::auth::TrustStore>();
        t->add(copy_cert(root.get()));
        return t;
    }
    // Credentials for a leaf of this PKI that trusts `peer_ca` (null: this PKI).
    std::shared_ptr<ike::auth::Credentials> credentials(EVP_PKEY* key, X509Ptr leaf_cert,
                                                        std::shared_ptr<ike::auth::TrustStore> peer_ca = {}) const {
        auto c = std::make_shared<ike::auth::Credentials>();
        c->chain.push_back(std::move(leaf_cert));
        c->chain.push_back(copy_cert(inter.get()));
        c->key = copy_key(key);
        c->trust = peer_ca ? peer_ca : trust();
        return c;
    }
};

} // namespace cert_test
