// ip_packet.h: the fields of an inner IP packet that selectors look at.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace hostpath {

struct PacketKey {
    bool v6 = false;
    std::array<uint8_t, 16> src{}, dst{}; // IPv4 in bytes 0..3
    uint8_t proto = 0;                    // upper-layer protocol (IPv6: after the extension headers it skips)
    uint16_t sport = 0, dport = 0;        // TCP/UDP/SCTP ports, ICMP type/code as RFC 4301 4.4.1.3 ...
    bool ports_known = false;             // false for non-first fragments and other protocols
};

// nullopt when the bytes are not one whole IPv4 or IPv6 packet (the TUN sent garbage).
std::optional<PacketKey> parse_ip(const uint8_t* p, size_t n);

} // namespace hostpath
