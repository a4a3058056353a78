// port_engine.h: the card as a network device, the interface every backend with ports
// offers (the HLS model here; the RTL later): Ethernet frames in on the host or wire port,
// at most one frame out on the other (or a counted drop), with what became of it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace esp {

class PortEngine {
public:
    struct FrameResult {
        std::optional<std::vector<std::uint8_t>> to_wire; // the frame sent on the wire port
        std::optional<std::vector<std::uint8_t>> to_host; // the frame delivered on the host port
        std::uint8_t fate = 0;                            // ESP_FATE_* (docs/contract.md "Port frame fates")
        std::uint16_t policy = 0xFFFF;                    // slot of the deciding policy, 0xFFFF when none
        std::uint16_t sa = 0xFFFF;                        // SA used, 0xFFFF when none
        std::uint8_t engine_result = 0;                   // ESP_DROP_* when the ESP engine dropped it
    };

    virtual ~PortEngine() = default;

    // A frame the host sent into the card (transmit) / that arrived from the network.
    virtual FrameResult frame_from_host(std::span<const std::uint8_t> frame) = 0;
    virtual FrameResult frame_from_wire(std::span<const std::uint8_t> frame) = 0;

    // The port clock (microseconds, ACQ_HOLDOFF's time base): fixed by tests, otherwise
    // the backend's own clock.
    virtual void set_port_time(std::uint32_t now_us) = 0;
};

} // namespace esp
