// A Child SA (ESP) pair: one inbound and one outbound SA sharing selectors
// and algorithms. Keys are held in Secret buffers, wiped when it goes away.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway_config.h"

namespace ike::sa {

enum class ChildState { installed, rekeyed, deleting };

struct ChildSa {
    uint32_t uid = 0;
    std::string name; // the phase2-interface it came from
    ChildCfg cfg;
    uint32_t spi_in = 0;  // chosen by us: the peer puts it on packets to us
    uint32_t spi_out = 0; // chosen by the peer
    Selected proposal;
    bool transport = false;
    bool udp_encap = false;
    std::vector<Ts> ts_local, ts_remote;
    Secret encr_in, integ_in, encr_out, integ_out;
    std::optional<uint32_t> hw_in, hw_out; // accelerator handles when offloaded
    ChildState state = ChildState::installed;
    bool we_initiated = false; // initiator of the exchange that created it
    bool rekey_queued = false; // a CREATE_CHILD_SA rekey of it is on its way
    TimePoint installed_at{};

    bool offloaded() const { return hw_in.has_value() && hw_out.has_value(); }
};

} // namespace ike::sa
