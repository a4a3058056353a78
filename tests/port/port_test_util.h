// Helpers for the port tests: Ethernet frames, L4 headers, and policy / selector
// programming through the card's register port (a test-local stand-in for the driver).
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>

#include "esp_contract.h"
#include "esp_test_util.h"
#include "packet_engine.h"

namespace port_test {

using esp_test::Bytes;
using Addr = std::array<std::uint8_t, 16>;

constexpr unsigned kEthIpv4 = 0x0800, kEthIpv6 = 0x86DD, kEthArp = 0x0806, kEthVlan = 0x8100;

inline Bytes eth_frame(unsigned ethertype, const Bytes& payload, int vlan = -1) {
    Bytes f = {0x02, 0, 0, 0, 0, 0xB0, 0x02, 0, 0, 0, 0, 0xA0};
    if (vlan >= 0) {
        f.push_back(0x81);
        f.push_back(0x00);
        f.push_back(std::uint8_t(vlan >> 8));
        f.push_back(std::uint8_t(vlan));
    }
    f.push_back(std::uint8_t(ethertype >> 8));
    f.push_back(std::uint8_t(ethertype));
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

// The address words of a policy / selector record (first octet in bits 31:24).
inline void addr_words(const Addr& a, std::uint32_t w[4]) {
    for (unsigned i = 0; i < 4; ++i) w[i] = esp_test::be32(a.data() + 4 * i);
}

inline std::uint32_t pol_command(esp::PacketEngine& e, unsigned op, unsigned index) {
    e.write_reg(ESP_REG_POL_CMD, (op << ESP_REG_POL_CMD_OP_LSB) | (index << ESP_REG_POL_CMD_INDEX_LSB));
    const std::uint32_t status = e.read_reg(ESP_REG_POL_STATUS);
    if (status & ESP_REG_POL_STATUS_BUSY_MASK) throw std::logic_error("POL_STATUS.BUSY after POL_CMD");
    return (status >> ESP_REG_POL_STATUS_ERROR_LSB) & ESP_REG_POL_STATUS_ERROR_MASK;
}

inline std::uint32_t program_policy(esp::PacketEngine& e, unsigned op, unsigned slot, const esp_policy_entry& p) {
    std::uint32_t w[ESP_POLICY_DATA_WORDS];
    esp_policy_entry_pack(&p, w);
    for (unsigned i = 0; i < ESP_POLICY_DATA_WORDS; ++i) e.write_reg(ESP_REG_POL_DATA + 4 * i, w[i]);
    return pol_command(e, op, slot);
}

inline std::uint32_t program_selector(esp::PacketEngine& e, unsigned handle, const esp_sa_selector& s) {
    std::uint32_t w[ESP_SEL_DATA_WORDS];
    esp_sa_selector_pack(&s, w);
    for (unsigned i = 0; i < ESP_SEL_DATA_WORDS; ++i) e.write_reg(ESP_REG_SEL_DATA + 4 * i, w[i]);
    return pol_command(e, ESP_POL_OP_SEL_WRITE, handle);
}

inline esp_policy_readback read_policy(esp::PacketEngine& e, unsigned slot) {
    if (pol_command(e, ESP_POL_OP_READ, slot) != ESP_POL_ERR_NONE) throw std::runtime_error("policy READ failed");
    std::uint32_t w[ESP_POLICY_READ_WORDS];
    for (unsigned i = 0; i < ESP_POLICY_READ_WORDS; ++i) w[i] = e.read_reg(ESP_REG_POL_READ + 4 * i);
    esp_policy_readback r;
    esp_policy_readback_unpack(w, &r);
    return r;
}

} // namespace port_test
