// Human-readable output of ikectl, in the spirit of FortiOS
// `diagnose vpn tunnel list` and `diagnose vpn ike gateway list`.
#pragma once

#include <iosfwd>
#include <vector>

#include "control/records.h"

namespace ikectl {

void print_tunnels(std::ostream& os, const std::vector<ike::control::ChildSaStatus>& tunnels);
void print_gateways(std::ostream& os, const std::vector<ike::control::IkeSaStatus>& gateways);

} // namespace ikectl
