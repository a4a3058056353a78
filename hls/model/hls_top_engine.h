// hls_top_engine.h: PacketEngine over the Vitis top function esp_kernel (untimed): every
// register access is an AXI4-Lite transaction on its s_axil_* channels and every packet
// goes through s_axis/m_axis, so a test drives the HLS top through the same ports as the
// RTL top. esp_kernel keeps its engine in a static, so one HlsTopEngine exists at a time;
// it starts with a SOFT_RESET, as a driver loading on a used card would.
#pragma once

#include <memory>

#include "packet_engine.h"

namespace esp {

class HlsTopEngine final : public PacketEngine {
public:
    HlsTopEngine(); // throws std::logic_error while another one exists
    ~HlsTopEngine() override;
    HlsTopEngine(const HlsTopEngine&) = delete;
    HlsTopEngine& operator=(const HlsTopEngine&) = delete;

    std::uint32_t read_reg(std::uint32_t addr) override;
    void write_reg(std::uint32_t addr, std::uint32_t data) override { write_reg_strobed(addr, data, 0xF); }
    void write_reg_strobed(std::uint32_t addr, std::uint32_t data, unsigned strb);
    PacketResult process(bool inbound, std::uint16_t sa_handle, std::span<const std::uint8_t> packet) override;
    std::uint64_t cycles() const override { return 0; }
    bool irq() override { return irq_; }

private:
    struct Ports;
    void step();
    std::unique_ptr<Ports> ports_;
    bool irq_ = false;
};

} // namespace esp
