// The `xrt:N[:FILE.xclbin]` backend: an Alveo card through XRT's native C++ API.
//
// The card's register map is the control port of the ESP compute unit in the xclbin
// (rtl/vitis/: a user-managed RTL kernel), reached through xrt::ip; the driver core runs
// over it exactly as the kernel module does over BAR0. XRT needs the xclbin file in every
// process that uses the card (xrt::device::register_xclbin before xrt::hw_context), so
// the backend attaches to FILE (or $ESP_XCLBIN), loading it onto the card when the card
// runs something else; without one it opens the card and every request says what to give.
// xrt::ip takes the compute unit exclusively, and attaching starts from a known card
// (soft reset, as the driver core does at probe): one process owns the card at a time.
//
// Built where XRT is installed (it is not in Debian), and otherwise compiled against
// XRT's public headers and tested against a stand-in of the XRT classes it uses
// (tests/xrt); see host/libespdrv/CMakeLists.txt.
#pragma once

#include <memory>
#include <string>

#include "device.h"

namespace espdrv {

// The compute unit the backend drives, as xrt::ip names it; $ESP_XRT_CU overrides it.
inline constexpr const char* kXrtComputeUnit = "esp_engine_kernel:{esp_engine_kernel_1}";

// spec is what follows "xrt:" in the device string: "N" or "N:FILE.xclbin".
std::unique_ptr<Device> open_xrt_device(const std::string& spec);

} // namespace espdrv
