// esp::RtlEngine<Top>: the PacketEngine interface (hls/model/packet_engine.h) over any
// Verilated top with the engine's ports: clk, rst_n, s_axil_* (control), s_axis_* (input,
// 33-bit tuser), m_axis_* (output, 37-bit tuser), irq. Register accesses go through the
// AXI4-Lite master, packets through the stream driver and monitor (optionally with random
// bubbles and back-pressure), and cycles() counts clock cycles. Intended top:
// esp_engine_top (see docs/rtl-control.md); espsim's `--engine rtl` instantiates it.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "axi_lite.h"
#include "axi_stream.h"
#include "bench.h"
#include "esp_contract.h"
#include "packet_engine.h"

namespace esp {

template <class Top>
class RtlEngine final : public PacketEngine {
 public:
  struct Config {
    sim::Options options = sim::Options::from_env();
    double bubble = 0.0;  // probability of an idle input cycle between beats
    double stall = 0.0;   // probability of tready low on the output
    uint64_t packet_timeout = 1000000;
  };

  RtlEngine() : RtlEngine(Config{}) {}
  explicit RtlEngine(const Config& cfg)
      : cfg_(cfg),
        bench_(cfg.options),
        axi_(bench_),
        src_(sim::bind_s_axis(bench_.top()), cfg.bubble, cfg.options.seed),
        sink_(sim::bind_m_axis(bench_.top()), cfg.stall, cfg.options.seed + 1) {
    bench_.add(src_);
    bench_.add(sink_);
    bench_.reset();
    // The card sweeps its tables after reset with SA_STATUS.BUSY set.
    for (int i = 0; i < 100000 && (axi_.read(ESP_REG_SA_STATUS) & 1u); ++i) {
    }
  }

  std::uint32_t read_reg(std::uint32_t addr) override { return axi_.read(addr); }
  void write_reg(std::uint32_t addr, std::uint32_t data) override { axi_.write(addr, data); }

  PacketResult process(bool inbound, std::uint16_t sa_handle, std::span<const std::uint8_t> packet) override {
    const uint64_t user = uint64_t(inbound) << ESP_TUSER_IN_DIR_LSB | uint64_t(sa_handle) << ESP_TUSER_IN_SA_LSB |
                          uint64_t(packet.size() & 0xffffu) << ESP_TUSER_IN_LEN_LSB;
    src_.send(std::vector<std::uint8_t>(packet.begin(), packet.end()), user);
    if (!bench_.run_until([&] { return !sink_.packets().empty(); }, cfg_.packet_timeout))
      throw std::runtime_error("RtlEngine: no output for a packet");
    sim::Packet out = std::move(sink_.packets().front());
    sink_.packets().pop_front();
    PacketResult r;
    r.inbound = (out.user >> ESP_TUSER_OUT_DIR_LSB) & 1u;
    r.sa = static_cast<std::uint16_t>(out.user >> ESP_TUSER_OUT_SA_LSB);
    r.result = static_cast<std::uint8_t>((out.user >> ESP_TUSER_OUT_RESULT_LSB) & 0xfu);
    const unsigned len = static_cast<unsigned>(out.user >> ESP_TUSER_OUT_LEN_LSB) & 0xffffu;
    if (!out.drop && len != (out.bytes.size() & 0xffffu))
      throw std::runtime_error("RtlEngine: output tuser LEN differs from the bytes carried");
    if (!out.drop) r.bytes = std::move(out.bytes);
    return r;
  }

  std::uint64_t cycles() const override { return bench_.cycle(); }
  bool irq() override { return bench_.top().irq != 0; }

  sim::Bench<Top>& bench() { return bench_; }

 private:
  Config cfg_;
  sim::Bench<Top> bench_;
  sim::AxiLiteMaster<Top> axi_;
  sim::AxisSource src_;
  sim::AxisSink sink_;
};

}  // namespace esp
