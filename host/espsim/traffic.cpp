// Packet construction for examples and tests (see traffic.h).
#include "traffic.h"

#include <arpa/inet.h>

#include <stdexcept>

namespace espsim::traffic {

namespace {

constexpr std::uint8_t kIcmp = 1, kTcp = 6, kUdp = 17, kIcmp6 = 58;

void put16(Bytes& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}
void put32(Bytes& b, std::size_t at, std::uint32_t v) {
    put16(b, at, static_cast<std::uint16_t>(v >> 16));
    put16(b, at + 2, static_cast<std::uint16_t>(v));
}

std::uint32_t sum16(const std::uint8_t* p, std::size_t n, std::uint32_t acc = 0) {
    for (std::size_t i = 0; i + 1 < n; i += 2) acc += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
    if (n % 2) acc += static_cast<std::uint32_t>(p[n - 1] << 8);
    return acc;
}
std::uint16_t fold(std::uint32_t acc) {
    while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
    return static_cast<std::uint16_t>(~acc);
}

// The IP header around an upper-layer message whose checksum sits at `csum_at` (inside
// `msg`); `pseudo` says whether that checksum covers the pseudo-header.
Bytes wrap(const Address& src, const Address& dst, std::uint8_t proto, Bytes msg, std::size_t csum_at, bool pseudo) {
    if (src.family != dst.family) throw std::invalid_argument("addresses of different families");
    const std::size_t alen = src.family == 6 ? 16 : 4;
    std::uint32_t acc = 0;
    if (pseudo) {
        acc = sum16(src.bytes, alen, acc);
        acc = sum16(dst.bytes, alen, acc);
        acc += proto;
        acc += static_cast<std::uint32_t>(msg.size() >> 16) + static_cast<std::uint32_t>(msg.size() & 0xFFFF);
    }
    std::uint16_t c = fold(sum16(msg.data(), msg.size(), acc));
    if (proto == kUdp && c == 0) c = 0xFFFF;
    put16(msg, csum_at, c);
    Bytes p;
    if (src.family == 4) {
        p.assign(20, 0);
        p[0] = 0x45;
        put16(p, 2, static_cast<std::uint16_t>(20 + msg.size()));
        put16(p, 4, static_cast<std::uint16_t>(msg.size() * 7 + proto)); // an ID that varies
        p[6] = 0x40;                                                     // DF
        p[8] = 64;
        p[9] = proto;
        std::copy(src.bytes, src.bytes + 4, &p[12]);
        std::copy(dst.bytes, dst.bytes + 4, &p[16]);
        put16(p, 10, fold(sum16(p.data(), 20)));
    } else {
        p.assign(40, 0);
        p[0] = 0x60;
        put16(p, 4, static_cast<std::uint16_t>(msg.size()));
        p[6] = proto;
        p[7] = 64;
        std::copy(src.bytes, src.bytes + 16, &p[8]);
        std::copy(dst.bytes, dst.bytes + 16, &p[24]);
    }
    p.insert(p.end(), msg.begin(), msg.end());
    return p;
}

} // namespace

Address Address::parse(const std::string& text) {
    Address a;
    if (inet_pton(AF_INET, text.c_str(), a.bytes) == 1) {
        a.family = 4;
    } else if (inet_pton(AF_INET6, text.c_str(), a.bytes) == 1) {
        a.family = 6;
    } else {
        throw std::invalid_argument("not an address: " + text);
    }
    return a;
}

Bytes icmp_echo(const Address& src, const Address& dst, std::uint16_t id, std::uint16_t seq, const Bytes& data) {
    Bytes m(8, 0);
    const bool v6 = src.family == 6;
    m[0] = v6 ? 128 : 8; // echo request
    put16(m, 4, id);
    put16(m, 6, seq);
    m.insert(m.end(), data.begin(), data.end());
    return wrap(src, dst, v6 ? kIcmp6 : kIcmp, std::move(m), 2, v6);
}

Bytes udp(const Address& src, const Address& dst, std::uint16_t sport, std::uint16_t dport, const Bytes& data) {
    Bytes m(8, 0);
    put16(m, 0, sport);
    put16(m, 2, dport);
    put16(m, 4, static_cast<std::uint16_t>(8 + data.size()));
    m.insert(m.end(), data.begin(), data.end());
    return wrap(src, dst, kUdp, std::move(m), 6, true);
}

Bytes tcp(const Address& src, const Address& dst, std::uint16_t sport, std::uint16_t dport, std::uint32_t seq,
          std::uint32_t ack, std::uint8_t flags, const Bytes& data) {
    Bytes m(20, 0);
    put16(m, 0, sport);
    put16(m, 2, dport);
    put32(m, 4, seq);
    put32(m, 8, ack);
    m[12] = 5 << 4;
    m[13] = flags;
    put16(m, 14, 65535);
    m.insert(m.end(), data.begin(), data.end());
    return wrap(src, dst, kTcp, std::move(m), 16, true);
}

Bytes pattern(std::size_t n, std::uint32_t seed) {
    Bytes b(n);
    std::uint32_t x = seed * 2654435761u + 1;
    for (auto& v : b) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v = static_cast<std::uint8_t>(x);
    }
    return b;
}

Bytes ethernet(const Bytes& ip, const std::uint8_t dst_mac[6], const std::uint8_t src_mac[6], int vlan_id) {
    Bytes f(12);
    for (int i = 0; i < 6; ++i) {
        f[static_cast<std::size_t>(i)] = dst_mac[i];
        f[static_cast<std::size_t>(i) + 6] = src_mac[i];
    }
    if (vlan_id >= 0) {
        f.push_back(0x81);
        f.push_back(0x00);
        f.push_back(static_cast<std::uint8_t>((vlan_id >> 8) & 0x0F));
        f.push_back(static_cast<std::uint8_t>(vlan_id));
    }
    const bool v6 = !ip.empty() && (ip[0] >> 4) == 6;
    f.push_back(v6 ? 0x86 : 0x08);
    f.push_back(v6 ? 0xDD : 0x00);
    f.insert(f.end(), ip.begin(), ip.end());
    return f;
}

} // namespace espsim::traffic
