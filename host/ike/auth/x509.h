// X.509 certificates and keys as IKE_AUTH needs them (RFC 7296 3.6, 3.7):
// PEM loading, chain verification against configured CAs (X509_verify_cert),
// CERTREQ CA hashes, and the binding of an IKE identity to a certificate.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace ike::auth {

using Bytes = std::vector<uint8_t>;

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct StoreFree {
    void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct NameFree {
    void operator()(X509_NAME* n) const { X509_NAME_free(n); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using StorePtr = std::unique_ptr<X509_STORE, StoreFree>;
using NamePtr = std::unique_ptr<X509_NAME, NameFree>;

// Every certificate in a PEM text, in order; `error` says why none was read.
std::vector<X509Ptr> certs_from_pem(const std::string& pem, std::string& error);
// A private key (unencrypted PKCS#8 or traditional PEM); null with `error`.
PkeyPtr key_from_pem(const std::string& pem, std::string& error);

Bytes cert_der(X509* cert);
X509Ptr cert_from_der(std::span<const uint8_t> der); // null if malformed (or trailing octets)
std::string subject_text(X509* cert);                // "C=CH, O=Org, CN=name"
std::string common_name(X509* cert);                 // first CN, empty if none

// "C=CH, O=Org, CN=gw" -> X509_NAME; null with `error` when malformed.
NamePtr parse_dn(const std::string& text, std::string& error);
Bytes dn_der(const X509_NAME* name);
std::string dn_text(const X509_NAME* name);

// SHA-1 of a CA's SubjectPublicKeyInfo: one 20-octet entry of a CERTREQ (3.7).
Bytes ca_keyid(X509* ca);

// The trust anchors of a peer: CA certificates (self-signed or not).
class TrustStore {
public:
    TrustStore();
    void add(X509Ptr ca);
    bool empty() const { return cas_.empty(); }
    // CERTREQ data: the CA key hashes concatenated.
    Bytes certreq() const;
    // Whether one of our CAs has one of the 20-octet hashes in `certreq`.
    bool requested_by(std::span<const uint8_t> certreq) const;
    // Verifies `leaf` up to one of our CAs with `untrusted` intermediates at
    // the current time; nullopt when it holds, else OpenSSL's reason.
    std::optional<std::string> verify(X509* leaf, const std::vector<X509Ptr>& untrusted) const;

private:
    StorePtr store_;
    std::vector<X509Ptr> cas_;
};

// IKEv2 ID types used with certificates (RFC 7296 3.5).
enum IdKind : uint8_t { ID_IPV4 = 1, ID_FQDN = 2, ID_RFC822 = 3, ID_IPV6 = 5, ID_DN = 9 };

// nullopt when `cert` vouches for the ID (subject DN for DER_ASN1_DN, else
// the matching subjectAltName entry); otherwise why not.
std::optional<std::string> id_matches_cert(uint8_t id_type, std::span<const uint8_t> id_data, X509* cert);
// Printable form of an ID for logs.
std::string id_text(uint8_t id_type, std::span<const uint8_t> id_data);

} // namespace ike::auth

namespace ike::auth {
// Whether a DER_ASN1_DN identity names the DN written as `text`.
bool dn_equals(std::span<const uint8_t> der, const std::string& text);
// Whether `key` is the private half of `cert`'s public key.
bool key_matches(X509* cert, EVP_PKEY* key);
} // namespace ike::auth
