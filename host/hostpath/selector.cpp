#include "selector.h"

#include <cstring>

namespace hostpath {

bool addr_in(const Selector& s, bool v6, const std::array<uint8_t, 16>& a) {
    if (s.v6 != v6) return false;
    size_t n = v6 ? 16 : 4;
    return std::memcmp(a.data(), s.lo.data(), n) >= 0 && std::memcmp(a.data(), s.hi.data(), n) <= 0;
}

bool matches(const Selector& s, const PacketKey& k, bool use_src) {
    if (!addr_in(s, k.v6, use_src ? k.src : k.dst)) return false;
    if (s.proto != 0 && s.proto != k.proto) return false;
    bool any_port = s.port_lo == 0 && s.port_hi == 65535;
    if (any_port) return true;
    if (!k.ports_known) return false;
    uint16_t port = use_src ? k.sport : k.dport;
    return port >= s.port_lo && port <= s.port_hi;
}

bool within(const std::vector<Selector>& local, const std::vector<Selector>& remote, const PacketKey& k,
            bool outbound) {
    bool l = false, r = false;
    for (const auto& s : local) l = l || matches(s, k, outbound);
    for (const auto& s : remote) r = r || matches(s, k, !outbound);
    return l && r;
}

} // namespace hostpath
