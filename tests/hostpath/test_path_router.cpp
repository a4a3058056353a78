// iked's choice of data path (host/iked/path_router): the card when it supports the transform and
// has room, else the host path; one handle space; counters and events from the right side.
#include <catch2/catch.hpp>

#include "path_router.h"

using namespace ike::sa;

namespace {
// A data path that records what it got; `room` SAs fit, `host` accepts every transform.
struct FakePath : SaOffload {
    bool host = false;
    size_t room = 100;
    std::vector<uint32_t> live;
    std::vector<OffloadEvent> pending;
    uint32_t next = 7;
    bool accepts(const OffloadSa& sa) const override { return host || SaOffload::accepts(sa); }
    std::optional<uint32_t> install(const OffloadSa&) override {
        if (live.size() >= room) return std::nullopt;
        live.push_back(next);
        return next++;
    }
    void remove(uint32_t h) override { std::erase(live, h); }
    std::string name() const override { return host ? "host" : "card"; }
    std::optional<OffloadCounters> counters(uint32_t h) override {
        OffloadCounters c;
        c.packets = h + (host ? 1000 : 0);
        return c;
    }
    std::vector<OffloadEvent> poll_events() override { return std::exchange(pending, {}); }
};

OffloadSa sa(uint16_t encr, uint8_t key_len, uint16_t integ = 0) {
    OffloadSa s;
    s.encr = encr;
    s.key_len = key_len;
    s.integ = integ;
    return s;
}
} // namespace

TEST_CASE("path router: card for AES-GCM while it has room, host path for the rest", "[hostpath][router]") {
    auto card = std::make_unique<FakePath>();
    auto host = std::make_unique<FakePath>();
    host->host = true;
    card->room = 2;
    FakePath *c = card.get(), *h = host.get();
    iked::PathRouter r(std::move(card), std::move(host));
    auto g1 = r.install(sa(20, 16)), g2 = r.install(sa(20, 32));
    REQUIRE((g1 && g2));
    CHECK(r.path(*g1) == "offload");
    CHECK(c->live.size() == 2);
    auto full = r.install(sa(20, 16)); // the card is full: host path
    REQUIRE(full);
    CHECK(r.path(*full) == "host");
    CHECK((*full & 0x80000000u) != 0);
    auto chacha = r.install(sa(28, 32)), cbc = r.install(sa(12, 32, 12)), gcm192 = r.install(sa(20, 24));
    REQUIRE((chacha && cbc && gcm192));
    CHECK(r.path(*chacha) == "host");
    CHECK(r.path(*gcm192) == "host");
    CHECK(h->live.size() == 4);
    CHECK(c->live.size() == 2);
    CHECK(r.counters(*g1)->packets == *g1);
    CHECK(r.counters(*cbc)->packets == (*cbc & ~0x80000000u) + 1000);
    h->pending.push_back({OffloadEventType::soft, *chacha & ~0x80000000u});
    c->pending.push_back({OffloadEventType::hard, *g2});
    auto ev = r.poll_events();
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].handle == *g2);
    CHECK(ev[1].handle == *chacha);
    r.remove(*chacha);
    r.remove(*g1);
    CHECK(h->live.size() == 3);
    CHECK(c->live.size() == 1);
}

TEST_CASE("path router: no card, or no host path", "[hostpath][router]") {
    auto hp = std::make_unique<FakePath>();
    hp->host = true;
    iked::PathRouter no_card(nullptr, std::move(hp));
    auto g = no_card.install(sa(20, 16));
    REQUIRE(g);
    CHECK(no_card.path(*g) == "host");
    iked::PathRouter card_only(std::make_unique<FakePath>(), nullptr);
    CHECK_FALSE(card_only.accepts(sa(28, 32)));
    CHECK_FALSE(card_only.install(sa(28, 32)));
    CHECK(card_only.install(sa(20, 32)));
}
