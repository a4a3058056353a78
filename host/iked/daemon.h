// The daemon's event loop: sockets, timer, signals, control socket.
#pragma once

#include <cstdint>
#include <string>

namespace iked {

struct Options {
    std::string config, device, export_keys, socket;
    std::string route_hook; // add-route: program run as HOOK add|del PREFIX PEER (empty: routes not applied)
    uint16_t ike_port = 500, natt_port = 4500;
    std::string tun = "ipsec0"; // host path TUN device ("": no host path)
    unsigned tun_mtu = 1400;
};

// Loads the configuration and runs until SIGINT/SIGTERM; SIGHUP reloads.
// Returns the process exit code (2: configuration error).
int run_daemon(const Options& o);

} // namespace iked
