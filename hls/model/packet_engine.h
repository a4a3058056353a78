// packet_engine.h: the narrow interface every accelerator backend offers the host side
// (the HLS C model here, the Verilated RTL in sim/). Bytes in, bytes out; registers by
// address; nothing backend-specific.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace esp {

class PacketEngine {
 public:
  // The output of one input packet: the packet (empty for a drop), its tuser fields.
  struct PacketResult {
    std::vector<std::uint8_t> bytes;
    std::uint8_t result = 0;  // drop code, ESP_DROP_OK when bytes holds a packet
    std::uint16_t sa = 0xFFFF;  // SA that handled it, 0xFFFF when none matched
    bool inbound = false;     // tuser DIR
  };

  virtual ~PacketEngine() = default;

  // 32-bit control port access at a byte offset of docs/contract.md's register map.
  // Reads may have side effects (EVT_POP, CNT_HI_LATCH).
  virtual std::uint32_t read_reg(std::uint32_t addr) = 0;
  virtual void write_reg(std::uint32_t addr, std::uint32_t data) = 0;

  // Sends one packet with tuser {DIR = inbound, SA = sa_handle, LEN = packet.size()} and
  // returns the engine's one output for it.
  virtual PacketResult process(bool inbound, std::uint16_t sa_handle,
                               std::span<const std::uint8_t> packet) = 0;

  // Clock cycles spent so far; 0 for an untimed model.
  virtual std::uint64_t cycles() const = 0;

  // The interrupt line.
  virtual bool irq() = 0;
};

}  // namespace esp
