// The simulated card as a process: serves the ioctl ABI, packet injection and
// events for one card to any number of local clients (see sim_protocol.h).
#pragma once

#include <memory>
#include <string>

namespace esp {
class PacketEngine;
}

namespace espdrv {

// Serves until SIGTERM or SIGINT, then closes every client and removes the
// socket. Returns a process exit status (0 after a clean stop).
int run_sim_server(std::unique_ptr<esp::PacketEngine> engine, const std::string& socket_path);

} // namespace espdrv
