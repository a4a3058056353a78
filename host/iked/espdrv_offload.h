// SaOffload over libespdrv: opens the card named by --device and turns each
// OffloadSa into an SA_ADD; reads the card's SA counters (SA_GET) and its
// lifetime events. No Asio in here (the uapi header's __u64 collides with
// <linux/types.h>).
#pragma once

#include <memory>
#include <string>

#include "sa/sa_offload.h"

namespace espdrv {
class Device;
}

namespace iked {

// Throws std::runtime_error when the device cannot be opened.
std::unique_ptr<ike::sa::SaOffload> open_offload(const std::string& device);
// Over a device the caller also uses (tests push packets through it).
std::unique_ptr<ike::sa::SaOffload> wrap_offload(std::shared_ptr<espdrv::Device> dev, const std::string& name);

} // namespace iked
