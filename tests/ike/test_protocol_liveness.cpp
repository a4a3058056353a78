// Dead peer detection (phase1 dpd on-idle / on-demand, retry interval and
// count), NAT-T keepalives, phase2 keepalive (rekey an idle SA or let it
// expire) and traffic-triggered negotiation (acquire), on a virtual clock.
#include <catch2/catch.hpp>

#include "card_pair.h"

using namespace ike_test;

namespace {

// Runs the pair while `b` hears nothing (its host is gone).
void run_with_b_gone(Pair& p, Millis span) {
    TimePoint end = p.now + span;
    while (p.now < end) {
        while (!p.link.queue.empty()) {
            Datagram d = std::move(p.link.queue.front());
            p.link.queue.pop_front();
            if (d.remote.addr != A_ADDR) continue; // nothing reaches b, b sends nothing
            Datagram in{d.remote, d.local, std::move(d.data)};
            p.a->on_datagram(in, p.now);
        }
        p.now += Millis(100);
        p.a->on_timer(p.now);
    }
}

} // namespace

TEST_CASE("ike-protocol: dpd on-idle probes an idle peer and declares a silent one dead", "[ike-protocol][dpd]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.dpd = DpdMode::on_idle;
    pa.dpd_interval_s = 5;
    pa.dpd_retries = 2;
    pa.children[0].auto_negotiate = true;
    pb.dpd = DpdMode::disable;
    Pair p(pa, pb);
    p.a->start(p.now);
    p.run();
    REQUIRE(Pair::child(*p.a, "t-p2"));

    // Idle for 16 s: a probe every 5 s, each answered; b never probes.
    p.run(Millis(16000));
    CHECK(p.a->stats().dpd_probes == 3);
    CHECK(p.b->stats().dpd_probes == 0);
    CHECK(Pair::child(*p.a, "t-p2"));
    CHECK(p.a->stats().dead_peers == 0);

    // b vanishes: the next probe goes out within 5 s, is resent twice 5 s
    // apart, and 5 s after the last send the peer is dead (15..20 s).
    uint64_t sent_before = p.link.sent;
    run_with_b_gone(p, Millis(14500));
    CHECK(p.a->stats().dead_peers == 0);
    CHECK(Pair::ike(*p.a));
    run_with_b_gone(p, Millis(6000));
    CHECK(p.a->stats().dead_peers == 1);
    CHECK(p.link.sent - sent_before >= 3); // the probe and its two retries
    CHECK_FALSE(Pair::child(*p.a, "t-p2"));
    CHECK_FALSE(Pair::ike(*p.a));

    // b is back (with its old SAs, which a no longer knows): auto-negotiate
    // brings the tunnel up again.
    p.run(Millis(8000));
    CHECK(Pair::child(*p.a, "t-p2"));
}

TEST_CASE("ike-protocol: dpd disable and on-demand without traffic send no probes", "[ike-protocol][dpd]") {
    for (DpdMode mode : {DpdMode::disable, DpdMode::on_demand}) {
        auto pa = make_peer("t", true), pb = make_peer("t", false);
        pa.dpd = pb.dpd = mode;
        pa.dpd_interval_s = pb.dpd_interval_s = 2;
        Pair p(pa, pb);
        p.a->initiate("t-p2", p.now);
        p.run();
        REQUIRE(Pair::child(*p.a, "t-p2"));
        uint64_t sent = p.link.sent;
        p.run(Millis(30000));
        CHECK(p.a->stats().dpd_probes == 0);
        CHECK(p.b->stats().dpd_probes == 0);
        CHECK(p.link.sent == sent);
    }
}

TEST_CASE("ike-protocol: dpd on-demand probes when the card sends ESP and nothing comes back", "[ike-protocol][dpd]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.dpd = DpdMode::on_demand;
    pa.dpd_interval_s = 3;
    pa.dpd_retries = 1;
    pb.dpd = DpdMode::disable;
    CardPair cp(pa, pb);
    Pair& p = cp.p;
    CardEngines& cards = cp.cards;
    p.run(Millis(10000));
    CHECK(p.a->stats().dpd_probes == 0); // idle: on-demand stays quiet

    // ESP goes out through a's card; b sends nothing back: a probe after 3 s, answered.
    CHECK(cards.a_to_b(p, 4).delivered == 4);
    p.run(Millis(2000));
    CHECK(p.a->stats().dpd_probes == 0);
    p.run(Millis(1500));
    CHECK(p.a->stats().dpd_probes == 1);
    CHECK(Pair::child(*p.a, "t-p2"));

    // Again, and now b is gone: probe + 1 retry, 3 s apart, then dead.
    CHECK(cards.a_to_b(p, 2).delivered == 2);
    run_with_b_gone(p, Millis(10000));
    CHECK(p.a->stats().dpd_probes == 2);
    CHECK(p.a->stats().dead_peers == 1);
    CHECK_FALSE(Pair::ike(*p.a));
    CHECK(Pair::count_children(*p.a) == 0);
}

TEST_CASE("ike-protocol: NAT-T keepalives go out every keepalive seconds only behind a NAT", "[ike-protocol][natt]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.natt_keepalive_s = 10;
    pa.dpd = pb.dpd = DpdMode::disable;
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    REQUIRE(Pair::ike(*p.a));
    p.run(Millis(25000));
    CHECK(p.a->stats().natt_keepalives == 0); // no NAT

    // What NAT detection leaves behind when a NAT is in front of a: IKE on 4500.
    IkeSa& sa = const_cast<IkeSa&>(*Pair::ike(*p.a));
    sa.nat_here = true;
    sa.local.port = sa.remote.port = 4500;
    std::vector<Datagram> seen;
    TimePoint end = p.now + Millis(35000);
    while (p.now < end) {
        for (auto& d : p.link.queue) seen.push_back(d);
        p.link.queue.clear();
        p.now += Millis(100);
        p.a->on_timer(p.now);
    }
    // The first at once (nothing sent for more than 10 s), then every 10 s.
    CHECK(p.a->stats().natt_keepalives == 4);
    size_t keepalives = 0;
    for (const auto& d : seen)
        if (d.data == std::vector<uint8_t>{0xff}) {
            ++keepalives;
            CHECK(d.remote.port == 4500);
            CHECK(d.local.port == 4500);
        }
    CHECK(keepalives == 4);
}

TEST_CASE("ike-protocol: phase2 keepalive rekeys an idle SA; without it an idle SA expires",
          "[ike-protocol][keepalive]") {
    for (bool keepalive : {true, false}) {
        auto pa = make_peer("t", true), pb = make_peer("t", false);
        for (auto* x : {&pa, &pb}) {
            x->children[0].lifetime_s = 120;
            x->children[0].keepalive = keepalive;
            x->dpd = DpdMode::disable;
        }
        CardPair cp(pa, pb);
        Pair& p = cp.p;
        uint32_t first = Pair::child(*p.a, "t-p2")->spi_in;
        p.run(Millis(125000)); // past the lifetime, no packet at all
        INFO("keepalive " << keepalive);
        if (keepalive) {
            REQUIRE(Pair::child(*p.a, "t-p2"));
            CHECK(Pair::child(*p.a, "t-p2")->spi_in != first);
        } else {
            CHECK(Pair::count_children(*p.a) == 0);
            CHECK(Pair::count_children(*p.b) == 0);
            CHECK(Pair::ike(*p.a)); // only the Child SA went away
        }
    }
    // Without keepalive an SA that carried traffic is still rekeyed.
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.children[0].lifetime_s = pb.children[0].lifetime_s = 120;
    CardPair cp(pa, pb);
    Pair& p = cp.p;
    uint32_t first = Pair::child(*p.a, "t-p2")->spi_in;
    CHECK(cp.cards.a_to_b(p, 1).delivered == 1);
    p.run(Millis(125000));
    REQUIRE(Pair::child(*p.a, "t-p2"));
    CHECK(Pair::child(*p.a, "t-p2")->spi_in != first);
}

TEST_CASE("ike-protocol: a triggering packet brings up the phase2 whose selectors match", "[ike-protocol][acquire]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    ChildCfg web = pa.children[0]; // a second phase2 for TCP 443 to 10.3.0.0/24
    web.name = "web";
    web.local_ts = {*parse_ts("10.1.0.0/24", 6)};
    web.remote_ts = {*parse_ts("10.3.0.0/24", 6, 443, 443)};
    pa.children.push_back(web);
    std::swap(web.local_ts, web.remote_ts);
    web.local_ts = {*parse_ts("10.3.0.0/24", 6, 443, 443)};
    web.remote_ts = {*parse_ts("10.1.0.0/24", 6)};
    pb.children.push_back(web);
    Pair p(pa, pb); // auto-negotiate disable: nothing comes up on its own
    p.a->start(p.now);
    p.run(Millis(10000));
    CHECK_FALSE(Pair::ike(*p.a));

    auto addr = [](const char* s) { return boost::asio::ip::make_address(s); };
    // Not covered by any selector.
    CHECK(p.a->acquire({addr("10.9.0.1"), addr("10.2.0.1")}, p.now) == AcquireResult::no_match);
    // TCP to 10.3.0.7:80 is outside "web" (443 only).
    CHECK(p.a->acquire({addr("10.1.0.5"), addr("10.3.0.7"), 6, 40000, 80}, p.now) == AcquireResult::no_match);
    CHECK(p.a->stats().acquire_dropped == 0);

    std::string which;
    CHECK(p.a->acquire({addr("10.1.0.5"), addr("10.3.0.7"), 6, 40000, 443}, p.now, &which) == AcquireResult::initiated);
    CHECK(which == "web");
    // The next packets while it negotiates are dropped too, without a second IKE SA.
    CHECK(p.a->acquire({addr("10.1.0.5"), addr("10.3.0.7"), 6, 40001, 443}, p.now) == AcquireResult::pending);
    CHECK(p.a->sas().size() == 1);
    p.run();
    CHECK(Pair::child(*p.a, "web"));
    CHECK_FALSE(Pair::child(*p.a, "t-p2"));
    CHECK(p.a->acquire({addr("10.1.0.5"), addr("10.3.0.7"), 6, 40002, 443}, p.now) == AcquireResult::up);
    CHECK(p.a->stats().acquire_dropped == 2);

    // Any protocol to 10.2.0.0/24 triggers t-p2 over the same IKE SA.
    CHECK(p.a->acquire({addr("10.1.0.9"), addr("10.2.0.1")}, p.now, &which) == AcquireResult::initiated);
    CHECK(which == "t-p2");
    p.run();
    CHECK(Pair::child(*p.a, "t-p2"));
    CHECK(p.a->sas().size() == 1);
}
