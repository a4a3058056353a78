// Diffie-Hellman / key exchange groups of IKEv2, all through OpenSSL EVP_PKEY.
// Public values are in the IKE KE payload format:
//   MODP:   g^x mod p, big-endian, left-padded to the prime's length;
//   ECP:    x || y, each left-padded to the field size (RFC 5903 7, no 04);
//   Curve25519/448: the raw 32/56-octet u-coordinate (RFC 8031).
// Shared secrets are in the same sizes (ECP: the x coordinate only).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "secure_bytes.h"

namespace ike::crypto {

class DhGroup {
public:
    virtual ~DhGroup() = default;
    // IANA group number (Transform Type 4 ID).
    virtual uint16_t group() const = 0;
    // Our public value in KE payload format.
    virtual std::vector<uint8_t> public_value() const = 0;
    // g^ir from the peer's KE payload data. nullopt if the peer value is
    // invalid: wrong length; MODP value <= 1 or >= p-1 (and, for groups with
    // a subgroup, y^q != 1 per RFC 6989); ECP point not on the curve; an
    // all-zero X25519/X448 result (RFC 8031). Never throws.
    virtual std::optional<secure_bytes> shared_secret(std::span<const uint8_t> peer) const = 0;
};

// A fresh key pair for the group, or nullptr if the group is unsupported
// (or key generation failed).
std::unique_ptr<DhGroup> make_dh(uint16_t group);
// Known-answer tests only: a group object with a fixed private key (big-
// endian integer for MODP/ECP, any length up to the field size; the raw
// 32/56 octets for Curve25519/448). nullptr if unsupported or out of range.
std::unique_ptr<DhGroup> make_dh_with_private(uint16_t group, std::span<const uint8_t> priv);

bool dh_supported(uint16_t group);
// KE payload data size for the group (0 if unsupported).
std::size_t dh_public_value_bytes(uint16_t group);
// Groups that make_dh() supports, in IANA order.
std::vector<uint16_t> dh_supported_groups();

} // namespace ike::crypto
