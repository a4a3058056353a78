#include "ip_packet.h"

#include <cstring>

namespace hostpath {

namespace {
uint16_t get16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

void ports(PacketKey& k, const uint8_t* l4, size_t n) {
    if ((k.proto == 6 || k.proto == 17 || k.proto == 132 || k.proto == 136) && n >= 4) {
        k.sport = get16(l4);
        k.dport = get16(l4 + 2);
        k.ports_known = true;
    } else if ((k.proto == 1 || k.proto == 58) && n >= 2) { // RFC 4301 4.4.1.3: type and code
        k.sport = l4[0];
        k.dport = l4[1];
        k.ports_known = true;
    }
}
} // namespace

std::optional<PacketKey> parse_ip(const uint8_t* p, size_t n) {
    if (n < 1) return std::nullopt;
    PacketKey k;
    if ((p[0] >> 4) == 4) {
        if (n < 20) return std::nullopt;
        size_t ihl = size_t(p[0] & 15) * 4, total = get16(p + 2);
        if (ihl < 20 || ihl > total || total != n) return std::nullopt;
        std::memcpy(k.src.data(), p + 12, 4);
        std::memcpy(k.dst.data(), p + 16, 4);
        k.proto = p[9];
        bool later_fragment = (get16(p + 6) & 0x1fff) != 0;
        if (!later_fragment) ports(k, p + ihl, total - ihl);
        return k;
    }
    if ((p[0] >> 4) == 6) {
        if (n < 40 || 40 + size_t(get16(p + 4)) != n) return std::nullopt;
        k.v6 = true;
        std::memcpy(k.src.data(), p + 8, 16);
        std::memcpy(k.dst.data(), p + 24, 16);
        uint8_t nh = p[6];
        size_t off = 40;
        // Hop-by-hop, routing, destination options: skipped to reach the ports; a fragment
        // header past offset 0 leaves the ports unknown.
        for (int hops = 0; hops < 8; ++hops) {
            if (nh == 0 || nh == 43 || nh == 60) {
                if (off + 8 > n) return std::nullopt;
                nh = p[off];
                off += 8 + size_t(p[off + 1]) * 8;
                if (off > n) return std::nullopt;
            } else if (nh == 44) {
                if (off + 8 > n) return std::nullopt;
                bool later = (get16(p + off + 2) & 0xfff8) != 0;
                nh = p[off];
                off += 8;
                k.proto = nh;
                if (later) return k;
            } else {
                break;
            }
        }
        k.proto = nh;
        ports(k, p + off, n - off);
        return k;
    }
    return std::nullopt;
}

} // namespace hostpath
