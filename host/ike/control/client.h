// The ikectl end of the control socket: one connection per call, blocking
// with a timeout. Failures are ControlError: Kind::not_running when no daemon
// listens on the path (ikectl exits 1), Kind::daemon for an error the daemon
// answered, Kind::protocol/io/timeout otherwise.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "control/json.h"
#include "control/protocol.h"
#include "control/records.h"

namespace ike::control {

class ControlClient {
public:
    explicit ControlClient(std::string socket_path, std::chrono::milliseconds timeout = std::chrono::seconds(10));

    // Sends one request, returns the parsed response object.
    Json call(const Request& request);

    std::vector<ChildSaStatus> list_tunnels();
    std::vector<IkeSaStatus> list_gateways();
    ActionResult tunnel_up(const std::string& phase2_name);
    ActionResult tunnel_down(const std::string& phase2_name);
    CheckResult reload();
    CheckResult check_config();

private:
    std::string path_;
    std::chrono::milliseconds timeout_;
};

} // namespace ike::control
