// The driver core over a card that stops answering: a PCIe read from a card gone from the
// bus returns all ones, and no loop of the core may take that as a count to work through.
#include <catch2/catch.hpp>

#include <memory>

#include "esp_core.h"
#include "hls_engine.h"

namespace {

struct FaultyBus {
    esp::HlsEngine card;
    bool gone = false;
    unsigned long reads = 0;

    static u32 read(void* ctx, u32 off) {
        auto* bus = static_cast<FaultyBus*>(ctx);
        ++bus->reads;
        return bus->gone ? 0xFFFFFFFFu : bus->card.read_reg(off);
    }
    static void write(void* ctx, u32 off, u32 value) {
        auto* bus = static_cast<FaultyBus*>(ctx);
        if (!bus->gone) bus->card.write_reg(off, value);
    }
};

} // namespace

TEST_CASE("driver core: an event poll on a card reading all ones ends at once", "[driver][events]") {
    auto bus = std::make_unique<FaultyBus>();
    const esp_hw_ops ops{&FaultyBus::read, &FaultyBus::write};
    auto core = std::make_unique<esp_core>();
    REQUIRE(esp_core_init(core.get(), &ops, bus.get()) == 0);

    bus->gone = true;
    bus->reads = 0;
    CHECK(esp_core_poll_events(core.get()) == 0);
    // EVT_COUNT, then one EVT_POP whose type (0xFF) is no event.
    CHECK(bus->reads <= 2);
    esp_event ev[4];
    u64 cursor = 0;
    CHECK(esp_core_read_events(core.get(), &cursor, ev, 4) == 0);
    esp_core_destroy(core.get());
}
