// Lifetimes in kilobytes and seconds (soft: an event, once; hard: an event and the SA stops,
// the packet that reaches it still passes), and sequence numbers that never wrap.
#include <catch2/catch.hpp>

#include "hostpath_test_util.h"

using namespace hostpath;
using namespace hp_test;

TEST_CASE("byte lifetimes: soft once, hard stops the SA", "[hostpath][lifetime]") {
    Bytes key(36, 1);
    for (bool inbound : {false, true}) {
        INFO("inbound " << inbound);
        auto op = params(false, Cipher::chacha20_poly1305, key, Integ::none, {}, 5);
        auto ip = params(true, Cipher::chacha20_poly1305, key, Integ::none, {}, 5);
        (inbound ? ip : op).life.soft_bytes = 1000;
        (inbound ? ip : op).life.hard_bytes = 2000;
        auto out = make_sa(op), in = make_sa(ip);
        EspSa& limited = inbound ? *in : *out;
        Bytes inner = ipv4_udp(1, 2, 272), esp, pt; // 300 bytes
        uint8_t nh = 0;
        std::vector<EventType> seen;
        for (int i = 1; i <= 7; ++i) {
            REQUIRE(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::ok);
            REQUIRE(in->open(esp.data(), esp.size(), pt, nh, 0) == Drop::ok);
            auto ev = limited.take_events();
            seen.insert(seen.end(), ev.begin(), ev.end());
            if (i == 4) CHECK(seen == std::vector<EventType>{EventType::soft}); // 1200 >= 1000
        }
        CHECK(seen == std::vector<EventType>{EventType::soft, EventType::hard}); // 2100 >= 2000
        CHECK(limited.counters().disabled);
        CHECK(limited.counters().bytes == 2100);
        if (inbound) {
            REQUIRE(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::ok);
            CHECK(in->open(esp.data(), esp.size(), pt, nh, 0) == Drop::sa_disabled);
        } else {
            CHECK(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::sa_disabled);
        }
        CHECK(limited.counters().drops[unsigned(Drop::sa_disabled)] == 1);
        CHECK(limited.take_events().empty());
    }
}

TEST_CASE("time lifetimes", "[hostpath][lifetime]") {
    auto p = params(false, Cipher::aes_cbc, Bytes(16, 2), Integ::hmac_sha256_128, Bytes(32, 3), 6);
    p.life.soft_seconds = 90;
    p.life.hard_seconds = 100;
    auto sa = make_sa(p, 1000);
    Bytes inner = ipv4_udp(1, 2, 10), esp;
    sa->tick(1089);
    CHECK(sa->take_events().empty());
    sa->tick(1090);
    CHECK(sa->take_events() == std::vector<EventType>{EventType::soft});
    CHECK(sa->seal(4, inner.data(), inner.size(), esp, 1099) == Drop::ok);
    CHECK(sa->seal(4, inner.data(), inner.size(), esp, 1100) == Drop::sa_disabled);
    CHECK(sa->take_events() == std::vector<EventType>{EventType::hard});
    sa->tick(5000);
    CHECK(sa->take_events().empty());
}

TEST_CASE("sequence numbers never wrap: an exhausted SA stops", "[hostpath][lifetime]") {
    Bytes key(36, 4);
    for (bool esn : {false, true}) {
        uint64_t last = esn ? UINT64_MAX : UINT32_MAX;
        auto out = make_sa(params(false, Cipher::chacha20_poly1305, key, Integ::none, {}, 8, esn, last - 2));
        auto in = make_sa(params(true, Cipher::chacha20_poly1305, key, Integ::none, {}, 8, esn, last - 3));
        Bytes inner = ipv4_udp(1, 2, 10), esp, pt;
        uint8_t nh = 0;
        for (int i = 0; i < 2; ++i) {
            REQUIRE(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::ok);
            REQUIRE(in->open(esp.data(), esp.size(), pt, nh, 0) == Drop::ok);
        }
        CHECK(out->counters().seq == last);
        CHECK(in->counters().seq == last);
        CHECK(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::seq_exhausted);
        CHECK(out->take_events() == std::vector<EventType>{EventType::seq_exhausted});
        CHECK(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::sa_disabled);
        CHECK(out->take_events().empty());
        CHECK(out->counters().seq == last);
        CHECK(out->counters().disabled);
    }
}
