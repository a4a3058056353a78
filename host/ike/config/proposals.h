// FortiOS proposal words and the IKEv2 transforms they stand for
// (RFC 7296 §3.3.2, IANA "IKEv2 Transform Type" registries).
//
// Phase 1 (IKE SA): "ENC-HASH" with a CBC cipher (the hash gives both the
// integrity algorithm and the PRF) or "AEAD-prfHASH" with an AEAD cipher
// (no integrity transform). Phase 2 (ESP): "ENC-HASH", an AEAD name alone,
// or "null-HASH" (integrity only).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ike::config {

namespace transform {
// Transform type 1 (ENCR)
inline constexpr uint16_t ENCR_NULL = 11;
inline constexpr uint16_t ENCR_AES_CBC = 12;
inline constexpr uint16_t ENCR_AES_GCM_16 = 20;
inline constexpr uint16_t ENCR_CHACHA20_POLY1305 = 28;
// Transform type 2 (PRF)
inline constexpr uint16_t PRF_HMAC_SHA1 = 2;
inline constexpr uint16_t PRF_HMAC_SHA2_256 = 5;
inline constexpr uint16_t PRF_HMAC_SHA2_384 = 6;
inline constexpr uint16_t PRF_HMAC_SHA2_512 = 7;
// Transform type 3 (INTEG); 0 means "no integrity transform" (AEAD)
inline constexpr uint16_t AUTH_NONE = 0;
inline constexpr uint16_t AUTH_HMAC_SHA1_96 = 2;
inline constexpr uint16_t AUTH_HMAC_SHA2_256_128 = 12;
inline constexpr uint16_t AUTH_HMAC_SHA2_384_192 = 13;
inline constexpr uint16_t AUTH_HMAC_SHA2_512_256 = 14;
} // namespace transform

// One phase1 proposal word, e.g. "aes256gcm-prfsha384".
struct IkeProposal {
    std::string_view name;
    uint16_t encr = 0;     // transform::ENCR_*
    uint16_t key_bits = 0; // Key Length attribute; 0 for ChaCha20 (fixed 256-bit key)
    uint16_t integ = 0;    // transform::AUTH_*; AUTH_NONE for AEAD ciphers
    uint16_t prf = 0;      // transform::PRF_*
    bool aead() const { return integ == transform::AUTH_NONE; }
    bool operator==(const IkeProposal& o) const { return name == o.name; }
};

// One phase2 proposal word, e.g. "aes128gcm" or "aes256-sha256".
struct EspProposal {
    std::string_view name;
    uint16_t encr = 0;     // transform::ENCR_* (ENCR_NULL for "null-HASH")
    uint16_t key_bits = 0; // 0 for ENCR_NULL and ChaCha20
    uint16_t integ = 0;    // transform::AUTH_*; AUTH_NONE for AEAD ciphers
    bool aead() const { return integ == transform::AUTH_NONE; }
    bool operator==(const EspProposal& o) const { return name == o.name; }
};

// Every word the parser accepts, in the order the error messages list them.
std::span<const IkeProposal> ike_proposals();
std::span<const EspProposal> esp_proposals();
const IkeProposal* find_ike_proposal(std::string_view name);
const EspProposal* find_esp_proposal(std::string_view name);
// "aes128gcm-prfsha256 aes256gcm-prfsha384 ..." for messages and docs.
std::string ike_proposal_names();
std::string esp_proposal_names();

// Diffie-Hellman groups (transform type 4) this product supports in both phases:
// 1, 2, 5 and 14 to 32.
bool dh_group_supported(unsigned group);
std::string dh_group_names();

} // namespace ike::config
