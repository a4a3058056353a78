// L2 / L3 / L4 parsing (port_parse.h).
#include "port/port_parse.h"

#include "esp/esp_bytes.h"

namespace esphls {
namespace {

constexpr unsigned kMaxIpv6ExtHeaders = 4;

bool is_ipv6_ext(unsigned nh) { return nh == 0 || nh == 43 || nh == 44 || nh == 60; }

// Ports (or ICMP type and code) at p[l4 ..) when the protocol has them and they are there.
void parse_ports(const std::uint8_t* p, unsigned ip_len, unsigned l4, FlowKey& key) {
    key.ports_known = false;
    key.sport = 0;
    key.dport = 0;
    const unsigned room = ip_len - l4;
    const bool icmp = (!key.ipv6 && key.proto == kProtoIcmp) || (key.ipv6 && key.proto == kProtoIcmpv6);
    if (icmp && room >= 2) {
        key.ports_known = true;
        key.sport = p[l4];
        key.dport = p[l4 + 1];
    } else if ((key.proto == kProtoTcp || key.proto == kProtoUdp || key.proto == kProtoSctp) && room >= 4) {
        key.ports_known = true;
        key.sport = get16(p, l4);
        key.dport = get16(p, l4 + 2);
    }
}

} // namespace

bool parse_ip(const std::uint8_t* p, unsigned avail, FlowKey& key, unsigned& ip_len, unsigned& l4_off, bool& fragment) {
    for (unsigned i = 0; i < 4; ++i) {
        key.src[i] = 0;
        key.dst[i] = 0;
    }
    key.ports_known = false;
    key.sport = 0;
    key.dport = 0;
    fragment = false;
    bool first_fragment = true;
    if (avail < 1) return false;
    const unsigned version = p[0] >> 4;
    if (version == 4) {
        const unsigned ihl = (p[0] & 15u) * 4;
        if (avail < 20 || ihl < 20) return false;
        ip_len = get16(p, 2);
        if (ip_len < ihl || ip_len > avail) return false;
        key.ipv6 = false;
        key.proto = p[9];
        key.src[0] = get32(p, 12);
        key.dst[0] = get32(p, 16);
        const unsigned frag = get16(p, 6);
        fragment = (frag & 0x3FFFu) != 0; // MF or an offset
        first_fragment = (frag & 0x1FFFu) == 0;
        l4_off = ihl;
    } else if (version == 6) {
        if (avail < 40) return false;
        ip_len = 40 + get16(p, 4);
        if (ip_len > avail) return false;
        key.ipv6 = true;
        for (unsigned i = 0; i < 4; ++i) {
            key.src[i] = get32(p, 8 + 4 * i);
            key.dst[i] = get32(p, 24 + 4 * i);
        }
        unsigned nh = p[6];
        unsigned off = 40;
        for (unsigned n = 0; n < kMaxIpv6ExtHeaders && is_ipv6_ext(nh); ++n) {
            if (off + 8 > ip_len) return false;
            unsigned next_off = off + (unsigned(p[off + 1]) + 1) * 8;
            if (nh == 44) {
                next_off = off + 8;
                fragment = true;
                first_fragment = (get16(p, off + 2) & 0xFFF8u) == 0;
            }
            nh = p[off];
            off = next_off;
        }
        if (is_ipv6_ext(nh) || off > ip_len) return false; // chain too long or past the packet
        key.proto = nh;
        l4_off = off;
    } else {
        return false;
    }
    if (first_fragment) parse_ports(p, ip_len, l4_off, key);
    return true;
}

FrameInfo parse_frame(const std::uint8_t* frame, unsigned len) {
    FrameInfo f{};
    f.kind = L3Kind::kRunt;
    if (len < kEthHeaderBytes) return f;
    f.l2_len = kEthHeaderBytes;
    f.ethertype_off = 12;
    if (get16(frame, 12) == kEtherTypeVlan) {
        if (len < kEthHeaderBytes + kVlanTagBytes) return f;
        f.l2_len += kVlanTagBytes;
        f.ethertype_off += kVlanTagBytes;
    }
    f.l3_off = f.l2_len;
    const unsigned et = get16(frame, f.ethertype_off);
    if (et != kEtherTypeIpv4 && et != kEtherTypeIpv6) {
        f.kind = L3Kind::kNonIp;
        return f;
    }
    f.kind = L3Kind::kMalformed;
    unsigned l4 = 0;
    if (!parse_ip(frame + f.l3_off, len - f.l3_off, f.key, f.ip_len, l4, f.fragment)) return f;
    // The EtherType must agree with the version nibble.
    if ((et == kEtherTypeIpv6) != f.key.ipv6) return f;
    f.l4_off = f.l3_off + l4;
    f.kind = L3Kind::kIp;
    return f;
}

} // namespace esphls
