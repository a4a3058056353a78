// One control map for both bitstreams: the driver core (driver/core, the kernel's own C)
// runs the same sequence (identification, SA add / update / get / delete / flush, packets
// both ways with replay and forgery drops, counters, lifetime and delete events) against
// the HLS top function esp_kernel through its AXI4-Lite and AXI4-Stream ports, against the
// HLS model's register functions, and (with ESP_WITH_RTL) against the Verilated
// esp_engine_top. Every register access the core makes and every value it reads, every
// packet result and every driver answer must be the same.
//
// Timing is not part of the map: SA_STATUS reads that still show BUSY are left out of the
// transcript (the RTL takes 2-6 cycles per command and ~1024 after SOFT_RESET, the HLS top
// none), and the RTL runs idle cycles after each packet so its counter and event updates,
// which trail the output's last beat by a few cycles, have landed before the core looks.
#include <catch2/catch.hpp>

#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../driver/driver_test_util.h"
#include "esp_core.h"
#include "esp_packet_gen.h"
#include "hls_engine.h"
#include "hls_top_engine.h"
#ifdef ESP_CONTROL_MAP_RTL
#include "Vesp_engine_top.h"
#include "rtl_engine.h"
#endif

namespace {

using esp_test::Bytes;
using esp_test::SaConfig;

std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
    return buf;
}

// The engine under the core, recording the register transcript.
struct Recorder {
    esp::PacketEngine& engine;
    std::function<void()> after_packet; // lets a timed engine settle
    std::vector<std::string> log;

    static std::uint32_t read(void* ctx, std::uint32_t off) {
        auto* r = static_cast<Recorder*>(ctx);
        const std::uint32_t v = r->engine.read_reg(off);
        const bool busy = off == ESP_REG_SA_STATUS && (v & ESP_REG_SA_STATUS_BUSY_MASK);
        if (!busy) r->log.push_back("R " + hex(off) + " = " + hex(v));
        return v;
    }
    static void write(void* ctx, std::uint32_t off, std::uint32_t val) {
        auto* r = static_cast<Recorder*>(ctx);
        r->log.push_back("W " + hex(off) + " = " + hex(val));
        r->engine.write_reg(off, val);
    }
    esp::PacketEngine::PacketResult packet(bool inbound, std::uint16_t sa, const Bytes& p) {
        auto res = engine.process(inbound, sa, p);
        if (after_packet) after_packet();
        log.push_back("P " + std::string(inbound ? "in" : "out") + " sa " + hex(sa) + " len " + hex(p.size()) +
                      " -> result " + hex(res.result) + " sa " + hex(res.sa) + " len " + hex(res.bytes.size()));
        return res;
    }
};

// The driver-core sequence; returns the transcript (registers, packets, driver answers).
std::vector<std::string> run_driver_sequence(esp::PacketEngine& engine, std::function<void()> after_packet = {}) {
    Recorder rec{engine, std::move(after_packet), {}};
    const esp_hw_ops ops{&Recorder::read, &Recorder::write};
    auto core = std::make_unique<esp_core>();
    REQUIRE(esp_core_init(core.get(), &ops, &rec) == 0);
    auto& log = rec.log;
    auto note = [&](const std::string& s) { log.push_back("= " + s); };

    esp_dev_info info{};
    REQUIRE(esp_core_dev_info(core.get(), &info) == 0);
    note("dev " + hex(info.dev_id) + " v" + hex(info.version) + " caps " + hex(info.caps) + " slots " +
         hex(info.sa_slots) + " window " + hex(info.max_window));

    SaConfig out_cfg = driver_test::simple_sa(false, 0x4242, 0x11);
    out_cfg.pkt_soft = 3;
    SaConfig in_cfg = driver_test::simple_sa(true, 0x4242, 0x11);
    esp_sa_params out_p = driver_test::to_params(out_cfg);
    esp_sa_params in_p = driver_test::to_params(in_cfg);
    REQUIRE(esp_core_sa_add(core.get(), &out_p) == 0);
    REQUIRE(esp_core_sa_add(core.get(), &in_p) == 0);
    note("handles " + hex(out_p.handle) + " " + hex(in_p.handle));
    // A duplicate inbound SA is refused by the card (DUPLICATE) and changes nothing.
    esp_sa_params dup = in_p;
    note("duplicate add -> " + std::to_string(esp_core_sa_add(core.get(), &dup)));

    std::mt19937_64 rng(0xC0DE);
    auto round_trip = [&](unsigned n) {
        for (unsigned i = 0; i < n; ++i) {
            const Bytes inner = esp_test::random_inner(rng, false, 20 + 97 * i);
            const auto enc = rec.packet(false, static_cast<std::uint16_t>(out_p.handle), inner);
            REQUIRE(enc.result == ESP_DROP_OK);
            if (i == 0) { // a forgery first (its number is not marked), the replay after
                Bytes forged = enc.bytes;
                forged[forged.size() - 1] ^= 1;
                REQUIRE(rec.packet(true, 0, forged).result == ESP_DROP_AUTH_FAIL);
            }
            const auto dec = rec.packet(true, 0, enc.bytes);
            REQUIRE(dec.result == ESP_DROP_OK);
            REQUIRE(dec.bytes == inner);
            if (i == 0) REQUIRE(rec.packet(true, 0, enc.bytes).result == ESP_DROP_REPLAY);
            esp_core_poll_events(core.get());
        }
    };
    round_trip(4); // the fourth packet crosses the soft packet limit: SOFT_PACKETS

    // Make-before-break rekey of both SAs with a new key, then traffic again.
    SaConfig out2 = out_cfg, in2 = in_cfg;
    out2.key = Bytes(16, 0x22);
    in2.key = Bytes(16, 0x22);
    esp_sa_params out_u = driver_test::to_params(out2), in_u = driver_test::to_params(in2);
    out_u.handle = out_p.handle;
    in_u.handle = in_p.handle;
    REQUIRE(esp_core_sa_update(core.get(), &out_u) == 0);
    REQUIRE(esp_core_sa_update(core.get(), &in_u) == 0);
    round_trip(2);

    for (const std::uint32_t h : {out_p.handle, in_p.handle}) {
        esp_sa_state st{};
        st.handle = h;
        REQUIRE(esp_core_sa_get(core.get(), &st) == 0);
        note("sa " + hex(h) + " state " + hex(st.state) + " spi " + hex(st.spi) + " seq " + hex(st.seq) + " pkts " +
             hex(st.packets) + " bytes " + hex(st.bytes));
    }
    esp_stats stats{};
    REQUIRE(esp_core_stats(core.get(), &stats) == 0);
    std::string s = "stats in " + hex(stats.packets_in) + " out " + hex(stats.packets_out) + " bytes " +
                    hex(stats.bytes_in) + "/" + hex(stats.bytes_out) + " drops";
    for (const auto d : stats.drops) s += " " + hex(d);
    note(s);

    REQUIRE(esp_core_sa_del(core.get(), out_p.handle) == 0);
    esp_core_poll_events(core.get());
    esp_event ev[16];
    std::uint64_t cursor = 0;
    const int n = esp_core_read_events(core.get(), &cursor, ev, 16);
    for (int i = 0; i < n; ++i) note("event " + hex(ev[i].type) + " handle " + hex(ev[i].handle));
    REQUIRE(esp_core_sa_flush(core.get()) == 0);
    esp_core_destroy(core.get());
    return log;
}

// The first difference, with context, as the failure message.
void same_transcript(const std::vector<std::string>& a, const std::string& a_name, const std::vector<std::string>& b,
                     const std::string& b_name) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        INFO("step " << i << ": " << a_name << " '" << a[i] << "', " << b_name << " '" << b[i] << "'");
        REQUIRE(a[i] == b[i]);
    }
    INFO(a_name << " " << a.size() << " steps, " << b_name << " " << b.size());
    REQUIRE(a.size() == b.size());
}

} // namespace

TEST_CASE("esp: the driver core sees the same control map on the HLS top and the HLS model",
          "[esp][kernel][control_map]") {
    std::vector<std::string> top_log, model_log;
    {
        esp::HlsTopEngine top;
        top_log = run_driver_sequence(top);
    }
    {
        esp::HlsEngine model;
        model_log = run_driver_sequence(model);
    }
    REQUIRE(top_log.size() > 200); // 4 SA installs (changed SA_DATA words only), counters, events
    same_transcript(top_log, "HLS top", model_log, "HLS model");
}

#ifdef ESP_CONTROL_MAP_RTL
TEST_CASE("esp: the driver core sees the same control map on the HLS top and the RTL top",
          "[esp][kernel][control_map][rtl]") {
    std::vector<std::string> top_log, rtl_log;
    {
        esp::HlsTopEngine top;
        top_log = run_driver_sequence(top);
    }
    {
        esp::RtlEngine<Vesp_engine_top> rtl;
        rtl_log = run_driver_sequence(rtl, [&] { rtl.bench().run_until([] { return false; }, 64); });
    }
    same_transcript(top_log, "HLS top", rtl_log, "RTL top");
}
#endif
