// An independent ESP codec over OpenSSL EVP (RFC 4303, RFC 4106, RFC 3948), written
// from the RFCs for the tests: it shares no code with the engine. ref_encrypt plays the
// peer that sends to an inbound SA; ref_decode checks every byte of an engine output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "esp_test_util.h"

namespace esp_test {

// AES-GCM with a 12-byte nonce and a 16-byte tag through EVP. seal returns ct || tag;
// open returns the plaintext, or nothing when the tag does not verify.
Bytes evp_gcm_seal(const Bytes& key, const Bytes& nonce, const Bytes& aad, const Bytes& pt);
std::optional<Bytes> evp_gcm_open(const Bytes& key, const Bytes& nonce, const Bytes& aad, const Bytes& ct_and_tag);

struct RefEncryptOptions {
    std::optional<Bytes> iv;                 // 8 bytes; default: the sequence number, big-endian
    unsigned extra_pad = 0;                  // pad bytes on top of the minimum (keep % 4 == 0)
    std::optional<unsigned> pad_length;      // the pad length octet, when it should lie
    int corrupt_pad_byte = -1;               // index of a pad byte to get a wrong value
    std::optional<std::uint8_t> next_header; // override the ESP next header
    Bytes tfc;                               // tunnel: TFC padding after the inner packet
    std::uint16_t udp_sport = 4500;
    std::uint16_t udp_dport = ESP_UDP_ENCAP_PORT;
    std::uint16_t ip_id = 0x5555;
};

// The packet a peer sends for the inbound SA sa (outer source sa.src, destination sa.dst),
// with full sequence number seq (only the low half travels).
Bytes ref_encrypt(const SaConfig& sa, std::uint64_t seq, const Bytes& inner, const RefEncryptOptions& o = {});

// The ESP layer alone: SPI | seq_lo | IV | ciphertext | ICV for a payload and next header.
Bytes ref_esp(const SaConfig& sa, std::uint64_t seq, const Bytes& payload, std::uint8_t next_header,
              const RefEncryptOptions& o = {});

struct RefDecoded {
    bool ok = false;
    std::string error; // first deviation found
    Bytes inner;       // tunnel: the inner packet; transport: the restored packet
};

// Decodes an engine output of outbound SA sa that should carry sequence number seq and
// checks the engine's documented header choices (docs/engine.md) field by field.
RefDecoded ref_decode(const SaConfig& sa, std::uint64_t seq, const Bytes& pkt);

} // namespace esp_test
