// What the control socket asks of the daemon. iked implements this; the
// server calls it on the io_context thread that runs the server, one request
// at a time, so an implementation needs no locking against other requests.
// Calls must not block for long: tunnel_up starts a negotiation and returns.
// An exception thrown here becomes an error response (the server survives).
#pragma once

#include <string>
#include <vector>

#include "control/records.h"

namespace ike::control {

// A packet that should start a negotiation (ikectl tunnel trigger): its
// addresses as text, protocol and ports (0: not given).
struct Trigger {
    std::string src, dst;
    uint8_t proto = 0;
    uint16_t sport = 0, dport = 0;
    bool operator==(const Trigger&) const = default;
};

class ControlHandler {
public:
    virtual ~ControlHandler() = default;
    // Every configured phase2: its Child SAs, or one record in state down.
    virtual std::vector<ChildSaStatus> list_tunnels() = 0;
    // Every IKE SA.
    virtual std::vector<IkeSaStatus> list_gateways() = 0;
    // Start (or tear down) the Child SA of a phase2 (and its IKE SA if needed).
    virtual ActionResult tunnel_up(const std::string& phase2_name) = 0;
    virtual ActionResult tunnel_down(const std::string& phase2_name) = 0;
    // A packet with no SA: negotiate the phase2 whose selectors match (acquire).
    virtual ActionResult tunnel_trigger(const Trigger&) { return {false, "tunnel trigger is not supported"}; }
    // Re-read the configuration file; on errors keep the running one.
    virtual CheckResult reload() = 0;
    // Parse the configuration file without applying it.
    virtual CheckResult check_config() = 0;
};

} // namespace ike::control
