// ike_config's typed model (FortiOS phase1/phase2) -> the protocol's
// GatewayConfig: proposals become IKEv2 suites, quick-mode selectors become
// traffic selectors, the PSK moves into a wiped buffer.
#pragma once

#include <string>
#include <vector>

#include "config/model.h"
#include "sa/gateway_config.h"

namespace iked {

// Warnings (e.g. a proposal the protocol cannot do) go to `notes`.
ike::sa::GatewayConfig to_gateway_config(const ike::config::Config& c, std::vector<std::string>& notes);

} // namespace iked
