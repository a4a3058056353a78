#include "prf.h"

#include "hmac.h"

namespace ike::crypto {
namespace {

const char* prf_digest(PrfId id) {
    switch (id) {
        case PrfId::HMAC_SHA1:
            return "SHA1";
        case PrfId::HMAC_SHA2_256:
            return "SHA256";
        case PrfId::HMAC_SHA2_384:
            return "SHA384";
        case PrfId::HMAC_SHA2_512:
            return "SHA512";
        default:
            return nullptr;
    }
}

} // namespace

std::optional<secure_bytes> prf(PrfId id, std::span<const uint8_t> key, std::span<const uint8_t> data) {
    const char* digest = prf_digest(id);
    if (digest == nullptr) return std::nullopt;
    const std::span<const uint8_t> parts[] = {data};
    return detail::hmac(digest, key, parts);
}

std::optional<secure_bytes> prf_plus(PrfId id, std::span<const uint8_t> key, std::span<const uint8_t> seed,
                                     std::size_t length) {
    const char* digest = prf_digest(id);
    const auto block = prf_output_bytes(id);
    if (digest == nullptr || !block) return std::nullopt;
    // The counter octet limits prf+ to 255 blocks (RFC 7296 2.13).
    if (length > 255 * *block) return std::nullopt;
    secure_bytes out;
    out.reserve(length + *block);
    secure_bytes previous;
    for (unsigned n = 1; out.size() < length; ++n) {
        const uint8_t counter = static_cast<uint8_t>(n);
        const std::span<const uint8_t> parts[] = {previous, seed, {&counter, 1}};
        auto t = detail::hmac(digest, key, parts);
        if (!t) return std::nullopt;
        append(out, *t);
        previous = std::move(*t);
    }
    out.resize(length);
    return out;
}

} // namespace ike::crypto
