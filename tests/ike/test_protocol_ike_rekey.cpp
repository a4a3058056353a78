// ike-protocol: IKE SA rekey as initiator at the phase1 keylife (RFC 7296
// 1.3.2, 2.18) and a simultaneous rekey from both sides (2.25.2).
#include <catch2/catch.hpp>

#include "protocol_harness.h"

using namespace ike_test;

namespace {

size_t ike_count(const Engine& e) { return e.sas().size(); }

// One established IKE SA on each side with the same SPIs and keys, holding
// the Child SA `child` with mirrored SPIs and keys.
void check_one_ike_sa(const Pair& p, const std::string& child) {
    REQUIRE(ike_count(*p.a) == 1);
    REQUIRE(ike_count(*p.b) == 1);
    const IkeSa* ia = Pair::ike(*p.a);
    const IkeSa* ib = Pair::ike(*p.b);
    REQUIRE(ia);
    REQUIRE(ib);
    check_same_ike_sa(*ia, *ib);
    REQUIRE(ia->children.size() == 1);
    REQUIRE(ib->children.size() == 1);
    CHECK(ia->children[0].name == child);
    CHECK(ia->children[0].spi_out == ib->children[0].spi_in);
    CHECK(ia->children[0].encr_out.bytes() == ib->children[0].encr_in.bytes());
}

} // namespace

TEST_CASE("ike-protocol: the IKE SA is rekeyed at 90 % of keylife, Child SAs move over", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.ike_lifetime_s = pb.ike_lifetime_s = 200;
    pa.children[0].lifetime_s = pb.children[0].lifetime_s = 100000;
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    const IkeSa* first = Pair::ike(*p.a);
    REQUIRE(first);
    const uint64_t spi_i = first->spi_i, spi_r = first->spi_r;
    const auto sk_d = first->sk_d;
    const uint32_t child_spi = Pair::child(*p.a, "t-p2")->spi_in;
    p.run(Millis(185000)); // past 90 % (a, the initiator) and before 95 % (b)
    check_one_ike_sa(p, "t-p2");
    const IkeSa* now_a = Pair::ike(*p.a);
    CHECK(now_a->spi_i != spi_i);
    CHECK(now_a->spi_r != spi_r);
    CHECK_FALSE(now_a->sk_d == sk_d);
    CHECK(now_a->initiator);                               // a started the rekey: it is the new SA's initiator
    CHECK(Pair::child(*p.a, "t-p2")->spi_in == child_spi); // the Child SA itself is kept
    CHECK(p.a->stats().ike_established == 2);
    CHECK(p.b->stats().ike_established == 2);
    // The new SA carries exchanges: a Child SA delete and re-create over it.
    REQUIRE(p.b->terminate_child("t-p2", p.now));
    p.run();
    CHECK(Pair::count_children(*p.a) == 0);
    REQUIRE(p.a->initiate("t-p2", p.now));
    p.run();
    check_one_ike_sa(p, "t-p2");
    // And it is rekeyed again, indefinitely.
    p.run(Millis(400000));
    check_one_ike_sa(p, "t-p2");
    CHECK(p.a->stats().ike_established >= 4);
}

TEST_CASE("ike-protocol: simultaneous IKE SA rekeys end in one new SA on both sides", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    // a (initiator) at 90 % of 190 s, b (responder) at 95 % of 180 s: both at 171 s.
    pa.ike_lifetime_s = 190;
    pb.ike_lifetime_s = 180;
    pa.children[0].lifetime_s = pb.children[0].lifetime_s = 100000;
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    const uint64_t old_spi = Pair::ike(*p.a)->spi_i;
    p.run(Millis(175000));
    check_one_ike_sa(p, "t-p2");
    CHECK(Pair::ike(*p.a)->spi_i != old_spi);
    CHECK(p.a->stats().ike_established == 2); // exactly one rekey went through
    CHECK(p.b->stats().ike_established == 2);
}

TEST_CASE("ike-protocol: an IKE SA rekey follows INVALID_KE_PAYLOAD to the responder's group", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.ike_lifetime_s = 200;
    pb.ike_lifetime_s = 0; // b never rekeys by itself
    pa.dh_groups = {19, 31};
    pb.dh_groups = {31, 19}; // IKE_SA_INIT keeps a's guess (19); the rekey gets b's preference
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    REQUIRE(Pair::ike(*p.a));
    CHECK(Pair::ike(*p.a)->proposal.dh == 19);
    p.run(Millis(185000));
    check_one_ike_sa(p, "t-p2");
    CHECK(Pair::ike(*p.a)->proposal.dh == 31);
    CHECK(Pair::ike(*p.b)->proposal.dh == 31);
    CHECK(p.a->stats().ike_established == 2);
}
