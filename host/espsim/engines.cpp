// The engine table of espsim (see engines.h).
#include "engines.h"

#include <stdexcept>

#include "both_engine.h"
#include "hls_card.h"
#include "hls_engine.h"
#include "packet_engine.h"
#ifdef ESP_WITH_RTL_ENGINE // set by sim/top.cmake when the Verilated esp_engine_top is built
#include "Vesp_engine_top.h"
#include "rtl_engine.h"
#endif

namespace espsim {

namespace {

template <typename Engine>
std::unique_ptr<esp::PacketEngine> make() {
    return std::make_unique<Engine>();
}

#ifdef ESP_WITH_RTL_ENGINE
using RtlTop = esp::RtlEngine<Vesp_engine_top>;

// The RTL engine for --engine rtl: waits out BUSY after card work; its results carry each
// packet's beat cycles.
std::unique_ptr<esp::PacketEngine> make_rtl() { return std::make_unique<SettledEngine>(std::make_unique<RtlTop>()); }

// The RTL and the HLS model in lockstep; the first difference throws EngineMismatch.
std::unique_ptr<esp::PacketEngine> make_both() {
    return std::make_unique<BothEngine>(std::make_unique<RtlTop>(), "rtl", std::make_unique<esp::HlsEngine>(), "hls");
}
#endif

} // namespace

const std::vector<EngineInfo>& engines() {
    static const std::vector<EngineInfo> table = {
        {"hls", "the HLS C++ model of the accelerator (C simulation)", false, &make<esp::HlsCard>},
#ifdef ESP_WITH_RTL_ENGINE
        {"rtl", "the SystemVerilog accelerator (esp_engine_top, Verilated; cycle counts)", true, &make_rtl},
        {"both", "rtl and hls in lockstep, stopping at the first difference", true, &make_both},
#endif
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

} // namespace espsim
