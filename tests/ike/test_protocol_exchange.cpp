// ike-protocol: our initiator against our responder through memory.
#include <catch2/catch.hpp>

#include "protocol_harness.h"

using namespace ike_test;

namespace {

// Both ends hold the same Child SA keys, mirrored (a's out is b's in).
void check_mirrored(const Pair& p, const std::string& name) {
    const ChildSa* ca = Pair::child(*p.a, name + "-p2");
    const ChildSa* cb = Pair::child(*p.b, name + "-p2");
    REQUIRE(ca);
    REQUIRE(cb);
    CHECK(ca->spi_out == cb->spi_in);
    CHECK(ca->spi_in == cb->spi_out);
    CHECK(ca->encr_out.bytes() == cb->encr_in.bytes());
    CHECK(ca->encr_in.bytes() == cb->encr_out.bytes());
    CHECK(ca->integ_out.bytes() == cb->integ_in.bytes());
    CHECK(ca->integ_in.bytes() == cb->integ_out.bytes());
    CHECK(ca->encr_in.bytes() != ca->encr_out.bytes());
    CHECK(ca->proposal.str() == cb->proposal.str());
    const IkeSa* ia = Pair::ike(*p.a);
    const IkeSa* ib = Pair::ike(*p.b);
    REQUIRE(ia);
    REQUIRE(ib);
    check_same_ike_sa(*ia, *ib);
}

} // namespace

TEST_CASE("ike-protocol: IKE_SA_INIT + IKE_AUTH with every ESP proposal", "[ike-protocol]") {
    for (const char* esp : {"aes128gcm", "aes256gcm", "chacha20poly1305", "aes128-sha256", "aes256-sha256",
                            "aes256-sha384", "aes256-sha512", "aes128-sha1"}) {
        DYNAMIC_SECTION(esp) {
            auto pa = make_peer("t", true), pb = make_peer("t", false);
            pa.children[0].suites = pb.children[0].suites = {*parse_esp_suite(esp)};
            Pair p(pa, pb);
            REQUIRE(p.a->initiate("t-p2", p.now));
            p.run();
            check_mirrored(p, "t");
            const ChildSa* ca = Pair::child(*p.a, "t-p2");
            CHECK(ca->proposal.encr == parse_esp_suite(esp)->encr);
            CHECK(ca->proposal.esn); // replay enable on both sides: ESN chosen
            size_t ekey = encr_key_len(ca->proposal.encr, ca->proposal.key_bits);
            CHECK(ca->encr_out.size() == ekey);
            CHECK(ca->integ_out.size() == integ_key_len(ca->proposal.integ));
        }
    }
}

TEST_CASE("ike-protocol: every IKE proposal and DH group", "[ike-protocol]") {
    for (const char* ike : {"aes128gcm-prfsha256", "aes256gcm-prfsha384", "chacha20poly1305-prfsha256", "aes128-sha256",
                            "aes256-sha256", "aes256-sha384", "aes256-sha512", "aes128-sha1"}) {
        DYNAMIC_SECTION(ike) {
            auto pa = make_peer("t", true), pb = make_peer("t", false);
            pa.suites = pb.suites = {*parse_ike_suite(ike)};
            Pair p(pa, pb);
            p.a->initiate("t-p2", p.now);
            p.run();
            check_mirrored(p, "t");
        }
    }
    for (uint16_t g : {1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}) {
        DYNAMIC_SECTION("DH group " << g) {
            auto pa = make_peer("t", true), pb = make_peer("t", false);
            pa.dh_groups = pb.dh_groups = {g};
            Pair p(pa, pb);
            p.a->initiate("t-p2", p.now);
            p.run();
            check_mirrored(p, "t");
            CHECK(Pair::ike(*p.a)->proposal.dh == g);
        }
    }
}

TEST_CASE("ike-protocol: INVALID_KE_PAYLOAD makes the initiator retry with the responder's group", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.dh_groups = {19, 14}; // guesses 19 first
    pb.dh_groups = {14};
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    check_mirrored(p, "t");
    CHECK(Pair::ike(*p.a)->proposal.dh == 14);
    CHECK(p.link.sent == 6); // INIT, INVALID_KE, INIT, INIT response, AUTH, AUTH response
}

TEST_CASE("ike-protocol: a group the responder does not allow fails with NO_PROPOSAL_CHOSEN", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.dh_groups = {19};
    pb.dh_groups = {14};
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    CHECK_FALSE(Pair::ike(*p.a));
    CHECK_FALSE(Pair::ike(*p.b));
    CHECK(p.a->sas().empty());
    CHECK(p.b->sas().empty());
}

TEST_CASE("ike-protocol: wrong PSK gives AUTHENTICATION_FAILED and no SA", "[ike-protocol]") {
    auto pa = make_peer("t", true, "right"), pb = make_peer("t", false, "wrong");
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    CHECK(p.b->stats().auth_failures == 1);
    CHECK(p.a->sas().empty());
    CHECK(p.b->sas().empty());
}

TEST_CASE("ike-protocol: ESP proposal mismatch keeps the IKE SA, no Child SA", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.children[0].suites = {*parse_esp_suite("aes128gcm")};
    pb.children[0].suites = {*parse_esp_suite("aes256-sha256")};
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    CHECK(Pair::ike(*p.a));
    CHECK(Pair::ike(*p.b));
    CHECK(Pair::count_children(*p.a) == 0);
    CHECK(Pair::count_children(*p.b) == 0);
}

TEST_CASE("ike-protocol: responder narrows traffic selectors", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    SECTION("initiator proposes wider subnets, responder's policy wins") {
        pa.children[0].local_ts = {*parse_ts("10.1.0.0/16")};
        pa.children[0].remote_ts = {*parse_ts("10.2.0.0/16")};
        pb.children[0].local_ts = {*parse_ts("10.2.3.0/24")};
        pb.children[0].remote_ts = {*parse_ts("10.1.0.10-10.1.0.20", 6, 0, 65535)};
        Pair p(pa, pb);
        p.a->initiate("t-p2", p.now);
        p.run();
        const ChildSa* ca = Pair::child(*p.a, "t-p2");
        REQUIRE(ca);
        CHECK(to_string(ca->ts_local) == to_string(std::vector<Ts>{*parse_ts("10.1.0.10-10.1.0.20", 6)}));
        CHECK(to_string(ca->ts_remote) == "10.2.3.0..10.2.3.255");
        check_mirrored(p, "t");
    }
    SECTION("IPv6 selectors") {
        pa.children[0].local_ts = {*parse_ts("2001:db8:1::/48")};
        pa.children[0].remote_ts = {*parse_ts("2001:db8:2::/48")};
        pb.children[0].local_ts = {*parse_ts("2001:db8:2::/64")};
        pb.children[0].remote_ts = {*parse_ts("2001:db8:1::/48")};
        Pair p(pa, pb);
        p.a->initiate("t-p2", p.now);
        p.run();
        const ChildSa* ca = Pair::child(*p.a, "t-p2");
        REQUIRE(ca);
        CHECK(to_string(ca->ts_remote) == "2001:db8:2::..2001:db8:2:0:ffff:ffff:ffff:ffff");
    }
    SECTION("disjoint selectors: TS_UNACCEPTABLE, IKE SA stays") {
        pb.children[0].local_ts = {*parse_ts("192.168.0.0/24")};
        Pair p(pa, pb);
        p.a->initiate("t-p2", p.now);
        p.run();
        CHECK(Pair::ike(*p.a));
        CHECK(Pair::count_children(*p.a) == 0);
        CHECK(Pair::count_children(*p.b) == 0);
    }
}

TEST_CASE("ike-protocol: transport mode is negotiated with USE_TRANSPORT_MODE", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.children[0].transport = pb.children[0].transport = true;
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    REQUIRE(Pair::child(*p.a, "t-p2"));
    CHECK(Pair::child(*p.a, "t-p2")->transport);
    CHECK(Pair::child(*p.b, "t-p2")->transport);
}

TEST_CASE("ike-protocol: ESN only when both sides want it", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pb.children[0].esn = false; // replay disable on the responder
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    REQUIRE(Pair::child(*p.a, "t-p2"));
    CHECK_FALSE(Pair::child(*p.a, "t-p2")->proposal.esn);
}

TEST_CASE("ike-protocol: CREATE_CHILD_SA adds a Child SA, with PFS", "[ike-protocol]") {
    for (uint16_t g : {14, 19, 31}) {
        DYNAMIC_SECTION("PFS group " << g) {
            auto pa = make_peer("t", true), pb = make_peer("t", false);
            for (auto* peer : {&pa, &pb}) {
                ChildCfg c2 = peer->children[0];
                c2.name = "t2-p2";
                c2.pfs = true;
                c2.dh_groups = {g};
                c2.local_ts = {*parse_ts(peer == &pa ? "10.1.1.0/24" : "10.2.1.0/24")};
                c2.remote_ts = {*parse_ts(peer == &pa ? "10.2.1.0/24" : "10.1.1.0/24")};
                peer->children.push_back(c2);
            }
            Pair p(pa, pb);
            p.a->initiate("t-p2", p.now);
            p.a->initiate("t2-p2", p.now);
            p.run();
            check_mirrored(p, "t");
            check_mirrored(p, "t2");
            CHECK(Pair::child(*p.a, "t2-p2")->proposal.dh == g);
            CHECK(Pair::count_children(*p.a) == 2);
        }
    }
}

TEST_CASE("ike-protocol: retransmission gets through a lossy link", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    Pair p(pa, pb);
    p.link.loss = 0.4;
    p.a->initiate("t-p2", p.now);
    p.run(Millis(60000));
    check_mirrored(p, "t");
    CHECK(p.link.lost > 0);
    CHECK(p.a->stats().retransmits > 0);
}

TEST_CASE("ike-protocol: a silent peer is given up after the backoff", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    Pair p(pa, pb);
    p.link.loss = 1.0;
    p.a->initiate("t-p2", p.now);
    p.run(Millis(20000));
    CHECK(p.a->stats().retransmits >= 3); // 2 s, 4 s, 8 s ...
    p.run(Millis(150000));
    CHECK(p.a->sas().empty());
}

TEST_CASE("ike-protocol: delete of a Child SA and of the IKE SA from either side", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    REQUIRE(Pair::child(*p.a, "t-p2"));
    SECTION("child deleted by the initiator") {
        CHECK(p.a->terminate_child("t-p2", p.now));
        p.run();
        CHECK(Pair::count_children(*p.a) == 0);
        CHECK(Pair::count_children(*p.b) == 0);
        CHECK(Pair::ike(*p.a));
    }
    SECTION("child deleted by the responder") {
        CHECK(p.b->terminate_child("t-p2", p.now));
        p.run();
        CHECK(Pair::count_children(*p.a) == 0);
        CHECK(Pair::count_children(*p.b) == 0);
    }
    SECTION("IKE SA deleted by the responder") {
        CHECK(p.b->terminate_ike("t", p.now));
        p.run();
        CHECK(p.a->sas().empty());
        CHECK(p.b->sas().empty());
    }
}

TEST_CASE("ike-protocol: auto-negotiate retries every 5 s until the peer answers", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.children[0].auto_negotiate = true;
    GatewayConfig ga;
    ga.peers = {pa};
    ga.retransmit.max_tries = 2; // give up fast so the 5 s retry shows
    Link link;
    Engine a(ga, link);
    TimePoint now{std::chrono::seconds(10)};
    a.start(now);
    CHECK(link.sent == 1);
    for (int i = 0; i < 200; ++i) a.on_timer(now += Millis(100)); // 20 s, nobody answers
    CHECK(link.sent >= 4);
}

namespace {
// Records what the engine asks the accelerator to hold.
struct RecordingOffload : SaOffload {
    std::vector<OffloadSa> added;
    std::vector<uint32_t> removed;
    bool refuse = false;
    std::optional<uint32_t> install(const OffloadSa& sa) override {
        if (refuse) return std::nullopt;
        added.push_back(sa);
        return static_cast<uint32_t>(added.size() + 100);
    }
    void remove(uint32_t h) override { removed.push_back(h); }
    std::string name() const override { return "recording"; }
};
} // namespace

TEST_CASE("ike-protocol: AES-GCM Child SAs go to the accelerator, others stay on the host", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    ChildCfg chacha = pa.children[0];
    chacha.name = "c-p2";
    chacha.suites = {*parse_esp_suite("chacha20poly1305")};
    chacha.local_ts = {*parse_ts("10.1.9.0/24")};
    chacha.remote_ts = {*parse_ts("10.2.9.0/24")};
    pa.children.push_back(chacha);
    std::swap(chacha.local_ts, chacha.remote_ts);
    pb.children.push_back(chacha);
    pa.children[0].suites = pb.children[0].suites = {*parse_esp_suite("aes256gcm")};
    pa.children[0].replay_window = 1024;
    GatewayConfig ga, gb;
    ga.peers = {pa};
    gb.peers = {pb};
    RecordingOffload off;
    Pair p(pa, pb);
    p.a = std::make_unique<Engine>(ga, p.link, &off);
    p.a->initiate("t-p2", p.now);
    p.a->initiate("c-p2", p.now);
    p.run();
    const ChildSa* gcm = Pair::child(*p.a, "t-p2");
    const ChildSa* cc = Pair::child(*p.a, "c-p2");
    REQUIRE(gcm);
    REQUIRE(cc);
    CHECK(gcm->offloaded());
    CHECK_FALSE(cc->offloaded());
    REQUIRE(off.added.size() == 2);
    const OffloadSa& in = off.added[0].inbound ? off.added[0] : off.added[1];
    const OffloadSa& out = off.added[0].inbound ? off.added[1] : off.added[0];
    CHECK(in.spi == gcm->spi_in);
    CHECK(out.spi == gcm->spi_out);
    CHECK(in.key_len == 32);
    CHECK(Bytes(in.key, in.key + 32) == Bytes(gcm->encr_in.bytes().begin(), gcm->encr_in.bytes().begin() + 32));
    CHECK(Bytes(out.salt, out.salt + 4) == Bytes(gcm->encr_out.bytes().end() - 4, gcm->encr_out.bytes().end()));
    CHECK(in.replay_window == 1024);
    CHECK(out.replay_window == 0);
    CHECK(in.esn);
    CHECK(Bytes(in.src, in.src + 4) == Bytes{10, 0, 0, 2}); // inbound: from the peer
    CHECK(Bytes(out.src, out.src + 4) == Bytes{10, 0, 0, 1});
    auto tun = p.a->tunnels();
    for (const auto& t : tun) CHECK(t.path == (t.name == "t-p2" ? "offload in=101 out=102" : "host"));
    // deleting the Child SA removes both card entries
    p.a->terminate_child("t-p2", p.now);
    p.run();
    CHECK(off.removed == std::vector<uint32_t>{101, 102});
}

TEST_CASE("ike-protocol: Child SAs are rekeyed before keylifeseconds runs out", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.children[0].lifetime_s = pb.children[0].lifetime_s = 200;
    pa.children[0].pfs = pb.children[0].pfs = true;
    pa.children[0].dh_groups = pb.children[0].dh_groups = {31};
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    uint32_t first_spi = Pair::child(*p.a, "t-p2")->spi_in;
    p.run(Millis(185000)); // past 90 % of the initiator's lifetime, before the responder's 95 %
    const ChildSa* ca = Pair::child(*p.a, "t-p2");
    REQUIRE(ca);
    CHECK(ca->spi_in != first_spi);
    CHECK(ca->proposal.dh == 31);
    check_mirrored(p, "t");
    CHECK(Pair::count_children(*p.a) == 1); // the old one is deleted on both sides
    CHECK(Pair::count_children(*p.b) == 1);
    p.run(Millis(400000)); // and again, indefinitely
    CHECK(Pair::count_children(*p.a) == 1);
    check_mirrored(p, "t");
}
