// esp_types.h: what a host-path SA is made of and what it reports.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "esp_contract.h"

namespace hostpath {

// RFC 7296 transform numbers are mapped by the caller; these are the ones the host path runs.
enum class Cipher : uint8_t {
    null,              // RFC 2410 (needs an integrity algorithm)
    aes_cbc,           // RFC 3602, 128/192/256-bit keys
    aes_gcm,           // RFC 4106, 16-octet ICV, key || 4-octet salt
    chacha20_poly1305, // RFC 7634, 256-bit key || 4-octet salt
};
enum class Integ : uint8_t {
    none,            // AEAD ciphers only
    hmac_sha1_96,    // RFC 2404
    hmac_sha256_128, // RFC 4868
    hmac_sha384_192,
    hmac_sha512_256,
};

// Drop reasons: the card's codes (docs/contract/esp_contract.json, checked below) where they
// mean the same, then the host path's own (an index here, not a card code).
enum class Drop : uint8_t {
    ok = ESP_DROP_OK,
    no_sa = ESP_DROP_NO_SA, // unknown SPI inbound; no outbound SA for a packet
    replay = ESP_DROP_REPLAY,
    auth_fail = ESP_DROP_AUTH_FAIL,
    malformed = ESP_DROP_MALFORMED, // lengths, headers, not an IP packet
    bad_padding = ESP_DROP_BAD_PADDING,
    sa_disabled = ESP_DROP_SA_DISABLED,     // hard lifetime reached, exhausted, or stopped
    seq_exhausted = ESP_DROP_SEQ_EXHAUSTED, // the packet that found the sequence space used up
    policy = 8,                             // decrypted inner packet outside the SA's selectors
};
static_assert(ESP_DROP_SEQ_EXHAUSTED == 7, "the card's codes come first");
constexpr unsigned kDropCount = static_cast<unsigned>(Drop::policy) + 1;
const char* drop_name(Drop d); // lower case: "replay", "auth_fail", ...

struct Counters {
    uint64_t packets = 0, bytes = 0; // OK packets and their inner (payload) bytes
    std::array<uint64_t, kDropCount> drops{};
    uint64_t seq = 0; // outbound: last number sent; inbound: window top
    bool disabled = false;
    uint64_t drops_total() const;
};

struct Lifetime {
    uint64_t soft_bytes = 0, hard_bytes = 0;     // inner bytes; 0: none
    uint64_t soft_seconds = 0, hard_seconds = 0; // since install; 0: none
};

enum class EventType : uint8_t { soft, hard, seq_exhausted };

// One address range, protocol and port range (RFC 7296 3.13.1); IPv4 in bytes 0..3.
struct Selector {
    bool v6 = false;
    uint8_t proto = 0; // 0: any
    uint16_t port_lo = 0, port_hi = 65535;
    std::array<uint8_t, 16> lo{}, hi{};
};

struct SaParams {
    bool inbound = false;
    bool tunnel = true;
    bool esn = false;
    uint32_t spi = 0;
    Cipher cipher = Cipher::aes_gcm;
    std::vector<uint8_t> enc_key; // cipher key, || 4-octet salt for AEAD; empty for null
    Integ integ = Integ::none;
    std::vector<uint8_t> integ_key;
    unsigned replay_window = 64; // inbound; 0 turns anti-replay off
    uint64_t initial_seq = 0;    // outbound: last number sent; inbound: window top
    Lifetime life;
    void wipe(); // cleanses the keys
};

} // namespace hostpath
