// Helpers for the ESP engine tests: SA programming through the register port (a
// test-local stand-in for the driver core), IP packet builders and hex/random helpers.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/test_bytes.h"

#include "esp_contract.h"
#include "packet_engine.h"

namespace esp_test {

using test_bytes::Bytes;
using test_bytes::from_hex;
using test_bytes::random_bytes;
using test_bytes::to_hex;

inline std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}
inline unsigned be16(const std::uint8_t* p) { return (unsigned(p[0]) << 8) | p[1]; }
inline void put_be16(Bytes& b, std::size_t off, unsigned v) {
    b[off] = std::uint8_t(v >> 8);
    b[off + 1] = std::uint8_t(v);
}
inline void put_be32(Bytes& b, std::size_t off, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[off + i] = std::uint8_t(v >> (24 - 8 * i));
}

// RFC 1071 checksum (inverted) over bytes, with an initial partial sum.
inline unsigned inet_checksum(const std::uint8_t* p, std::size_t n, std::uint32_t acc = 0) {
    for (std::size_t i = 0; i + 1 < n; i += 2) acc += be16(p + i);
    if (n & 1) acc += unsigned(p[n - 1]) << 8;
    while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
    return ~acc & 0xFFFFu;
}

// An SA as the tests think of it; sa_words() lays it out as SA_DATA.
struct SaConfig {
    bool inbound = false;
    bool transport = false;
    bool ipv6 = false; // outer family
    bool esn = false;
    bool udp = false;
    std::uint32_t spi = 0x1000;
    std::uint32_t window = 64;
    std::array<std::uint8_t, 4> salt{1, 2, 3, 4};
    Bytes key = Bytes(16, 0x11); // 16 or 32 bytes
    std::array<std::uint8_t, 16> src{10, 0, 0, 1};
    std::array<std::uint8_t, 16> dst{10, 0, 0, 2};
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    std::uint64_t seq = 0;
    std::uint64_t byte_soft = 0, byte_hard = 0, pkt_soft = 0, pkt_hard = 0;
};

inline std::array<std::uint32_t, ESP_SA_DATA_WORDS> sa_words(const SaConfig& c) {
    std::array<std::uint32_t, ESP_SA_DATA_WORDS> w{};
    w[ESP_SA_W_CTRL] =
        (c.inbound ? 1u : 0u) << ESP_SA_W_CTRL_DIR_LSB | (c.transport ? 1u : 0u) << ESP_SA_W_CTRL_TRANSPORT_LSB |
        (c.ipv6 ? 1u : 0u) << ESP_SA_W_CTRL_IPV6_LSB | (c.esn ? 1u : 0u) << ESP_SA_W_CTRL_ESN_LSB |
        (c.udp ? 1u : 0u) << ESP_SA_W_CTRL_UDP_ENCAP_LSB | (c.key.size() == 32 ? 1u : 0u) << ESP_SA_W_CTRL_KEY256_LSB;
    w[ESP_SA_W_SPI] = c.spi;
    w[ESP_SA_W_REPLAY_WINDOW] = c.window;
    w[ESP_SA_W_SALT] = be32(c.salt.data());
    for (std::size_t i = 0; i < c.key.size() / 4; ++i) w[ESP_SA_W_KEY + i] = be32(c.key.data() + 4 * i);
    for (unsigned i = 0; i < 4; ++i) {
        w[ESP_SA_W_SRC_ADDR + i] = be32(c.src.data() + 4 * i);
        w[ESP_SA_W_DST_ADDR + i] = be32(c.dst.data() + 4 * i);
    }
    w[ESP_SA_W_UDP_PORTS] = (std::uint32_t(c.sport) << 16) | c.dport;
    w[ESP_SA_W_SEQ_LO] = std::uint32_t(c.seq);
    w[ESP_SA_W_SEQ_HI] = std::uint32_t(c.seq >> 32);
    const std::uint64_t limits[4] = {c.byte_soft, c.byte_hard, c.pkt_soft, c.pkt_hard};
    for (unsigned i = 0; i < 4; ++i) {
        w[ESP_SA_W_BYTE_SOFT_LO + 2 * i] = std::uint32_t(limits[i]);
        w[ESP_SA_W_BYTE_SOFT_LO + 2 * i + 1] = std::uint32_t(limits[i] >> 32);
    }
    return w;
}

// Issues SA_CMD {op, handle} and returns SA_STATUS.ERROR (BUSY must already be 0).
inline std::uint32_t sa_command(esp::PacketEngine& e, unsigned op, unsigned handle) {
    e.write_reg(ESP_REG_SA_CMD, (op << ESP_REG_SA_CMD_OP_LSB) | (handle & ESP_REG_SA_CMD_HANDLE_MASK));
    const std::uint32_t status = e.read_reg(ESP_REG_SA_STATUS);
    if (status & ESP_REG_SA_STATUS_BUSY_MASK) throw std::logic_error("SA_STATUS.BUSY after SA_CMD");
    return (status >> ESP_REG_SA_STATUS_ERROR_LSB) & ESP_REG_SA_STATUS_ERROR_MASK;
}

inline void stage_words(esp::PacketEngine& e, const std::array<std::uint32_t, ESP_SA_DATA_WORDS>& w) {
    for (unsigned i = 0; i < ESP_SA_DATA_WORDS; ++i) e.write_reg(ESP_REG_SA_DATA + 4 * i, w[i]);
}

// Stages c and runs op (WRITE or UPDATE) on handle; returns the SA error code.
inline std::uint32_t program_sa(esp::PacketEngine& e, unsigned handle, const SaConfig& c,
                                unsigned op = ESP_SA_OP_WRITE) {
    stage_words(e, sa_words(c));
    return sa_command(e, op, handle);
}

inline std::array<std::uint32_t, ESP_SA_READ_WORDS> read_sa(esp::PacketEngine& e, unsigned handle) {
    std::array<std::uint32_t, ESP_SA_READ_WORDS> w{};
    if (sa_command(e, ESP_SA_OP_READ, handle) != ESP_SA_ERR_NONE) throw std::runtime_error("SA READ failed");
    for (unsigned i = 0; i < ESP_SA_READ_WORDS; ++i) w[i] = e.read_reg(ESP_REG_SA_READ + 4 * i);
    return w;
}

inline std::uint64_t read64(const std::array<std::uint32_t, ESP_SA_READ_WORDS>& w, unsigned lo) {
    return (std::uint64_t(w[lo + 1]) << 32) | w[lo];
}

inline std::uint64_t read_counter(esp::PacketEngine& e, std::uint32_t lo_addr) {
    const std::uint64_t lo = e.read_reg(lo_addr);
    return (std::uint64_t(e.read_reg(ESP_REG_CNT_HI_LATCH)) << 32) | lo;
}

inline std::vector<std::uint32_t> pop_events(esp::PacketEngine& e) {
    std::vector<std::uint32_t> ev;
    for (std::uint32_t n = e.read_reg(ESP_REG_EVT_COUNT); n > 0; --n) ev.push_back(e.read_reg(ESP_REG_EVT_POP));
    return ev;
}

inline std::uint32_t event_word(unsigned type, unsigned handle) { return (type << ESP_EVTW_TYPE_LSB) | handle; }

// IPv4 packet with a correct header checksum (IHL 5 unless options are given).
inline Bytes ipv4_packet(const std::array<std::uint8_t, 16>& src, const std::array<std::uint8_t, 16>& dst,
                         std::uint8_t proto, const Bytes& payload, std::uint16_t id = 0x1234,
                         const Bytes& options = {}) {
    const std::size_t hl = 20 + options.size();
    Bytes p(hl + payload.size());
    p[0] = std::uint8_t(0x40 | (hl / 4));
    p[1] = 0x10;
    put_be16(p, 2, unsigned(p.size()));
    put_be16(p, 4, id);
    put_be16(p, 6, 0x4000); // DF
    p[8] = 61;
    p[9] = proto;
    for (int i = 0; i < 4; ++i) {
        p[12 + i] = src[i];
        p[16 + i] = dst[i];
    }
    std::copy(options.begin(), options.end(), p.begin() + 20);
    std::copy(payload.begin(), payload.end(), p.begin() + long(hl));
    put_be16(p, 10, inet_checksum(p.data(), hl));
    return p;
}

inline Bytes ipv6_packet(const std::array<std::uint8_t, 16>& src, const std::array<std::uint8_t, 16>& dst,
                         std::uint8_t next_header, const Bytes& payload) {
    Bytes p(40 + payload.size());
    p[0] = 0x6A;
    p[1] = 0xB0;
    p[2] = 0x12;
    p[3] = 0x34;
    put_be16(p, 4, unsigned(payload.size()));
    p[6] = next_header;
    p[7] = 33;
    std::copy(src.begin(), src.end(), p.begin() + 8);
    std::copy(dst.begin(), dst.end(), p.begin() + 24);
    std::copy(payload.begin(), payload.end(), p.begin() + 40);
    return p;
}

} // namespace esp_test
