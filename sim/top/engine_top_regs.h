// AxiLiteRegs<Top>: the register half of esp::PacketEngine over a bench's AXI4-Lite master,
// for code that drives a Verilated engine top's streams itself (stream tests, benchmarks)
// but programs SAs with the PacketEngine helpers of tests/esp (install, sa_row, ...).
#pragma once

#include <stdexcept>

#include "axi_lite.h"
#include "packet_engine.h"

namespace esp::sim {

template <class Top>
struct AxiLiteRegs final : esp::PacketEngine {
    AxiLiteMaster<Top>& axi;
    explicit AxiLiteRegs(AxiLiteMaster<Top>& a) : axi(a) {}
    std::uint32_t read_reg(std::uint32_t addr) override { return axi.read(addr); }
    void write_reg(std::uint32_t addr, std::uint32_t data) override { axi.write(addr, data); }
    PacketResult process(bool, std::uint16_t, std::span<const std::uint8_t>) override {
        throw std::logic_error("AxiLiteRegs carries registers only");
    }
    std::uint64_t cycles() const override { return 0; }
    bool irq() override { return false; }
};

} // namespace esp::sim
