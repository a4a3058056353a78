// MODP groups: RFC 2409 (1, 2), RFC 3526 (5, 14-18), RFC 5114 (22-24).
// Every group is handed to OpenSSL as explicit p, q, g, and the peer value
// is checked against the prime-order subgroup (y^q = 1, RFC 6989).
// Safe-prime groups use short private exponents (twice the group strength,
// RFC 3526 8, as strongSwan does): modp2048 key generation is ~8x faster.
#include <openssl/core_names.h>

#include <map>
#include <mutex>

#include "dh_internal.h"

namespace ike::crypto::detail {
namespace {

struct ModpParams {
    Bn p, q, g;
};

// RFC 5114 groups come from OpenSSL's named groups of the same name.
bool load_named(const char* name, ModpParams& out) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(name), 0),
        OSSL_PARAM_construct_end(),
    };
    Pkey pk = pkey_from_params("DH", EVP_PKEY_KEY_PARAMETERS, params);
    if (!pk) return false;
    BIGNUM *p = nullptr, *q = nullptr, *g = nullptr;
    const bool ok = EVP_PKEY_get_bn_param(pk.get(), OSSL_PKEY_PARAM_FFC_P, &p) == 1 &&
                    EVP_PKEY_get_bn_param(pk.get(), OSSL_PKEY_PARAM_FFC_Q, &q) == 1 &&
                    EVP_PKEY_get_bn_param(pk.get(), OSSL_PKEY_PARAM_FFC_G, &g) == 1;
    out.p.reset(p);
    out.q.reset(q);
    out.g.reset(g);
    return ok;
}

// Safe primes with generator 2: q = (p - 1) / 2.
bool load_safe_prime(BIGNUM* p, ModpParams& out) {
    out.p.reset(p);
    out.q.reset(p ? BN_dup(p) : nullptr);
    out.g.reset(BN_new());
    return out.p && out.q && out.g && BN_sub_word(out.q.get(), 1) == 1 && BN_rshift1(out.q.get(), out.q.get()) == 1 &&
           BN_set_word(out.g.get(), 2) == 1;
}

bool load_params(uint16_t group, ModpParams& out) {
    switch (group) {
        case 1:
            return load_safe_prime(BN_get_rfc2409_prime_768(nullptr), out);
        case 2:
            return load_safe_prime(BN_get_rfc2409_prime_1024(nullptr), out);
        case 5:
            return load_safe_prime(BN_get_rfc3526_prime_1536(nullptr), out);
        case 14:
            return load_safe_prime(BN_get_rfc3526_prime_2048(nullptr), out);
        case 15:
            return load_safe_prime(BN_get_rfc3526_prime_3072(nullptr), out);
        case 16:
            return load_safe_prime(BN_get_rfc3526_prime_4096(nullptr), out);
        case 17:
            return load_safe_prime(BN_get_rfc3526_prime_6144(nullptr), out);
        case 18:
            return load_safe_prime(BN_get_rfc3526_prime_8192(nullptr), out);
        case 22:
            return load_named("dh_1024_160", out);
        case 23:
            return load_named("dh_2048_224", out);
        case 24:
            return load_named("dh_2048_256", out);
        default:
            return false;
    }
}

// p, q, g plus optional public and private values as OSSL_PARAMs.
Params build_params(const ModpParams& mp, const BIGNUM* pub, const BIGNUM* priv) {
    ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, mp.p.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_Q, mp.q.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, mp.g.get()) != 1)
        return nullptr;
    if (pub && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub) != 1) return nullptr;
    if (priv && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1) return nullptr;
    return Params(OSSL_PARAM_BLD_to_param(bld.get()));
}

bool is_safe_prime(uint16_t group) { return group <= 18; }

// Private exponent bits for the safe-prime groups (0: OpenSSL's default).
int short_exponent_bits(uint16_t group) {
    if (!is_safe_prime(group)) return 0;
    const std::size_t bytes = modp_bytes(group);
    return bytes >= 1024 ? 400 : bytes >= 768 ? 352 : bytes >= 512 ? 304 : 256;
}

// Parameters and the OpenSSL domain key of a group, built once per process
// (they never change; building them is what dominated key generation).
struct ModpDomain {
    ModpParams mp;
    Pkey domain;
};

const ModpDomain* domain_of(uint16_t group) {
    // Never destroyed: OpenSSL's own exit handlers may run after static destructors.
    static auto& cache = *new std::map<uint16_t, ModpDomain>();
    static std::mutex& lock = *new std::mutex();
    std::lock_guard<std::mutex> hold(lock);
    if (auto it = cache.find(group); it != cache.end()) return &it->second;
    ModpDomain d;
    if (!load_params(group, d.mp)) return nullptr;
    Params params = build_params(d.mp, nullptr, nullptr);
    if (!params || !(d.domain = pkey_from_params("DH", EVP_PKEY_KEY_PARAMETERS, params.get()))) return nullptr;
    return &cache.emplace(group, std::move(d)).first->second;
}

class ModpGroup final : public DhGroup {
public:
    ModpGroup(uint16_t group, const ModpParams& mp, Pkey key, std::size_t size)
        : group_(group), mp_(mp), key_(std::move(key)), size_(size) {}

    uint16_t group() const override { return group_; }

    std::vector<uint8_t> public_value() const override {
        BIGNUM* pub = nullptr;
        if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, &pub) != 1) return {};
        Bn owned(pub);
        return bn_to_padded(pub, size_);
    }

    std::optional<secure_bytes> shared_secret(std::span<const uint8_t> peer) const override {
        if (peer.size() != size_) return std::nullopt;
        Bn y(BN_bin2bn(peer.data(), static_cast<int>(peer.size()), nullptr));
        Bn p_minus_1(BN_dup(mp_.p.get()));
        if (!y || !p_minus_1 || BN_sub_word(p_minus_1.get(), 1) != 1) return std::nullopt;
        // 1 < y < p - 1 (RFC 7296 / SP 800-56A) and y in the order-q subgroup.
        if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), p_minus_1.get()) >= 0) return std::nullopt;
        // With a safe prime that subgroup is the quadratic residues: the
        // Legendre symbol (y/p) = 1 says y^q = 1 without the exponentiation
        // OpenSSL's full check costs. Other groups get OpenSSL's y^q check.
        const bool safe = is_safe_prime(group_);
        if (safe) {
            BnCtx bnctx(BN_CTX_new());
            if (!bnctx || BN_kronecker(y.get(), mp_.p.get(), bnctx.get()) != 1) return std::nullopt;
        }
        Params params = build_params(mp_, y.get(), nullptr);
        if (!params) return std::nullopt;
        Pkey peer_key = pkey_from_params("DH", EVP_PKEY_PUBLIC_KEY, params.get());
        if (!peer_key) return std::nullopt;
        auto secret = derive(key_.get(), peer_key.get(), true, !safe);
        if (!secret || secret->size() != size_) return std::nullopt;
        return secret;
    }

private:
    uint16_t group_;
    const ModpParams& mp_;
    Pkey key_;
    std::size_t size_;
};

Pkey from_private(const ModpParams& mp, std::span<const uint8_t> priv_bytes);

Pkey generate(uint16_t group, const ModpDomain& d) {
    const ModpParams& mp = d.mp;
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, d.domain.get(), nullptr));
    EVP_PKEY* key = nullptr;
    int bits = short_exponent_bits(group);
    OSSL_PARAM len[] = {OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &bits), OSSL_PARAM_construct_end()};
    if (ctx && EVP_PKEY_keygen_init(ctx.get()) == 1 && (bits == 0 || EVP_PKEY_CTX_set_params(ctx.get(), len) == 1) &&
        EVP_PKEY_keygen(ctx.get(), &key) == 1)
        return Pkey(key);
    // OpenSSL 3 refuses to generate keys for groups below 80-bit strength
    // (group 1); draw x uniformly from [1, q-1] ourselves.
    Bn x(BN_new());
    if (!x) return nullptr;
    do {
        if (BN_priv_rand_range(x.get(), mp.q.get()) != 1) return nullptr;
    } while (BN_is_zero(x.get()));
    secure_bytes xb(static_cast<std::size_t>(BN_num_bytes(mp.q.get())));
    if (BN_bn2binpad(x.get(), xb.data(), static_cast<int>(xb.size())) != static_cast<int>(xb.size())) return nullptr;
    return from_private(mp, xb);
}

Pkey from_private(const ModpParams& mp, std::span<const uint8_t> priv_bytes) {
    if (priv_bytes.empty() || priv_bytes.size() > 1024) return nullptr;
    Bn x(BN_bin2bn(priv_bytes.data(), static_cast<int>(priv_bytes.size()), nullptr));
    Bn y(BN_new());
    BnCtx bnctx(BN_CTX_new());
    if (!x || !y || !bnctx || BN_is_zero(x.get()) || BN_cmp(x.get(), mp.q.get()) >= 0) return nullptr;
    BN_set_flags(x.get(), BN_FLG_CONSTTIME);
    if (BN_mod_exp(y.get(), mp.g.get(), x.get(), mp.p.get(), bnctx.get()) != 1) return nullptr;
    Params params = build_params(mp, y.get(), x.get());
    return params ? pkey_from_params("DH", EVP_PKEY_KEYPAIR, params.get()) : nullptr;
}

} // namespace

bool is_modp(uint16_t group) { return modp_bytes(group) != 0; }

std::size_t modp_bytes(uint16_t group) {
    switch (group) {
        case 1:
            return 96;
        case 2:
        case 22:
            return 128;
        case 5:
            return 192;
        case 14:
        case 23:
        case 24:
            return 256;
        case 15:
            return 384;
        case 16:
            return 512;
        case 17:
            return 768;
        case 18:
            return 1024;
        default:
            return 0;
    }
}

std::unique_ptr<DhGroup> make_modp(uint16_t group, std::span<const uint8_t> fixed_priv, bool fixed) {
    const ModpDomain* d = domain_of(group);
    if (d == nullptr || static_cast<std::size_t>(BN_num_bytes(d->mp.p.get())) != modp_bytes(group)) return nullptr;
    Pkey key = fixed ? from_private(d->mp, fixed_priv) : generate(group, *d);
    if (!key) return nullptr;
    return std::make_unique<ModpGroup>(group, d->mp, std::move(key), modp_bytes(group));
}

} // namespace ike::crypto::detail
