// A live bench around the Verilated esp_engine_top for tests that change the card while
// packets flow: a stream source and sink that survive an rst_n pulse in the middle of a
// packet (the harness agents of axi_stream.h assume a reset-free run), stamps of when
// each input packet started and each output packet ended, and a PacketEngine whose
// register accesses let the streams keep running, so the driver core can program the
// card under traffic.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <stdexcept>
#include <vector>

#include "Vesp_engine_top.h"
#include "engine_top_regs.h"
#include "rtl_engine.h"

namespace live {

using Top = Vesp_engine_top;
using esp::sim::Beat;

inline std::uint64_t tuser_in(bool inbound, std::uint16_t handle, std::size_t bytes) {
    return std::uint64_t(inbound) << ESP_TUSER_IN_DIR_LSB | std::uint64_t(handle) << ESP_TUSER_IN_SA_LSB |
           std::uint64_t(bytes & 0xffffu) << ESP_TUSER_IN_LEN_LSB;
}

// Input packets with random bubbles; valid is dropped (and the rest of the packet
// forgotten with drop_all()) while rst_n is low, as an AXI master must.
class Source final : public esp::sim::Agent {
public:
    Source(Top& t, double bubble, std::uint64_t seed) : t_(t), bubble_(bubble), rng_(seed) {}
    void send(const std::vector<std::uint8_t>& bytes, std::uint64_t user) {
        q_.push_back(esp::sim::to_beats(bytes, user));
    }
    void drop_all() {
        q_.clear();
        beat_ = 0;
        offering_ = false;
    }
    std::uint64_t started() const { return started_; } // packets whose first beat was taken
    bool mid_packet() const { return beat_ > 0; }
    bool idle() const { return q_.empty(); }

    void drive() override {
        if (!t_.rst_n)
            offering_ = false;
        else if (!offering_ && !q_.empty())
            offering_ = !(bubble_ > 0 && coin_(rng_) < bubble_);
        t_.s_axis_tvalid = offering_;
        if (!offering_) return;
        const Beat& b = q_.front()[beat_];
        esp::sim::store_bytes(t_.s_axis_tdata, b.data);
        t_.s_axis_tkeep = b.keep;
        t_.s_axis_tlast = b.last;
        t_.s_axis_tuser = b.user;
    }
    void sample() override {
        if (!t_.rst_n || !offering_ || !t_.s_axis_tready) return;
        if (beat_ == 0) ++started_;
        offering_ = false;
        if (++beat_ == q_.front().size()) {
            q_.pop_front();
            beat_ = 0;
        }
    }

private:
    Top& t_;
    double bubble_;
    std::mt19937_64 rng_;
    std::uniform_real_distribution<double> coin_{0, 1};
    std::deque<std::vector<Beat>> q_;
    std::size_t beat_ = 0;
    bool offering_ = false;
    std::uint64_t started_ = 0;
};

struct Output {
    esp::sim::Packet p;
    std::uint64_t cycle = 0; // the cycle its last beat left
};

// Output packets with random back-pressure; checks the beat rules the contract fixes
// (tuser constant in a packet, a drop is one keep=0 last beat with data 0, contiguous keep,
// full beats but the last, LEN = bytes) and throws on a breach.
class Sink final : public esp::sim::Agent {
public:
    Sink(Top& t, const std::uint64_t& cycle, double stall, std::uint64_t seed)
        : t_(t), cycle_(cycle), stall_(stall), rng_(seed) {}
    std::vector<Output>& done() { return done_; }
    const std::vector<Output>& done() const { return done_; }
    bool mid_packet() const { return in_packet_; }
    void drop_partial() { in_packet_ = false; }

    void drive() override {
        ready_ = !(stall_ > 0 && coin_(rng_) < stall_);
        t_.m_axis_tready = ready_;
    }
    void sample() override {
        if (!t_.rst_n || !ready_ || !t_.m_axis_tvalid) return;
        Beat b;
        b.data = esp::sim::load_bytes(t_.m_axis_tdata);
        b.keep = std::uint16_t(t_.m_axis_tkeep);
        b.last = t_.m_axis_tlast;
        b.user = t_.m_axis_tuser;
        if (b.keep & (b.keep + 1u)) throw std::runtime_error("output keep not contiguous from lane 0");
        if (!in_packet_) {
            cur_ = Output{};
            cur_.p.user = b.user;
            in_packet_ = true;
            if (b.keep == 0) {
                for (std::uint8_t x : b.data)
                    if (x) throw std::runtime_error("drop beat with data");
                if (!b.last) throw std::runtime_error("drop beat without last");
                cur_.p.drop = true;
            }
        } else {
            if (b.user != cur_.p.user) throw std::runtime_error("tuser changed inside a packet");
            if (b.keep == 0) throw std::runtime_error("empty beat inside a packet");
        }
        if (!b.last && b.keep != 0xffffu) throw std::runtime_error("short beat before last");
        for (unsigned lane = 0; lane < esp::sim::kBeatBytes; ++lane)
            if (b.keep & (1u << lane)) cur_.p.bytes.push_back(b.data[lane]);
        if (!b.last) return;
        const unsigned len = unsigned(cur_.p.user >> ESP_TUSER_OUT_LEN_LSB) & 0xffffu;
        if (!cur_.p.drop && len != (cur_.p.bytes.size() & 0xffffu)) throw std::runtime_error("tuser LEN != bytes");
        cur_.cycle = cycle_;
        done_.push_back(std::move(cur_));
        in_packet_ = false;
    }

private:
    Top& t_;
    const std::uint64_t& cycle_;
    double stall_;
    std::mt19937_64 rng_;
    std::uniform_real_distribution<double> coin_{0, 1};
    bool ready_ = true, in_packet_ = false;
    Output cur_;
    std::vector<Output> done_;
};

// The cycle of the last DEV_CONTROL write accepted on the control port.
class ControlWatch final : public esp::sim::Agent {
public:
    ControlWatch(Top& t, const std::uint64_t& cycle) : t_(t), cycle_(cycle) {}
    std::uint64_t last_dev_control = 0;
    void drive() override {}
    void sample() override {
        if (t_.rst_n && t_.s_axil_awvalid && t_.s_axil_awready && t_.s_axil_awaddr == ESP_REG_DEV_CONTROL)
            last_dev_control = cycle_;
    }

private:
    Top& t_;
    const std::uint64_t& cycle_;
};

struct Rig {
    esp::sim::Bench<Top> bench;
    std::uint64_t now = 0; // bench.cycle(), mirrored for the agents' stamps
    esp::sim::AxiLiteMaster<Top> axi{bench};
    Source src;
    Sink sink;
    ControlWatch watch;

    struct Clock final : esp::sim::Agent { // keeps `now` current
        Rig& r;
        explicit Clock(Rig& rig) : r(rig) {}
        void drive() override { r.now = r.bench.cycle(); }
        void sample() override {}
    } clock{*this};

    Rig(double bubble, double stall, std::uint64_t seed)
        : src(bench.top(), bubble, seed), sink(bench.top(), now, stall, seed + 1), watch(bench.top(), now) {
        bench.add(clock);
        bench.add(src);
        bench.add(sink);
        bench.add(watch);
        bench.reset();
        settle();
    }

    // Waits until SA_STATUS.BUSY is clear (the sweep after reset / SOFT_RESET).
    void settle() {
        if (!bench.run_until([&] { return (axi.read(ESP_REG_SA_STATUS) & ESP_REG_SA_STATUS_BUSY_MASK) == 0; }, 20000))
            throw std::runtime_error("SA_STATUS.BUSY stuck");
    }
    void send(bool inbound, std::uint16_t handle, const std::vector<std::uint8_t>& bytes) {
        src.send(bytes, tuser_in(inbound, handle, bytes.size()));
    }
    bool drain(std::size_t outputs, std::uint64_t max_cycles) {
        return bench.run_until([&] { return sink.done().size() >= outputs; }, max_cycles);
    }
    // rst_n low for `cycles` cycles at the current cycle, whatever is in flight.
    void pulse_reset(unsigned cycles) {
        bench.top().rst_n = 0;
        src.drop_all();
        sink.drop_partial();
        bench.ticks(cycles);
        bench.top().rst_n = 1;
    }
};

// The rig's control port as a PacketEngine (for the driver core and the test helpers):
// every access takes bench cycles during which the streams keep flowing.
using Regs = esp::sim::AxiLiteRegs<Top>;

} // namespace live
