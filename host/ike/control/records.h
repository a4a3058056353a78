// What the daemon reports over the control socket, filled by iked and shown
// by ikectl. Keys never appear here. Each record converts to and from JSON
// (SPIs as lower-case hex strings, addresses as text, counters as numbers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/ip_address.h"
#include "config/traffic_selector.h"
#include "control/json.h"

namespace ike::control {

enum class ChildSaState { down, connecting, established, rekeying, deleting };
enum class IkeSaState { connecting, established, rekeying, deleting };

// One Child SA (a pair of ESP SAs) of a phase2, or a configured phase2 with
// no SA yet (state down, SPIs 0).
struct ChildSaStatus {
    std::string tunnel;                                       // phase2 name
    std::string phase1;                                       // phase1 name
    std::vector<config::TrafficSelector> local_ts, remote_ts; // as negotiated (narrowed)
    uint32_t spi_in = 0, spi_out = 0;
    std::string proposal; // FortiOS word, e.g. "aes128gcm"
    bool esn = false;
    uint32_t replay_window = 0; // 0: anti-replay off
    uint64_t seq_out = 0;       // last outbound sequence number
    uint64_t replay_top_in = 0; // highest inbound sequence number seen
    uint64_t bytes_in = 0, bytes_out = 0, packets_in = 0, packets_out = 0;
    std::optional<uint64_t> lifetime_left_s, lifetime_s;   // nullopt: no time limit
    std::optional<uint64_t> lifetime_left_kb, lifetime_kb; // nullopt: no volume limit
    std::optional<uint32_t> offload_handle;                // accelerator SA handle (inbound); nullopt: host path
    std::optional<uint32_t> offload_handle_out;            // the outbound card SA
    bool counters_kept = false;                            // false: host path, nothing counts its packets
    uint64_t drops_in = 0, drops_out = 0;                  // card drops (replay, auth, disabled ...)
    bool host_path = false;                                // ESP runs in iked's host path (software), not the card
    std::vector<std::pair<std::string, uint64_t>> drops_in_by, drops_out_by; // non-zero drops by reason
    std::vector<std::string> routes; // add-route: prefixes of the remote selectors
    ChildSaState state = ChildSaState::down;

    bool operator==(const ChildSaStatus&) const = default;
};

// One IKE SA of a phase1.
struct IkeSaStatus {
    std::string name; // phase1 name
    config::IpAddress local_addr, peer_addr;
    uint16_t local_port = 500, peer_port = 500;
    uint64_t spi_i = 0, spi_r = 0; // initiator / responder SPI
    bool initiator = false;        // our role in this IKE SA
    std::string proposal;          // e.g. "aes256gcm-prfsha384"
    uint16_t dh_group = 0;
    IkeSaState state = IkeSaState::connecting;
    uint64_t age_s = 0;
    std::optional<uint64_t> lifetime_left_s; // until rekey/expiry
    bool nat_detected = false;
    uint32_t child_sas = 0;

    bool operator==(const IkeSaStatus&) const = default;
};

// Answer to tunnel up/down.
struct ActionResult {
    bool ok = false;
    std::string message; // what was done, or why not
    bool operator==(const ActionResult&) const = default;
};

// Answer to reload / config check: the configuration's diagnostics, one
// "FILE:LINE:COLUMN: text" per entry. On a failed reload the daemon keeps
// running with its previous configuration.
struct CheckResult {
    bool ok = false;
    std::vector<std::string> diagnostics;
    bool operator==(const CheckResult&) const = default;
};

std::string_view to_string(ChildSaState s);
std::string_view to_string(IkeSaState s);

Json to_json(const config::TrafficSelector& ts);
Json to_json(const ChildSaStatus& s);
Json to_json(const IkeSaStatus& s);
Json to_json(const ActionResult& r); // {"ok": B, "message": "..."}
Json to_json(const CheckResult& r);  // {"ok": B, "diagnostics": [...]}
// Throw JsonError on a missing or mistyped field.
config::TrafficSelector traffic_selector_from_json(const Json& j);
ChildSaStatus child_sa_from_json(const Json& j);
IkeSaStatus ike_sa_from_json(const Json& j);

std::string hex_spi(uint64_t spi, int digits); // "c0ffee01" (8) or 16 digits

} // namespace ike::control
