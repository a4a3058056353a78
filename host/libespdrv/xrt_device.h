// The `xrt:N` backend: an Alveo card through XRT's native C++ API. Built only where XRT
// is installed (it is not in Debian); see CMakeLists.txt.
#pragma once

#include "device.h"

namespace espdrv {

std::unique_ptr<Device> open_xrt_device(const std::string& index);

} // namespace espdrv
