// IKE SA and Child SA key derivation (RFC 7296 2.14, 2.17, 2.18) and the
// PSK AUTH payload value (RFC 7296 2.15).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "secure_bytes.h"
#include "transforms.h"

namespace ike::crypto {

// The negotiated IKE SA transforms. integ is NONE for AEAD ciphers;
// encr_key_bits is the Key Length attribute (0 for ChaCha20-Poly1305).
struct IkeAlgorithms {
    EncrId encr = EncrId::AES_GCM_16;
    uint16_t encr_key_bits = 256;
    PrfId prf = PrfId::HMAC_SHA2_256;
    IntegId integ = IntegId::NONE;
};

// SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr. SK_e* include the
// AEAD salt at their end; SK_a* are empty for AEAD.
struct IkeKeys {
    secure_bytes sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

// SKEYSEED = prf(Ni | Nr, g^ir) (2.14). nullopt on unsupported PRF.
std::optional<secure_bytes> skeyseed(PrfId prf, std::span<const uint8_t> ni, std::span<const uint8_t> nr,
                                     std::span<const uint8_t> g_ir);
// Rekeyed IKE SA (2.18): SKEYSEED = prf_old(SK_d_old, g^ir(new) | Ni | Nr).
std::optional<secure_bytes> skeyseed_rekey(PrfId old_prf, std::span<const uint8_t> old_sk_d,
                                           std::span<const uint8_t> g_ir, std::span<const uint8_t> ni,
                                           std::span<const uint8_t> nr);
// {SK_d .. SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr); SPIs as 8-octet
// big-endian values (the IKE header byte order). nullopt on an unsupported
// or inconsistent algorithm set.
std::optional<IkeKeys> derive_ike_keys(const IkeAlgorithms& alg, std::span<const uint8_t> skeyseed,
                                       std::span<const uint8_t> ni, std::span<const uint8_t> nr, uint64_t spi_i,
                                       uint64_t spi_r);
// Convenience: skeyseed() then derive_ike_keys().
std::optional<IkeKeys> derive_ike_keys_initial(const IkeAlgorithms& alg, std::span<const uint8_t> g_ir,
                                               std::span<const uint8_t> ni, std::span<const uint8_t> nr, uint64_t spi_i,
                                               uint64_t spi_r);

// Child SA (ESP) transforms. encr_key_bits: Key Length attribute (0 if none).
struct ChildAlgorithms {
    EncrId encr = EncrId::AES_GCM_16;
    uint16_t encr_key_bits = 256;
    IntegId integ = IntegId::NONE;
};

// KEYMAT split per 2.17: initiator-to-responder encryption key then
// integrity key, then responder-to-initiator encryption and integrity.
// Encryption keys include the AEAD salt (key || salt, as the ESP SA takes it).
struct ChildKeys {
    secure_bytes encr_i, integ_i, encr_r, integ_r;
};

// KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) when a
// PFS exchange gave g_ir (pass an empty span for none).
std::optional<ChildKeys> derive_child_keys(PrfId prf, std::span<const uint8_t> sk_d, const ChildAlgorithms& alg,
                                           std::span<const uint8_t> g_ir, std::span<const uint8_t> ni,
                                           std::span<const uint8_t> nr);

// AUTH for shared-key authentication (2.15):
//   prf(prf(psk, "Key Pad for IKEv2"), <SignedOctets>) with
//   SignedOctets = RealMessage | NoncePeer | prf(SK_p, RestOfIDPayload),
// where real_message is our (or the peer's) IKE_SA_INIT message as sent,
// nonce_peer the other side's nonce data, sk_p our SK_pi/SK_pr (the peer's
// when verifying), id_body the ID payload body (ID type, 3 reserved, data).
std::optional<secure_bytes> psk_auth(PrfId prf, std::span<const uint8_t> psk, std::span<const uint8_t> real_message,
                                     std::span<const uint8_t> nonce_peer, std::span<const uint8_t> sk_p,
                                     std::span<const uint8_t> id_body);
// The octets a signature AUTH method signs (same layout, no PSK step).
std::optional<std::vector<uint8_t>> signed_octets(PrfId prf, std::span<const uint8_t> real_message,
                                                  std::span<const uint8_t> nonce_peer, std::span<const uint8_t> sk_p,
                                                  std::span<const uint8_t> id_body);

// NAT_DETECTION_*_IP notify data: SHA-1(SPIi | SPIr | IP | port) (2.23).
// ip is 4 or 16 octets; port in host order. Empty on failure.
std::vector<uint8_t> nat_detection_hash(uint64_t spi_i, uint64_t spi_r, std::span<const uint8_t> ip, uint16_t port);

} // namespace ike::crypto
