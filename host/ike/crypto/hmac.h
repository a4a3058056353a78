// Internal: one-shot HMAC through EVP_MAC, shared by the PRFs and the
// integrity transforms. Not part of the public API.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "secure_bytes.h"

namespace ike::crypto::detail {

// digest: an OpenSSL digest name ("SHA256", ...). The parts are MACed in
// order as one message, which spares callers a concatenation copy.
std::optional<secure_bytes> hmac(const char* digest, std::span<const uint8_t> key,
                                 std::span<const std::span<const uint8_t>> parts);

} // namespace ike::crypto::detail
