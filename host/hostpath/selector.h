// selector.h: does a packet lie inside a Child SA's traffic selectors (RFC 4301 4.4.1)?
#pragma once

#include <vector>

#include "esp_types.h"
#include "ip_packet.h"

namespace hostpath {

bool addr_in(const Selector& s, bool v6, const std::array<uint8_t, 16>& a);
// A packet whose ports are not known (later fragment, other protocol) matches a selector
// only when it allows every port (RFC 4301 4.4.1 OPAQUE is not kept).
bool matches(const Selector& s, const PacketKey& k, bool use_src);
// Outbound: src in `local`, dst in `remote`; inbound (after decryption): the reverse.
bool within(const std::vector<Selector>& local, const std::vector<Selector>& remote, const PacketKey& k, bool outbound);

} // namespace hostpath
