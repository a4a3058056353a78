#include "secure_bytes.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <climits>

namespace ike::crypto {

void secure_wipe(void* p, std::size_t n) noexcept {
    if (p != nullptr && n != 0) OPENSSL_cleanse(p, n);
}

bool equal_ct(std::span<const uint8_t> a, std::span<const uint8_t> b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool random_bytes(std::span<uint8_t> out) noexcept {
    if (out.empty()) return true;
    if (out.size() > static_cast<std::size_t>(INT_MAX)) return false;
    return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

} // namespace ike::crypto
