#include "dh.h"

#include <openssl/core_names.h>
#include <openssl/dh.h>

#include "dh_internal.h"

namespace ike::crypto {
namespace detail {

Pkey pkey_from_params(const char* algorithm, int selection, const OSSL_PARAM* params) {
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    EVP_PKEY* out = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &out, selection, const_cast<OSSL_PARAM*>(params)) != 1)
        return nullptr;
    return Pkey(out);
}

std::optional<secure_bytes> derive(EVP_PKEY* own, EVP_PKEY* peer, bool pad, bool validate_peer) {
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return std::nullopt;
    if (pad && EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) != 1) return std::nullopt;
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, validate_peer ? 1 : 0) != 1) return std::nullopt;
    std::size_t len = 0;
    if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1 || len == 0) return std::nullopt;
    secure_bytes out(len);
    if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1) return std::nullopt;
    out.resize(len);
    return out;
}

std::vector<uint8_t> bn_to_padded(const BIGNUM* bn, std::size_t size) {
    std::vector<uint8_t> out(size);
    if (size > static_cast<std::size_t>(INT32_MAX) ||
        BN_bn2binpad(bn, out.data(), static_cast<int>(size)) != static_cast<int>(size))
        return {};
    return out;
}

} // namespace detail

namespace {

std::unique_ptr<DhGroup> make_any(uint16_t group, std::span<const uint8_t> priv, bool fixed) {
    if (detail::is_modp(group)) return detail::make_modp(group, priv, fixed);
    if (detail::is_ecp(group)) return detail::make_ecp(group, priv, fixed);
    if (detail::is_ecx(group)) return detail::make_ecx(group, priv, fixed);
    return nullptr;
}

} // namespace

std::unique_ptr<DhGroup> make_dh(uint16_t group) { return make_any(group, {}, false); }

std::unique_ptr<DhGroup> make_dh_with_private(uint16_t group, std::span<const uint8_t> priv) {
    return make_any(group, priv, true);
}

bool dh_supported(uint16_t group) { return dh_public_value_bytes(group) != 0; }

std::size_t dh_public_value_bytes(uint16_t group) {
    if (detail::is_modp(group)) return detail::modp_bytes(group);
    if (detail::is_ecp(group)) return 2 * detail::ecp_field_bytes(group);
    if (detail::is_ecx(group)) return detail::ecx_bytes(group);
    return 0;
}

std::vector<uint16_t> dh_supported_groups() {
    std::vector<uint16_t> out;
    for (uint16_t g = 1; g <= 32; ++g)
        if (dh_supported(g)) out.push_back(g);
    return out;
}

} // namespace ike::crypto
