// esp::RtlEngine<Top>: the PacketEngine interface (hls/model/packet_engine.h) over any
// Verilated top with the engine's ports: clk, rst_n, s_axil_* (control), s_axis_* (input,
// 33-bit tuser), m_axis_* (output, 37-bit tuser), irq. Register accesses go through the
// AXI4-Lite master, packets through the stream driver and monitor (optionally with random
// bubbles and back-pressure), and cycles() counts clock cycles. Packets are streamed:
// submit() queues them on the input while earlier ones are in flight (back to back, or held
// until their not_before cycle), receive() runs the clock until the oldest one's output is
// out; each result carries the cycles of its first input beat and first and last output
// beat (the engine's outputs come in input order). Intended top:
// esp_engine_top (see docs/rtl-control.md); espsim's `--engine rtl` instantiates it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <span>
#include <stdexcept>
#include <vector>

#include "axi_lite.h"
#include "axi_stream.h"
#include "bench.h"
#include "esp_contract.h"
#include "packet_engine.h"

namespace esp {

namespace sim {

// The cycle of each packet's first beat on the input stream and of its first and last beat
// on the output stream, sampled on the handshakes (s_axis_* / m_axis_*).
template <class Top>
class PacketBeatTimes final : public Agent {
public:
    explicit PacketBeatTimes(Bench<Top>& b) : bench_(b) {}
    void drive() override {}
    void sample() override {
        const Top& t = bench_.top();
        if (t.s_axis_tvalid && t.s_axis_tready) {
            if (!in_busy_) first_in_.push_back(bench_.cycle());
            in_busy_ = !t.s_axis_tlast;
        }
        if (t.m_axis_tvalid && t.m_axis_tready) {
            if (!out_busy_) first_out_.push_back(bench_.cycle());
            out_busy_ = !t.m_axis_tlast;
            if (t.m_axis_tlast) last_out_.push_back(bench_.cycle());
        }
    }
    // The oldest packet's {first in, first out, last out}; its output must be complete.
    std::array<std::uint64_t, 3> pop() {
        if (first_in_.empty() || last_out_.empty()) throw std::logic_error("PacketBeatTimes: no complete packet");
        const std::array<std::uint64_t, 3> t{first_in_.front(), first_out_.front(), last_out_.front()};
        first_in_.pop_front();
        first_out_.pop_front();
        last_out_.pop_front();
        return t;
    }

private:
    Bench<Top>& bench_;
    bool in_busy_ = false, out_busy_ = false;
    std::deque<std::uint64_t> first_in_, first_out_, last_out_;
};

} // namespace sim

template <class Top>
class RtlEngine final : public PacketEngine {
public:
    struct Config {
        sim::Options options = sim::Options::from_env();
        double bubble = 0.0;               // probability of an idle input cycle between beats
        double stall = 0.0;                // probability of tready low on the output
        uint64_t packet_timeout = 1000000; // cycles a packet may take once it may enter
    };

    RtlEngine() : RtlEngine(Config{}) {}
    explicit RtlEngine(const Config& cfg)
        : cfg_(cfg),
          bench_(cfg.options),
          axi_(bench_),
          src_(sim::bind_s_axis(bench_.top()), cfg.bubble, cfg.options.seed),
          sink_(sim::bind_m_axis(bench_.top()), cfg.stall, cfg.options.seed + 1),
          times_(bench_) {
        bench_.add(src_); // at cycle 0: the source's not_before cycles are the bench's
        bench_.add(sink_);
        bench_.add(times_);
        bench_.reset();
        // The card sweeps its tables after reset with SA_STATUS.BUSY set.
        for (int i = 0; i < 100000 && (axi_.read(ESP_REG_SA_STATUS) & 1u); ++i) {
        }
    }

    std::uint32_t read_reg(std::uint32_t addr) override { return axi_.read(addr); }
    void write_reg(std::uint32_t addr, std::uint32_t data) override { axi_.write(addr, data); }

    PacketResult process(bool inbound, std::uint16_t sa_handle, std::span<const std::uint8_t> packet) override {
        if (in_flight_) throw std::logic_error("RtlEngine::process while streamed packets are in flight");
        submit({inbound, sa_handle, packet, 0});
        return receive();
    }

    void submit(const StreamPacket& p) override {
        const uint64_t user = uint64_t(p.inbound) << ESP_TUSER_IN_DIR_LSB |
                              uint64_t(p.sa_handle) << ESP_TUSER_IN_SA_LSB |
                              uint64_t(p.bytes.size() & 0xffffu) << ESP_TUSER_IN_LEN_LSB;
        src_.send(std::vector<std::uint8_t>(p.bytes.begin(), p.bytes.end()), user, p.not_before);
        latest_start_ = std::max(latest_start_, p.not_before);
        ++in_flight_;
    }

    PacketResult receive() override {
        if (!in_flight_) throw std::logic_error("RtlEngine::receive: no packet in flight");
        const uint64_t wait = std::max(latest_start_, bench_.cycle()) - bench_.cycle() + cfg_.packet_timeout;
        if (!bench_.run_until([&] { return !sink_.packets().empty(); }, wait))
            throw std::runtime_error("RtlEngine: no output for a packet");
        sim::Packet out = std::move(sink_.packets().front());
        sink_.packets().pop_front();
        --in_flight_;
        PacketResult r;
        r.inbound = (out.user >> ESP_TUSER_OUT_DIR_LSB) & 1u;
        r.sa = static_cast<std::uint16_t>(out.user >> ESP_TUSER_OUT_SA_LSB);
        r.result = static_cast<std::uint8_t>((out.user >> ESP_TUSER_OUT_RESULT_LSB) & 0xfu);
        const unsigned len = static_cast<unsigned>(out.user >> ESP_TUSER_OUT_LEN_LSB) & 0xffffu;
        if (!out.drop && len != (out.bytes.size() & 0xffffu))
            throw std::runtime_error("RtlEngine: output tuser LEN differs from the bytes carried");
        if (!out.drop) r.bytes = std::move(out.bytes);
        const auto t = times_.pop();
        r.timed = true;
        r.first_in_cycle = t[0];
        r.first_out_cycle = t[1];
        r.last_out_cycle = t[2];
        return r;
    }

    std::size_t in_flight() const override { return in_flight_; }
    std::uint64_t cycles() const override { return bench_.cycle(); }
    bool irq() override { return bench_.top().irq != 0; }

    sim::Bench<Top>& bench() { return bench_; }

private:
    Config cfg_;
    sim::Bench<Top> bench_;
    sim::AxiLiteMaster<Top> axi_;
    sim::AxisSource src_;
    sim::AxisSink sink_;
    sim::PacketBeatTimes<Top> times_;
    std::size_t in_flight_ = 0;
    uint64_t latest_start_ = 0; // the latest not_before submitted
};

} // namespace esp
