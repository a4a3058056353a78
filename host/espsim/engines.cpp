// The engine table of espsim (see engines.h).
#include "engines.h"

#include <stdexcept>

#include "both_engine.h"
#include "hls_card.h"
#include "hls_engine.h"
#include "packet_engine.h"
#ifdef ESP_WITH_RTL_ENGINE  // set by sim/top.cmake when the Verilated esp_engine_top is built
#include "Vesp_engine_top.h"
#include "rtl_engine.h"
#endif

namespace espsim {

namespace {

template <typename Engine>
std::unique_ptr<esp::PacketEngine> make() {
  return std::make_unique<Engine>();
}

#ifdef ESP_WITH_RTL_ENGINE
using RtlTop = esp::RtlEngine<Vesp_engine_top>;

// Cycle of each packet's first beat on the input and on the output of the top.
class FirstBeatProbe final : public esp::sim::Agent {
 public:
  explicit FirstBeatProbe(esp::sim::Bench<Vesp_engine_top>& b) : bench_(b) {}
  void drive() override {}
  void sample() override {
    const Vesp_engine_top& t = bench_.top();
    if (t.s_axis_tvalid && t.s_axis_tready) {
      if (!in_busy_) first_in_ = bench_.cycle();
      in_busy_ = !t.s_axis_tlast;
    }
    if (t.m_axis_tvalid && t.m_axis_tready) {
      if (!out_busy_) first_out_ = bench_.cycle();
      out_busy_ = !t.m_axis_tlast;
    }
  }
  std::uint64_t latency() const { return first_out_ - first_in_; }

 private:
  esp::sim::Bench<Vesp_engine_top>& bench_;
  bool in_busy_ = false, out_busy_ = false;
  std::uint64_t first_in_ = 0, first_out_ = 0;
};

// The RTL engine for --engine rtl: waits out BUSY after card work and times each packet.
class TimedRtl final : public esp::PacketEngine, public PacketLatency {
 public:
  TimedRtl() {
    auto rtl = std::make_unique<RtlTop>();
    probe_ = std::make_unique<FirstBeatProbe>(rtl->bench());
    rtl->bench().add(*probe_);
    e_ = std::make_unique<SettledEngine>(std::move(rtl));
  }
  std::uint32_t read_reg(std::uint32_t addr) override { return e_->read_reg(addr); }
  void write_reg(std::uint32_t addr, std::uint32_t data) override { e_->write_reg(addr, data); }
  PacketResult process(bool inbound, std::uint16_t sa, std::span<const std::uint8_t> p) override {
    return e_->process(inbound, sa, p);
  }
  std::uint64_t cycles() const override { return e_->cycles(); }
  bool irq() override { return e_->irq(); }
  std::uint64_t last_latency() const override { return probe_->latency(); }

 private:
  std::unique_ptr<FirstBeatProbe> probe_;  // the bench in e_ points at it: e_ goes first
  std::unique_ptr<esp::PacketEngine> e_;
};

std::unique_ptr<esp::PacketEngine> make_rtl() { return std::make_unique<TimedRtl>(); }

// The RTL and the HLS model in lockstep; the first difference throws EngineMismatch.
std::unique_ptr<esp::PacketEngine> make_both() {
  return std::make_unique<BothEngine>(std::make_unique<RtlTop>(), "rtl", std::make_unique<esp::HlsEngine>(), "hls");
}
#endif

}  // namespace

const std::vector<EngineInfo>& engines() {
  static const std::vector<EngineInfo> table = {
      {"hls", "the HLS C++ model of the accelerator (C simulation)", &make<esp::HlsCard>},
#ifdef ESP_WITH_RTL_ENGINE
      {"rtl", "the SystemVerilog accelerator (esp_engine_top, Verilated; cycle counts)", &make_rtl},
      {"both", "rtl and hls in lockstep, stopping at the first difference", &make_both},
#endif
  };
  return table;
}

std::unique_ptr<esp::PacketEngine> make_engine(const std::string& name) {
  std::string known;
  for (const auto& e : engines()) {
    if (name == e.name) return e.make();
    known += known.empty() ? e.name : std::string(", ") + e.name;
  }
  throw std::invalid_argument("unknown engine '" + name + "' (known: " + known + ")");
}

}  // namespace espsim
