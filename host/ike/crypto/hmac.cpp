#include "hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace ike::crypto::detail {
namespace {

struct MacDeleter {
    void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
};
struct MacCtxDeleter {
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

// One HMAC context per digest with the digest already set; each call dups it
// and adds the key. Fetching the MAC and digest is what costs (strongSwan
// keeps its HMAC objects too), not the hashing of IKE-sized messages.
MacCtx hmac_context(const char* digest) {
    // Never destroyed: OpenSSL's own exit handlers may run after static destructors.
    static auto& templates = *new std::map<std::string, MacCtx>();
    static std::mutex& lock = *new std::mutex();
    std::lock_guard<std::mutex> hold(lock);
    auto it = templates.find(digest);
    if (it == templates.end()) {
        std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
        if (!mac) return nullptr;
        MacCtx ctx(EVP_MAC_CTX_new(mac.get()));
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
            OSSL_PARAM_construct_end(),
        };
        if (!ctx || EVP_MAC_CTX_set_params(ctx.get(), params) != 1) return nullptr;
        it = templates.emplace(digest, std::move(ctx)).first;
    }
    return MacCtx(EVP_MAC_CTX_dup(it->second.get()));
}

} // namespace

std::optional<secure_bytes> hmac(const char* digest, std::span<const uint8_t> key,
                                 std::span<const std::span<const uint8_t>> parts) {
    MacCtx ctx = hmac_context(digest);
    if (!ctx) return std::nullopt;
    // HMAC accepts an empty key; OpenSSL wants a non-null pointer for it.
    static const uint8_t empty_key = 0;
    const uint8_t* key_ptr = key.empty() ? &empty_key : key.data();
    if (EVP_MAC_init(ctx.get(), key_ptr, key.size(), nullptr) != 1) return std::nullopt;
    for (const auto& part : parts)
        if (!part.empty() && EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) return std::nullopt;
    secure_bytes out(EVP_MAC_CTX_get_mac_size(ctx.get()));
    std::size_t len = 0;
    if (out.empty() || EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) return std::nullopt;
    out.resize(len);
    return out;
}

} // namespace ike::crypto::detail
