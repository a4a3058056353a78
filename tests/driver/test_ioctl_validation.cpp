// Every field of every request tried with invalid values: the right errno and no
// change of state on the card or in the core.
#include <catch2/catch.hpp>

#include <functional>

#include "core_device.h"
#include "driver_test_util.h"
#include "hls_engine.h"

using namespace driver_test;

namespace {

struct Snapshot {
    std::vector<esp_sa_state> sas;
    esp_stats stats{};
    bool operator==(const Snapshot& o) const {
        if (sas.size() != o.sas.size() || std::memcmp(&stats, &o.stats, sizeof stats) != 0) return false;
        for (size_t i = 0; i < sas.size(); i++)
            if (std::memcmp(&sas[i], &o.sas[i], sizeof(esp_sa_state)) != 0) return false;
        return true;
    }
};

Snapshot snapshot(espdrv::Device& dev) {
    Snapshot s;
    for (uint32_t h = 0; h < dev.info().sa_slots; h++) {
        try {
            s.sas.push_back(dev.sa_get(h));
        } catch (const espdrv::Error& e) {
            if (e.errnum() != ENOENT) throw;
        }
    }
    s.stats = dev.stats();
    return s;
}

int errno_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const espdrv::Error& e) {
        CHECK(std::string(e.what()).size() > 0);
        return e.errnum();
    }
    return 0;
}

std::shared_ptr<espdrv::CoreCard> new_card() {
    return std::make_shared<espdrv::CoreCard>(std::make_unique<esp::HlsEngine>());
}

} // namespace

TEST_CASE("driver: every invalid SA field is refused with EINVAL and changes nothing") {
    auto card = new_card();
    espdrv::CoreDevice dev(card);
    dev.sa_add(to_params(simple_sa(false, 0x100)));
    dev.sa_add(to_params(simple_sa(true, 0x200)));
    const Snapshot before = snapshot(dev);

    const esp_sa_params good = to_params(simple_sa(true, 0x300));
    struct Mutation {
        const char* what;
        std::function<void(esp_sa_params&)> apply;
    };
    const std::vector<Mutation> mutations = {
        {"alg 0", [](auto& p) { p.alg = 0; }},
        {"alg 2", [](auto& p) { p.alg = 2; }},
        {"alg ~0", [](auto& p) { p.alg = ~0u; }},
        {"dir 2", [](auto& p) { p.dir = 2; }},
        {"dir 255", [](auto& p) { p.dir = 255; }},
        {"mode 2", [](auto& p) { p.mode = 2; }},
        {"family 0", [](auto& p) { p.family = 0; }},
        {"family 5", [](auto& p) { p.family = 5; }},
        {"family 10", [](auto& p) { p.family = 10; }},
        {"key_len 0", [](auto& p) { p.key_len = 0; }},
        {"key_len 24 (AES-192 not offered)", [](auto& p) { p.key_len = 24; }},
        {"key_len 33", [](auto& p) { p.key_len = 33; }},
        {"key byte past key_len", [](auto& p) { p.key[16] = 1; }},
        {"key byte 31 past key_len", [](auto& p) { p.key[31] = 1; }},
        {"unknown flag", [](auto& p) { p.flags |= 1u << 2; }},
        {"flags ~0", [](auto& p) { p.flags = ~0u; }},
        {"window max+1", [](auto& p) { p.replay_window = ESP_MAX_REPLAY_WINDOW + 1; }},
        {"window ~0", [](auto& p) { p.replay_window = ~0u; }},
        {"IPv4 src byte 4", [](auto& p) { p.src[4] = 1; }},
        {"IPv4 dst byte 15", [](auto& p) { p.dst[15] = 1; }},
        {"encap flag without ports", [](auto& p) { p.flags |= ESP_SA_F_UDP_ENCAP; }},
        {"encap flag with dport 0",
         [](auto& p) {
             p.flags |= ESP_SA_F_UDP_ENCAP;
             p.encap_sport = 4500;
         }},
        {"ports without encap flag",
         [](auto& p) {
             p.encap_sport = 4500;
             p.encap_dport = 4500;
         }},
        {"64-bit seq without ESN", [](auto& p) { p.seq = 1ull << 32; }},
        {"reserved[0]", [](auto& p) { p.reserved[0] = 1; }},
        {"reserved[3]", [](auto& p) { p.reserved[3] = 0x80000000u; }},
    };
    for (const auto& m : mutations) {
        INFO(m.what);
        esp_sa_params p = good;
        m.apply(p);
        CHECK(errno_of([&] { dev.sa_add(p); }) == EINVAL);
        p.handle = 1;
        CHECK(errno_of([&] { dev.sa_update(p); }) == EINVAL);
    }
    CHECK(snapshot(dev) == before);
}

TEST_CASE("driver: handles, duplicates and table limits give the right errno and change nothing") {
    auto card = new_card();
    espdrv::CoreDevice dev(card);
    const uint32_t out = dev.sa_add(to_params(simple_sa(false, 0x100)));
    const uint32_t in = dev.sa_add(to_params(simple_sa(true, 0x200)));
    REQUIRE(out != in);
    const Snapshot before = snapshot(dev);
    const uint32_t slots = dev.info().sa_slots;

    // The same inbound SPI and destination twice.
    CHECK(errno_of([&] { dev.sa_add(to_params(simple_sa(true, 0x200))); }) == EEXIST);
    // Same SPI to another destination is a different SA; added and removed again below.
    auto other = simple_sa(true, 0x200);
    other.dst[3] = 99;
    const uint32_t h_other = dev.sa_add(to_params(other));
    dev.sa_del(h_other);

    for (uint32_t bad : {slots, slots + 1, 0xffffu, 0x10000u, 0xffffffffu}) {
        INFO("handle " << bad);
        CHECK(errno_of([&] { dev.sa_del(bad); }) == EINVAL);
        CHECK(errno_of([&] { dev.sa_get(bad); }) == EINVAL);
        auto p = to_params(simple_sa(false, 0x500));
        p.handle = bad;
        CHECK(errno_of([&] { dev.sa_update(p); }) == EINVAL);
    }
    const uint32_t unused = 77;
    CHECK(errno_of([&] { dev.sa_del(unused); }) == ENOENT);
    CHECK(errno_of([&] { dev.sa_get(unused); }) == ENOENT);
    auto p = to_params(simple_sa(false, 0x500));
    p.handle = unused;
    CHECK(errno_of([&] { dev.sa_update(p); }) == ENOENT);
    // An update may not move an inbound SA onto another's SPI and destination.
    auto clash = to_params(simple_sa(true, 0x200));
    auto mover = simple_sa(true, 0x201);
    const uint32_t h_mover = dev.sa_add(to_params(mover));
    clash.handle = h_mover;
    CHECK(errno_of([&] { dev.sa_update(clash); }) == EEXIST);
    dev.sa_del(h_mover);

    // Unknown ioctl numbers.
    uint32_t dummy = 0;
    CHECK(card->ioctl(_IOW(ESP_IOCTL_MAGIC, 0x7f, uint32_t), &dummy) == -ENOTTY);
    CHECK(card->ioctl(_IOW('X', 0x10, uint32_t), &dummy) == -ENOTTY);
    CHECK(snapshot(dev) == before);
}

TEST_CASE("driver: a full table and full hash buckets answer ENOSPC") {
    auto card = new_card();
    espdrv::CoreDevice dev(card);
    const uint32_t slots = dev.info().sa_slots;
    for (uint32_t i = 0; i < slots; i++) dev.sa_add(to_params(simple_sa(false, 0x1000 + i)));
    const Snapshot full = snapshot(dev);
    CHECK(errno_of([&] { dev.sa_add(to_params(simple_sa(false, 0x9999))); }) == ENOSPC);
    CHECK(snapshot(dev) == full);
    dev.sa_flush();
    CHECK(snapshot(dev).sas.empty());

    // Inbound SPIs whose two candidate buckets are the same pair fill both (2 x ways);
    // the next one has nowhere to go. Found by searching the contract's hash.
    const uint32_t dst = (10u << 24) | 2; // 10.0.0.2, the simple_sa destination
    auto bucket = [&](uint32_t spi, uint32_t mult) {
        return static_cast<uint32_t>((spi ^ dst) * mult) >> (32 - ESP_HASH_BUCKETS_LOG2);
    };
    const uint32_t b0 = bucket(0x5000, ESP_HASH_MULT0), b1 = bucket(0x5000, ESP_HASH_MULT1);
    std::vector<uint32_t> spis;
    for (uint32_t spi = 0x5000; spis.size() < 2 * ESP_HASH_WAYS + 1; spi++)
        if (bucket(spi, ESP_HASH_MULT0) == b0 && bucket(spi, ESP_HASH_MULT1) == b1) spis.push_back(spi);
    for (size_t i = 0; i < 2 * ESP_HASH_WAYS; i++) dev.sa_add(to_params(simple_sa(true, spis[i])));
    const Snapshot buckets_full = snapshot(dev);
    CHECK(errno_of([&] { dev.sa_add(to_params(simple_sa(true, spis.back()))); }) == ENOSPC);
    CHECK(snapshot(dev) == buckets_full);
}

TEST_CASE("driver: events reach every reader, from the oldest kept") {
    auto card = new_card();
    espdrv::CoreDevice a(card);
    auto sa = simple_sa(false, 0x100);
    sa.pkt_soft = 2;
    sa.pkt_hard = 3;
    const uint32_t h = a.sa_add(to_params(sa));
    const Bytes inner = esp_test::ipv4_packet({192, 168, 1, 1}, {192, 168, 2, 1}, 17, Bytes(32, 7));
    for (int i = 0; i < 4; i++) a.inject(false, static_cast<uint16_t>(h), inner);
    a.sa_del(h);
    espdrv::CoreDevice b(card); // opened afterwards: still sees what the core kept
    for (auto* dev : {&a, static_cast<espdrv::CoreDevice*>(&b)}) {
        auto ev = dev->read_events(std::chrono::milliseconds(0));
        REQUIRE(ev.size() == 3);
        CHECK(ev[0].type == ESP_EV_SOFT_PACKETS);
        CHECK(ev[1].type == ESP_EV_HARD_PACKETS);
        CHECK(ev[2].type == ESP_EV_SA_DELETED);
        for (auto& e : ev) CHECK(e.handle == h);
        CHECK(ev[0].seqno + 1 == ev[1].seqno);
        CHECK(dev->read_events(std::chrono::milliseconds(0)).empty());
    }
    auto st = a.stats();
    CHECK(st.packets_out == 3);
    CHECK(st.drops[ESP_DROP_SA_DISABLED] == 1);
}
