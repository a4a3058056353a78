// Test wrapper over the Verilated esp_ctrl: register access through the harness's
// AXI4-Lite master, SA commands, and direct drivers for the datapath ports
// (lookup, fetch, replay, packet result).
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "Vesp_ctrl.h"
#include "axi_lite.h"
#include "bench.h"
#include "esp_contract.h"

namespace esp::sim {

using SaWords = std::array<uint32_t, ESP_SA_DATA_WORDS - 1>; // words 0..30 of sa_entry

class CtrlDut {
public:
    CtrlDut() : axi_(b_) {
        b_.reset();
        wait_idle(); // the power-on flush
    }

    Bench<Vesp_ctrl>& bench() { return b_; }
    AxiLiteMaster<Vesp_ctrl>& axi() { return axi_; }
    uint32_t rd(uint32_t a) { return axi_.read(a); }
    void wr(uint32_t a, uint32_t d) { axi_.write(a, d); }

    // Polls SA_STATUS until BUSY clears; returns the ERROR field.
    uint32_t wait_idle() {
        for (int i = 0; i < 100000; ++i) {
            const uint32_t s = rd(ESP_REG_SA_STATUS);
            if (!(s & 1u)) return (s >> ESP_REG_SA_STATUS_ERROR_LSB) & 0xfu;
        }
        throw std::runtime_error("SA engine stuck busy");
    }
    void stage(const SaWords& w) {
        std::vector<std::pair<uint32_t, uint32_t>> writes;
        for (unsigned i = 0; i < w.size(); ++i) writes.emplace_back(ESP_REG_SA_DATA + 4 * i, w[i]);
        axi_.write_burst(writes);
    }
    uint32_t command(unsigned op, unsigned handle) {
        wr(ESP_REG_SA_CMD, (op << ESP_REG_SA_CMD_OP_LSB) | (handle & 0xffffu));
        return wait_idle();
    }
    std::array<uint32_t, ESP_SA_READ_WORDS> read_window() {
        std::array<uint32_t, ESP_SA_READ_WORDS> r{};
        for (unsigned i = 0; i < r.size(); ++i) r[i] = rd(ESP_REG_SA_READ + 4 * i);
        return r;
    }
    uint64_t counter(uint32_t addr) {
        const uint64_t lo = rd(addr);
        return lo | uint64_t(rd(ESP_REG_CNT_HI_LATCH)) << 32;
    }

    // Inbound lookup: handle or -1.
    int lookup(uint32_t spi, const std::array<uint32_t, 4>& dst, bool ipv6) {
        auto& t = b_.top();
        t.lk_valid = 1;
        t.lk_spi = spi;
        for (unsigned i = 0; i < 4; ++i) t.lk_dst[3 - i] = dst[i]; // DST0 in bits 127:96
        t.lk_ipv6 = ipv6;
        b_.tick();
        t.lk_valid = 0;
        if (!b_.run_until([&] { return t.lk_done != 0; }, 10)) throw std::runtime_error("lookup timeout");
        const int h = t.lk_hit ? int(t.lk_handle) : -1;
        b_.tick();
        return h;
    }

    struct Fetch {
        unsigned result;
        unsigned gen;
        uint64_t seq;
        uint32_t cfg_word(unsigned i) const { return cfg[i]; }
        std::array<uint32_t, 31> cfg;
    };
    Fetch fetch(unsigned handle, bool inbound, bool alloc) {
        auto& t = b_.top();
        t.sf_valid = 1;
        t.sf_handle = handle;
        t.sf_dir = inbound;
        t.sf_alloc = alloc;
        b_.tick();
        t.sf_valid = 0;
        if (!b_.run_until([&] { return t.sf_done != 0; }, 10)) throw std::runtime_error("fetch timeout");
        Fetch f{t.sf_result, t.sf_gen, t.sf_seq, {}};
        for (unsigned i = 0; i < 31; ++i) f.cfg[i] = t.sf_cfg[i];
        b_.tick();
        return f;
    }

    void packet_done(unsigned handle, unsigned gen, unsigned result, unsigned in_bytes, unsigned out_bytes,
                     unsigned inner_bytes) {
        auto& t = b_.top();
        t.pd_valid = 1;
        t.pd_handle = handle;
        t.pd_gen = gen;
        t.pd_result = result;
        t.pd_in_bytes = in_bytes;
        t.pd_out_bytes = out_bytes;
        t.pd_inner_bytes = inner_bytes;
        b_.tick();
        t.pd_valid = 0;
        b_.ticks(2); // the per-SA row is written two cycles later
    }

private:
    Bench<Vesp_ctrl> b_;
    AxiLiteMaster<Vesp_ctrl> axi_;
};

} // namespace esp::sim
