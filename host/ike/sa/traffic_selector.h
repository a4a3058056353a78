// Traffic selectors as the protocol logic sees them (RFC 7296 §3.13.1): an
// address range, an IP protocol (0 = any) and a port range, IPv4 or IPv6.
// Narrowing (§2.9) is the intersection of what the initiator offers with
// what the responder's policy allows.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ike::sa {

struct Ts {
    bool v6 = false;
    uint8_t proto = 0;    // 0: any protocol
    uint16_t port_lo = 0; // 0..65535: any port
    uint16_t port_hi = 65535;
    std::array<uint8_t, 16> lo{}; // big-endian; IPv4 uses bytes 0..3
    std::array<uint8_t, 16> hi{};

    size_t addr_len() const { return v6 ? 16 : 4; }
    bool operator==(const Ts&) const = default;
};

// Builders used by the config adapter and tests; prefix in bits.
Ts ts_subnet_v4(uint32_t addr, unsigned prefix, uint8_t proto = 0, uint16_t port_lo = 0, uint16_t port_hi = 65535);
Ts ts_range_v4(uint32_t first, uint32_t last, uint8_t proto = 0, uint16_t port_lo = 0, uint16_t port_hi = 65535);
Ts ts_subnet_v6(const std::array<uint8_t, 16>& addr, unsigned prefix, uint8_t proto = 0, uint16_t port_lo = 0,
                uint16_t port_hi = 65535);
// Parses "10.1.0.0/24", "10.1.0.1-10.1.0.9", "2001:db8::/64", "10.0.0.1" (host).
std::optional<Ts> parse_ts(const std::string& text, uint8_t proto = 0, uint16_t port_lo = 0, uint16_t port_hi = 65535);

std::optional<Ts> intersect(const Ts& a, const Ts& b);
bool contains(const Ts& outer, const Ts& inner);
// Every non-empty intersection of an offered selector with an allowed one,
// in the offered order, without duplicates. Empty result: TS_UNACCEPTABLE.
std::vector<Ts> narrow(const std::vector<Ts>& offered, const std::vector<Ts>& allowed);
// True when every selector in `got` lies inside one of `proposed` (initiator check).
bool all_within(const std::vector<Ts>& got, const std::vector<Ts>& proposed);

std::string to_string(const Ts& ts);
std::string to_string(const std::vector<Ts>& list);
std::string addr_to_string(const std::array<uint8_t, 16>& a, bool v6);

} // namespace ike::sa
