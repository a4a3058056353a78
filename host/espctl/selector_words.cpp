#include "selector_words.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "commands.h"
#include "sa_spec.h"

namespace espctl {
namespace {

struct Proto {
    const char* name;
    std::uint8_t number;
};
constexpr Proto kProtocols[] = {{"any", 0},  {"icmp", 1},    {"tcp", 6},        {"udp", 17},  {"gre", 47},
                                {"esp", 50}, {"icmpv6", 58}, {"ipv6-icmp", 58}, {"sctp", 132}};

// A single address; false when it is neither IPv4 nor IPv6.
bool parse_address(const std::string& s, std::uint8_t& family, std::uint8_t* out) {
    std::memset(out, 0, 16);
    if (inet_pton(AF_INET, s.c_str(), out) == 1) {
        family = ESP_FAMILY_IPV4;
        return true;
    }
    if (inet_pton(AF_INET6, s.c_str(), out) == 1) {
        family = ESP_FAMILY_IPV6;
        return true;
    }
    return false;
}

bool parse_uint(const std::string& s, unsigned long max, unsigned long& v) {
    int base = 10;
    const char* b = s.data();
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        b += 2;
    }
    auto [p, ec] = std::from_chars(b, s.data() + s.size(), v, base);
    return ec == std::errc() && p == s.data() + s.size() && b != s.data() + s.size() && v <= max;
}

} // namespace

void parse_address_range(const std::string& word, std::uint8_t& family, std::uint8_t* lo, std::uint8_t* hi) {
    const auto slash = word.find('/');
    const auto dash = word.find('-');
    if (slash != std::string::npos) {
        if (!parse_address(word.substr(0, slash), family, lo))
            throw UsageError{"'" + word + "': not an IPv4 or IPv6 subnet"};
        const unsigned bits = family == ESP_FAMILY_IPV4 ? 32 : 128;
        unsigned long plen = 0;
        if (!parse_uint(word.substr(slash + 1), 1000, plen))
            throw UsageError{"'" + word + "': prefix length is not a number"};
        if (plen > bits)
            throw UsageError{"'" + word + "': prefix length " + std::to_string(plen) + " beyond " +
                             std::to_string(bits)};
        std::memcpy(hi, lo, 16);
        for (unsigned i = unsigned(plen); i < bits; i++) {
            lo[i / 8] &= std::uint8_t(~(0x80u >> (i % 8)));
            hi[i / 8] |= std::uint8_t(0x80u >> (i % 8));
        }
        return;
    }
    if (dash != std::string::npos) {
        std::uint8_t f2 = 0;
        if (!parse_address(word.substr(0, dash), family, lo) || !parse_address(word.substr(dash + 1), f2, hi))
            throw UsageError{"'" + word + "': not an address range FIRST-LAST"};
        if (f2 != family) throw UsageError{"'" + word + "': the range mixes IPv4 and IPv6"};
        if (std::memcmp(lo, hi, 16) > 0) throw UsageError{"'" + word + "': range reversed (first address above last)"};
        return;
    }
    if (!parse_address(word, family, lo))
        throw UsageError{"'" + word + "': not an IPv4 or IPv6 address, subnet or range"};
    std::memcpy(hi, lo, 16);
}

void parse_port_range(const std::string& word, std::uint16_t& lo, std::uint16_t& hi) {
    if (word == "any") {
        lo = 0;
        hi = 0xFFFF;
        return;
    }
    const auto dash = word.find('-');
    unsigned long a = 0, b = 0;
    const bool ok = dash == std::string::npos
                        ? parse_uint(word, 0xFFFF, a) && (b = a, true)
                        : parse_uint(word.substr(0, dash), 0xFFFF, a) && parse_uint(word.substr(dash + 1), 0xFFFF, b);
    if (!ok) throw UsageError{"'" + word + "': expected a port N or range N-M (0..65535)"};
    if (a > b) throw UsageError{"'" + word + "': port range reversed"};
    lo = std::uint16_t(a);
    hi = std::uint16_t(b);
}

std::uint8_t parse_protocol(const std::string& word) {
    for (const auto& p : kProtocols)
        if (word == p.name) return p.number;
    unsigned long v = 0;
    if (!parse_uint(word, 255, v))
        throw UsageError{"proto '" + word + "': expected tcp, udp, icmp, icmpv6, sctp, gre, esp, any or 0..255"};
    return std::uint8_t(v);
}

std::size_t parse_selector(const std::vector<std::string>& w, std::size_t i, esp_selector& sel) {
    bool have_src = false, have_dst = false;
    std::uint8_t src_family = 0, dst_family = 0;
    sel.sport_lo = sel.dport_lo = 0;
    sel.sport_hi = sel.dport_hi = 0xFFFF;
    while (i < w.size()) {
        const std::string& k = w[i];
        if (k != "src" && k != "dst" && k != "proto" && k != "sport" && k != "dport") break;
        if (i + 1 >= w.size()) throw UsageError{k + ": missing value"};
        const std::string& v = w[i + 1];
        if (k == "src") {
            parse_address_range(v, src_family, sel.src_lo, sel.src_hi);
            have_src = true;
        } else if (k == "dst") {
            parse_address_range(v, dst_family, sel.dst_lo, sel.dst_hi);
            have_dst = true;
        } else if (k == "proto") {
            sel.proto = parse_protocol(v);
        } else if (k == "sport") {
            parse_port_range(v, sel.sport_lo, sel.sport_hi);
        } else {
            parse_port_range(v, sel.dport_lo, sel.dport_hi);
        }
        i += 2;
    }
    if (!have_src && !have_dst) throw UsageError{"a selector needs src or dst (A, A/LEN or A-B)"};
    if (have_src && have_dst && src_family != dst_family) throw UsageError{"src and dst are of different families"};
    sel.family = have_src ? src_family : dst_family;
    const unsigned alen = sel.family == ESP_FAMILY_IPV4 ? 4 : 16;
    auto all = [&](std::uint8_t* lo, std::uint8_t* hi) {
        std::memset(lo, 0, 16);
        std::memset(hi, 0, 16);
        std::memset(hi, 0xFF, alen);
    };
    if (!have_src) all(sel.src_lo, sel.src_hi);
    if (!have_dst) all(sel.dst_lo, sel.dst_hi);
    return i;
}

std::string format_range(std::uint8_t family, const std::uint8_t* lo, const std::uint8_t* hi) {
    const unsigned bits = family == ESP_FAMILY_IPV4 ? 32 : 128;
    // A prefix: lo and hi agree on the first plen bits, then lo all 0 and hi all 1.
    unsigned plen = 0;
    while (plen < bits && ((lo[plen / 8] ^ hi[plen / 8]) & (0x80u >> (plen % 8))) == 0) plen++;
    bool prefix = true;
    for (unsigned i = plen; i < bits && prefix; i++) {
        const unsigned m = 0x80u >> (i % 8);
        prefix = (lo[i / 8] & m) == 0 && (hi[i / 8] & m) != 0;
    }
    if (prefix && plen == bits) return esphost::format_address(family, lo);
    if (prefix) return esphost::format_address(family, lo) + "/" + std::to_string(plen);
    return esphost::format_address(family, lo) + "-" + esphost::format_address(family, hi);
}

std::string format_ports(std::uint16_t lo, std::uint16_t hi) {
    if (lo == 0 && hi == 0xFFFF) return "any";
    return lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi);
}

std::string format_protocol(std::uint8_t proto) {
    for (const auto& p : kProtocols)
        if (p.number == proto) return p.name;
    return std::to_string(proto);
}

} // namespace espctl
