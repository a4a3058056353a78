#include "config/ip_address.h"

#include <arpa/inet.h>

namespace ike::config {

namespace {

// inet_pton wants a NUL-terminated string and accepts nothing beyond the address.
template <int Family>
std::optional<IpAddress> parse_family(std::string_view text) {
    if (text.empty() || text.size() > 45 || text.find('\0') != std::string_view::npos) return std::nullopt;
    std::string copy(text);
    IpAddress a;
    a.v6 = Family == AF_INET6;
    if (inet_pton(Family, copy.c_str(), a.bytes.data()) != 1) return std::nullopt;
    return a;
}

} // namespace

std::optional<IpAddress> IpAddress::parse_v4(std::string_view text) { return parse_family<AF_INET>(text); }
std::optional<IpAddress> IpAddress::parse_v6(std::string_view text) { return parse_family<AF_INET6>(text); }

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.find(':') != std::string_view::npos) return parse_v6(text);
    return parse_v4(text);
}

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
    return buf;
}

IpAddress netmask_from_length(unsigned length, bool v6) {
    IpAddress m;
    m.v6 = v6;
    for (unsigned i = 0; i < m.size(); ++i) {
        unsigned bits = length > 8 * i ? std::min(8u, length - 8 * i) : 0;
        m.bytes[i] = static_cast<uint8_t>(0xFF00u >> bits);
    }
    return m;
}

std::optional<unsigned> netmask_length(const IpAddress& mask) {
    unsigned length = 0;
    bool zero_seen = false;
    for (size_t i = 0; i < mask.size(); ++i) {
        for (int bit = 7; bit >= 0; --bit) {
            bool one = (mask.bytes[i] >> bit) & 1;
            if (one && zero_seen) return std::nullopt;
            if (one)
                ++length;
            else
                zero_seen = true;
        }
    }
    return length;
}

IpAddress Prefix::network() const {
    IpAddress mask = netmask_from_length(length, addr.v6);
    IpAddress n = addr;
    for (size_t i = 0; i < n.size(); ++i) n.bytes[i] &= mask.bytes[i];
    return n;
}

IpAddress Prefix::last() const {
    IpAddress mask = netmask_from_length(length, addr.v6);
    IpAddress n = addr;
    for (size_t i = 0; i < n.size(); ++i) n.bytes[i] = static_cast<uint8_t>(n.bytes[i] | ~mask.bytes[i]);
    return n;
}

} // namespace ike::config
