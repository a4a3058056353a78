// The negotiated transform numbers as the protocol holds them (uint16_t from
// the wire) mapped onto ike_crypto's typed queries and names.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/dh.h"
#include "crypto/transforms.h"

namespace ike::sa {

inline crypto::EncrId encr_id(uint16_t v) { return static_cast<crypto::EncrId>(v); }
inline crypto::IntegId integ_id(uint16_t v) { return static_cast<crypto::IntegId>(v); }
inline crypto::PrfId prf_id(uint16_t v) { return static_cast<crypto::PrfId>(v); }

inline bool encr_supported(uint16_t e, uint16_t bits) { return crypto::encr_supported(encr_id(e), bits); }
inline bool encr_is_aead(uint16_t e) { return crypto::encr_is_aead(encr_id(e)); }
inline bool integ_supported(uint16_t i) { return crypto::integ_supported(integ_id(i)); }
inline bool prf_supported(uint16_t p) { return crypto::prf_supported(prf_id(p)); }
inline bool dh_supported(uint16_t g) { return crypto::dh_supported(g); }
// Octets of key material (AEAD salt included) / integrity key; 0 if unknown.
inline size_t encr_key_len(uint16_t e, uint16_t bits) {
    return crypto::encr_keymat_bytes(encr_id(e), bits).value_or(0);
}
inline size_t integ_key_len(uint16_t i) { return crypto::integ_key_bytes(integ_id(i)).value_or(0); }

inline std::string encr_name(uint16_t e, uint16_t bits) {
    return crypto::transform_name(crypto::TransformType::ENCR, e, bits);
}
inline std::string integ_name(uint16_t i) { return crypto::transform_name(crypto::TransformType::INTEG, i); }
inline std::string prf_name(uint16_t p) { return crypto::transform_name(crypto::TransformType::PRF, p); }
inline std::string dh_name(uint16_t g) { return crypto::transform_name(crypto::TransformType::DH, g); }

} // namespace ike::sa
