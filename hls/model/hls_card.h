// hls_card.h: the whole card as the HLS C model: ports, policy table and ESP engine
// (hls/port over hls/esp). It is a PacketEngine too (control port, and the engine's own
// packet port for hosts that pick the SA themselves), so the driver core runs on it.
#pragma once

#include <memory>
#include <optional>

#include "packet_engine.h"
#include "port_engine.h"

namespace esphls {
struct PortState;
}

namespace esp {

class HlsCard final : public PacketEngine, public PortEngine {
public:
    HlsCard(); // a card after power-on reset
    ~HlsCard() override;
    HlsCard(const HlsCard&) = delete;
    HlsCard& operator=(const HlsCard&) = delete;

    std::uint32_t read_reg(std::uint32_t addr) override;
    void write_reg(std::uint32_t addr, std::uint32_t data) override;
    PacketResult process(bool inbound, std::uint16_t sa_handle, std::span<const std::uint8_t> packet) override;
    std::uint64_t cycles() const override { return 0; }
    bool irq() override;

    FrameResult frame_from_host(std::span<const std::uint8_t> frame) override;
    FrameResult frame_from_wire(std::span<const std::uint8_t> frame) override;
    // Until called, the port clock is microseconds since construction (steady clock).
    void set_port_time(std::uint32_t now_us) override { fixed_time_ = now_us; }

private:
    FrameResult frame(bool from_wire, std::span<const std::uint8_t> frame);
    std::uint32_t now_us() const;

    std::unique_ptr<esphls::PortState> state_; // several MB: on the heap
    std::optional<std::uint32_t> fixed_time_;
    std::uint64_t start_ns_;
};

} // namespace esp
