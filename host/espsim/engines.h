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
    bool timed; // counts clock cycles (streaming timing, --rate)
    std::unique_ptr<esp::PacketEngine> (*make)();
};

const std::vector<EngineInfo>& engines();

// Throws std::invalid_argument naming the known engines when `name` is not one.
std::unique_ptr<esp::PacketEngine> make_engine(const std::string& name);

} // namespace espsim
