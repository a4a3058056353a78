// BothEngine: a PacketEngine that runs every register access and packet through two engines
// (espsim --engine both: the RTL next to the HLS model) and stops at the first difference
// with an EngineMismatch naming the packet, the byte offset, register or counter and both
// values. Writes to SA_CMD and DEV_CONTROL wait until neither engine is BUSY. After each packet it also compares the global counters (this reads their low
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

// Waits after writes that start card work (SA_CMD, DEV_CONTROL's SOFT_RESET) until
// SA_STATUS.BUSY clears. The RTL sweeps its tables for ~1024 cycles after SOFT_RESET and
// ignores SA_DATA/SA_CMD writes meanwhile; a register user that does not poll BUSY (as the
// driver core did not before it was fixed) would lose writes, which the HLS model hides.
void wait_not_busy(esp::PacketEngine& e);
bool starts_card_work(std::uint32_t addr);

class SettledEngine final : public esp::PacketEngine {
 public:
  explicit SettledEngine(std::unique_ptr<esp::PacketEngine> e) : e_(std::move(e)) {}
  std::uint32_t read_reg(std::uint32_t addr) override { return e_->read_reg(addr); }
  void write_reg(std::uint32_t addr, std::uint32_t data) override {
    e_->write_reg(addr, data);
    if (starts_card_work(addr)) wait_not_busy(*e_);
  }
  PacketResult process(bool inbound, std::uint16_t sa, std::span<const std::uint8_t> p) override {
    return e_->process(inbound, sa, p);
  }
  std::uint64_t cycles() const override { return e_->cycles(); }
  bool irq() override { return e_->irq(); }

 private:
  std::unique_ptr<esp::PacketEngine> e_;
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
