// The engine table of espsim (see engines.h).
#include "engines.h"

#include <stdexcept>

#include "hls_engine.h"
#include "packet_engine.h"

namespace espsim {

namespace {

template <typename Engine>
std::unique_ptr<esp::PacketEngine> make() {
  return std::make_unique<Engine>();
}

}  // namespace

const std::vector<EngineInfo>& engines() {
  static const std::vector<EngineInfo> table = {
      {"hls", "the HLS C++ model of the accelerator (C simulation)", &make<esp::HlsEngine>},
  };
  return table;
}

std::unique_ptr<esp::PacketEngine> make_engine(const std::string& name) {
  std::string known;
  for (const auto& e : engines()) {
    if (name == e.name) return e.make();
    known += known.empty() ? e.name : std::string(", ") + e.name;
  }
  throw std::invalid_argument("unknown engine '" + name + "' (known: " + known + ")");
}

}  // namespace espsim
