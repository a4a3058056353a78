// IP addresses and prefixes of the configuration, IPv4 or IPv6, in network
// byte order. IPv4 occupies bytes[0..3] (the rest stays zero) so that the
// same array feeds an IKEv2 traffic selector of either family.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ike::config {

struct IpAddress {
    bool v6 = false;
    std::array<uint8_t, 16> bytes{};

    size_t size() const { return v6 ? 16 : 4; }
    // Dotted quad ("10.0.0.1") or RFC 4291 text ("2001:db8::1"); nothing else.
    static std::optional<IpAddress> parse(std::string_view text);
    static std::optional<IpAddress> parse_v4(std::string_view text);
    static std::optional<IpAddress> parse_v6(std::string_view text);
    std::string to_string() const;
    // Same-family ordering (compare families first, then bytes).
    auto operator<=>(const IpAddress&) const = default;
};

// An address with a prefix length; `network()` and `last()` bound the range.
struct Prefix {
    IpAddress addr;
    unsigned length = 0;

    IpAddress network() const;
    IpAddress last() const;
    bool host_bits_set() const { return network() != addr; }
    std::string to_string() const { return addr.to_string() + "/" + std::to_string(length); }
    bool operator==(const Prefix&) const = default;
};

// A contiguous netmask (255.255.255.0) gives its prefix length; a mask with a
// hole (255.0.255.0) gives nothing.
std::optional<unsigned> netmask_length(const IpAddress& mask);
IpAddress netmask_from_length(unsigned length, bool v6);

} // namespace ike::config
