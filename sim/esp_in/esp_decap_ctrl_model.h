// A stand-in for rtl/ctrl's esp_ctrl datapath ports (lk_*, sf_*, rp_*) with the same
// latencies (lookup 3 cycles, fetch 2, replay 2 with one operation outstanding), over the
// HLS model's own anti-replay code (hls/esp/replay_window.h), so esp_decap can be compared
// with esp::HlsEngine without Verilating the control plane into the same model.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "Vesp_decap.h"
#include "bench.h"
#include "esp/replay_window.h"
#include "esp_test_util.h"

namespace esp_decap_tb {

struct CtrlSa {
    esp_test::SaConfig cfg;
    bool disabled = false;
    uint64_t packets = 0;
    esphls::ReplayState replay{};
};

struct PdRecord {
    unsigned handle, result, in_bytes, out_bytes;
};

class CtrlModel : public esp::sim::Agent {
public:
    explicit CtrlModel(Vesp_decap& t) : t_(t) {}

    void install(unsigned handle, const esp_test::SaConfig& c) {
        if (sas_.size() <= handle) sas_.resize(handle + 1);
        CtrlSa s;
        s.cfg = c;
        esphls::replay_init(s.replay, ap_uint<64>(c.seq), c.window);
        sas_[handle] = s;
    }
    std::vector<PdRecord>& records() { return pd_; }
    uint64_t lookups() const { return lookups_; }

    void drive() override {
        t_.lk_done = 0;
        t_.sf_done = 0;
        t_.rp_done = 0;
        while (!due_.empty() && due_.front().at == cycle_) {
            due_.front().apply();
            due_.pop_front();
        }
        t_.rp_ready = !rp_busy_;
    }

    void sample() override {
        if (t_.lk_valid) lookup();
        if (t_.sf_valid) fetch();
        if (t_.rp_valid && t_.rp_ready) replay();
        if (t_.pd_valid) {
            pd_.push_back(
                {unsigned(t_.pd_handle), unsigned(t_.pd_result), unsigned(t_.pd_in_bytes), unsigned(t_.pd_out_bytes)});
            count_packet(t_.pd_handle, t_.pd_result);
        }
        ++cycle_;
    }

private:
    struct Due {
        uint64_t at;
        std::function<void()> apply;
    };
    void later(unsigned cycles, std::function<void()> f) {
        // responses keep their order: every kind has a fixed latency and due_ is sorted
        Due d{cycle_ + cycles, std::move(f)};
        auto it = due_.end();
        while (it != due_.begin() && std::prev(it)->at > d.at) --it;
        due_.insert(it, std::move(d));
    }

    // The hard packet limit, as esp_counters applies it (only what the tests use).
    void count_packet(unsigned h, unsigned result) {
        if (result != ESP_DROP_OK || h >= sas_.size() || !sas_[h]) return;
        auto& s = *sas_[h];
        if (++s.packets >= s.cfg.pkt_hard && s.cfg.pkt_hard != 0) s.disabled = true;
    }

    void lookup() {
        ++lookups_;
        const uint32_t spi = t_.lk_spi;
        const uint32_t dst[4] = {t_.lk_dst[3], t_.lk_dst[2], t_.lk_dst[1], t_.lk_dst[0]};
        const bool v6 = t_.lk_ipv6;
        std::optional<unsigned> hit;
        for (unsigned h = 0; h < sas_.size(); ++h) {
            if (!sas_[h]) continue;
            const auto& c = sas_[h]->cfg;
            bool same = c.inbound && c.spi == spi && c.ipv6 == v6;
            for (unsigned i = 0; i < 4; ++i) same = same && esp_test::be32(c.dst.data() + 4 * i) == dst[i];
            if (same) hit = h;
        }
        later(3, [this, hit] {
            t_.lk_done = 1;
            t_.lk_hit = hit.has_value();
            t_.lk_handle = hit.value_or(0xFFFF);
        });
    }

    void fetch() {
        const unsigned h = t_.sf_handle;
        later(2, [this, h] {
            t_.sf_done = 1;
            t_.sf_gen = 0;
            for (unsigned i = 0; i < 31; ++i) t_.sf_cfg[i] = 0;
            if (h >= sas_.size() || !sas_[h]) {
                t_.sf_result = ESP_DROP_NO_SA;
                return;
            }
            const auto w = esp_test::sa_words(sas_[h]->cfg);
            for (unsigned i = 0; i < 31; ++i) t_.sf_cfg[i] = w[i];
            t_.sf_result = sas_[h]->disabled ? ESP_DROP_SA_DISABLED : ESP_DROP_OK;
        });
    }

    void replay() {
        const unsigned h = t_.rp_handle;
        const bool update = t_.rp_update;
        const uint64_t seq_in = t_.rp_seq;
        bool ok = false;
        uint64_t seq = 0;
        if (h < sas_.size() && sas_[h]) {
            auto& s = *sas_[h];
            ap_uint<64> n = update ? ap_uint<64>(seq_in)
                                   : esphls::replay_infer_seq(s.replay, ap_uint<32>(uint32_t(seq_in)), s.cfg.esn);
            ok = esphls::replay_check(s.replay, n);
            if (ok && update) esphls::replay_update(s.replay, n);
            seq = n.to_uint64();
        }
        rp_busy_ = true;
        later(2, [this, ok, seq] {
            t_.rp_done = 1;
            t_.rp_ok = ok;
            t_.rp_seq_out = seq;
            rp_busy_ = false;
        });
    }

    Vesp_decap& t_;
    std::vector<std::optional<CtrlSa>> sas_;
    std::deque<Due> due_;
    std::vector<PdRecord> pd_;
    uint64_t cycle_ = 0;
    uint64_t lookups_ = 0;
    bool rp_busy_ = false;
};

} // namespace esp_decap_tb
