// esp::RtlEngine over the test shell (real esp_ctrl, stream looped back): the PacketEngine
// register interface agrees with esp::HlsEngine, and process() carries bytes, tuser and
// cycle counts through the Verilated ports (with and without bubbles/back-pressure).
#include <catch2/catch.hpp>

#include <random>

#include "Vtb_engine_shell.h"
#include "hls_engine.h"
#include "rtl_engine.h"

namespace {

using Shell = esp::RtlEngine<Vtb_engine_shell>;

void install(esp::PacketEngine& e, unsigned handle, uint32_t spi) {
    for (unsigned i = 0; i < ESP_SA_DATA_WORDS; ++i) e.write_reg(ESP_REG_SA_DATA + 4 * i, 0);
    e.write_reg(ESP_REG_SA_DATA + 4 * ESP_SA_W_CTRL, 1); // inbound, tunnel, IPv4
    e.write_reg(ESP_REG_SA_DATA + 4 * ESP_SA_W_SPI, spi);
    e.write_reg(ESP_REG_SA_DATA + 4 * ESP_SA_W_REPLAY_WINDOW, 64);
    e.write_reg(ESP_REG_SA_DATA + 4 * ESP_SA_W_DST_ADDR, 0xc0a80001);
    e.write_reg(ESP_REG_SA_CMD, ESP_SA_OP_WRITE << ESP_REG_SA_CMD_OP_LSB | handle);
    while (e.read_reg(ESP_REG_SA_STATUS) & 1u) {
    }
}

} // namespace

TEST_CASE("RtlEngine: registers through PacketEngine agree with HlsEngine", "[rtl_engine]") {
    Shell rtl;
    esp::HlsEngine hls;
    esp::PacketEngine* engines[2] = {&rtl, &hls};
    for (auto* e : engines) {
        install(*e, 12, 0x1234);
        install(*e, 12, 0x1234); // SLOT_IN_USE
        e->write_reg(ESP_REG_SA_CMD, ESP_SA_OP_DELETE << ESP_REG_SA_CMD_OP_LSB | 12);
        while (e->read_reg(ESP_REG_SA_STATUS) & 1u) {
        }
        e->write_reg(ESP_REG_IRQ_ENABLE, 1);
    }
    for (uint32_t a : {ESP_REG_DEV_ID, ESP_REG_DEV_VERSION, ESP_REG_DEV_CAPS, ESP_REG_DEV_SA_SLOTS,
                       ESP_REG_DEV_MAX_WINDOW, ESP_REG_SA_STATUS, ESP_REG_EVT_COUNT, ESP_REG_IRQ_STATUS})
        REQUIRE(rtl.read_reg(a) == hls.read_reg(a));
    REQUIRE(rtl.irq() == hls.irq());
    REQUIRE(rtl.irq());
    REQUIRE(rtl.read_reg(ESP_REG_EVT_POP) == hls.read_reg(ESP_REG_EVT_POP));
    REQUIRE(rtl.irq() == hls.irq());
    REQUIRE_FALSE(rtl.irq());
    REQUIRE(rtl.cycles() > 1024); // the reset sweep alone
    REQUIRE(hls.cycles() == 0);
}

TEST_CASE("RtlEngine: process() carries packets and tuser through the stream ports", "[rtl_engine]") {
    for (const double load : {0.0, 0.4}) {
        Shell::Config cfg;
        cfg.bubble = load;
        cfg.stall = load;
        Shell rtl(cfg);
        std::mt19937_64 rng(3);
        for (int p = 0; p < 200; ++p) {
            std::vector<uint8_t> bytes(1 + rng() % 2000);
            for (auto& x : bytes) x = static_cast<uint8_t>(rng());
            const bool inbound = rng() % 2;
            const auto sa = static_cast<uint16_t>(rng());
            const uint64_t before = rtl.cycles();
            const auto r = rtl.process(inbound, sa, bytes);
            REQUIRE(r.bytes == bytes); // the shell loops the stream back
            REQUIRE(r.inbound == inbound);
            REQUIRE(r.sa == sa);
            REQUIRE(r.result == 0);
            REQUIRE(rtl.cycles() - before >= (bytes.size() + 15) / 16);
        }
    }
}
