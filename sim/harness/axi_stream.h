// AXI4-Stream driver (random bubbles) and monitor (random back-pressure) for
// 128-bit streams with tkeep/tlast/tuser, byte i of a beat in tdata[8i+7:8i].
// Ports are reached through small binding structs, so any top works; bind_s_axis()
// and bind_m_axis() make them from the usual names s_axis_* / m_axis_*.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "bench.h"

namespace esp::sim {

constexpr unsigned kBeatBytes = 16;

struct Beat {
    std::array<uint8_t, kBeatBytes> data{};
    uint16_t keep = 0;
    bool last = false;
    uint64_t user = 0;
};

struct Packet {
    std::vector<uint8_t> bytes;
    uint64_t user = 0; // tuser of the first beat
    bool drop = false; // a single keep=0 beat
};

// Splits a packet into beats; an empty packet is one keep=0 beat.
inline std::vector<Beat> to_beats(const std::vector<uint8_t>& bytes, uint64_t user) {
    std::vector<Beat> beats;
    size_t i = 0;
    do {
        Beat b;
        b.user = user;
        for (unsigned lane = 0; lane < kBeatBytes && i < bytes.size(); ++lane, ++i) {
            b.data[lane] = bytes[i];
            b.keep |= static_cast<uint16_t>(1u << lane);
        }
        b.last = i >= bytes.size();
        beats.push_back(b);
    } while (i < bytes.size());
    return beats;
}

// tdata accessors: VlWide (wider than 64 bits) or a plain integer.
template <std::size_t W>
void store_bytes(VlWide<W>& dst, const std::array<uint8_t, kBeatBytes>& src) {
    for (std::size_t w = 0; w < W; ++w) dst[w] = 0;
    for (unsigned i = 0; i < kBeatBytes && i / 4 < W; ++i) dst[i / 4] |= static_cast<uint32_t>(src[i]) << (8 * (i % 4));
}
template <std::size_t W>
std::array<uint8_t, kBeatBytes> load_bytes(const VlWide<W>& src) {
    std::array<uint8_t, kBeatBytes> out{};
    for (unsigned i = 0; i < kBeatBytes && i / 4 < W; ++i) out[i] = static_cast<uint8_t>(src[i / 4] >> (8 * (i % 4)));
    return out;
}

struct AxisInPort { // a stream input of the DUT
    std::function<void(bool valid, const Beat&)> drive;
    std::function<bool()> ready;
};
struct AxisOutPort { // a stream output of the DUT
    std::function<void(bool ready)> drive_ready;
    std::function<bool()> valid;
    std::function<Beat()> beat;
};

template <class Top>
AxisInPort bind_s_axis(Top& t) {
    return {[&t](bool valid, const Beat& b) {
                t.s_axis_tvalid = valid;
                store_bytes(t.s_axis_tdata, b.data);
                t.s_axis_tkeep = b.keep;
                t.s_axis_tlast = b.last;
                t.s_axis_tuser = b.user;
            },
            [&t] { return bool(t.s_axis_tready); }};
}
template <class Top>
AxisOutPort bind_m_axis(Top& t) {
    return {[&t](bool ready) { t.m_axis_tready = ready; }, [&t] { return bool(t.m_axis_tvalid); },
            [&t] {
                Beat b;
                b.data = load_bytes(t.m_axis_tdata);
                b.keep = static_cast<uint16_t>(t.m_axis_tkeep);
                b.last = t.m_axis_tlast;
                b.user = t.m_axis_tuser;
                return b;
            }};
}

// Drives queued beats; while idle between beats it inserts a bubble with
// probability bubble (never drops valid once offered, as AXI requires). A packet sent with
// not_before > 0 is held until this source has seen that many cycles (ticks since it was
// added to the bench), for paced streams.
class AxisSource : public Agent {
public:
    AxisSource(AxisInPort port, double bubble, uint64_t seed) : port_(std::move(port)), bubble_(bubble), rng_(seed) {}
    void send(const std::vector<uint8_t>& bytes, uint64_t user, uint64_t not_before = 0) {
        bool first = true;
        for (const Beat& b : to_beats(bytes, user)) {
            q_.push_back({b, first ? not_before : 0});
            first = false;
        }
    }
    void send_beats(const std::vector<Beat>& beats) {
        for (const Beat& b : beats) q_.push_back({b, 0});
    }
    bool idle() const { return q_.empty(); }
    uint64_t beats_sent() const { return sent_; }

    void drive() override {
        if (!offering_ && !q_.empty() && q_.front().not_before <= cycle_) offering_ = !coin(bubble_);
        port_.drive(offering_, offering_ ? q_.front().beat : Beat{});
    }
    void sample() override {
        if (offering_ && port_.ready()) {
            q_.pop_front();
            offering_ = false;
            ++sent_;
        }
        ++cycle_;
    }

private:
    struct Queued {
        Beat beat;
        uint64_t not_before;
    };
    bool coin(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
    AxisInPort port_;
    double bubble_;
    std::mt19937_64 rng_;
    std::deque<Queued> q_;
    bool offering_ = false;
    uint64_t sent_ = 0;
    uint64_t cycle_ = 0;
};

// Collects packets from a stream output, holding tready low with probability
// stall each cycle. Checks that tuser stays constant within a packet.
class AxisSink : public Agent {
public:
    AxisSink(AxisOutPort port, double stall, uint64_t seed) : port_(std::move(port)), stall_(stall), rng_(seed) {}
    std::deque<Packet>& packets() { return done_; }
    uint64_t beats_received() const { return beats_; }

    void drive() override {
        ready_ = !(stall_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < stall_);
        port_.drive_ready(ready_);
    }
    void sample() override {
        if (!ready_ || !port_.valid()) return;
        const Beat b = port_.beat();
        ++beats_;
        if (!in_packet_) {
            cur_ = Packet{};
            cur_.user = b.user;
            in_packet_ = true;
            first_keep_ = b.keep;
        } else if (b.user != cur_.user) {
            throw std::runtime_error("tuser changed inside a packet");
        }
        for (unsigned lane = 0; lane < kBeatBytes; ++lane)
            if (b.keep & (1u << lane)) cur_.bytes.push_back(b.data[lane]);
        if (b.last) {
            cur_.drop = cur_.bytes.empty() && first_keep_ == 0;
            done_.push_back(std::move(cur_));
            in_packet_ = false;
        }
    }

private:
    AxisOutPort port_;
    double stall_;
    std::mt19937_64 rng_;
    bool ready_ = true;
    bool in_packet_ = false;
    uint16_t first_keep_ = 0;
    Packet cur_;
    std::deque<Packet> done_;
    uint64_t beats_ = 0;
};

} // namespace esp::sim
