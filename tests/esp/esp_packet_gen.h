// Random inner packets and SA configurations for the ESP engine tests.
#pragma once

#include "esp_test_util.h"

namespace esp_test {

// Payload sizes 0..9000, weighted towards small packets so 10^4 packets stay fast:
// 60% up to 256 bytes, 33% up to 1500, 7% up to 9000.
inline std::size_t random_payload_size(std::mt19937_64& rng) {
    const unsigned r = unsigned(rng() % 100);
    if (r < 60) return rng() % 257;
    if (r < 93) return 257 + rng() % (1500 - 256);
    return 1501 + rng() % (9000 - 1500);
}

inline std::array<std::uint8_t, 16> random_addr(std::mt19937_64& rng, bool ipv6) {
    std::array<std::uint8_t, 16> a{};
    const unsigned n = ipv6 ? 16 : 4;
    for (unsigned i = 0; i < n; ++i) a[i] = std::uint8_t(rng());
    a[0] = ipv6 ? 0x20 : std::uint8_t(1 + rng() % 223);
    return a;
}

// An inner packet of the given family with a random upper-layer protocol; IPv4 ones
// sometimes carry options (kept in clear by transport mode).
inline Bytes random_inner(std::mt19937_64& rng, bool ipv6, std::size_t payload_size) {
    static const std::uint8_t kProtos[] = {6, 17, 1, 58, 47, 132};
    const std::uint8_t proto = kProtos[rng() % (ipv6 ? 4 : 6)];
    const Bytes payload = random_bytes(rng, payload_size);
    if (ipv6) return ipv6_packet(random_addr(rng, true), random_addr(rng, true), proto, payload);
    Bytes options;
    if (rng() % 4 == 0) options = Bytes(4 * (1 + rng() % 10), 1); // NOP options
    return ipv4_packet(random_addr(rng, false), random_addr(rng, false), proto, payload, std::uint16_t(rng()), options);
}

// Rewrites the addresses of an IP packet (transport mode sends between the SA's
// endpoints) and fixes the IPv4 header checksum.
inline void set_addresses(Bytes& p, const std::array<std::uint8_t, 16>& src, const std::array<std::uint8_t, 16>& dst) {
    if ((p[0] >> 4) == 4) {
        std::copy(src.begin(), src.begin() + 4, p.begin() + 12);
        std::copy(dst.begin(), dst.begin() + 4, p.begin() + 16);
        put_be16(p, 10, 0);
        put_be16(p, 10, inet_checksum(p.data(), (p[0] & 15u) * 4));
    } else {
        std::copy(src.begin(), src.end(), p.begin() + 8);
        std::copy(dst.begin(), dst.end(), p.begin() + 24);
    }
}

// A random SA of the given shape; direction and handle-specific fields set by the caller.
inline SaConfig random_sa(std::mt19937_64& rng, bool key256, bool esn, bool transport, bool ipv6, bool udp) {
    SaConfig c;
    c.transport = transport;
    c.ipv6 = ipv6;
    c.esn = esn;
    c.udp = udp;
    c.key = random_bytes(rng, key256 ? 32 : 16);
    const Bytes salt = random_bytes(rng, 4);
    std::copy(salt.begin(), salt.end(), c.salt.begin());
    c.spi = std::uint32_t(rng()) | 0x100u;
    c.src = random_addr(rng, ipv6);
    c.dst = random_addr(rng, ipv6);
    if (udp) {
        c.sport = std::uint16_t(1024 + rng() % 60000);
        c.dport = ESP_UDP_ENCAP_PORT;
    }
    return c;
}

} // namespace esp_test
