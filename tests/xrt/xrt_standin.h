// A stand-in for the XRT library (libxrt_coreutil), which needs a card, its kernel driver
// and a platform: xrt_standin.cpp implements exactly the members of xrt::device,
// xrt::xclbin, xrt::hw_context and xrt::ip that host/libespdrv/xrt_device.cpp uses, with
// the signatures of XRT 2.26's public headers, over cards of this process whose register
// map is a model card (an esp::PacketEngine). xrt::xclbin reads real xclbin (axlf) files;
// IP_LAYOUT gives the compute units, the kernel's slave port range in EMBEDDED_METADATA
// their register space, as in XRT.
//
// The tests plug cards and script their faults here.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <xrt/xrt_uuid.h>

#include "packet_engine.h"

namespace xrt_standin {

struct Card {
    // The card's logic after a bitstream is loaded (a new image starts from power-on).
    std::function<std::unique_ptr<esp::PacketEngine>()> power_on;
    std::unique_ptr<esp::PacketEngine> logic; // the loaded image's register map, or null
    xrt::uuid image;                          // uuid of the loaded xclbin; null: none

    // Faults.
    std::string busy;                  // non-empty: loading another image fails (EBUSY, this text)
    bool ignores_loads = false;        // a load "succeeds" but the card keeps its image
    long accesses_before_failure = -1; // register accesses that succeed before each fails (EIO); -1 never

    // Observed.
    int open_compute_units = 0; // xrt::ip objects open on the card (exclusive)
    long register_accesses = 0;
    int loads = 0;
};

// Plugs a card in at index (replacing any); power_on makes its logic for each load.
Card& plug(unsigned index, std::function<std::unique_ptr<esp::PacketEngine>()> power_on);
Card* card(unsigned index);
void unplug_all();

} // namespace xrt_standin
