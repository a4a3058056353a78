// BothEngine: a PacketEngine that runs every register access and packet through two engines
// (espsim --engine both: the RTL next to the HLS model) and stops at the first difference
// with an EngineMismatch naming the packet, the byte offset, register or counter and both
// values. Writes to SA_CMD and DEV_CONTROL wait until neither engine is BUSY. Packets stream
// into the first engine (the timed one); the second gets each packet when the first one's
// result is taken, and the two results are compared then. Whenever the first engine has no
// packet left in flight the global counters are compared too (this reads their low words,
// which loads CNT_HI_LATCH in both engines alike). A register access or irq check first
// drains the stream, so both engines have seen the same packets when registers are compared.
#pragma once

#include <cstdint>
#include <deque>
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
    void submit(const StreamPacket& p) override { e_->submit(p); }
    PacketResult receive() override { return e_->receive(); }
    std::size_t in_flight() const override { return e_->in_flight(); }
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
    void submit(const StreamPacket& p) override;
    PacketResult receive() override;
    std::size_t in_flight() const override { return sent_.size() + compared_.size(); }
    std::uint64_t cycles() const override { return a_->cycles(); } // the timed engine goes first
    bool irq() override;

    std::uint64_t packets() const { return packets_; }

private:
    struct Sent {
        bool inbound;
        std::uint16_t sa_handle;
        std::vector<std::uint8_t> bytes;
    };
    [[noreturn]] void mismatch(const std::string& what, std::uint64_t va, std::uint64_t vb) const;
    PacketResult compare_next(); // a's oldest result, checked against b's for the same packet
    void drain();                // compares every packet in flight into compared_
    void compare_counters();

    std::unique_ptr<esp::PacketEngine> a_, b_;
    std::string a_name_, b_name_;
    std::deque<Sent> sent_;             // submitted to a, its result not yet taken
    std::deque<PacketResult> compared_; // drained and compared, not yet received
    std::uint64_t packets_ = 0;         // packets compared so far (the next one's index)
};

} // namespace espsim
