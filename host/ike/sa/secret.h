// Key material held by the protocol state (PSK, SK_*, Child SA keys): an
// ike_crypto wiped buffer, copied only where a record needs plain bytes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/secure_bytes.h"

namespace ike::sa {

using Bytes = std::vector<uint8_t>;

class Secret {
public:
    Secret() = default;
    explicit Secret(std::span<const uint8_t> b) : b_(b.begin(), b.end()) {}
    explicit Secret(crypto::secure_bytes b) : b_(std::move(b)) {}
    const crypto::secure_bytes& bytes() const { return b_; }
    std::span<const uint8_t> span() const { return b_; }
    Bytes copy() const { return Bytes(b_.begin(), b_.end()); } // for key export / offload records
    size_t size() const { return b_.size(); }
    bool empty() const { return b_.empty(); }
    bool operator==(const Secret& o) const { return b_ == o.b_; }

private:
    crypto::secure_bytes b_;
};

// Fresh random octets (nonces, SPIs); throws if the DRBG fails.
Bytes random_bytes(size_t n);

} // namespace ike::sa
