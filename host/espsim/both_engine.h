// BothEngine: a PacketEngine that runs every register access and packet through two engines
// (espsim --engine both: the RTL next to the HLS model) and stops at the first difference
// with an EngineMismatch naming the packet, the byte offset, register or counter and both
// values. An SA_CMD write waits until neither engine is BUSY. After each packet it also compares the global counters (this reads their low
// words, which loads CNT_HI_LATCH in both engines alike).
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "packet_engine.h"

namespace espsim {

struct EngineMismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class BothEngine final : public esp::PacketEngine {
 public:
  BothEngine(std::unique_ptr<esp::PacketEngine> a, std::string a_name, std::unique_ptr<esp::PacketEngine> b,
             std::string b_name);

  std::uint32_t read_reg(std::uint32_t addr) override;
  void write_reg(std::uint32_t addr, std::uint32_t data) override;
  PacketResult process(bool inbound, std::uint16_t sa_handle, std::span<const std::uint8_t> packet) override;
  std::uint64_t cycles() const override { return a_->cycles(); }  // the timed engine goes first
  bool irq() override;

  std::uint64_t packets() const { return packets_; }

 private:
  [[noreturn]] void mismatch(const std::string& what, std::uint64_t va, std::uint64_t vb) const;
  void compare_counters();

  std::unique_ptr<esp::PacketEngine> a_, b_;
  std::string a_name_, b_name_;
  std::uint64_t packets_ = 0;  // packets processed so far (the next one's index)
};

}  // namespace espsim
