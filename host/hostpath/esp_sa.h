// esp_sa.h: one direction of an ESP SA in software (RFC 4303) over OpenSSL EVP.
//
// Per SA, created once: the cipher context (key schedule), for CBC an AES-ECB context that
// makes the IVs from a counter under a random per-SA key (unpredictable, RFC 3602
// 2.3, without a DRBG call per packet), an HMAC context keyed once (EVP_MAC_init with no key
// reuses it). Per packet nothing is allocated beyond the caller's buffer growing once.
//
// Framing choices (the card's where it has them): AEAD IV = the 64-bit sequence number,
// nonce = salt || IV, AAD = SPI || seq_lo or SPI || seq_hi || seq_lo (ESN); CBC/NULL ICV =
// HMAC over SPI .. ciphertext || seq_hi with ESN (RFC 4303 2.2.1), truncated (RFC 4868);
// padding: the minimum to the cipher's block (4 for stream/AEAD, 16 for CBC), bytes 1, 2, 3...
// Inbound order as the card: lengths, replay pre-check, ICV (constant time), padding, inner
// packet, then window update and lifetime accounting; a failed packet leaves the window.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "esp_types.h"
#include "replay.h"

namespace hostpath {

class EspSa {
public:
    // nullopt with *error set for an impossible SA (key length, NULL without integrity, ...).
    static std::unique_ptr<EspSa> create(const SaParams& p, uint64_t now_s, std::string* error);
    ~EspSa();
    EspSa(const EspSa&) = delete;
    EspSa& operator=(const EspSa&) = delete;

    // Outbound: `payload` (tunnel: the inner IP packet) with `next_header` becomes ESP
    // (SPI .. ICV) in `out`. now_s: the caller's monotonic clock in seconds.
    Drop seal(uint8_t next_header, const uint8_t* payload, size_t len, std::vector<uint8_t>& out, uint64_t now_s);
    // The same with a given IV (known-answer tests; AEAD 8 octets, CBC 16).
    Drop seal_with_iv(uint8_t next_header, const uint8_t* payload, size_t len, const uint8_t* iv,
                      std::vector<uint8_t>& out, uint64_t now_s);

    // Inbound: ESP (SPI .. ICV) -> plaintext payload in `out` (tunnel: the inner IP packet
    // without TFC padding) and its next header. With commit false an OK packet is not yet
    // accounted: the caller checks more (selectors) and then calls account() or count_drop().
    Drop open(const uint8_t* esp, size_t len, std::vector<uint8_t>& out, uint8_t& next_header, uint64_t now_s,
              bool commit = true);

    // Time lifetimes; events raised since the last take_events().
    void tick(uint64_t now_s);
    std::vector<EventType> take_events();
    void stop() { counters_.disabled = true; }

    const SaParams& params() const { return p_; } // keys already wiped
    const Counters& counters() const { return counters_; }
    void count_drop(Drop d) { ++counters_.drops[static_cast<unsigned>(d)]; }
    // An OK packet the caller accepted (after its own checks, e.g. selectors).
    void account(uint64_t seq, size_t inner_bytes);
    uint64_t last_opened_seq() const { return last_seq_; }

private:
    EspSa() = default;
    Drop drop(Drop d) {
        count_drop(d);
        return d;
    }
    size_t iv_len() const;
    size_t block() const;
    bool hmac(const uint8_t* data, size_t len, uint32_t seq_hi, uint8_t* mac);
    void raise(EventType e);

    SaParams p_;
    size_t icv_len_ = 0;
    uint8_t salt_[4] = {};
    struct Evp;
    std::unique_ptr<Evp> evp_;
    ReplayWindow replay_;
    Counters counters_;
    uint64_t installed_s_ = 0;
    bool soft_raised_ = false, hard_raised_ = false, exhausted_raised_ = false;
    uint64_t last_seq_ = 0;
    std::vector<EventType> events_;
};

} // namespace hostpath
