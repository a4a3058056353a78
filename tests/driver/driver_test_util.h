// Helpers for the driver tests: SA configurations of the ESP tests as ioctl structures.
#pragma once

#include <cstring>

#include "esp_test_util.h"
#include "uapi/esp_ioctl.h"

namespace driver_test {

using esp_test::Bytes;
using esp_test::SaConfig;

inline esp_sa_params to_params(const SaConfig& c) {
    esp_sa_params p{};
    p.alg = ESP_ALG_AES_GCM_16;
    p.dir = c.inbound ? ESP_DIR_IN : ESP_DIR_OUT;
    p.mode = c.transport ? ESP_MODE_TRANSPORT : ESP_MODE_TUNNEL;
    p.family = c.ipv6 ? ESP_FAMILY_IPV6 : ESP_FAMILY_IPV4;
    p.key_len = static_cast<uint8_t>(c.key.size());
    p.flags = (c.esn ? ESP_SA_F_ESN : 0) | (c.udp ? ESP_SA_F_UDP_ENCAP : 0);
    p.spi = c.spi;
    p.replay_window = c.inbound ? c.window : 0;
    std::memcpy(p.key, c.key.data(), c.key.size());
    std::memcpy(p.salt, c.salt.data(), 4);
    std::memcpy(p.src, c.src.data(), c.ipv6 ? 16 : 4);
    std::memcpy(p.dst, c.dst.data(), c.ipv6 ? 16 : 4);
    p.encap_sport = c.udp ? c.sport : 0;
    p.encap_dport = c.udp ? c.dport : 0;
    p.seq = c.seq;
    p.byte_soft = c.byte_soft;
    p.byte_hard = c.byte_hard;
    p.packet_soft = c.pkt_soft;
    p.packet_hard = c.pkt_hard;
    return p;
}

// A plain IPv4 tunnel SA pair member with a given SPI and key byte.
inline SaConfig simple_sa(bool inbound, uint32_t spi, uint8_t key_byte = 0x11) {
    SaConfig c;
    c.inbound = inbound;
    c.spi = spi;
    c.key = Bytes(16, key_byte);
    c.window = inbound ? 64 : 0;
    return c;
}

} // namespace driver_test
