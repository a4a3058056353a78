// Elliptic-curve groups: NIST/SECG ECP (RFC 5903, 5114), Brainpool
// (RFC 6954) as x || y, and Curve25519/Curve448 (RFC 8031) raw.
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/objects.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "dh_internal.h"

namespace ike::crypto::detail {
namespace {

struct Curve {
    uint16_t group;
    const char* name;  // OpenSSL short name (also the EVP group name)
    std::size_t field; // octets per coordinate
};

constexpr Curve kCurves[] = {
    {19, "prime256v1", 32},      {20, "secp384r1", 48},       {21, "secp521r1", 66},
    {25, "prime192v1", 24},      {26, "secp224r1", 28},       {27, "brainpoolP224r1", 28},
    {28, "brainpoolP256r1", 32}, {29, "brainpoolP384r1", 48}, {30, "brainpoolP512r1", 64},
};

const Curve* find_curve(uint16_t group) {
    for (const auto& c : kCurves)
        if (c.group == group) return &c;
    return nullptr;
}

Pkey ec_key(const Curve& c, std::span<const uint8_t> point, const BIGNUM* priv) {
    ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, c.name, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return nullptr;
    if (priv && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1) return nullptr;
    Params params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) return nullptr;
    return pkey_from_params("EC", priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get());
}

class EcpGroup final : public DhGroup {
public:
    EcpGroup(const Curve& c, Pkey key) : curve_(c), key_(std::move(key)) {}
    uint16_t group() const override { return curve_.group; }

    std::vector<uint8_t> public_value() const override {
        // The uncompressed SEC 1 point 04 || x || y without its 04.
        std::vector<uint8_t> point(1 + 2 * curve_.field);
        std::size_t len = 0;
        if (EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(), point.size(),
                                            &len) != 1 ||
            len != point.size() || point[0] != 0x04)
            return {};
        return std::vector<uint8_t>(point.begin() + 1, point.end());
    }

    std::optional<secure_bytes> shared_secret(std::span<const uint8_t> peer) const override {
        if (peer.size() != 2 * curve_.field) return std::nullopt;
        std::vector<uint8_t> point;
        point.reserve(1 + peer.size());
        point.push_back(0x04);
        point.insert(point.end(), peer.begin(), peer.end());
        // Import decodes the point and fails if it is not on the curve; the
        // quick check refuses the point at infinity. Every curve here has
        // cofactor 1, so a point on the curve has order n and OpenSSL's full
        // check (n * Q = O, a second scalar multiplication) adds nothing.
        Pkey peer_key = ec_key(curve_, point, nullptr);
        if (!peer_key) return std::nullopt;
        PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, peer_key.get(), nullptr));
        if (!check || EVP_PKEY_public_check_quick(check.get()) != 1) return std::nullopt;
        auto secret = derive(key_.get(), peer_key.get(), false, false);
        if (!secret || secret->size() != curve_.field) return std::nullopt;
        return secret;
    }

private:
    const Curve& curve_;
    Pkey key_;
};

struct EcGroupDeleter {
    void operator()(EC_GROUP* g) const { EC_GROUP_free(g); }
};
struct EcPointDeleter {
    void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};

// Key pair from a fixed scalar: the public point is d * G computed here.
Pkey ec_from_private(const Curve& c, std::span<const uint8_t> priv_bytes) {
    if (priv_bytes.empty() || priv_bytes.size() > 2 * c.field) return nullptr;
    std::unique_ptr<EC_GROUP, EcGroupDeleter> grp(EC_GROUP_new_by_curve_name(OBJ_sn2nid(c.name)));
    Bn d(BN_bin2bn(priv_bytes.data(), static_cast<int>(priv_bytes.size()), nullptr));
    BnCtx bnctx(BN_CTX_new());
    if (!grp || !d || !bnctx || BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(grp.get())) >= 0)
        return nullptr;
    std::unique_ptr<EC_POINT, EcPointDeleter> q(EC_POINT_new(grp.get()));
    std::vector<uint8_t> point(1 + 2 * c.field);
    if (!q || EC_POINT_mul(grp.get(), q.get(), d.get(), nullptr, nullptr, bnctx.get()) != 1 ||
        EC_POINT_point2oct(grp.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, point.data(), point.size(),
                           bnctx.get()) != point.size())
        return nullptr;
    return ec_key(c, point, d.get());
}

class EcxGroup final : public DhGroup {
public:
    EcxGroup(uint16_t group, Pkey key, std::size_t size) : group_(group), key_(std::move(key)), size_(size) {}
    uint16_t group() const override { return group_; }

    std::vector<uint8_t> public_value() const override {
        std::vector<uint8_t> out(size_);
        std::size_t len = out.size();
        if (EVP_PKEY_get_raw_public_key(key_.get(), out.data(), &len) != 1 || len != size_) return {};
        return out;
    }

    std::optional<secure_bytes> shared_secret(std::span<const uint8_t> peer) const override {
        if (peer.size() != size_) return std::nullopt;
        Pkey peer_key(EVP_PKEY_new_raw_public_key(pkey_type(), nullptr, peer.data(), peer.size()));
        if (!peer_key) return std::nullopt;
        auto secret = derive(key_.get(), peer_key.get(), false, true);
        if (!secret || secret->size() != size_) return std::nullopt;
        // RFC 8031 2.3: an all-zero result (low-order peer point) is refused.
        if (std::all_of(secret->begin(), secret->end(), [](uint8_t b) { return b == 0; })) return std::nullopt;
        return secret;
    }

    int pkey_type() const { return group_ == 31 ? EVP_PKEY_X25519 : EVP_PKEY_X448; }

private:
    uint16_t group_;
    Pkey key_;
    std::size_t size_;
};

// The curve's domain parameters as an OpenSSL key, built once per process.
EVP_PKEY* curve_domain(const Curve& c) {
    // Never destroyed: OpenSSL's own exit handlers may run after static destructors.
    static auto& cache = *new std::map<uint16_t, Pkey>();
    static std::mutex& lock = *new std::mutex();
    std::lock_guard<std::mutex> hold(lock);
    if (auto it = cache.find(c.group); it != cache.end()) return it->second.get();
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(c.name), 0),
        OSSL_PARAM_construct_end(),
    };
    Pkey domain = pkey_from_params("EC", EVP_PKEY_KEY_PARAMETERS, params);
    if (!domain) return nullptr;
    return cache.emplace(c.group, std::move(domain)).first->second.get();
}

Pkey ec_generate(const Curve& c) {
    EVP_PKEY* domain = curve_domain(c);
    if (domain == nullptr) return nullptr;
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, domain, nullptr));
    EVP_PKEY* key = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &key) != 1) return nullptr;
    return Pkey(key);
}

} // namespace

bool is_ecp(uint16_t group) { return find_curve(group) != nullptr; }
std::size_t ecp_field_bytes(uint16_t group) {
    const Curve* c = find_curve(group);
    return c ? c->field : 0;
}

bool is_ecx(uint16_t group) { return group == 31 || group == 32; }
std::size_t ecx_bytes(uint16_t group) { return group == 31 ? 32 : group == 32 ? 56 : 0; }

std::unique_ptr<DhGroup> make_ecp(uint16_t group, std::span<const uint8_t> fixed_priv, bool fixed) {
    const Curve* c = find_curve(group);
    if (c == nullptr) return nullptr;
    Pkey key = fixed ? ec_from_private(*c, fixed_priv) : ec_generate(*c);
    if (!key) return nullptr;
    return std::make_unique<EcpGroup>(*c, std::move(key));
}

std::unique_ptr<DhGroup> make_ecx(uint16_t group, std::span<const uint8_t> fixed_priv, bool fixed) {
    if (!is_ecx(group)) return nullptr;
    const char* name = group == 31 ? "X25519" : "X448";
    const int type = group == 31 ? EVP_PKEY_X25519 : EVP_PKEY_X448;
    Pkey key;
    if (fixed) {
        if (fixed_priv.size() != ecx_bytes(group)) return nullptr;
        key.reset(EVP_PKEY_new_raw_private_key(type, nullptr, fixed_priv.data(), fixed_priv.size()));
    } else {
        key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, name));
    }
    if (!key) return nullptr;
    return std::make_unique<EcxGroup>(group, std::move(key), ecx_bytes(group));
}

} // namespace ike::crypto::detail
