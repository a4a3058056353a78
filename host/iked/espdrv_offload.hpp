// SaOffload over libespdrv: opens the card named by --device and turns each
// OffloadSa into an SA_ADD. No Asio in here (the uapi header's __u64
// collides with <linux/types.h>).
#pragma once

#include <memory>
#include <string>

#include "sa/sa_offload.hpp"

namespace iked {

// Throws std::runtime_error when the device cannot be opened.
std::unique_ptr<ike::sa::SaOffload> open_offload(const std::string& device);

} // namespace iked
