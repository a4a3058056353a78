#include "auth/x509.h"
#include "auth/der.h"

#include <algorithm>
#include <cstring>

#include <boost/asio/ip/address.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace ike::auth {
namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string openssl_reason() {
    unsigned long e = ERR_peek_last_error();
    ERR_clear_error();
    if (!e) return "no details";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

BioPtr mem_bio(const std::string& text) { return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))); }

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    size_t e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool iequal(std::span<const uint8_t> a, const unsigned char* b, int blen) {
    if (blen < 0 || a.size() != static_cast<size_t>(blen)) return false;
    for (size_t k = 0; k < a.size(); ++k)
        if (std::tolower(a[k]) != std::tolower(b[k])) return false;
    return true;
}

} // namespace

std::vector<X509Ptr> certs_from_pem(const std::string& pem, std::string& error) {
    std::vector<X509Ptr> out;
    BioPtr bio = mem_bio(pem);
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
    ERR_clear_error(); // the read that ended the loop
    if (out.empty()) error = "no PEM certificate (-----BEGIN CERTIFICATE-----) found";
    return out;
}

PkeyPtr key_from_pem(const std::string& pem, std::string& error) {
    BioPtr bio = mem_bio(pem);
    // No password callback: an encrypted key fails instead of prompting.
    PkeyPtr key(PEM_read_bio_PrivateKey(
        bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
    if (!key) error = "no usable PEM private key (encrypted keys are not supported): " + openssl_reason();
    return key;
}

Bytes cert_der(X509* cert) { return der_of(cert, i2d_X509); }

X509Ptr cert_from_der(std::span<const uint8_t> der) {
    const unsigned char* p = der.data();
    X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    ERR_clear_error();
    if (x && p != der.data() + der.size()) return nullptr;
    return x;
}

std::string dn_text(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0,
                       (XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_RFC2253) & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(n));
}

std::string subject_text(X509* cert) { return dn_text(X509_get_subject_name(cert)); }

std::string common_name(X509* cert) {
    X509_NAME* name = X509_get_subject_name(cert);
    int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (at < 0) return {};
    ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

NamePtr parse_dn(const std::string& text, std::string& error) {
    NamePtr name(X509_NAME_new());
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string rdn = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        size_t eq = rdn.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == rdn.size()) {
            error = "'" + rdn + "' is not TYPE=value (a DN is written C=CH, O=Org, CN=name)";
            return nullptr;
        }
        std::string type = trim(rdn.substr(0, eq)), value = trim(rdn.substr(eq + 1));
        if (OBJ_txt2nid(type.c_str()) == NID_undef ||
            !X509_NAME_add_entry_by_txt(name.get(), type.c_str(), MBSTRING_UTF8,
                                        reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0)) {
            ERR_clear_error();
            error = "unknown DN attribute type '" + type + "'";
            return nullptr;
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return name;
}

Bytes dn_der(const X509_NAME* name) {
    const unsigned char* der = nullptr;
    size_t len = 0;
    if (!X509_NAME_get0_der(name, &der, &len)) return {};
    return Bytes(der, der + len);
}

Bytes ca_keyid(X509* ca) {
    Bytes spki = der_of(X509_get_X509_PUBKEY(ca), i2d_X509_PUBKEY);
    Bytes out(20);
    unsigned int len = 0;
    bool ok = !spki.empty() && EVP_Digest(spki.data(), spki.size(), out.data(), &len, EVP_sha1(), nullptr) == 1;
    return ok && len == 20 ? out : Bytes{};
}

TrustStore::TrustStore() : store_(X509_STORE_new()) {}

void TrustStore::add(X509Ptr ca) {
    X509_STORE_add_cert(store_.get(), ca.get()); // takes its own reference
    ERR_clear_error();                           // a duplicate is not an error here
    cas_.push_back(std::move(ca));
}

Bytes TrustStore::certreq() const {
    Bytes out;
    for (const auto& ca : cas_) {
        Bytes h = ca_keyid(ca.get());
        if (std::search(out.begin(), out.end(), h.begin(), h.end()) == out.end())
            out.insert(out.end(), h.begin(), h.end());
    }
    return out;
}

bool TrustStore::requested_by(std::span<const uint8_t> req) const {
    for (const auto& ca : cas_) {
        Bytes h = ca_keyid(ca.get());
        for (size_t at = 0; at + 20 <= req.size(); at += 20)
            if (std::equal(h.begin(), h.end(), req.begin() + static_cast<long>(at))) return true;
    }
    return false;
}

std::optional<std::string> TrustStore::verify(X509* leaf, const std::vector<X509Ptr>& untrusted) const {
    if (cas_.empty()) return "no CA certificate configured";
    struct CtxFree {
        void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
    };
    struct StackFree {
        void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
    };
    std::unique_ptr<STACK_OF(X509), StackFree> chain(sk_X509_new_null());
    for (const auto& c : untrusted) sk_X509_push(chain.get(), c.get());
    std::unique_ptr<X509_STORE_CTX, CtxFree> ctx(X509_STORE_CTX_new());
    if (!ctx || !X509_STORE_CTX_init(ctx.get(), store_.get(), leaf, chain.get())) {
        return "cannot set up verification: " + openssl_reason();
    }
    int ok = X509_verify_cert(ctx.get());
    ERR_clear_error();
    if (ok == 1) return std::nullopt;
    int err = X509_STORE_CTX_get_error(ctx.get());
    int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    std::string who;
    if (X509* bad = X509_STORE_CTX_get_current_cert(ctx.get())) who = " (" + subject_text(bad) + ")";
    return std::string(X509_verify_cert_error_string(err)) + " at depth " + std::to_string(depth) + who;
}

std::optional<std::string> id_matches_cert(uint8_t id_type, std::span<const uint8_t> id, X509* cert) {
    if (id_type == ID_DN) {
        const unsigned char* p = id.data();
        NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(id.size())));
        ERR_clear_error();
        if (!name) return "the DER_ASN1_DN identity does not decode";
        if (X509_NAME_cmp(name.get(), X509_get_subject_name(cert)) == 0) return std::nullopt;
        return "identity " + dn_text(name.get()) + " is not the certificate subject " + subject_text(cert);
    }
    int want = id_type == ID_FQDN                           ? GEN_DNS
               : id_type == ID_RFC822                       ? GEN_EMAIL
               : (id_type == ID_IPV4 || id_type == ID_IPV6) ? GEN_IPADD
                                                            : -1;
    if (want < 0) return "identity type " + std::to_string(id_type) + " cannot be bound to a certificate";
    struct NamesFree {
        void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
    };
    std::unique_ptr<GENERAL_NAMES, NamesFree> names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (names) {
        for (int k = 0; k < sk_GENERAL_NAME_num(names.get()); ++k) {
            const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), k);
            if (g->type != want) continue;
            if (want == GEN_IPADD) {
                const ASN1_OCTET_STRING* ip = g->d.iPAddress;
                if (static_cast<size_t>(ASN1_STRING_length(ip)) == id.size() &&
                    std::memcmp(ASN1_STRING_get0_data(ip), id.data(), id.size()) == 0)
                    return std::nullopt;
            } else {
                const ASN1_IA5STRING* s = want == GEN_DNS ? g->d.dNSName : g->d.rfc822Name;
                if (iequal(id, ASN1_STRING_get0_data(s), ASN1_STRING_length(s))) return std::nullopt;
            }
        }
    }
    return "identity " + id_text(id_type, id) + " is not a subjectAltName of " + subject_text(cert);
}

std::string id_text(uint8_t id_type, std::span<const uint8_t> id) {
    if (id_type == ID_IPV4 && id.size() == 4) {
        boost::asio::ip::address_v4::bytes_type b{id[0], id[1], id[2], id[3]};
        return boost::asio::ip::address_v4(b).to_string();
    }
    if (id_type == ID_IPV6 && id.size() == 16) {
        boost::asio::ip::address_v6::bytes_type b;
        std::copy(id.begin(), id.end(), b.begin());
        return boost::asio::ip::address_v6(b).to_string();
    }
    if (id_type == ID_DN) {
        const unsigned char* p = id.data();
        NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(id.size())));
        ERR_clear_error();
        return name ? dn_text(name.get()) : "(malformed DN)";
    }
    std::string s;
    for (uint8_t c : id) s += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    return s;
}

} // namespace ike::auth

namespace ike::auth {

bool dn_equals(std::span<const uint8_t> der, const std::string& text) {
    std::string error;
    NamePtr want = parse_dn(text, error);
    const unsigned char* p = der.data();
    NamePtr got(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
    ERR_clear_error();
    return want && got && X509_NAME_cmp(want.get(), got.get()) == 0;
}

bool key_matches(X509* cert, EVP_PKEY* key) {
    int r = X509_check_private_key(cert, key);
    ERR_clear_error();
    return r == 1;
}

} // namespace ike::auth
