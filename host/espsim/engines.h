// engines.h: the packet engines espsim can run, by name (--engine). Adding one is one
// entry in engines.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace esp {
class PacketEngine;
}

namespace espsim {

struct EngineInfo {
  const char* name;
  const char* what;
  std::unique_ptr<esp::PacketEngine> (*make)();
};

const std::vector<EngineInfo>& engines();

// An engine that also times each packet from its first input beat to its first output beat
// (the Verilated RTL); espsim's statistics report it per direction.
class PacketLatency {
 public:
  virtual ~PacketLatency() = default;
  virtual std::uint64_t last_latency() const = 0;  // cycles, of the last processed packet
};

// Throws std::invalid_argument naming the known engines when `name` is not one.
std::unique_ptr<esp::PacketEngine> make_engine(const std::string& name);

}  // namespace espsim
