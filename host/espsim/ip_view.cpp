// Header reading for packet steering (see ip_view.h).
#include "ip_view.h"

#include "esp_contract.h"
#include "uapi/esp_ioctl.h"

namespace espsim {

namespace {

constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoEsp = 50;
constexpr std::size_t kUdpHeader = 8;

std::uint32_t be32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

bool is_ipv6_extension(std::uint8_t nh) { return nh == 0 || nh == 43 || nh == 60 || nh == 44; }

} // namespace

std::optional<IpView> parse_ip(std::span<const std::uint8_t> p) {
    IpView v;
    if (p.empty()) return std::nullopt;
    const unsigned version = p[0] >> 4;
    if (version == 4) {
        const std::size_t ihl = static_cast<std::size_t>(p[0] & 15) * 4;
        if (ihl < 20 || p.size() < ihl) return std::nullopt;
        v.family = ESP_FAMILY_IPV4;
        v.src = &p[12];
        v.dst = &p[16];
        v.protocol = p[9];
        v.payload_offset = ihl;
        const bool first_fragment = (((p[6] & 0x1F) << 8) | p[7]) == 0;
        if (!first_fragment) return v; // later fragments carry no upper header
    } else if (version == 6) {
        if (p.size() < 40) return std::nullopt;
        v.family = ESP_FAMILY_IPV6;
        v.src = &p[8];
        v.dst = &p[24];
        std::uint8_t nh = p[6];
        std::size_t off = 40;
        while (is_ipv6_extension(nh)) {
            if (p.size() < off + 8) return std::nullopt;
            const std::uint8_t next = p[off];
            off += nh == 44 ? 8 : (static_cast<std::size_t>(p[off + 1]) + 1) * 8;
            nh = next;
        }
        v.protocol = nh;
        v.payload_offset = off;
    } else {
        return std::nullopt;
    }
    if (v.protocol == kProtoEsp) {
        v.esp_offset = v.payload_offset;
    } else if (v.protocol == kProtoUdp && p.size() >= v.payload_offset + kUdpHeader + 4) {
        const std::uint8_t* udp = &p[v.payload_offset];
        const unsigned dport = static_cast<unsigned>(udp[2] << 8 | udp[3]);
        // RFC 3948: a zero "SPI" is the non-ESP marker of IKE on port 4500.
        if (dport == ESP_UDP_ENCAP_PORT && be32(udp + kUdpHeader) != 0) v.esp_offset = v.payload_offset + kUdpHeader;
    }
    return v;
}

std::optional<EspHeader> read_esp_header(std::span<const std::uint8_t> p, std::size_t offset) {
    if (p.size() < offset + 8) return std::nullopt;
    return EspHeader{be32(&p[offset]), be32(&p[offset + 4])};
}

} // namespace espsim
