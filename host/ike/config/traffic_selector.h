// The traffic selector of one side of a phase2, in the form an IKEv2 TS
// payload carries it (RFC 7296 §3.13.1): an address range, an IP protocol and
// a port range. A FortiOS subnet becomes the range network..broadcast, a
// single address the range A..A, port 0 ("any") the range 0..65535.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "config/ip_address.h"

namespace ike::config {

struct TrafficSelector {
    static constexpr uint8_t TS_IPV4_ADDR_RANGE = 7;
    static constexpr uint8_t TS_IPV6_ADDR_RANGE = 8;

    uint8_t ts_type = TS_IPV4_ADDR_RANGE;
    uint8_t ip_proto = 0; // 0: any protocol
    uint16_t start_port = 0;
    uint16_t end_port = 65535;
    std::array<uint8_t, 16> start_addr{}; // network byte order; IPv4 uses [0..3], rest 0
    std::array<uint8_t, 16> end_addr{};

    bool v6() const { return ts_type == TS_IPV6_ADDR_RANGE; }
    size_t addr_len() const { return v6() ? 16 : 4; }
    IpAddress start() const { return {v6(), start_addr}; }
    IpAddress end() const { return {v6(), end_addr}; }
    // "10.1.0.0-10.1.0.255 proto 0 port 0-65535"
    std::string to_string() const;
    bool operator==(const TrafficSelector&) const = default;

    static TrafficSelector from_range(const IpAddress& first, const IpAddress& last, uint8_t proto, uint16_t port);
};

} // namespace ike::config
