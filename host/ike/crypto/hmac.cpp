#include "hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

namespace ike::crypto::detail {
namespace {

struct MacDeleter {
    void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
};
struct MacCtxDeleter {
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

EVP_MAC* hmac_algorithm() {
    // Fetched once; EVP_MAC objects are thread safe to share.
    static std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    return mac.get();
}

} // namespace

std::optional<secure_bytes> hmac(const char* digest, std::span<const uint8_t> key,
                                 std::span<const std::span<const uint8_t>> parts) {
    EVP_MAC* alg = hmac_algorithm();
    if (alg == nullptr) return std::nullopt;
    std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx(EVP_MAC_CTX_new(alg));
    if (!ctx) return std::nullopt;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_end(),
    };
    // HMAC accepts an empty key; OpenSSL wants a non-null pointer for it.
    static const uint8_t empty_key = 0;
    const uint8_t* key_ptr = key.empty() ? &empty_key : key.data();
    if (EVP_MAC_init(ctx.get(), key_ptr, key.size(), params) != 1) return std::nullopt;
    for (const auto& part : parts)
        if (!part.empty() && EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) return std::nullopt;
    secure_bytes out(EVP_MAC_CTX_get_mac_size(ctx.get()));
    std::size_t len = 0;
    if (out.empty() || EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) return std::nullopt;
    out.resize(len);
    return out;
}

} // namespace ike::crypto::detail
