// The `sim:PATH` backend: a client of `espsim serve` (see sim_protocol.h).
#pragma once

#include "device.h"

namespace espdrv {

std::unique_ptr<Device> open_sim_device(const std::string& socket_path);

} // namespace espdrv
