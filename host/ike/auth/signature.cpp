#include "auth/signature.h"
#include "auth/der.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace ike::auth {
namespace {

using Bytes = std::vector<uint8_t>;

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct AlgorFree {
    void operator()(X509_ALGOR* a) const { X509_ALGOR_free(a); }
};
struct PssFree {
    void operator()(RSA_PSS_PARAMS* p) const { RSA_PSS_PARAMS_free(p); }
};
struct SigFree {
    void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using AlgorPtr = std::unique_ptr<X509_ALGOR, AlgorFree>;

enum class Kind { rsa_pkcs1, rsa_pss, ecdsa_der, ecdsa_raw };

// One way of signing: padding/encoding, the digest, and for PSS the salt.
struct Scheme {
    Kind kind = Kind::rsa_pkcs1;
    const EVP_MD* md = nullptr;
    const EVP_MD* mgf1 = nullptr;
    int salt = 0;
};

const EVP_MD* md_of(uint16_t hash) {
    switch (hash) {
        case H_SHA1:
            return EVP_sha1();
        case H_SHA256:
            return EVP_sha256();
        case H_SHA384:
            return EVP_sha384();
        case H_SHA512:
            return EVP_sha512();
        default:
            return nullptr;
    }
}

int md_nid(uint16_t hash) {
    return hash == H_SHA256 ? NID_sha256 : hash == H_SHA384 ? NID_sha384 : hash == H_SHA512 ? NID_sha512 : NID_sha1;
}

// SHA-2 digests by NID; nullptr for anything else (SHA-1 included).
const EVP_MD* sha2_by_nid(int nid) {
    return nid == NID_sha256   ? EVP_sha256()
           : nid == NID_sha384 ? EVP_sha384()
           : nid == NID_sha512 ? EVP_sha512()
                               : nullptr;
}

bool is_rsa(EVP_PKEY* k) { return EVP_PKEY_is_a(k, "RSA"); }
bool is_ec(EVP_PKEY* k) { return EVP_PKEY_is_a(k, "EC"); }

// The classic ECDSA method of an EC key's curve, 0 for other curves.
uint8_t ecdsa_method(EVP_PKEY* k) {
    char name[64] = {};
    size_t len = 0;
    if (!is_ec(k) || !EVP_PKEY_get_group_name(k, name, sizeof name, &len)) return 0;
    int nid = OBJ_sn2nid(name);
    return nid == NID_X9_62_prime256v1 ? M_ECDSA_P256_SHA256
           : nid == NID_secp384r1      ? M_ECDSA_P384_SHA384
           : nid == NID_secp521r1      ? M_ECDSA_P521_SHA512
                                       : 0;
}

size_t ec_field_octets(EVP_PKEY* k) { return static_cast<size_t>((EVP_PKEY_get_bits(k) + 7) / 8); }

bool setup_padding(EVP_PKEY_CTX* pctx, const Scheme& s) {
    if (s.kind != Kind::rsa_pss) return true;
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, s.mgf1) > 0 && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, s.salt) > 0;
}

std::optional<Bytes> sign(EVP_PKEY* key, const Scheme& s, std::span<const uint8_t> octets) {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, s.md, nullptr, key) != 1 || !setup_padding(pctx, s) ||
        EVP_DigestSign(ctx.get(), nullptr, &len, octets.data(), octets.size()) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    Bytes sig(len);
    if (EVP_DigestSign(ctx.get(), sig.data(), &len, octets.data(), octets.size()) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    sig.resize(len);
    if (s.kind != Kind::ecdsa_raw) return sig;
    // RFC 4754: r and s as fixed-width big-endian integers, concatenated.
    const unsigned char* p = sig.data();
    std::unique_ptr<ECDSA_SIG, SigFree> es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
    if (!es) return std::nullopt;
    size_t n = ec_field_octets(key);
    Bytes raw(2 * n);
    if (BN_bn2binpad(ECDSA_SIG_get0_r(es.get()), raw.data(), static_cast<int>(n)) < 0 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(es.get()), raw.data() + n, static_cast<int>(n)) < 0)
        return std::nullopt;
    return raw;
}

std::optional<std::string> verify(EVP_PKEY* key, const Scheme& s, std::span<const uint8_t> sig,
                                  std::span<const uint8_t> octets) {
    Bytes der;
    if (s.kind == Kind::ecdsa_raw) {
        size_t n = ec_field_octets(key);
        if (sig.size() != 2 * n)
            return "ECDSA signature of " + std::to_string(sig.size()) + " octets, expected " + std::to_string(2 * n);
        std::unique_ptr<ECDSA_SIG, SigFree> es(ECDSA_SIG_new());
        BIGNUM* r = BN_bin2bn(sig.data(), static_cast<int>(n), nullptr);
        BIGNUM* sv = BN_bin2bn(sig.data() + n, static_cast<int>(n), nullptr);
        if (!es || !r || !sv || !ECDSA_SIG_set0(es.get(), r, sv)) {
            BN_free(r);
            BN_free(sv);
            return "cannot convert the ECDSA signature";
        }
        der = der_of(es.get(), i2d_ECDSA_SIG);
        if (der.empty()) return "cannot convert the ECDSA signature";
        sig = der;
    }
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, s.md, nullptr, key) != 1 || !setup_padding(pctx, s)) {
        ERR_clear_error();
        return "the key cannot verify this signature scheme";
    }
    int ok = EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), octets.data(), octets.size());
    ERR_clear_error();
    if (ok != 1) return "signature does not verify";
    return std::nullopt;
}

// The scheme an RFC 7427 AlgorithmIdentifier names, or why it is refused.
std::optional<Scheme> scheme_of(const X509_ALGOR* alg, std::string& error) {
    const ASN1_OBJECT* obj = nullptr;
    int ptype = 0;
    const void* pval = nullptr;
    X509_ALGOR_get0(&obj, &ptype, &pval, alg);
    int nid = OBJ_obj2nid(obj);
    Scheme s;
    switch (nid) {
        case NID_sha256WithRSAEncryption:
            s.md = EVP_sha256();
            return s;
        case NID_sha384WithRSAEncryption:
            s.md = EVP_sha384();
            return s;
        case NID_sha512WithRSAEncryption:
            s.md = EVP_sha512();
            return s;
        case NID_ecdsa_with_SHA256:
            s = {Kind::ecdsa_der, EVP_sha256()};
            return s;
        case NID_ecdsa_with_SHA384:
            s = {Kind::ecdsa_der, EVP_sha384()};
            return s;
        case NID_ecdsa_with_SHA512:
            s = {Kind::ecdsa_der, EVP_sha512()};
            return s;
        case NID_sha1WithRSAEncryption:
        case NID_ecdsa_with_SHA1:
            error = "unsupported hash SHA-1 in a digital signature (SHA-2 only)";
            return std::nullopt;
        case NID_rsassaPss:
            break;
        default: {
            char name[80];
            OBJ_obj2txt(name, sizeof name, obj, 0);
            error = std::string("unsupported signature algorithm ") + name;
            return std::nullopt;
        }
    }
    // RSASSA-PSS-params (RFC 4055): absent fields take their defaults (SHA-1,
    // MGF1 with SHA-1, salt 20), so only explicit SHA-2 choices are accepted.
    if (ptype != V_ASN1_SEQUENCE) {
        error = "RSASSA-PSS without parameters (SHA-1 defaults) is not accepted";
        return std::nullopt;
    }
    std::unique_ptr<RSA_PSS_PARAMS, PssFree> pp(static_cast<RSA_PSS_PARAMS*>(
        ASN1_item_unpack(static_cast<const ASN1_STRING*>(pval), ASN1_ITEM_rptr(RSA_PSS_PARAMS))));
    ERR_clear_error();
    if (!pp) {
        error = "malformed RSASSA-PSS parameters";
        return std::nullopt;
    }
    s.kind = Kind::rsa_pss;
    s.md = pp->hashAlgorithm ? sha2_by_nid(OBJ_obj2nid(pp->hashAlgorithm->algorithm)) : nullptr;
    if (pp->maskGenAlgorithm && OBJ_obj2nid(pp->maskGenAlgorithm->algorithm) == NID_mgf1) {
        const void* mval = nullptr;
        int mtype = 0;
        X509_ALGOR_get0(nullptr, &mtype, &mval, pp->maskGenAlgorithm);
        if (mtype == V_ASN1_SEQUENCE) {
            AlgorPtr mh(static_cast<X509_ALGOR*>(
                ASN1_item_unpack(static_cast<const ASN1_STRING*>(mval), ASN1_ITEM_rptr(X509_ALGOR))));
            ERR_clear_error();
            if (mh) s.mgf1 = sha2_by_nid(OBJ_obj2nid(mh->algorithm));
        }
    }
    long salt = pp->saltLength ? ASN1_INTEGER_get(pp->saltLength) : 20;
    bool trailer_ok = !pp->trailerField || ASN1_INTEGER_get(pp->trailerField) == 1;
    if (!s.md || !s.mgf1) {
        error = "unsupported hash in RSASSA-PSS parameters (SHA-2 with MGF1 SHA-2 only)";
        return std::nullopt;
    }
    if (salt < 0 || salt > 512 || !trailer_ok) {
        error = "unsupported RSASSA-PSS salt length or trailer";
        return std::nullopt;
    }
    s.salt = static_cast<int>(salt);
    return s;
}

Bytes algor_der(X509_ALGOR* a) { return der_of(a, i2d_X509_ALGOR); }

X509_ALGOR* hash_algor(uint16_t hash) {
    X509_ALGOR* a = X509_ALGOR_new();
    X509_ALGOR_set0(a, OBJ_nid2obj(md_nid(hash)), V_ASN1_NULL, nullptr);
    return a;
}

} // namespace

bool is_signature_method(uint8_t m) {
    return m == M_RSA_SHA1 || m == M_ECDSA_P256_SHA256 || m == M_ECDSA_P384_SHA384 || m == M_ECDSA_P521_SHA512 ||
           m == M_DIGITAL_SIGNATURE;
}

std::vector<uint16_t> supported_hashes() { return {H_SHA256, H_SHA384, H_SHA512}; }

std::vector<uint8_t> hash_notify_data(const std::vector<uint16_t>& hashes) {
    Bytes out;
    for (uint16_t h : hashes) {
        out.push_back(static_cast<uint8_t>(h >> 8));
        out.push_back(static_cast<uint8_t>(h));
    }
    return out;
}

std::vector<uint16_t> parse_hash_notify(std::span<const uint8_t> data) {
    std::vector<uint16_t> out;
    for (size_t k = 0; k + 1 < data.size(); k += 2) out.push_back(static_cast<uint16_t>(data[k] << 8 | data[k + 1]));
    return out;
}

std::vector<uint8_t> algorithm_identifier(EVP_PKEY* key, uint16_t hash, bool pss) {
    AlgorPtr alg(X509_ALGOR_new());
    if (is_ec(key)) {
        int nid = hash == H_SHA256   ? NID_ecdsa_with_SHA256
                  : hash == H_SHA384 ? NID_ecdsa_with_SHA384
                  : hash == H_SHA512 ? NID_ecdsa_with_SHA512
                                     : NID_ecdsa_with_SHA1;
        X509_ALGOR_set0(alg.get(), OBJ_nid2obj(nid), V_ASN1_UNDEF, nullptr);
        return algor_der(alg.get());
    }
    if (!pss) {
        int nid = hash == H_SHA256   ? NID_sha256WithRSAEncryption
                  : hash == H_SHA384 ? NID_sha384WithRSAEncryption
                  : hash == H_SHA512 ? NID_sha512WithRSAEncryption
                                     : NID_sha1WithRSAEncryption;
        X509_ALGOR_set0(alg.get(), OBJ_nid2obj(nid), V_ASN1_NULL, nullptr);
        return algor_der(alg.get());
    }
    // RSASSA-PSS-params: hash, MGF1 with the same hash, salt = hash length
    // (the form RFC 7427 A.4.3 shows, hash parameters NULL).
    std::unique_ptr<RSA_PSS_PARAMS, PssFree> pp(RSA_PSS_PARAMS_new());
    pp->hashAlgorithm = hash_algor(hash);
    AlgorPtr mgf_hash(hash_algor(hash));
    pp->maskGenAlgorithm = X509_ALGOR_new();
    ASN1_STRING* mgf_param = ASN1_item_pack(mgf_hash.get(), ASN1_ITEM_rptr(X509_ALGOR), nullptr);
    X509_ALGOR_set0(pp->maskGenAlgorithm, OBJ_nid2obj(NID_mgf1), V_ASN1_SEQUENCE, mgf_param);
    pp->saltLength = ASN1_INTEGER_new();
    ASN1_INTEGER_set(pp->saltLength, EVP_MD_get_size(md_of(hash)));
    ASN1_STRING* params = ASN1_item_pack(pp.get(), ASN1_ITEM_rptr(RSA_PSS_PARAMS), nullptr);
    X509_ALGOR_set0(alg.get(), OBJ_nid2obj(NID_rsassaPss), V_ASN1_SEQUENCE, params);
    return algor_der(alg.get());
}

std::string describe_auth(uint8_t method, std::span<const uint8_t> data) {
    switch (method) {
        case M_RSA_SHA1:
            return "RSA PKCS#1 v1.5 SHA-1 (method 1)";
        case M_ECDSA_P256_SHA256:
            return "ECDSA P-256 SHA-256 (method 9)";
        case M_ECDSA_P384_SHA384:
            return "ECDSA P-384 SHA-384 (method 10)";
        case M_ECDSA_P521_SHA512:
            return "ECDSA P-521 SHA-512 (method 11)";
        case M_DIGITAL_SIGNATURE:
            break;
        default:
            return "method " + std::to_string(method);
    }
    if (data.empty() || data.size() < 1u + data[0]) return "RFC 7427 (malformed)";
    const unsigned char* p = data.data() + 1;
    AlgorPtr alg(d2i_X509_ALGOR(nullptr, &p, data[0]));
    ERR_clear_error();
    std::string error;
    auto s = alg ? scheme_of(alg.get(), error) : std::nullopt;
    if (!s) return "RFC 7427 (" + (error.empty() ? std::string("malformed") : error) + ")";
    std::string kind = s->kind == Kind::rsa_pss     ? "RSASSA-PSS"
                       : s->kind == Kind::rsa_pkcs1 ? "RSA PKCS#1 v1.5"
                                                    : "ECDSA";
    return "RFC 7427 " + kind + " " + EVP_MD_get0_name(s->md);
}

std::optional<AuthValue> sign_auth(EVP_PKEY* key, const SignPolicy& policy, const std::vector<uint16_t>& peer_hashes,
                                   std::span<const uint8_t> octets, std::string& error) {
    uint8_t classic = is_rsa(key) ? uint8_t{M_RSA_SHA1} : ecdsa_method(key);
    if (!is_rsa(key) && !is_ec(key)) {
        error = "the private key is neither RSA nor EC";
        return std::nullopt;
    }
    uint16_t hash = 0;
    if (policy.digital_signature) {
        // The hash that matches the key's strength if the peer has it, else
        // the first SHA-2 hash we share.
        uint16_t preferred = classic == M_ECDSA_P384_SHA384   ? H_SHA384
                             : classic == M_ECDSA_P521_SHA512 ? H_SHA512
                                                              : H_SHA256;
        auto has = [&](uint16_t h) {
            return std::find(peer_hashes.begin(), peer_hashes.end(), h) != peer_hashes.end();
        };
        if (has(preferred))
            hash = preferred;
        else
            for (uint16_t h : supported_hashes())
                if (!hash && has(h)) hash = h;
    }
    if (hash) {
        bool pss = is_rsa(key) && policy.rsa_pss;
        Scheme s{is_rsa(key) ? (pss ? Kind::rsa_pss : Kind::rsa_pkcs1) : Kind::ecdsa_der, md_of(hash), md_of(hash),
                 EVP_MD_get_size(md_of(hash))};
        Bytes aid = algorithm_identifier(key, hash, pss);
        auto sig = sign(key, s, octets);
        if (aid.empty() || aid.size() > 255 || !sig) {
            error = "signing failed";
            return std::nullopt;
        }
        AuthValue v{M_DIGITAL_SIGNATURE, {static_cast<uint8_t>(aid.size())}};
        v.data.insert(v.data.end(), aid.begin(), aid.end());
        v.data.insert(v.data.end(), sig->begin(), sig->end());
        return v;
    }
    if (!classic) {
        error =
            "EC key on a curve without a classic ECDSA method (P-256/384/521) and the peer did not announce "
            "RFC 7427 hashes";
        return std::nullopt;
    }
    Scheme s;
    if (classic == M_RSA_SHA1)
        s = {Kind::rsa_pkcs1, EVP_sha1()};
    else
        s = {Kind::ecdsa_raw, classic == M_ECDSA_P256_SHA256   ? EVP_sha256()
                              : classic == M_ECDSA_P384_SHA384 ? EVP_sha384()
                                                               : EVP_sha512()};
    auto sig = sign(key, s, octets);
    if (!sig) {
        error = "signing failed";
        return std::nullopt;
    }
    return AuthValue{classic, std::move(*sig)};
}

std::optional<std::string> verify_auth(EVP_PKEY* key, uint8_t method, std::span<const uint8_t> data,
                                       std::span<const uint8_t> octets) {
    Scheme s;
    std::span<const uint8_t> sig = data;
    switch (method) {
        case M_RSA_SHA1:
            if (!is_rsa(key)) return "RSA signature method, but the certificate key is not RSA";
            s = {Kind::rsa_pkcs1, EVP_sha1()};
            break;
        case M_ECDSA_P256_SHA256:
        case M_ECDSA_P384_SHA384:
        case M_ECDSA_P521_SHA512:
            if (ecdsa_method(key) != method)
                return "ECDSA method " + std::to_string(method) + " does not match the certificate key's curve";
            s = {Kind::ecdsa_raw, method == M_ECDSA_P256_SHA256   ? EVP_sha256()
                                  : method == M_ECDSA_P384_SHA384 ? EVP_sha384()
                                                                  : EVP_sha512()};
            break;
        case M_DIGITAL_SIGNATURE: {
            if (data.empty() || data[0] == 0 || data.size() < 1u + data[0] + 1u) return "truncated digital signature";
            const unsigned char* p = data.data() + 1;
            AlgorPtr alg(d2i_X509_ALGOR(nullptr, &p, data[0]));
            ERR_clear_error();
            if (!alg || p != data.data() + 1 + data[0]) return "malformed AlgorithmIdentifier in the digital signature";
            std::string error;
            auto scheme = scheme_of(alg.get(), error);
            if (!scheme) return error;
            s = *scheme;
            if ((s.kind == Kind::ecdsa_der) != is_ec(key) || (s.kind != Kind::ecdsa_der && !is_rsa(key)))
                return "signature algorithm does not match the certificate key type";
            sig = data.subspan(1u + data[0]);
            break;
        }
        default:
            return "AUTH method " + std::to_string(method) + " is not a supported signature method";
    }
    return verify(key, s, sig, octets);
}

} // namespace ike::auth
