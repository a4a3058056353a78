// Phase2 selectors become IKEv2 traffic selectors (RFC 7296 §3.13.1).
#include <catch2/catch.hpp>

#include "config_test_util.h"

using namespace ike::config;
using ike_config_test::messages;
using ike_config_test::with_phase2;

namespace {

std::pair<TrafficSelector, TrafficSelector> selectors_of(const std::string& sets, const std::string& prefix = "") {
    auto r = parse_config(prefix + with_phase2(sets), "ts.conf");
    INFO(Catch::Detail::stringify(messages(r)));
    REQUIRE(r.ok());
    const Phase2& p = r.config.phase2.at(0);
    return {p.local_ts, p.remote_ts};
}

} // namespace

TEST_CASE("ike-config: default selectors cover everything IPv4", "[ike-config]") {
    auto [local, remote] = selectors_of("");
    CHECK(local.ts_type == TrafficSelector::TS_IPV4_ADDR_RANGE);
    CHECK(local.to_string() == "0.0.0.0-255.255.255.255 proto 0 port 0-65535");
    CHECK(remote == local);
}

TEST_CASE("ike-config: subnet, mask and prefix forms give the same range", "[ike-config]") {
    auto [local, remote] = selectors_of(
        "        set src-subnet 10.1.0.0 255.255.255.0\n"
        "        set dst-subnet 10.2.0.0/23\n        set protocol 6\n"
        "        set src-port 443\n");
    CHECK(local.to_string() == "10.1.0.0-10.1.0.255 proto 6 port 443-443");
    CHECK(remote.to_string() == "10.2.0.0-10.2.1.255 proto 6 port 0-65535");
    CHECK(local.start_addr[0] == 10);
    CHECK(local.end_addr[3] == 255);
    CHECK(local.end_addr[4] == 0); // IPv4 uses bytes 0..3 only
    CHECK(local.ip_proto == 6);
    CHECK(local.start_port == 443);
    CHECK(local.end_port == 443);
}

TEST_CASE("ike-config: host bits are cleared with a warning", "[ike-config]") {
    auto r = parse_config(with_phase2("        set src-subnet 10.1.0.77 255.255.255.0\n"), "h.conf");
    REQUIRE(r.ok());
    CHECK(messages(r) ==
          std::vector<std::string>{"h.conf:12:24: warning: host bits set in 10.1.0.77/24 for src-subnet; using "
                                   "10.1.0.0/24"});
    CHECK(r.config.phase2[0].local_ts.to_string() == "10.1.0.0-10.1.0.255 proto 0 port 0-65535");
}

TEST_CASE("ike-config: range, ip and their IPv6 forms", "[ike-config]") {
    auto [l4, r4] = selectors_of(
        "        set src-addr-type range\n        set src-start-ip 10.0.0.5\n"
        "        set src-end-ip 10.0.0.9\n        set dst-addr-type ip\n"
        "        set dst-start-ip 192.168.1.1\n");
    CHECK(l4.to_string() == "10.0.0.5-10.0.0.9 proto 0 port 0-65535");
    CHECK(r4.to_string() == "192.168.1.1-192.168.1.1 proto 0 port 0-65535");

    auto [l6, r6] = selectors_of(
        "        set src-addr-type range6\n        set src-start-ip6 2001:db8::1\n"
        "        set src-end-ip6 2001:db8::ff\n        set dst-addr-type ip6\n"
        "        set dst-start-ip6 fe80::1\n        set dst-port 500\n        set protocol 17\n");
    CHECK(l6.ts_type == TrafficSelector::TS_IPV6_ADDR_RANGE);
    CHECK(l6.to_string() == "2001:db8::1-2001:db8::ff proto 17 port 0-65535");
    CHECK(r6.to_string() == "fe80::1-fe80::1 proto 17 port 500-500");

    auto [s6, d6] = selectors_of(
        "        set src-addr-type subnet6\n        set dst-addr-type subnet6\n"
        "        set src-subnet6 2001:db8:a::/48\n");
    CHECK(s6.to_string() == "2001:db8:a::-2001:db8:a:ffff:ffff:ffff:ffff:ffff proto 0 port 0-65535");
    CHECK(d6.to_string() == "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff proto 0 port 0-65535");
    CHECK(d6.start_addr == std::array<uint8_t, 16>{});
}

TEST_CASE("ike-config: name and name6 resolve through firewall addresses", "[ike-config]") {
    std::string addresses =
        "config firewall address\n edit lan\n set subnet 172.16.0.0/12\n next\n"
        " edit pool\n set type iprange\n set start-ip 10.9.0.1\n set end-ip 10.9.0.50\n next\nend\n"
        "config firewall address6\n edit lan\n set ip6 fd00::/8\n next\nend\n";
    auto [l, r] = selectors_of(
        "        set src-addr-type name\n        set src-name lan\n"
        "        set dst-addr-type name\n        set dst-name pool\n",
        addresses);
    CHECK(l.to_string() == "172.16.0.0-172.31.255.255 proto 0 port 0-65535");
    CHECK(r.to_string() == "10.9.0.1-10.9.0.50 proto 0 port 0-65535");
    auto [l6, r6] = selectors_of(
        "        set src-addr-type name6\n        set src-name6 lan\n"
        "        set dst-addr-type subnet6\n",
        addresses);
    CHECK(l6.to_string() == "fd00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff proto 0 port 0-65535");
    CHECK(r6.v6());
}

TEST_CASE("ike-config: options the addr-type does not use are warned about", "[ike-config]") {
    auto r = parse_config(with_phase2("        set src-subnet 10.0.0.0/8\n        set src-addr-type ip\n"
                                      "        set src-start-ip 10.0.0.1\n"),
                          "w.conf");
    REQUIRE(r.ok());
    CHECK(messages(r) == std::vector<std::string>{"w.conf:12:24: warning: src-subnet is ignored: src-addr-type is ip"});
    CHECK(r.config.phase2[0].local_ts.to_string() == "10.0.0.1-10.0.0.1 proto 0 port 0-65535");
}

TEST_CASE("ike-config: netmask helpers", "[ike-config]") {
    CHECK(netmask_length(*IpAddress::parse("255.255.255.0")) == 24u);
    CHECK(netmask_length(*IpAddress::parse("0.0.0.0")) == 0u);
    CHECK(netmask_length(*IpAddress::parse("255.255.255.255")) == 32u);
    CHECK_FALSE(netmask_length(*IpAddress::parse("255.255.0.255")));
    CHECK_FALSE(netmask_length(*IpAddress::parse("0.255.255.255")));
    CHECK(netmask_from_length(20, false).to_string() == "255.255.240.0");
    CHECK(netmask_from_length(65, true).to_string() == "ffff:ffff:ffff:ffff:8000::");
    CHECK_FALSE(IpAddress::parse("1.2.3"));
    CHECK_FALSE(IpAddress::parse("1.2.3.4 "));
    CHECK_FALSE(IpAddress::parse(std::string_view("1.2.3.4\0", 8)));
    CHECK(IpAddress::parse("::ffff:1.2.3.4")->v6);
}
