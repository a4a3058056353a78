// AXI4-Lite master over a Verilated top with the usual slave port names
// (s_axil_awaddr ... s_axil_rready). Blocking read()/write() return the data
// and count the cycles they took; write_burst() keeps one write in flight per
// cycle (the next AW/W is offered while B returns), as a posting bridge does.
#pragma once

#include <cstdint>
#include <deque>
#include <stdexcept>
#include <utility>
#include <vector>

#include "bench.h"

namespace esp::sim {

template <class Top>
class AxiLiteMaster : public Agent {
public:
    explicit AxiLiteMaster(Bench<Top>& b, uint64_t timeout = 100000) : b_(b), timeout_(timeout) {
        b_.add(*this);
        idle();
    }

    uint32_t read(uint32_t addr) {
        const uint64_t start = b_.cycle();
        ar_pending_ = true;
        ar_addr_ = addr;
        r_got_ = false;
        if (!b_.run_until([&] { return r_got_; }, timeout_)) throw std::runtime_error("AXI-Lite read timeout");
        last_cycles_ = b_.cycle() - start;
        return r_data_;
    }

    void write(uint32_t addr, uint32_t data, uint8_t strb = 0xf) { write_burst({{addr, data}}, strb); }

    // Issues the writes back to back; returns once every B came back.
    void write_burst(const std::vector<std::pair<uint32_t, uint32_t>>& writes, uint8_t strb = 0xf) {
        const uint64_t start = b_.cycle();
        for (const auto& w : writes) w_queue_.push_back(w);
        strb_ = strb;
        b_wanted_ += writes.size();
        if (!b_.run_until([&] { return b_wanted_ == 0; }, timeout_)) throw std::runtime_error("AXI-Lite write timeout");
        last_cycles_ = b_.cycle() - start;
    }

    uint64_t last_cycles() const { return last_cycles_; }

    void drive() override {
        Top& t = b_.top();
        t.s_axil_bready = 1;
        t.s_axil_rready = 1;
        t.s_axil_awvalid = !w_queue_.empty() && !aw_sent_;
        t.s_axil_wvalid = !w_queue_.empty() && !w_sent_;
        if (!w_queue_.empty()) {
            t.s_axil_awaddr = w_queue_.front().first;
            t.s_axil_wdata = w_queue_.front().second;
            t.s_axil_wstrb = strb_;
        }
        t.s_axil_arvalid = ar_pending_;
        t.s_axil_araddr = ar_addr_;
    }

    void sample() override {
        Top& t = b_.top();
        // AW and W of one write may be accepted in different cycles.
        if (t.s_axil_awvalid && t.s_axil_awready) aw_sent_ = true;
        if (t.s_axil_wvalid && t.s_axil_wready) w_sent_ = true;
        if (aw_sent_ && w_sent_) {
            w_queue_.pop_front();
            aw_sent_ = w_sent_ = false;
        }
        if (t.s_axil_bvalid && t.s_axil_bready && b_wanted_ > 0) {
            if (t.s_axil_bresp != 0) throw std::runtime_error("AXI-Lite write error response");
            --b_wanted_;
        }
        if (t.s_axil_arvalid && t.s_axil_arready) ar_pending_ = false;
        if (t.s_axil_rvalid && t.s_axil_rready) {
            if (t.s_axil_rresp != 0) throw std::runtime_error("AXI-Lite read error response");
            r_data_ = t.s_axil_rdata;
            r_got_ = true;
        }
    }

private:
    void idle() {
        Top& t = b_.top();
        t.s_axil_awvalid = t.s_axil_wvalid = t.s_axil_arvalid = 0;
        t.s_axil_bready = t.s_axil_rready = 1;
    }
    Bench<Top>& b_;
    uint64_t timeout_;
    std::deque<std::pair<uint32_t, uint32_t>> w_queue_;
    bool aw_sent_ = false, w_sent_ = false;
    uint8_t strb_ = 0xf;
    size_t b_wanted_ = 0;
    bool ar_pending_ = false;
    uint32_t ar_addr_ = 0;
    bool r_got_ = false;
    uint32_t r_data_ = 0;
    uint64_t last_cycles_ = 0;
};

} // namespace esp::sim
