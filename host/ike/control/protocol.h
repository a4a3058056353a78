// The control protocol: one JSON object per line (newline-delimited) in each
// direction over a UNIX stream socket; a connection may carry any number of
// request/response pairs, answered in order.
//
// Requests:  {"command": "tunnel list"}          -> {"ok": true, "tunnels": [ChildSa...]}
//            {"command": "gateway list"}         -> {"ok": true, "gateways": [IkeSa...]}
//            {"command": "tunnel up", "name": N}  -> {"ok": B, "message": "..."}
//            {"command": "tunnel down", "name": N}-> {"ok": B, "message": "..."}
//            {"command": "tunnel trigger", "src": A, "dst": A, "proto": P, "sport": N, "dport": N}
//                                                -> {"ok": B, "message": "..."}  (an acquire)
//            {"command": "reload"}               -> {"ok": B, "diagnostics": ["FILE:L:C: ...", ...]}
//            {"command": "config check"}         -> {"ok": B, "diagnostics": [...]}
// Any malformed request gets {"ok": false, "error": "..."}; a line longer
// than max_line_bytes gets that error and the connection is closed.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "control/handler.h"
#include "control/json.h"

namespace ike::control {

inline constexpr size_t max_line_bytes = 64 * 1024;
inline constexpr const char* default_socket_path = "/run/iked.sock";

enum class Command { tunnel_list, gateway_list, tunnel_up, tunnel_down, reload, config_check, tunnel_trigger };

struct Request {
    Command command = Command::tunnel_list;
    std::string name;  // tunnel up/down only
    Trigger trigger{}; // tunnel trigger only
    bool operator==(const Request&) const = default;
};

std::string_view to_string(Command c); // "tunnel list", ...
Json to_json(const Request& r);
Request request_from_json(const Json& j); // throws JsonError

// Server side: one request line in, one response line out (without '\n').
std::string handle_request_line(std::string_view line, ControlHandler& handler);

// An error answered by the daemon, or a reply that does not follow the protocol.
class ControlError : public std::runtime_error {
public:
    enum class Kind { not_running, io, timeout, protocol, daemon };
    ControlError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
    Kind kind() const { return kind_; }

private:
    Kind kind_;
};

// Client side: typed views of a response; throw ControlError (Kind::daemon
// for {"ok": false, "error": ...}, Kind::protocol for a malformed reply).
std::vector<ChildSaStatus> tunnels_from_response(const Json& response);
std::vector<IkeSaStatus> gateways_from_response(const Json& response);
ActionResult action_from_response(const Json& response);
CheckResult check_from_response(const Json& response);

} // namespace ike::control
