// ip_view.h: the few header fields espsim needs to steer a packet: IP version and
// addresses, the transport protocol (after IPv6 extension headers), and where an ESP
// header starts (directly, or inside UDP to port 4500 per RFC 3948).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace espsim {

struct IpView {
    std::uint8_t family = 0;           // ESP_FAMILY_IPV4 / ESP_FAMILY_IPV6
    const std::uint8_t* src = nullptr; // 4 or 16 octets inside the packet
    const std::uint8_t* dst = nullptr;
    std::uint8_t protocol = 0;             // upper-layer protocol
    std::size_t payload_offset = 0;        // where that protocol's header starts
    std::optional<std::size_t> esp_offset; // the ESP header, when the packet carries one
};

// nullopt when the bytes are not a well-formed enough IPv4/IPv6 header to read these.
std::optional<IpView> parse_ip(std::span<const std::uint8_t> packet);

// SPI and sequence number of the ESP header at `offset` (nullopt if cut short).
struct EspHeader {
    std::uint32_t spi;
    std::uint32_t seq;
};
std::optional<EspHeader> read_esp_header(std::span<const std::uint8_t> packet, std::size_t offset);

} // namespace espsim
