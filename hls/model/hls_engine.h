// hls_engine.h: PacketEngine over the HLS C model (untimed).
#pragma once

#include <memory>

#include "packet_engine.h"

namespace esphls {
struct EspEngineState;
}

namespace esp {

class HlsEngine final : public PacketEngine {
public:
    HlsEngine(); // a card after power-on reset
    ~HlsEngine() override;
    HlsEngine(const HlsEngine&) = delete;
    HlsEngine& operator=(const HlsEngine&) = delete;

    std::uint32_t read_reg(std::uint32_t addr) override;
    void write_reg(std::uint32_t addr, std::uint32_t data) override;
    // An empty packet goes in as one beat with keep = 0 (the engine drops it MALFORMED);
    // LEN carries packet.size() mod 2^16, so packets over 65535 bytes mismatch LEN.
    PacketResult process(bool inbound, std::uint16_t sa_handle, std::span<const std::uint8_t> packet) override;
    std::uint64_t cycles() const override { return 0; }
    bool irq() override;

    // The engine state, for tests that drive esp_process_packet with hand-made beats.
    esphls::EspEngineState& state() { return *state_; }

private:
    std::unique_ptr<esphls::EspEngineState> state_; // several MB: on the heap
};

// One packet through an ESP engine state as PacketEngine::process does it (HlsEngine and
// HlsCard share it).
PacketEngine::PacketResult process_packet(esphls::EspEngineState& st, bool inbound, std::uint16_t sa_handle,
                                          std::span<const std::uint8_t> packet);

} // namespace esp
