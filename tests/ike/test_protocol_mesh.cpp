// phase1 mesh-selector-type subnet on a dial-up hub: a client whose Child SA
// request carries 2 local x 2 remote subnets ends with one Child SA pair per
// subnet combination, the hub's named TEMPLATE_0..3 (dynamic phase2s), each
// on its own card SAs; `disable` keeps one narrowed Child SA for all four.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "card_pair.h"
#include "config/parser.h"
#include "config_adapter.h"
#include "control_handler.h"
#include "sa/tasks.h"

using namespace ike_test;
namespace ctl = ike::control;

namespace {

// a (10.0.0.1) is the dial-up client with two subnets each side; b is the hub
// (type dynamic) whose template phase2 "hub" covers them.
PeerCfg client_cfg() {
    PeerCfg p = make_peer("client", true);
    ChildCfg& c = p.children[0];
    c.local_ts = {*parse_ts("10.1.1.0/24"), *parse_ts("10.1.2.0/24")};
    c.remote_ts = {*parse_ts("10.2.1.0/24"), *parse_ts("10.2.2.0/24")};
    return p;
}

PeerCfg hub_cfg(MeshSelector mesh, bool auto_negotiate = true) {
    PeerCfg p = make_peer("dialup", false);
    p.remote_addr.reset();
    p.dynamic = true;
    p.mesh = mesh;
    ChildCfg& c = p.children[0];
    c.name = "hub";
    c.local_ts = {*parse_ts("10.2.0.0/16")};
    c.remote_ts = {*parse_ts("10.1.0.0/16")};
    c.auto_negotiate = auto_negotiate;
    return p;
}

std::vector<const ChildSa*> installed(const Engine& e) {
    std::vector<const ChildSa*> out;
    for (const auto& [spi, sa] : e.sas())
        for (const auto& c : sa->children)
            if (c.state == ChildState::installed) out.push_back(&c);
    return out;
}

// The hub's dynamic phase2 expected for (hub local subnet, hub remote subnet).
const std::map<std::string, std::pair<std::string, std::string>> want_pairs = {
    {"hub_0", {"10.2.1.0/24", "10.1.1.0/24"}},
    {"hub_1", {"10.2.1.0/24", "10.1.2.0/24"}},
    {"hub_2", {"10.2.2.0/24", "10.1.1.0/24"}},
    {"hub_3", {"10.2.2.0/24", "10.1.2.0/24"}},
};

std::string describe(const ChildSa& c) {
    return c.name + " " + to_string(c.ts_local) + " === " + to_string(c.ts_remote) + " installed at " +
           std::to_string(
               std::chrono::duration_cast<std::chrono::milliseconds>(c.installed_at.time_since_epoch()).count()) +
           " ms" + (c.we_initiated ? " by us" : " by the peer");
}

// Every hub Child SA has its client counterpart: SPIs crossed, selectors
// mirrored, keys equal per direction.
void check_pairs(const Engine& client, const Engine& hub) {
    auto cs = installed(client), hs = installed(hub);
    for (const ChildSa* c : cs) UNSCOPED_INFO("client " << describe(*c));
    for (const ChildSa* h : hs) UNSCOPED_INFO("hub " << describe(*h));
    REQUIRE(cs.size() == 4);
    REQUIRE(hs.size() == 4);
    std::set<std::string> names;
    for (const ChildSa* h : hs) {
        INFO(h->name);
        names.insert(h->name);
        REQUIRE(want_pairs.count(h->name));
        CHECK(h->ts_local == std::vector<Ts>{*parse_ts(want_pairs.at(h->name).first)});
        CHECK(h->ts_remote == std::vector<Ts>{*parse_ts(want_pairs.at(h->name).second)});
        const ChildSa* c = nullptr;
        for (const ChildSa* x : cs)
            if (x->spi_in == h->spi_out) c = x;
        REQUIRE(c);
        CHECK(c->name == "client-p2");
        CHECK(c->spi_out == h->spi_in);
        CHECK(c->ts_local == h->ts_remote);
        CHECK(c->ts_remote == h->ts_local);
        CHECK(c->encr_in.bytes() == h->encr_out.bytes());
        CHECK(c->encr_out.bytes() == h->encr_in.bytes());
        CHECK(c->encr_in.bytes() != c->encr_out.bytes());
    }
    CHECK(names.size() == 4);
}

std::vector<ctl::ChildSaStatus> list(Pair& p, Engine& e) {
    iked::EngineControl c(
        e, [](std::vector<std::string>&) { return std::optional<GatewayConfig>(); }, [&p] { return p.now; });
    return c.list_tunnels();
}

std::map<std::string, ctl::ChildSaState> states(const std::vector<ctl::ChildSaStatus>& v) {
    std::map<std::string, ctl::ChildSaState> m;
    for (const auto& s : v) m[s.tunnel] = s.state;
    return m;
}

const ChildSa* hub_child(const Engine& hub, const std::string& name) { return Pair::child(hub, name); }

} // namespace

TEST_CASE("ike-protocol: mesh-selector-type subnet makes one Child SA per subnet pair, on the cards",
          "[ike-protocol][card][mesh]") {
    PeerCfg pa = client_cfg(), pb = hub_cfg(MeshSelector::subnet);
    CardEngines cards;
    Pair p(pa, pb);
    cards.attach(p, pa, pb);
    p.a->initiate("client-p2", p.now);
    p.run(Millis(3000));
    check_pairs(*p.a, *p.b);
    const IkeSa* hub_sa = Pair::ike(*p.b);
    REQUIRE(hub_sa);
    CHECK(hub_sa->dynamic_children.size() == 4);
    CHECK(Pair::ike(*p.a)->children.size() == 4); // all over the one IKE SA

    // Each pair on its own card SAs: packets cross both ways through each.
    for (const ChildSa* h : installed(*p.b)) {
        INFO(h->name);
        REQUIRE(h->offloaded());
        const ChildSa* c = nullptr;
        for (const ChildSa* x : installed(*p.a))
            if (x->spi_in == h->spi_out) c = x;
        REQUIRE((c && c->offloaded()));
        Traffic ab = push_packets(*cards.card_a, *c->hw_out, *cards.card_b, *h->hw_in, 3, 200);
        Traffic ba = push_packets(*cards.card_b, *h->hw_out, *cards.card_a, *c->hw_in, 2, 300);
        CHECK(ab.delivered == 3);
        CHECK(ba.delivered == 2);
    }

    // tunnel list (ikectl): the template and its four dynamic phase2s.
    auto m = states(list(p, *p.b));
    CHECK(m.size() == 5);
    CHECK(m.count("hub"));
    for (const auto& [name, pair] : want_pairs) CHECK(m[name] == ctl::ChildSaState::established);
    std::set<std::string> hub_names;
    for (const auto& t : p.b->tunnels()) hub_names.insert(t.name);
    CHECK(hub_names == std::set<std::string>{"hub", "hub_0", "hub_1", "hub_2", "hub_3"});

    // The client's IKE SA goes: the dynamic phase2s and their card SAs with it.
    REQUIRE(p.a->terminate_ike("client", p.now));
    p.run();
    CHECK(installed(*p.a).empty());
    CHECK(installed(*p.b).empty());
    CHECK(Pair::ike(*p.b) == nullptr);
    hub_names.clear();
    for (const auto& t : p.b->tunnels()) hub_names.insert(t.name);
    CHECK(hub_names == std::set<std::string>{"hub"});
}

TEST_CASE("ike-protocol: mesh-selector-type disable keeps one narrowed Child SA", "[ike-protocol][mesh]") {
    Pair p(client_cfg(), hub_cfg(MeshSelector::disable));
    p.a->initiate("client-p2", p.now);
    p.run(Millis(3000));
    auto cs = installed(*p.a), hs = installed(*p.b);
    REQUIRE(cs.size() == 1);
    REQUIRE(hs.size() == 1);
    CHECK(hs[0]->name == "hub");
    CHECK(hs[0]->ts_local == std::vector<Ts>{*parse_ts("10.2.1.0/24"), *parse_ts("10.2.2.0/24")});
    CHECK(hs[0]->ts_remote == std::vector<Ts>{*parse_ts("10.1.1.0/24"), *parse_ts("10.1.2.0/24")});
    CHECK(cs[0]->ts_local == hs[0]->ts_remote);
    CHECK(Pair::ike(*p.b)->dynamic_children.empty());
    std::set<std::string> hub_names;
    for (const auto& t : p.b->tunnels()) hub_names.insert(t.name);
    CHECK(hub_names == std::set<std::string>{"hub"});
}

TEST_CASE("ike-protocol: mesh dynamic phase2s without auto-negotiate wait for traffic",
          "[ike-protocol][mesh][acquire]") {
    Pair p(client_cfg(), hub_cfg(MeshSelector::subnet, false));
    p.a->initiate("client-p2", p.now);
    p.run(Millis(3000));
    REQUIRE(installed(*p.b).size() == 1);
    CHECK(installed(*p.b)[0]->name == "hub_0");
    auto m = states(list(p, *p.b));
    CHECK(m["hub_0"] == ctl::ChildSaState::established);
    for (const char* n : {"hub_1", "hub_2", "hub_3"}) {
        INFO(n);
        REQUIRE(m.count(n));
        CHECK(m[n] != ctl::ChildSaState::established);
    }
    // Nothing more after the auto-negotiate interval.
    p.run(Millis(12000));
    CHECK(installed(*p.b).size() == 1);

    // A packet 10.2.2.7 -> 10.1.1.7 at the hub brings up hub_2 (and only it).
    TriggerPacket pkt{boost::asio::ip::make_address("10.2.2.7"), boost::asio::ip::make_address("10.1.1.7")};
    std::string which;
    CHECK(p.b->acquire(pkt, p.now, &which) == AcquireResult::initiated);
    CHECK(which == "hub_2");
    CHECK(p.b->acquire(pkt, p.now) == AcquireResult::pending);
    p.run();
    CHECK(p.b->acquire(pkt, p.now) == AcquireResult::up);
    REQUIRE(hub_child(*p.b, "hub_2"));
    CHECK(hub_child(*p.b, "hub_2")->ts_local == std::vector<Ts>{*parse_ts("10.2.2.0/24")});
    CHECK(installed(*p.b).size() == 2);
    CHECK(installed(*p.a).size() == 2);

    // ikectl tunnel up of a dynamic phase2 negotiates it over the peer's IKE SA.
    CHECK(p.b->initiate("hub_3", p.now));
    p.run();
    CHECK(hub_child(*p.b, "hub_3"));
    CHECK(installed(*p.a).size() == 3);
}

TEST_CASE("ike-protocol: a deleted dynamic phase2 comes back after the auto-negotiate interval",
          "[ike-protocol][mesh]") {
    Pair p(client_cfg(), hub_cfg(MeshSelector::subnet));
    p.a->initiate("client-p2", p.now);
    p.run(Millis(3000));
    REQUIRE(installed(*p.b).size() == 4);
    const ChildSa* h1 = hub_child(*p.b, "hub_1");
    REQUIRE(h1);
    uint32_t old_spi = h1->spi_in;
    // The client deletes its end of hub_1's pair (INFORMATIONAL Delete).
    IkeSa* ca = nullptr;
    for (const auto& [spi, sa] : p.a->sas()) ca = sa.get();
    REQUIRE(ca);
    uint32_t client_spi = ca->child_by_spi_out(old_spi)->spi_in;
    p.a->queue_task(*ca, make_child_delete_task(client_spi));
    p.run(Millis(2000));
    CHECK_FALSE(hub_child(*p.b, "hub_1"));
    CHECK(installed(*p.b).size() == 3);
    p.run(Millis(5000)); // FortiOS auto-negotiate: every 5 s
    REQUIRE(hub_child(*p.b, "hub_1"));
    CHECK(hub_child(*p.b, "hub_1")->spi_in != old_spi);
    check_pairs(*p.a, *p.b);

    // An administrative down holds it down.
    CHECK(p.b->terminate_child("hub_1", p.now));
    p.run(Millis(12000));
    CHECK_FALSE(hub_child(*p.b, "hub_1"));
    CHECK(installed(*p.b).size() == 3);
}

TEST_CASE("ike-protocol: mesh Child SAs rekey under their dynamic names, IKE SA rekey keeps them",
          "[ike-protocol][mesh]") {
    PeerCfg pa = client_cfg(), pb = hub_cfg(MeshSelector::subnet);
    pa.children[0].lifetime_s = 100;
    pb.children[0].lifetime_s = 100;
    pa.ike_lifetime_s = 300;
    pb.ike_lifetime_s = 300;
    Pair p(pa, pb);
    p.a->initiate("client-p2", p.now);
    p.run(Millis(3000));
    std::map<std::string, uint32_t> before;
    for (const ChildSa* h : installed(*p.b)) before[h->name] = h->spi_in;
    REQUIRE(before.size() == 4);
    uint64_t ike_spi = Pair::ike(*p.b)->spi_r;
    // 90 s (creator) / 95 s (other side): each pair rekeyed once; by 290 s the
    // IKE SA is rekeyed too (270 s) and the Child SAs twice more.
    p.run(Millis(290000));
    check_pairs(*p.a, *p.b);
    for (const ChildSa* h : installed(*p.b)) CHECK(h->spi_in != before[h->name]);
    const IkeSa* hub_sa = Pair::ike(*p.b);
    REQUIRE(hub_sa);
    CHECK(hub_sa->spi_r != ike_spi);
    CHECK(hub_sa->dynamic_children.size() == 4);
    CHECK(p.b->sas().size() == 1);
}

TEST_CASE("ike-protocol: at most 64 dynamic phase2s per IKE SA", "[ike-protocol][mesh]") {
    PeerCfg pa = client_cfg();
    pa.children[0].local_ts.clear();
    pa.children[0].remote_ts.clear();
    for (int i = 1; i <= 9; ++i) { // 9 x 9 = 81 subnet pairs
        pa.children[0].local_ts.push_back(*parse_ts("10.1." + std::to_string(i) + ".0/24"));
        pa.children[0].remote_ts.push_back(*parse_ts("10.2." + std::to_string(i) + ".0/24"));
    }
    Pair p(pa, hub_cfg(MeshSelector::subnet));
    p.a->initiate("client-p2", p.now);
    p.run(Millis(20000));
    const IkeSa* hub_sa = Pair::ike(*p.b);
    REQUIRE(hub_sa);
    CHECK(hub_sa->dynamic_children.size() == 64);
    CHECK(installed(*p.b).size() == 64);
    CHECK(installed(*p.a).size() == 64);
    CHECK(hub_child(*p.b, "hub_63"));
    CHECK_FALSE(hub_sa->child_up("hub_64"));
}

TEST_CASE("ike-protocol: iked's config adapter passes mesh-selector-type on", "[ike-protocol][mesh]") {
    auto conf = [](const std::string& mesh) {
        return "config vpn ipsec phase1-interface\n    edit \"hub\"\n        set interface \"port1\"\n"
               "        set type dynamic\n        set psksecret \"s3cret-psk\"\n        set proposal "
               "aes128gcm-prfsha256\n"
               "        set mesh-selector-type " +
               mesh +
               "\n    next\nend\nconfig vpn ipsec phase2-interface\n    edit \"hub-p2\"\n"
               "        set phase1name \"hub\"\n    next\nend\n";
    };
    for (auto [word, want] : {std::pair{"subnet", MeshSelector::subnet}, std::pair{"disable", MeshSelector::disable},
                              std::pair{"host", MeshSelector::host}}) {
        INFO(word);
        auto r = ike::config::parse_config(conf(word), "hub.conf");
        for (const auto& d : r.diagnostics) UNSCOPED_INFO(d.to_string());
        REQUIRE(r.ok());
        std::vector<std::string> notes;
        GatewayConfig g = iked::to_gateway_config(r.config, notes);
        REQUIRE(g.peers.size() == 1);
        CHECK(g.peers[0].dynamic);
        CHECK(g.peers[0].mesh == want);
        bool noted = std::any_of(notes.begin(), notes.end(),
                                 [](const std::string& n) { return n.find("mesh-selector-type host") != n.npos; });
        CHECK(noted == (want == MeshSelector::host));
    }
}
