// port_parse.h: L2 / L3 / L4 parsing of the Ethernet frames on the card's two ports.
//
// One pass over the frame's first bytes yields everything the policy lookup and the port
// actions need: where the IP packet is, its family, addresses, protocol, fragment state
// and, where the packet has them, ports (ICMP: type and code). Decisions: docs/port.md.
#pragma once

#include <cstdint>

namespace esphls {

constexpr unsigned kEthHeaderBytes = 14;
constexpr unsigned kVlanTagBytes = 4;
constexpr unsigned kEtherTypeIpv4 = 0x0800;
constexpr unsigned kEtherTypeIpv6 = 0x86DD;
constexpr unsigned kEtherTypeVlan = 0x8100;
constexpr unsigned kProtoIcmp = 1;
constexpr unsigned kProtoTcp = 6;
constexpr unsigned kProtoUdp = 17;
constexpr unsigned kProtoEsp = 50;
constexpr unsigned kProtoIcmpv6 = 58;
constexpr unsigned kProtoSctp = 132;

// The lookup key of a packet: what policies and SA selectors match on.
struct FlowKey {
    bool ipv6;
    std::uint32_t src[4]; // address words, first octet in bits 31:24 (IPv4: word 0, rest 0)
    std::uint32_t dst[4];
    unsigned proto;   // IPv4 protocol / IPv6 upper-layer header after extension headers
    bool ports_known; // false: no ports (other protocol, non-first fragment, truncated)
    unsigned sport;   // TCP/UDP/SCTP source port; ICMP type
    unsigned dport;   // destination port; ICMP code
};

enum class L3Kind { kRunt, kNonIp, kMalformed, kIp };

struct FrameInfo {
    L3Kind kind;
    unsigned l2_len;        // 14, or 18 with an 802.1Q tag
    unsigned ethertype_off; // where the (inner) EtherType is
    unsigned l3_off;        // first IP byte (= l2_len)
    unsigned ip_len;        // IP total length (the frame may carry Ethernet padding after it)
    unsigned l4_off;        // first byte after the IP header and extension headers
    bool fragment;          // IPv4 MF/offset or an IPv6 fragment header
    FlowKey key;
};

// Parses the IP packet at p[0 .. avail): fills key, ip_len, l4 offset (relative to p) and
// fragment; false when it is not a well-formed IPv4/IPv6 packet of at most avail bytes.
bool parse_ip(const std::uint8_t* p, unsigned avail, FlowKey& key, unsigned& ip_len, unsigned& l4_off, bool& fragment);

// Parses a whole frame of len bytes.
FrameInfo parse_frame(const std::uint8_t* frame, unsigned len);

} // namespace esphls
