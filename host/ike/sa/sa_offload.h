// The one seam between the protocol and the data path: each negotiated Child
// SA direction is handed to an SaOffload, which puts it in the card (AES-GCM,
// while there is room) or in iked's host path (everything else); see
// host/iked/path_router.h.
//
// OffloadSa mirrors the fields of the driver's struct esp_sa_params; the
// uapi header itself is only included where Boost.Asio is not (its __u64
// typedef collides with <linux/types.h>), see offload_params.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "traffic_selector.h"

namespace ike::sa {

struct OffloadSa {
    bool inbound = false;
    bool transport = false;
    bool v6 = false;
    bool esn = false;
    bool udp_encap = false;
    uint32_t spi = 0;
    uint32_t replay_window = 0; // inbound only
    uint16_t encr = 20;         // RFC 7296 transform IDs (20: ENCR_AES_GCM_16)
    uint16_t integ = 0;         // 0: none (AEAD)
    uint8_t key_len = 16;       // cipher key octets, salt excluded (0 for ENCR_NULL)
    uint8_t key[32] = {};
    uint8_t salt[4] = {}; // AEAD (GCM, ChaCha20-Poly1305)
    uint8_t integ_key_len = 0;
    uint8_t integ_key[64] = {};
    std::vector<Ts> ts_local, ts_remote; // the Child SA's selectors (ours, the peer's)
    uint8_t src[16] = {}, dst[16] = {};  // outer addresses (IPv4 in [0..3])
    uint16_t encap_sport = 0, encap_dport = 0;
    uint64_t byte_soft = 0, byte_hard = 0; // inner-byte lifetime limits (keylifekbs); 0: none
    void wipe();
};

// What the card counts for one of its SAs (SA readback).
struct OffloadCounters {
    uint64_t packets = 0; // processed OK
    uint64_t bytes = 0;   // inner bytes processed OK (the lifetime counter)
    uint64_t seq = 0;     // outbound: last sequence number sent; inbound: replay window top
    uint64_t drops = 0;   // all drop codes together
    std::vector<std::pair<std::string, uint64_t>> drops_by; // the non-zero ones by reason
    bool disabled = false;                                  // hard-expired or sequence numbers exhausted
};

// A lifetime event the card raised for one of its SAs.
enum class OffloadEventType { soft, hard, seq_exhausted, deleted };
struct OffloadEvent {
    OffloadEventType type = OffloadEventType::soft;
    uint32_t handle = 0;
};

class SaOffload {
public:
    virtual ~SaOffload() = default;
    // Whether install() may take this transform; by default what the card runs:
    // AES-GCM-16 with a 128- or 256-bit key.
    virtual bool accepts(const OffloadSa& sa) const { return sa.encr == 20 && (sa.key_len == 16 || sa.key_len == 32); }
    // Returns the card's handle, or nullopt when the card refused (logged).
    virtual std::optional<uint32_t> install(const OffloadSa& sa) = 0;
    virtual void remove(uint32_t handle) = 0;
    virtual std::string name() const = 0;
    // Where an SA of this offload runs: "offload" (the card) or "host".
    virtual std::string path(uint32_t /*handle*/) const { return "offload"; }
    // The card's counters of an SA; nullopt when it cannot be read.
    virtual std::optional<OffloadCounters> counters(uint32_t) { return std::nullopt; }
    // Events raised since the last call (never blocks).
    virtual std::vector<OffloadEvent> poll_events() { return {}; }
};

} // namespace ike::sa
