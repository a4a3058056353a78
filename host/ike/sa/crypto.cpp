#include "crypto.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <cstring>
#include <map>
#include <stdexcept>

namespace ike::sa {

void Secret::wipe() {
    if (!b_.empty()) OPENSSL_cleanse(b_.data(), b_.size());
    b_.clear();
}

Bytes random_bytes(size_t n) {
    Bytes b(n);
    if (n && RAND_bytes(b.data(), static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
    return b;
}

// ------------------------------------------------------------------ PRF
namespace {
struct PrfInfo { uint16_t id; const char* digest; size_t len; };
constexpr PrfInfo kPrfs[] = {
    {PRF_HMAC_SHA1, "SHA1", 20}, {PRF_HMAC_SHA2_256, "SHA256", 32},
    {PRF_HMAC_SHA2_384, "SHA384", 48}, {PRF_HMAC_SHA2_512, "SHA512", 64},
};
const PrfInfo* prf_info(uint16_t id) {
    for (const auto& p : kPrfs) if (p.id == id) return &p;
    return nullptr;
}
// One HMAC context per digest with the digest already set; each call dups
// it and adds the key. Fetching algorithms is what costs, not the hashing.
struct MacCtxDel { void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); } };
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxDel>;
EVP_MAC_CTX* hmac_template(const char* digest) {
    // Never destroyed: it must outlive OpenSSL's own atexit cleanup.
    static auto& templates = *new std::map<std::string, MacCtxPtr>();
    auto it = templates.find(digest);
    if (it != templates.end()) return it->second.get();
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!mac) throw std::runtime_error("HMAC unavailable");
    MacCtxPtr ctx(EVP_MAC_CTX_new(mac));
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
                           OSSL_PARAM_construct_end()};
    if (!ctx || !EVP_MAC_CTX_set_params(ctx.get(), params)) throw std::runtime_error("HMAC setup failed");
    return templates.emplace(digest, std::move(ctx)).first->second.get();
}
Bytes hmac(const char* digest, std::span<const uint8_t> key, std::span<const uint8_t> data) {
    MacCtxPtr ctx(EVP_MAC_CTX_dup(hmac_template(digest)));
    Bytes out(EVP_MAX_MD_SIZE);
    size_t len = 0;
    // A zero-length key is legal for HMAC; EVP wants a non-null pointer.
    static const uint8_t empty = 0;
    if (!ctx || !EVP_MAC_init(ctx.get(), key.empty() ? &empty : key.data(), key.size(), nullptr) ||
        !EVP_MAC_update(ctx.get(), data.data(), data.size()) || !EVP_MAC_final(ctx.get(), out.data(), &len, out.size()))
        throw std::runtime_error("HMAC failed");
    out.resize(len);
    return out;
}
} // namespace

bool prf_supported(uint16_t id) { return prf_info(id) != nullptr; }

Prf::Prf(uint16_t id) {
    const auto* p = prf_info(id);
    if (!p) throw std::invalid_argument("unsupported PRF " + std::to_string(id));
    digest_ = p->digest;
    out_len_ = p->len;
}

Bytes Prf::operator()(std::span<const uint8_t> key, std::span<const uint8_t> data) const {
    return hmac(digest_, key, data);
}

Bytes Prf::plus(std::span<const uint8_t> key, std::span<const uint8_t> seed, size_t len) const {
    Bytes out, t, in;
    for (uint8_t i = 1; out.size() < len; ++i) {
        if (i == 0) throw std::length_error("prf+ beyond 255 blocks");
        in = t;
        in.insert(in.end(), seed.begin(), seed.end());
        in.push_back(i);
        t = (*this)(key, in);
        out.insert(out.end(), t.begin(), t.end());
    }
    OPENSSL_cleanse(t.data(), t.size());
    out.resize(len);
    return out;
}

// ------------------------------------------------------------------ DH
namespace {
enum class Kind { modp_pg, ffc_named, ec, x };
struct Group { uint16_t id; Kind kind; const char* name; size_t len; BIGNUM* (*prime)(BIGNUM*); };
const Group kGroups[] = {
    {1, Kind::modp_pg, "modp768", 96, BN_get_rfc2409_prime_768},
    {2, Kind::modp_pg, "modp1024", 128, BN_get_rfc2409_prime_1024},
    {5, Kind::ffc_named, "modp_1536", 192, nullptr},
    {14, Kind::ffc_named, "modp_2048", 256, nullptr},
    {15, Kind::ffc_named, "modp_3072", 384, nullptr},
    {16, Kind::ffc_named, "modp_4096", 512, nullptr},
    {17, Kind::ffc_named, "modp_6144", 768, nullptr},
    {18, Kind::ffc_named, "modp_8192", 1024, nullptr},
    {19, Kind::ec, "prime256v1", 32, nullptr},
    {20, Kind::ec, "secp384r1", 48, nullptr},
    {21, Kind::ec, "secp521r1", 66, nullptr},
    {22, Kind::ffc_named, "dh_1024_160", 128, nullptr},
    {23, Kind::ffc_named, "dh_2048_224", 256, nullptr},
    {24, Kind::ffc_named, "dh_2048_256", 256, nullptr},
    {25, Kind::ec, "prime192v1", 24, nullptr},
    {26, Kind::ec, "secp224r1", 28, nullptr},
    {27, Kind::ec, "brainpoolP224r1", 28, nullptr},
    {28, Kind::ec, "brainpoolP256r1", 32, nullptr},
    {29, Kind::ec, "brainpoolP384r1", 48, nullptr},
    {30, Kind::ec, "brainpoolP512r1", 64, nullptr},
    {31, Kind::x, "X25519", 32, nullptr},
    {32, Kind::x, "X448", 56, nullptr},
};
const Group* group_info(uint16_t id) {
    for (const auto& g : kGroups) if (g.id == id) return &g;
    return nullptr;
}

struct PkeyDel { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct CtxDel { void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); } };
struct BldDel { void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); } };
struct ParamDel { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };
struct BnDel { void operator()(BIGNUM* b) const { BN_free(b); } };
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDel>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxDel>;
using BnPtr = std::unique_ptr<BIGNUM, BnDel>;

// Domain parameters (and optionally a public value) as OSSL params.
std::unique_ptr<OSSL_PARAM, ParamDel> group_params(const Group& g, std::span<const uint8_t> pub) {
    std::unique_ptr<OSSL_PARAM_BLD, BldDel> bld(OSSL_PARAM_BLD_new());
    BnPtr p, gen, pubbn;
    Bytes ecpub;
    if (g.kind == Kind::modp_pg) {
        p.reset(g.prime(nullptr));
        gen.reset(BN_new());
        BN_set_word(gen.get(), 2);
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, p.get());
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, gen.get());
    } else {
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, g.name, 0);
    }
    if (!pub.empty()) {
        if (g.kind == Kind::ec) {
            ecpub.push_back(0x04); // KE carries x||y (RFC 5903 §7); OpenSSL wants the SEC1 point
            ecpub.insert(ecpub.end(), pub.begin(), pub.end());
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, ecpub.data(), ecpub.size());
        } else {
            pubbn.reset(BN_bin2bn(pub.data(), static_cast<int>(pub.size()), nullptr));
            OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pubbn.get());
        }
    }
    return std::unique_ptr<OSSL_PARAM, ParamDel>(OSSL_PARAM_BLD_to_param(bld.get()));
}

const char* algo(const Group& g) { return g.kind == Kind::ec ? "EC" : "DH"; }

// Private exponent length for the safe-prime MODP groups: twice the group's
// security strength, at least 256 bits; 0 leaves OpenSSL's choice (groups
// with a q subgroup, curves).
int exponent_bits(const Group& g) {
    if (g.kind != Kind::modp_pg && !(g.kind == Kind::ffc_named && g.id <= 18)) return 0;
    if (g.len >= 1024) return 400;
    if (g.len >= 768) return 352;
    if (g.len >= 512) return 304;
    return 256;
}

// Domain parameters of a group, built once (they never change).
EVP_PKEY* domain_params(const Group& g) {
    static auto& cache = *new std::map<uint16_t, PkeyPtr>(); // outlives OpenSSL's atexit cleanup
    if (auto it = cache.find(g.id); it != cache.end()) return it->second.get();
    auto params = group_params(g, {});
    CtxPtr pctx(EVP_PKEY_CTX_new_from_name(nullptr, algo(g), nullptr));
    EVP_PKEY* dom = nullptr;
    if (!pctx || EVP_PKEY_fromdata_init(pctx.get()) <= 0 ||
        EVP_PKEY_fromdata(pctx.get(), &dom, EVP_PKEY_KEY_PARAMETERS, params.get()) <= 0)
        return nullptr;
    return cache.emplace(g.id, PkeyPtr(dom)).first->second.get();
}
} // namespace

struct DhKey::Impl { PkeyPtr key; };

bool dh_supported(uint16_t group) { return group_info(group) != nullptr; }
std::string dh_name(uint16_t group) {
    const auto* g = group_info(group);
    return g ? g->name : "DH" + std::to_string(group);
}

std::unique_ptr<DhKey> DhKey::generate(uint16_t group) {
    const auto* g = group_info(group);
    if (!g) return nullptr;
    std::unique_ptr<DhKey> k(new DhKey());
    k->group_ = group;
    k->impl_ = new Impl();
    EVP_PKEY* raw = nullptr;
    if (g->kind == Kind::x) {
        CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, g->name, nullptr));
        if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_keygen(ctx.get(), &raw) <= 0) return nullptr;
        k->impl_->key.reset(raw);
        k->pub_.resize(g->len);
        size_t len = g->len;
        if (!EVP_PKEY_get_raw_public_key(raw, k->pub_.data(), &len) || len != g->len) return nullptr;
        return k;
    }
    EVP_PKEY* domain = domain_params(*g);
    if (!domain) return nullptr;
    CtxPtr kctx(EVP_PKEY_CTX_new_from_pkey(nullptr, domain, nullptr));
    if (!kctx || EVP_PKEY_keygen_init(kctx.get()) <= 0) return nullptr;
    if (int bits = exponent_bits(*g)) { // short exponents, as strongSwan (RFC 3526 §8)
        OSSL_PARAM p[] = {OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &bits), OSSL_PARAM_construct_end()};
        if (EVP_PKEY_CTX_set_params(kctx.get(), p) <= 0) return nullptr;
    }
    if (EVP_PKEY_keygen(kctx.get(), &raw) <= 0) return nullptr;
    k->impl_->key.reset(raw);
    if (g->kind == Kind::ec) {
        uint8_t buf[1 + 2 * 66];
        size_t len = 0;
        if (!EVP_PKEY_get_octet_string_param(raw, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf, sizeof buf, &len) ||
            len != 1 + 2 * g->len || buf[0] != 0x04)
            return nullptr;
        k->pub_.assign(buf + 1, buf + len);
    } else {
        BIGNUM* pub = nullptr;
        if (!EVP_PKEY_get_bn_param(raw, OSSL_PKEY_PARAM_PUB_KEY, &pub)) return nullptr;
        BnPtr pubp(pub);
        k->pub_.resize(g->len);
        if (BN_bn2binpad(pub, k->pub_.data(), static_cast<int>(g->len)) < 0) return nullptr;
    }
    return k;
}

DhKey::~DhKey() { delete impl_; }

std::optional<Secret> DhKey::derive(std::span<const uint8_t> peer) const {
    const auto* g = group_info(group_);
    size_t want = g->kind == Kind::ec ? 2 * g->len : g->len;
    if (peer.size() != want) return std::nullopt; // RFC 7296 §3.4: the length is fixed per group
    PkeyPtr peer_key;
    if (g->kind == Kind::x) {
        peer_key.reset(EVP_PKEY_new_raw_public_key_ex(nullptr, g->name, nullptr, peer.data(), peer.size()));
    } else {
        auto params = group_params(*g, peer);
        CtxPtr pctx(EVP_PKEY_CTX_new_from_name(nullptr, algo(*g), nullptr));
        EVP_PKEY* raw = nullptr;
        if (pctx && EVP_PKEY_fromdata_init(pctx.get()) > 0 &&
            EVP_PKEY_fromdata(pctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) > 0)
            peer_key.reset(raw);
        if (peer_key) { // reject points off the curve and DH values outside 2..p-2
            CtxPtr cctx(EVP_PKEY_CTX_new_from_pkey(nullptr, peer_key.get(), nullptr));
            if (!cctx || EVP_PKEY_public_check_quick(cctx.get()) <= 0) peer_key.reset();
        }
    }
    if (!peer_key) return std::nullopt;
    CtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, impl_->key.get(), nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0) return std::nullopt;
    if (g->kind == Kind::modp_pg || g->kind == Kind::ffc_named) EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1);
    // Checked above (quick check); the full check would cost another exponentiation.
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer_key.get(), 0) <= 0) return std::nullopt;
    size_t len = 0;
    if (EVP_PKEY_derive(ctx.get(), nullptr, &len) <= 0) return std::nullopt;
    Bytes s(len);
    if (EVP_PKEY_derive(ctx.get(), s.data(), &len) <= 0) return std::nullopt;
    s.resize(len);
    return Secret(std::move(s));
}

// ------------------------------------------------------------------ algorithm tables
bool encr_is_aead(uint16_t e) { return e == ENCR_AES_GCM_16 || e == ENCR_CHACHA20_POLY1305; }
bool encr_supported(uint16_t e, uint16_t bits) {
    if (e == ENCR_CHACHA20_POLY1305) return bits == 0 || bits == 256;
    if (e == ENCR_AES_GCM_16 || e == ENCR_AES_CBC) return bits == 128 || bits == 192 || bits == 256;
    return false;
}
size_t encr_key_len(uint16_t e, uint16_t bits) {
    if (e == ENCR_CHACHA20_POLY1305) return 32 + 4;
    if (e == ENCR_AES_GCM_16) return bits / 8 + 4;
    return bits / 8;
}
bool integ_supported(uint16_t i) {
    return i == AUTH_HMAC_SHA1_96 || i == AUTH_HMAC_SHA2_256_128 || i == AUTH_HMAC_SHA2_384_192 ||
           i == AUTH_HMAC_SHA2_512_256;
}
size_t integ_key_len(uint16_t i) {
    switch (i) {
    case AUTH_HMAC_SHA1_96: return 20;
    case AUTH_HMAC_SHA2_256_128: return 32;
    case AUTH_HMAC_SHA2_384_192: return 48;
    case AUTH_HMAC_SHA2_512_256: return 64;
    }
    return 0;
}
namespace {
const char* integ_digest(uint16_t i) {
    switch (i) {
    case AUTH_HMAC_SHA1_96: return "SHA1";
    case AUTH_HMAC_SHA2_256_128: return "SHA256";
    case AUTH_HMAC_SHA2_384_192: return "SHA384";
    case AUTH_HMAC_SHA2_512_256: return "SHA512";
    }
    return nullptr;
}
size_t integ_trunc(uint16_t i) {
    switch (i) {
    case AUTH_HMAC_SHA1_96: return 12;
    case AUTH_HMAC_SHA2_256_128: return 16;
    case AUTH_HMAC_SHA2_384_192: return 24;
    case AUTH_HMAC_SHA2_512_256: return 32;
    }
    return 0;
}
} // namespace
std::string encr_name(uint16_t e, uint16_t bits) {
    if (e == ENCR_AES_GCM_16) return "AES_GCM_16_" + std::to_string(bits);
    if (e == ENCR_AES_CBC) return "AES_CBC_" + std::to_string(bits);
    if (e == ENCR_CHACHA20_POLY1305) return "CHACHA20_POLY1305";
    return "ENCR_" + std::to_string(e);
}
std::string integ_name(uint16_t i) {
    switch (i) {
    case AUTH_NONE: return "NONE";
    case AUTH_HMAC_SHA1_96: return "HMAC_SHA1_96";
    case AUTH_HMAC_SHA2_256_128: return "HMAC_SHA2_256_128";
    case AUTH_HMAC_SHA2_384_192: return "HMAC_SHA2_384_192";
    case AUTH_HMAC_SHA2_512_256: return "HMAC_SHA2_512_256";
    }
    return "INTEG_" + std::to_string(i);
}
std::string prf_name(uint16_t p) {
    switch (p) {
    case PRF_HMAC_SHA1: return "PRF_HMAC_SHA1";
    case PRF_HMAC_SHA2_256: return "PRF_HMAC_SHA2_256";
    case PRF_HMAC_SHA2_384: return "PRF_HMAC_SHA2_384";
    case PRF_HMAC_SHA2_512: return "PRF_HMAC_SHA2_512";
    }
    return "PRF_" + std::to_string(p);
}

// ------------------------------------------------------------------ SK payload
namespace {
struct CipherDel { void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); } };
using CipherPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherDel>;

const EVP_CIPHER* cipher_for(uint16_t e, size_t key_len) {
    if (e == ENCR_CHACHA20_POLY1305) return EVP_chacha20_poly1305();
    if (e == ENCR_AES_GCM_16)
        return key_len == 16 ? EVP_aes_128_gcm() : key_len == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
    return key_len == 16 ? EVP_aes_128_cbc() : key_len == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
}
} // namespace

SkCipher::SkCipher(uint16_t encr, uint16_t key_bits, uint16_t integ, Secret ek, Secret ik)
    : encr_(encr), key_bits_(key_bits), integ_(integ), ekey_(std::move(ek)), ikey_(std::move(ik)) {}

size_t SkCipher::iv_len() const { return encr_is_aead(encr_) ? 8 : 16; }
size_t SkCipher::icv_len() const { return encr_is_aead(encr_) ? 16 : integ_trunc(integ_); }

Bytes SkCipher::seal(Header h, uint8_t inner_first, const Bytes& inner) const {
    bool aead = encr_is_aead(encr_);
    size_t block = aead ? 1 : 16;
    Bytes plain = inner;
    size_t pad = (block - (plain.size() + 1) % block) % block;
    plain.insert(plain.end(), pad, 0);
    plain.push_back(static_cast<uint8_t>(pad));
    Bytes iv = random_bytes(iv_len());
    size_t sk_len = 4 + iv.size() + plain.size() + icv_len();
    h.next = PL_SK;
    h.length = static_cast<uint32_t>(kHeaderLen + sk_len);
    Bytes out;
    out.reserve(h.length);
    encode_header(h, out);
    out.push_back(inner_first);
    out.push_back(0);
    out.push_back(static_cast<uint8_t>(sk_len >> 8));
    out.push_back(static_cast<uint8_t>(sk_len));
    out.insert(out.end(), iv.begin(), iv.end());
    size_t aad_len = out.size() - iv.size();
    size_t key_len = aead ? ekey_.size() - 4 : ekey_.size();
    CipherPtr ctx(EVP_CIPHER_CTX_new());
    Bytes ct(plain.size() + 16);
    int len = 0, fin = 0;
    bool ok;
    if (aead) {
        uint8_t nonce[12];
        std::memcpy(nonce, ekey_.bytes().data() + key_len, 4);
        std::memcpy(nonce + 4, iv.data(), 8);
        ok = EVP_EncryptInit_ex(ctx.get(), cipher_for(encr_, key_len), nullptr, nullptr, nullptr) &&
             EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, 12, nullptr) &&
             EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, ekey_.bytes().data(), nonce) &&
             EVP_EncryptUpdate(ctx.get(), nullptr, &len, out.data(), static_cast<int>(aad_len)) &&
             EVP_EncryptUpdate(ctx.get(), ct.data(), &len, plain.data(), static_cast<int>(plain.size())) &&
             EVP_EncryptFinal_ex(ctx.get(), ct.data() + len, &fin);
        ct.resize(static_cast<size_t>(len + fin));
        uint8_t tag[16];
        ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, 16, tag);
        out.insert(out.end(), ct.begin(), ct.end());
        out.insert(out.end(), tag, tag + 16);
    } else {
        ok = EVP_EncryptInit_ex(ctx.get(), cipher_for(encr_, key_len), nullptr, ekey_.bytes().data(), iv.data()) &&
             EVP_CIPHER_CTX_set_padding(ctx.get(), 0) &&
             EVP_EncryptUpdate(ctx.get(), ct.data(), &len, plain.data(), static_cast<int>(plain.size())) &&
             EVP_EncryptFinal_ex(ctx.get(), ct.data() + len, &fin);
        ct.resize(static_cast<size_t>(len + fin));
        out.insert(out.end(), ct.begin(), ct.end());
        Bytes mac = hmac(integ_digest(integ_), ikey_.bytes(), out);
        out.insert(out.end(), mac.begin(), mac.begin() + static_cast<long>(icv_len()));
    }
    OPENSSL_cleanse(plain.data(), plain.size());
    if (!ok) throw std::runtime_error("SK payload encryption failed");
    return out;
}

Bytes SkCipher::open(std::span<const uint8_t> msg, const Header& h, uint8_t& inner_first) const {
    if (h.next != PL_SK) throw WireError("expected an Encrypted payload");
    if (msg.size() < kHeaderLen + 4) throw WireError("truncated Encrypted payload");
    inner_first = msg[kHeaderLen];
    size_t sk_len = static_cast<size_t>(msg[kHeaderLen + 2]) << 8 | msg[kHeaderLen + 3];
    if (kHeaderLen + sk_len != msg.size()) throw WireError("Encrypted payload length mismatch");
    size_t ivl = iv_len(), icvl = icv_len();
    if (sk_len < 4 + ivl + icvl + 1) throw WireError("Encrypted payload too short");
    auto iv = msg.subspan(kHeaderLen + 4, ivl);
    auto ct = msg.subspan(kHeaderLen + 4 + ivl, sk_len - 4 - ivl - icvl);
    auto icv = msg.subspan(msg.size() - icvl);
    bool aead = encr_is_aead(encr_);
    size_t key_len = aead ? ekey_.size() - 4 : ekey_.size();
    CipherPtr ctx(EVP_CIPHER_CTX_new());
    Bytes plain(ct.size() + 16);
    int len = 0, fin = 0;
    if (aead) {
        uint8_t nonce[12];
        std::memcpy(nonce, ekey_.bytes().data() + key_len, 4);
        std::memcpy(nonce + 4, iv.data(), 8);
        uint8_t tag[16];
        std::memcpy(tag, icv.data(), 16);
        bool ok = EVP_DecryptInit_ex(ctx.get(), cipher_for(encr_, key_len), nullptr, nullptr, nullptr) &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, 12, nullptr) &&
                  EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, ekey_.bytes().data(), nonce) &&
                  EVP_DecryptUpdate(ctx.get(), nullptr, &len, msg.data(), static_cast<int>(kHeaderLen + 4)) &&
                  EVP_DecryptUpdate(ctx.get(), plain.data(), &len, ct.data(), static_cast<int>(ct.size())) &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, 16, tag) &&
                  EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &fin) > 0;
        if (!ok) throw WireError("integrity check failed");
    } else {
        if (ct.size() % 16) throw WireError("ciphertext not a multiple of the block size");
        Bytes mac = hmac(integ_digest(integ_), ikey_.bytes(), msg.first(msg.size() - icvl));
        if (CRYPTO_memcmp(mac.data(), icv.data(), icvl) != 0) throw WireError("integrity check failed");
        bool ok = EVP_DecryptInit_ex(ctx.get(), cipher_for(encr_, key_len), nullptr, ekey_.bytes().data(),
                                     iv.data()) &&
                  EVP_CIPHER_CTX_set_padding(ctx.get(), 0) &&
                  EVP_DecryptUpdate(ctx.get(), plain.data(), &len, ct.data(), static_cast<int>(ct.size())) &&
                  EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &fin) > 0;
        if (!ok) throw WireError("decryption failed");
    }
    plain.resize(static_cast<size_t>(len + fin));
    size_t pad = plain.back();
    if (pad + 1 > plain.size()) throw WireError("bad padding length");
    plain.resize(plain.size() - pad - 1);
    return plain;
}

} // namespace ike::sa
