// The one seam between the protocol and the accelerator: a negotiated
// AES-GCM Child SA direction becomes an entry in the card. Everything else
// (other ciphers, no device) stays a host-path SA.
//
// OffloadSa mirrors the fields of the driver's struct esp_sa_params; the
// uapi header itself is only included where Boost.Asio is not (its __u64
// typedef collides with <linux/types.h>), see offload_params.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ike::sa {

struct OffloadSa {
    bool inbound = false;
    bool transport = false;
    bool v6 = false;
    bool esn = false;
    bool udp_encap = false;
    uint32_t spi = 0;
    uint32_t replay_window = 0; // inbound only
    uint8_t key_len = 16;       // 16 or 32
    uint8_t key[32] = {};
    uint8_t salt[4] = {};
    uint8_t src[16] = {}, dst[16] = {}; // outer addresses (IPv4 in [0..3])
    uint16_t encap_sport = 0, encap_dport = 0;
    uint64_t byte_soft = 0, byte_hard = 0; // inner-byte lifetime limits (keylifekbs); 0: none
    void wipe();
};

// What the card counts for one of its SAs (SA readback).
struct OffloadCounters {
    uint64_t packets = 0;  // processed OK
    uint64_t bytes = 0;    // inner bytes processed OK (the lifetime counter)
    uint64_t seq = 0;      // outbound: last sequence number sent; inbound: replay window top
    uint64_t drops = 0;    // all drop codes together
    bool disabled = false; // hard-expired or sequence numbers exhausted
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
    // Returns the card's handle, or nullopt when the card refused (logged).
    virtual std::optional<uint32_t> install(const OffloadSa& sa) = 0;
    virtual void remove(uint32_t handle) = 0;
    virtual std::string name() const = 0;
    // The card's counters of an SA; nullopt when it cannot be read.
    virtual std::optional<OffloadCounters> counters(uint32_t) { return std::nullopt; }
    // Events raised since the last call (never blocks).
    virtual std::vector<OffloadEvent> poll_events() { return {}; }
};

} // namespace ike::sa
