// esp_framing.h: the ESP framing layer (RFC 4303 + RFC 4106 AES-GCM-16), separate from
// the IP handling so the known-answer vectors can drive it with their own IV.
//
// ESP on the wire:  SPI(4) | seq_lo(4) | IV(8) | GCM(payload | pad | pad_len | nh) | ICV(16)
//   nonce = salt(4) || IV(8); AAD = SPI || seq_lo, or SPI || seq_hi || seq_lo with ESN.
//   pad bytes are 1, 2, 3, ...; the engine pads to the minimum that ends the trailer on a
//   4-octet boundary (0..3 bytes). The engine's IV is the 64-bit sequence number.
#pragma once

#include <cstdint>

#include "esp/esp_sa.h"
#include "primitives/gcm.h"

namespace esphls {

constexpr unsigned kEspHeaderBytes = 8; // SPI + sequence number (low half)
constexpr unsigned kEspIvBytes = 8;
constexpr unsigned kEspTrailerBytes = 2; // pad length + next header
// Smallest ESP packet: header, IV, an empty payload's trailer and the ICV.
constexpr unsigned kEspMinBytes = kEspHeaderBytes + kEspIvBytes + kEspTrailerBytes + ESP_ICV_BYTES;

// Pad bytes for a payload of payload_len bytes: (payload + pad + 2) % 4 == 0, pad minimal.
inline unsigned esp_pad_length(unsigned payload_len) {
#pragma HLS INLINE
    return (4u - ((payload_len + kEspTrailerBytes) & 3u)) & 3u;
}

// RFC 4106 nonce: salt || IV.
ap_uint<96> esp_nonce(const ap_uint<32>& salt, const ap_uint<64>& iv);

// RFC 4106 section 5 AAD, zero-padded to a block. Returns its length (8 or 12).
unsigned esp_aad(const ap_uint<32>& spi, const ap_uint<64>& seq, bool esn, block_t& aad);

// GCM over buf[off .. off+len) in place (encrypt or decrypt) with a one-block AAD;
// returns the tag.
block_t esp_gcm_in_place(const SaKeys& key, const ap_uint<96>& nonce, const block_t& aad, unsigned aad_len,
                         std::uint8_t* buf, unsigned off, unsigned len, bool encrypt);

// Seals an ESP packet in place. On entry buf[off+16 .. off+16+payload_len) holds the
// payload; on return buf[off ..) holds SPI | seq_lo | IV | ciphertext | ICV. Returns the
// ESP length (16 + payload + pad + 2 + 16). The caller guarantees the room.
unsigned esp_seal(std::uint8_t* buf, unsigned off, unsigned payload_len, unsigned next_header, const ap_uint<32>& spi,
                  const ap_uint<64>& seq, bool esn, const ap_uint<64>& iv, const SaKeys& key, const ap_uint<32>& salt);

// Opens an ESP packet of esp_len bytes at buf[off] in place. seq is the full (inferred)
// sequence number, whose high half enters the AAD with ESN. Order: length (MALFORMED if
// below kEspMinBytes), ICV (AUTH_FAIL, compared in constant time), then the trailer
// (BAD_PADDING when pad length > payload room or pad bytes are not 1, 2, 3, ...).
// On OK the payload is at buf[off+16 .. off+16+payload_len).
unsigned esp_open(std::uint8_t* buf, unsigned off, unsigned esp_len, const ap_uint<64>& seq, bool esn,
                  const SaKeys& key, const ap_uint<32>& salt, unsigned& payload_len, unsigned& next_header);

} // namespace esphls
