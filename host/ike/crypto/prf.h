// IKEv2 pseudo-random functions (HMAC via EVP_MAC) and prf+ (RFC 7296 2.13).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "secure_bytes.h"
#include "transforms.h"

namespace ike::crypto {

// prf(key, data). nullopt if the PRF is unsupported (see prf_supported) or
// OpenSSL fails.
std::optional<secure_bytes> prf(PrfId id, std::span<const uint8_t> key, std::span<const uint8_t> data);

// prf+(K, S) = T1 | T2 | ..., T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n),
// truncated to `length` octets. nullopt if length needs more than 255 blocks
// or the PRF is unsupported.
std::optional<secure_bytes> prf_plus(PrfId id, std::span<const uint8_t> key, std::span<const uint8_t> seed,
                                     std::size_t length);

} // namespace ike::crypto
