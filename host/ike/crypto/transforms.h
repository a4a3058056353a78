// IKEv2 transform identifiers (IANA "IKEv2 Parameters", RFC 7296 3.3.2) with
// strongSwan-style names, and the key/ICV sizes each one needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ike::crypto {

enum class TransformType : uint8_t { ENCR = 1, PRF = 2, INTEG = 3, DH = 4, ESN = 5 };

enum class EncrId : uint16_t {
    DES_IV64 = 1,
    DES = 2,
    TRIPLE_DES = 3,
    RC5 = 4,
    IDEA = 5,
    CAST = 6,
    BLOWFISH = 7,
    TRIPLE_IDEA = 8,
    DES_IV32 = 9,
    NULL_ENCR = 11,
    AES_CBC = 12,
    AES_CTR = 13,
    AES_CCM_8 = 14,
    AES_CCM_12 = 15,
    AES_CCM_16 = 16,
    AES_GCM_8 = 18,
    AES_GCM_12 = 19,
    AES_GCM_16 = 20,
    NULL_AUTH_AES_GMAC = 21,
    CAMELLIA_CBC = 23,
    CAMELLIA_CTR = 24,
    CAMELLIA_CCM_8 = 25,
    CAMELLIA_CCM_12 = 26,
    CAMELLIA_CCM_16 = 27,
    CHACHA20_POLY1305 = 28,
};

enum class PrfId : uint16_t {
    HMAC_MD5 = 1,
    HMAC_SHA1 = 2,
    HMAC_TIGER = 3,
    AES128_XCBC = 4,
    HMAC_SHA2_256 = 5,
    HMAC_SHA2_384 = 6,
    HMAC_SHA2_512 = 7,
    AES128_CMAC = 8,
};

enum class IntegId : uint16_t {
    NONE = 0,
    HMAC_MD5_96 = 1,
    HMAC_SHA1_96 = 2,
    DES_MAC = 3,
    KPDK_MD5 = 4,
    AES_XCBC_96 = 5,
    HMAC_MD5_128 = 6,
    HMAC_SHA1_160 = 7,
    AES_CMAC_96 = 8,
    AES_128_GMAC = 9,
    AES_192_GMAC = 10,
    AES_256_GMAC = 11,
    HMAC_SHA2_256_128 = 12,
    HMAC_SHA2_384_192 = 13,
    HMAC_SHA2_512_256 = 14,
};

// IANA "Transform Type 4 - Key Exchange Method" numbers (DH groups).
enum class DhId : uint16_t {
    NONE = 0,
    MODP_768 = 1,
    MODP_1024 = 2,
    MODP_1536 = 5,
    MODP_2048 = 14,
    MODP_3072 = 15,
    MODP_4096 = 16,
    MODP_6144 = 17,
    MODP_8192 = 18,
    ECP_256 = 19,
    ECP_384 = 20,
    ECP_521 = 21,
    MODP_1024_160 = 22,
    MODP_2048_224 = 23,
    MODP_2048_256 = 24,
    ECP_192 = 25,
    ECP_224 = 26,
    ECP_224_BP = 27,
    ECP_256_BP = 28,
    ECP_384_BP = 29,
    ECP_512_BP = 30,
    CURVE_25519 = 31,
    CURVE_448 = 32,
};

enum class EsnId : uint16_t { NO_EXT_SEQ = 0, EXT_SEQ = 1 };

// Transform attribute type 14 (RFC 7296 3.3.5).
inline constexpr uint16_t ATTR_KEY_LENGTH = 14;

// strongSwan-style name of a transform ("AES_GCM_16", "PRF_HMAC_SHA2_384",
// "HMAC_SHA2_256_128", "ECP_384", "EXT_SEQ"); "UNKNOWN_<n>" when unassigned.
std::string transform_name(TransformType type, uint16_t id);
// With the key length when it is part of the name: "AES_GCM_16_256", "AES_CBC_128".
std::string transform_name(TransformType type, uint16_t id, uint16_t key_bits);
// Inverse of transform_name (without key length); nullopt if unknown.
std::optional<uint16_t> transform_from_name(TransformType type, std::string_view name);
std::string_view transform_type_name(TransformType type);

// ---- sizes -------------------------------------------------------------
// True for the combined-mode ciphers (AES-GCM/CCM, ChaCha20-Poly1305): no INTEG.
bool encr_is_aead(EncrId id);
// True if the transform requires a Key Length attribute (AES-*, Camellia-*).
bool encr_needs_key_length(EncrId id);
// Whether this implementation (ike_crypto's SkCipher / the ESP engine) can
// use the cipher with that key length. key_bits is 0 for fixed-size ciphers.
bool encr_supported(EncrId id, uint16_t key_bits);
// Bytes of encryption key material to take from prf+, including the salt
// of AEAD ciphers (RFC 4106/5282: 4 octets for GCM, RFC 7634: 4 for
// ChaCha20-Poly1305, 3 for CCM). nullopt for an unknown cipher or key size.
std::optional<std::size_t> encr_keymat_bytes(EncrId id, uint16_t key_bits);
std::size_t encr_salt_bytes(EncrId id);
// Integrity key size (= HMAC output size for the HMAC transforms) and ICV
// (truncated output) size. nullopt if unknown.
std::optional<std::size_t> integ_key_bytes(IntegId id);
std::optional<std::size_t> integ_icv_bytes(IntegId id);
bool integ_supported(IntegId id);
// PRF output size (= preferred key size for HMAC PRFs). nullopt if unsupported.
std::optional<std::size_t> prf_output_bytes(PrfId id);
bool prf_supported(PrfId id);

} // namespace ike::crypto
