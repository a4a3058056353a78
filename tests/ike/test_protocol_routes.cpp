// add-route: the prefixes of the remote selectors, shown in tunnel list and
// handed to the route hook once while any Child SA needs them.
#include <catch2/catch.hpp>

#include "control_handler.h"
#include "protocol_harness.h"

using namespace ike_test;

namespace {
struct RecordingRoutes : RouteHook {
    std::vector<std::string> calls;
    void route(bool add, const std::string& prefix, const Endpoint& peer) override {
        calls.push_back((add ? "add " : "del ") + prefix + " " + peer.addr.to_string());
    }
};
} // namespace

TEST_CASE("ike-protocol: selector ranges become the fewest covering prefixes", "[ike-protocol][routes]") {
    using V = std::vector<std::string>;
    CHECK(ts_prefixes(*parse_ts("10.2.0.0/24")) == V{"10.2.0.0/24"});
    CHECK(ts_prefixes(*parse_ts("10.1.0.1-10.1.0.9")) == V{"10.1.0.1/32", "10.1.0.2/31", "10.1.0.4/30", "10.1.0.8/31"});
    CHECK(ts_prefixes(*parse_ts("0.0.0.0/0")) == V{"0.0.0.0/0"});
    CHECK(ts_prefixes(*parse_ts("255.255.255.254-255.255.255.255")) == V{"255.255.255.254/31"});
    CHECK(ts_prefixes(*parse_ts("10.0.0.7")) == V{"10.0.0.7/32"});
    CHECK(ts_prefixes(*parse_ts("2001:db8::/64")) == V{"2001:db8::/64"});
    CHECK(ts_prefixes(*parse_ts("::/0")) == V{"::/0"});
    CHECK(ts_prefixes(std::vector<Ts>{*parse_ts("10.2.0.0/24"), *parse_ts("10.2.0.0/25")}) ==
          V{"10.2.0.0/24", "10.2.0.0/25"});
}

TEST_CASE("ike-protocol: add-route routes live as long as a Child SA needs them", "[ike-protocol][routes]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.children[0].add_route = true;
    pa.children[0].lifetime_s = pb.children[0].lifetime_s = 200;
    ChildCfg quiet = pa.children[0]; // add-route disable: no route
    quiet.name = "q-p2";
    quiet.add_route = false;
    quiet.local_ts = {*parse_ts("10.1.5.0/24")};
    quiet.remote_ts = {*parse_ts("10.2.5.0/24")};
    pa.children.push_back(quiet);
    std::swap(quiet.local_ts, quiet.remote_ts);
    pb.children.push_back(quiet);
    Pair p(pa, pb);
    RecordingRoutes hook;
    p.a->set_route_hook(&hook);
    p.a->initiate("t-p2", p.now);
    p.a->initiate("q-p2", p.now);
    p.run();
    REQUIRE(Pair::child(*p.a, "t-p2"));
    REQUIRE(Pair::child(*p.a, "q-p2"));
    CHECK(hook.calls == std::vector<std::string>{"add 10.2.0.0/24 10.0.0.2"});

    iked::EngineControl ctl(
        *p.a, [](std::vector<std::string>&) { return std::optional<GatewayConfig>(); }, [&p] { return p.now; });
    for (const auto& s : ctl.list_tunnels())
        CHECK(s.routes == (s.tunnel == "t-p2" ? std::vector<std::string>{"10.2.0.0/24"} : std::vector<std::string>{}));

    // A rekey (at 90 % of 200 s) keeps the route: no del, no second add.
    uint32_t first = Pair::child(*p.a, "t-p2")->spi_in;
    p.run(Millis(185000));
    REQUIRE(Pair::child(*p.a, "t-p2"));
    CHECK(Pair::child(*p.a, "t-p2")->spi_in != first);
    CHECK(hook.calls.size() == 1);

    // Deleting the tunnel removes it.
    p.a->terminate_child("t-p2", p.now);
    p.run();
    CHECK(hook.calls == std::vector<std::string>{"add 10.2.0.0/24 10.0.0.2", "del 10.2.0.0/24 10.0.0.2"});
}
