// axis_packet.h: one packet as the engine's 128-bit stream beats and back (docs/contract.md
// lanes and tuser fields), shared by the model backends over esp_process_packet and over
// the Vitis top esp_kernel.
#pragma once

#include <cstdint>
#include <span>

#include "esp/esp_engine.h"
#include "packet_engine.h"

namespace esp {

// Writes the packet's beats with tuser {DIR, SA, LEN = size mod 2^16}; an empty packet is
// one beat with keep = 0.
void write_packet_beats(hls::stream<esphls::AxisIn>& in, bool inbound, std::uint16_t sa_handle,
                        std::span<const std::uint8_t> packet);

// Reads one output packet or drop beat; throws std::logic_error when the stream ends
// before a last beat.
PacketEngine::PacketResult read_packet_beats(hls::stream<esphls::AxisOut>& out);

} // namespace esp
