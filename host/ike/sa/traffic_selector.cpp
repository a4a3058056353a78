#include "traffic_selector.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>

namespace ike::sa {
namespace {

bool addr_less(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, size_t n) {
    return std::memcmp(a.data(), b.data(), n) < 0;
}

// Host part of a prefix: set bits below `prefix` to `fill`.
std::array<uint8_t, 16> with_host_bits(std::array<uint8_t, 16> a, unsigned prefix, size_t n, bool fill) {
    for (size_t i = 0; i < n; ++i) {
        unsigned bit0 = static_cast<unsigned>(i * 8);
        uint8_t mask = 0;
        if (prefix <= bit0)
            mask = 0xff;
        else if (prefix < bit0 + 8)
            mask = static_cast<uint8_t>(0xff >> (prefix - bit0));
        a[i] = fill ? static_cast<uint8_t>(a[i] | mask) : static_cast<uint8_t>(a[i] & ~mask);
    }
    return a;
}

std::array<uint8_t, 16> v4_bytes(uint32_t addr) {
    std::array<uint8_t, 16> a{};
    a[0] = static_cast<uint8_t>(addr >> 24);
    a[1] = static_cast<uint8_t>(addr >> 16);
    a[2] = static_cast<uint8_t>(addr >> 8);
    a[3] = static_cast<uint8_t>(addr);
    return a;
}

bool parse_addr(const std::string& s, std::array<uint8_t, 16>& out, bool& v6) {
    out = {};
    if (inet_pton(AF_INET, s.c_str(), out.data()) == 1) {
        v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) {
        v6 = true;
        return true;
    }
    return false;
}

} // namespace

Ts ts_subnet_v4(uint32_t addr, unsigned prefix, uint8_t proto, uint16_t plo, uint16_t phi) {
    Ts t;
    t.proto = proto;
    t.port_lo = plo;
    t.port_hi = phi;
    t.lo = with_host_bits(v4_bytes(addr), prefix, 4, false);
    t.hi = with_host_bits(v4_bytes(addr), prefix, 4, true);
    return t;
}

Ts ts_range_v4(uint32_t first, uint32_t last, uint8_t proto, uint16_t plo, uint16_t phi) {
    Ts t;
    t.proto = proto;
    t.port_lo = plo;
    t.port_hi = phi;
    t.lo = v4_bytes(first);
    t.hi = v4_bytes(last);
    return t;
}

Ts ts_subnet_v6(const std::array<uint8_t, 16>& addr, unsigned prefix, uint8_t proto, uint16_t plo, uint16_t phi) {
    Ts t;
    t.v6 = true;
    t.proto = proto;
    t.port_lo = plo;
    t.port_hi = phi;
    t.lo = with_host_bits(addr, prefix, 16, false);
    t.hi = with_host_bits(addr, prefix, 16, true);
    return t;
}

std::optional<Ts> parse_ts(const std::string& text, uint8_t proto, uint16_t plo, uint16_t phi) {
    Ts t;
    t.proto = proto;
    t.port_lo = plo;
    t.port_hi = phi;
    if (auto dash = text.find('-'); dash != std::string::npos) {
        bool v6a = false, v6b = false;
        if (!parse_addr(text.substr(0, dash), t.lo, v6a) || !parse_addr(text.substr(dash + 1), t.hi, v6b) || v6a != v6b)
            return std::nullopt;
        t.v6 = v6a;
        if (addr_less(t.hi, t.lo, t.addr_len())) return std::nullopt;
        return t;
    }
    std::string addr = text;
    unsigned prefix = 128;
    if (auto slash = text.find('/'); slash != std::string::npos) {
        addr = text.substr(0, slash);
        try {
            prefix = static_cast<unsigned>(std::stoul(text.substr(slash + 1)));
        } catch (...) {
            return std::nullopt;
        }
    }
    std::array<uint8_t, 16> a{};
    if (!parse_addr(addr, a, t.v6)) return std::nullopt;
    unsigned max = t.v6 ? 128 : 32;
    if (text.find('/') == std::string::npos) prefix = max;
    if (prefix > max) return std::nullopt;
    t.lo = with_host_bits(a, prefix, t.addr_len(), false);
    t.hi = with_host_bits(a, prefix, t.addr_len(), true);
    return t;
}

std::optional<Ts> intersect(const Ts& a, const Ts& b) {
    if (a.v6 != b.v6) return std::nullopt;
    if (a.proto != 0 && b.proto != 0 && a.proto != b.proto) return std::nullopt;
    Ts r;
    r.v6 = a.v6;
    r.proto = a.proto != 0 ? a.proto : b.proto;
    r.port_lo = std::max(a.port_lo, b.port_lo);
    r.port_hi = std::min(a.port_hi, b.port_hi);
    if (r.port_lo > r.port_hi) return std::nullopt;
    size_t n = a.addr_len();
    r.lo = addr_less(a.lo, b.lo, n) ? b.lo : a.lo;
    r.hi = addr_less(a.hi, b.hi, n) ? a.hi : b.hi;
    if (addr_less(r.hi, r.lo, n)) return std::nullopt;
    return r;
}

bool contains(const Ts& outer, const Ts& inner) {
    auto i = intersect(outer, inner);
    return i && *i == inner;
}

std::vector<Ts> narrow(const std::vector<Ts>& offered, const std::vector<Ts>& allowed) {
    std::vector<Ts> out;
    for (const auto& o : offered)
        for (const auto& a : allowed)
            if (auto i = intersect(o, a); i && std::find(out.begin(), out.end(), *i) == out.end()) out.push_back(*i);
    return out;
}

bool all_within(const std::vector<Ts>& got, const std::vector<Ts>& proposed) {
    if (got.empty()) return false;
    return std::all_of(got.begin(), got.end(), [&](const Ts& g) {
        return std::any_of(proposed.begin(), proposed.end(), [&](const Ts& p) { return contains(p, g); });
    });
}

std::string addr_to_string(const std::array<uint8_t, 16>& a, bool v6) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, a.data(), buf, sizeof buf);
    return buf;
}

std::string to_string(const Ts& t) {
    std::string s = addr_to_string(t.lo, t.v6) + ".." + addr_to_string(t.hi, t.v6);
    if (t.proto != 0 || t.port_lo != 0 || t.port_hi != 65535) {
        s += "[" + std::to_string(t.proto);
        if (t.port_lo == t.port_hi)
            s += "/" + std::to_string(t.port_lo);
        else if (t.port_lo != 0 || t.port_hi != 65535)
            s += "/" + std::to_string(t.port_lo) + "-" + std::to_string(t.port_hi);
        s += "]";
    }
    return s;
}

std::string to_string(const std::vector<Ts>& list) {
    std::string s;
    for (const auto& t : list) s += (s.empty() ? "" : " ") + to_string(t);
    return s;
}

} // namespace ike::sa
