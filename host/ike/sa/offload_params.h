// OffloadSa -> struct esp_sa_params (driver/include/uapi/esp_ioctl.h).
// Include only in translation units without Boost.Asio.
#pragma once

#include "sa_offload.h"
#include "uapi/esp_ioctl.h"

namespace ike::sa {

esp_sa_params to_esp_sa_params(const OffloadSa& sa);

} // namespace ike::sa
