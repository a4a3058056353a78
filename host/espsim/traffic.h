// traffic.h: builds well-formed IPv4/IPv6 packets (ICMP echo, UDP, TCP, with correct
// checksums) for the built-in example and the espsim tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace espsim::traffic {

struct Address {
    std::uint8_t family = 4; // 4 or 6
    std::uint8_t bytes[16] = {};
    static Address parse(const std::string& text); // throws std::invalid_argument
};

using Bytes = std::vector<std::uint8_t>;

Bytes icmp_echo(const Address& src, const Address& dst, std::uint16_t id, std::uint16_t seq, const Bytes& data);
Bytes udp(const Address& src, const Address& dst, std::uint16_t sport, std::uint16_t dport, const Bytes& data);
// A TCP segment with the given flags (0x02 SYN, 0x10 ACK, 0x18 PSH|ACK ...).
Bytes tcp(const Address& src, const Address& dst, std::uint16_t sport, std::uint16_t dport, std::uint32_t seq,
          std::uint32_t ack, std::uint8_t flags, const Bytes& data);

// `n` bytes of a repeatable pattern seeded by `seed`.
Bytes pattern(std::size_t n, std::uint32_t seed);

// An Ethernet header (dst MAC, src MAC, optional 802.1Q tag, EtherType from the packet's
// IP version) followed by the packet.
Bytes ethernet(const Bytes& ip_packet, const std::uint8_t dst_mac[6], const std::uint8_t src_mac[6], int vlan_id = -1);

} // namespace espsim::traffic
