// Every option of the language is read into the model; defaults, unset,
// quoting, comments, line ends and skipped tables.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "config_test_util.h"

using namespace ike::config;
using ike_config_test::messages;
using ike_config_test::minimal_phase1;
using ike_config_test::with_phase2;

namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

std::vector<std::string_view> names(const std::vector<IkeProposal>& v) {
    std::vector<std::string_view> out;
    for (const auto& p : v) out.push_back(p.name);
    return out;
}
std::vector<std::string_view> names(const std::vector<EspProposal>& v) {
    std::vector<std::string_view> out;
    for (const auto& p : v) out.push_back(p.name);
    return out;
}

const char* const every_phase1_option = R"(config vpn ipsec phase1-interface
    edit "dial"
        set type dynamic
        set interface "port2"
        set ike-version 2
        set ip-version 6
        set local-gw6 2001:db8::1
        set authmethod psk
        set psksecret "a long secret"
        set localid "hub.example"
        set localid-type fqdn
        set peerid "spoke@example"
        set proposal aes256-sha512 aes128gcm-prfsha256 chacha20poly1305-prfsha256
        set dhgrp 21 32 1
        set keylife 120
        set dpd on-idle
        set dpd-retryinterval 5
        set dpd-retrycount 7
        set nattraversal forced
        set keepalive 900
        set fragmentation disable
        set negotiate-timeout 300
        set add-gw-route enable
        set mode-cfg enable
        set assign-ip enable
        set ipv4-start-ip 10.9.0.10
        set ipv4-end-ip 10.9.0.99
        set net-device enable
        set mesh-selector-type subnet
        set comments "dial-up hub"
    next
    edit "v4"
        set interface port1
        set local-gw 192.0.2.1
        set remote-gw 192.0.2.2
        set psksecret s3cret-psk
        set proposal aes128-sha256
    next
end
)";

const char* const every_phase2_option = R"(
        set proposal null-sha256 aes256-sha384 aes128gcm
        set pfs disable
        set dhgrp 31
        set replay disable
        set replay-window 32
        set keepalive enable
        set auto-negotiate enable
        set add-route enable
        set keylife-type kbs
        set keylifeseconds 172800
        set keylifekbs 4294967295
        set encapsulation transport-mode
        set protocol 255
        set src-addr-type range
        set src-start-ip 10.0.0.1
        set src-end-ip 10.0.0.9
        set src-port 65535
        set dst-addr-type ip
        set dst-start-ip 10.0.1.1
        set dst-port 1
        set initiator-ts-narrow enable
        set dhcp-ipsec disable
        set single-source enable
        set route-overlap allow
        set ipv4-df enable
        set comments "all of it"
)";

} // namespace

TEST_CASE("ike-config: every phase1 option is read", "[ike-config]") {
    auto r = parse_config(every_phase1_option, "p1.conf");
    INFO(Catch::Detail::stringify(messages(r)));
    REQUIRE(r.ok());
    REQUIRE(r.config.phase1.size() == 2);
    const Phase1& p = r.config.phase1[0];
    CHECK(p.name == "dial");
    CHECK(p.type == Phase1Type::dynamic);
    CHECK(p.interface == "port2");
    CHECK(p.ike_version == 2);
    CHECK(p.ip_version == IpVersion::v6);
    CHECK(p.local_gw6 == ip("2001:db8::1"));
    CHECK(p.local_gateway() == ip("2001:db8::1"));
    CHECK_FALSE(p.remote_gw6);
    CHECK(p.authmethod == AuthMethod::psk);
    CHECK(p.psksecret.reveal() == "a long secret");
    CHECK(p.localid == "hub.example");
    CHECK(p.localid_type == LocalIdType::fqdn);
    CHECK(p.peerid == "spoke@example");
    CHECK(names(p.proposal) ==
          std::vector<std::string_view>{"aes256-sha512", "aes128gcm-prfsha256", "chacha20poly1305-prfsha256"});
    CHECK(p.proposal[0].encr == transform::ENCR_AES_CBC);
    CHECK(p.proposal[0].key_bits == 256);
    CHECK(p.proposal[0].integ == transform::AUTH_HMAC_SHA2_512_256);
    CHECK(p.proposal[0].prf == transform::PRF_HMAC_SHA2_512);
    CHECK(p.proposal[1].encr == transform::ENCR_AES_GCM_16);
    CHECK(p.proposal[1].aead());
    CHECK(p.proposal[1].prf == transform::PRF_HMAC_SHA2_256);
    CHECK(p.proposal[2].encr == transform::ENCR_CHACHA20_POLY1305);
    CHECK(p.dhgrp == std::vector<uint16_t>{21, 32, 1});
    CHECK(p.keylife == 120);
    CHECK(p.dpd == DpdMode::on_idle);
    CHECK(p.dpd_retryinterval == 5);
    CHECK(p.dpd_retrycount == 7);
    CHECK(p.nattraversal == NatTraversal::forced);
    CHECK(p.keepalive == 900);
    CHECK_FALSE(p.fragmentation);
    CHECK(p.negotiate_timeout == 300);
    CHECK(p.add_gw_route);
    CHECK(p.mode_cfg);
    CHECK(p.assign_ip);
    CHECK(p.ipv4_start_ip == ip("10.9.0.10"));
    CHECK(p.ipv4_end_ip == ip("10.9.0.99"));
    CHECK(p.net_device);
    CHECK(p.mesh_selector_type == MeshSelectorType::subnet);
    CHECK(p.comments == "dial-up hub");
    const Phase1& v4 = r.config.phase1[1];
    CHECK(v4.remote_gateway() == ip("192.0.2.2"));
    CHECK(v4.local_gw == ip("192.0.2.1"));
    CHECK(v4.interface == "port1");
}

TEST_CASE("ike-config: every phase2 option is read", "[ike-config]") {
    auto r = parse_config(with_phase2(every_phase2_option), "p2.conf");
    INFO(Catch::Detail::stringify(messages(r)));
    REQUIRE(r.ok());
    REQUIRE(r.config.phase2.size() == 1);
    const Phase2& p = r.config.phase2[0];
    CHECK(p.name == "t");
    CHECK(p.phase1name == "p1");
    CHECK(names(p.proposal) == std::vector<std::string_view>{"null-sha256", "aes256-sha384", "aes128gcm"});
    CHECK(p.proposal[0].encr == transform::ENCR_NULL);
    CHECK(p.proposal[0].integ == transform::AUTH_HMAC_SHA2_256_128);
    CHECK(p.proposal[1].encr == transform::ENCR_AES_CBC);
    CHECK(p.proposal[1].key_bits == 256);
    CHECK(p.proposal[1].integ == transform::AUTH_HMAC_SHA2_384_192);
    CHECK(p.proposal[2].encr == transform::ENCR_AES_GCM_16);
    CHECK(p.proposal[2].key_bits == 128);
    CHECK_FALSE(p.pfs);
    CHECK(p.dhgrp == std::vector<uint16_t>{31});
    CHECK_FALSE(p.replay);
    CHECK(p.replay_window == 32);
    CHECK(p.effective_replay_window() == 0);
    CHECK(p.keepalive);
    CHECK(p.auto_negotiate);
    CHECK(p.add_route == AddRoute::enable);
    CHECK(p.keylife_type == KeylifeType::kbs);
    CHECK(p.uses_kbs());
    CHECK_FALSE(p.uses_seconds());
    CHECK(p.keylifeseconds == 172800);
    CHECK(p.keylifekbs == 4294967295ull);
    CHECK(p.encapsulation == Encapsulation::transport_mode);
    CHECK(p.protocol == 255);
    CHECK(p.src.type == AddrType::range);
    CHECK(p.src.start_ip == ip("10.0.0.1"));
    CHECK(p.src.end_ip == ip("10.0.0.9"));
    CHECK(p.src.port == 65535);
    CHECK(p.dst.type == AddrType::ip);
    CHECK(p.dst.start_ip == ip("10.0.1.1"));
    CHECK(p.dst.port == 1);
    CHECK(p.initiator_ts_narrow);
    CHECK_FALSE(p.dhcp_ipsec);
    CHECK(p.single_source);
    CHECK(p.route_overlap == RouteOverlap::allow);
    CHECK(p.ipv4_df);
    CHECK(p.comments == "all of it");
    // Warnings only: dhgrp without pfs, replay-window without replay, options iked does not implement.
    CHECK(messages(r) ==
          std::vector<std::string>{"p2.conf:15:19: warning: dhgrp is ignored: pfs is disabled",
                                   "p2.conf:17:27: warning: replay-window is ignored: replay is disabled",
                                   "p2.conf:35:27: warning: single-source enable is not implemented: any source "
                                   "address within the selectors is used",
                                   "p2.conf:37:21: warning: ipv4-df enable is not implemented: the accelerator clears "
                                   "DF in the outer IPv4 header"});
}

TEST_CASE("ike-config: defaults follow fortios-cli.md", "[ike-config]") {
    auto r = parse_config(with_phase2(""), "d.conf");
    REQUIRE(r.ok());
    CHECK(r.diagnostics.empty());
    const Phase1& p1 = r.config.phase1[0];
    CHECK(p1.type == Phase1Type::static_gw);
    CHECK(p1.ike_version == 2);
    CHECK(p1.ip_version == IpVersion::v4);
    CHECK(p1.authmethod == AuthMethod::psk);
    CHECK(p1.dhgrp == std::vector<uint16_t>{14, 5});
    CHECK(p1.keylife == 86400);
    CHECK(p1.dpd == DpdMode::on_demand);
    CHECK(p1.dpd_retryinterval == 20);
    CHECK(p1.dpd_retrycount == 3);
    CHECK(p1.nattraversal == NatTraversal::enable);
    CHECK(p1.keepalive == 10);
    CHECK(p1.fragmentation);
    CHECK(p1.fragmentation_mtu == 1200);
    CHECK(p1.negotiate_timeout == 30);
    CHECK_FALSE(p1.add_gw_route);
    CHECK_FALSE(p1.mode_cfg);
    CHECK_FALSE(p1.net_device);
    CHECK(p1.mesh_selector_type == MeshSelectorType::disable);
    CHECK(p1.localid_type == LocalIdType::auto_);
    CHECK_FALSE(p1.local_gw);
    const Phase2& p2 = r.config.phase2[0];
    CHECK(names(p2.proposal) == std::vector<std::string_view>{"aes128-sha256", "aes256-sha256", "aes128gcm",
                                                              "aes256gcm", "chacha20poly1305"});
    CHECK(p2.pfs);
    CHECK(p2.dhgrp == std::vector<uint16_t>{14, 5});
    CHECK(p2.replay);
    CHECK(p2.replay_window == 1024);
    CHECK(p2.effective_replay_window() == 1024);
    CHECK_FALSE(p2.keepalive);
    CHECK_FALSE(p2.auto_negotiate);
    CHECK(p2.add_route == AddRoute::phase1);
    CHECK(p2.keylife_type == KeylifeType::seconds);
    CHECK(p2.keylifeseconds == 43200);
    CHECK(p2.keylifekbs == 5120);
    CHECK(p2.encapsulation == Encapsulation::tunnel_mode);
    CHECK(p2.protocol == 0);
    CHECK(p2.src.type == AddrType::subnet);
    CHECK(p2.src.subnet == Prefix{ip("0.0.0.0"), 0});
    CHECK(p2.dst.subnet6 == Prefix{ip("::"), 0});
    CHECK(p2.src.port == 0);
    CHECK_FALSE(p2.initiator_ts_narrow);
    CHECK_FALSE(p2.dhcp_ipsec);
    CHECK_FALSE(p2.single_source);
    CHECK(p2.route_overlap == RouteOverlap::use_new);
    CHECK_FALSE(p2.ipv4_df);
    CHECK(r.config.control_socket == "/run/iked.sock");
}

TEST_CASE("ike-config: unset restores every default", "[ike-config]") {
    // Set every phase2 option, then unset each one: the result equals a fresh phase2.
    std::string sets = every_phase2_option;
    std::string unsets;
    std::istringstream lines(sets);
    for (std::string l; std::getline(lines, l);) {
        auto at = l.find("set ");
        if (at == std::string::npos) continue;
        auto name_end = l.find(' ', at + 4);
        unsets += "        unset " + l.substr(at + 4, name_end - at - 4) + "\n";
    }
    auto r = parse_config(with_phase2(sets + unsets), "u.conf");
    INFO(Catch::Detail::stringify(messages(r)));
    REQUIRE(r.ok());
    CHECK(r.diagnostics.empty()); // the "ignored" warnings went with the options
    const Phase2& p = r.config.phase2[0];
    Phase2 fresh;
    CHECK(names(p.proposal) == names(fresh.proposal));
    CHECK(p.pfs == fresh.pfs);
    CHECK(p.replay_window == fresh.replay_window);
    CHECK(p.keylifekbs == fresh.keylifekbs);
    CHECK(p.src.type == AddrType::subnet);
    CHECK_FALSE(p.src.start_ip);
    CHECK(p.src.port == 0);
    CHECK(p.dst.type == AddrType::subnet);
    CHECK(p.encapsulation == fresh.encapsulation);
    CHECK(p.route_overlap == fresh.route_overlap);
    CHECK(p.comments.empty());
    CHECK(p.origin.set_at.size() == 1); // phase1name only

    auto r1 = parse_config(std::string(every_phase1_option) +
                               "config vpn ipsec phase1-interface\n edit x\n"
                               " set interface a\n set remote-gw 1.2.3.4\n"
                               " set psksecret 123456\n set proposal aes128-sha1\n"
                               " set dhgrp 1\n unset dhgrp\n set keylife 200\n"
                               " unset keylife\n unset remote-gw\n next\nend\n",
                           "u1.conf");
    const Phase1* x = r1.config.find_phase1("x");
    REQUIRE(x);
    CHECK(x->dhgrp == std::vector<uint16_t>{14, 5});
    CHECK(x->keylife == 86400);
    // remote-gw is required for type static: unsetting it is an error.
    CHECK(messages(r1) == std::vector<std::string>{"u1.conf:41:7: phase1-interface 'x': remote-gw is required for "
                                                   "type static (ip-version 4)"});
}

TEST_CASE("ike-config: quoting, escapes, comments and CRLF", "[ike-config]") {
    std::string text =
        "#config-version=FGT60F-7.2\r\n"
        "config vpn ipsec phase1-interface # trailing comment\r\n"
        "    edit \"has space\\\"q\"   \r\n"
        "\t\tset interface 'port 1'\r\n"
        "        set remote-gw \"192.0.2.2\"\r\n"
        "        set psksecret pass\\ word\\\\x\r\n"
        "        set localid \"tab\\there\"  # a comment\r\n"
        "        set peerid a\"b c\"d\r\n"
        "        set proposal \"aes128gcm-prfsha256\" aes256-sha256\r\n"
        "        set comments \"#not a comment\"\r\n"
        "    next\r\n"
        "end"; // no final line end
    auto r = parse_config(text, "q.conf");
    INFO(Catch::Detail::stringify(messages(r)));
    REQUIRE(r.ok());
    const Phase1& p = r.config.phase1.at(0);
    CHECK(p.name == "has space\"q");
    CHECK(p.interface == "port 1");
    CHECK(p.remote_gw == ip("192.0.2.2"));
    CHECK(p.psksecret.reveal() == "pass word\\x");
    CHECK(p.localid == "tab\there");
    CHECK(p.peerid == "ab cd");
    CHECK(p.proposal.size() == 2);
    CHECK(p.comments == "#not a comment");
}

TEST_CASE("ike-config: other tables are skipped, nested ones too", "[ike-config]") {
    std::string text =
        "config system interface\n"
        "    edit \"port1\"\n"
        "        set vdom \"root\"\n"
        "        config ipv6\n"
        "            set ip6-mode static\n"
        "        end\n"
        "    next\n"
        "end\n"
        "config firewall policy\n    edit 1\n        set action accept\n    next\nend\n" +
        with_phase2("");
    auto r = parse_config(text, "s.conf");
    CHECK(r.ok());
    CHECK(r.diagnostics.empty());
    CHECK(r.config.phase1.size() == 1);
    CHECK(r.config.phase2.size() == 1);
}

TEST_CASE("ike-config: firewall addresses and system iked", "[ike-config]") {
    std::string text =
        "config firewall address\n"
        " edit a\n set subnet 10.0.0.0 255.0.0.0\n set comment hi\n next\n"
        " edit r\n set type iprange\n set start-ip 10.0.0.1\n set end-ip 10.0.0.2\n next\n"
        "end\n"
        "config firewall address6\n"
        " edit a\n set ip6 2001:db8::/32\n next\n"
        " edit r6\n set type iprange\n set start-ip 2001:db8::1\n set end-ip 2001:db8::2\n next\n"
        "end\n"
        "config system iked\n set control-socket /tmp/x.sock\nend\n";
    auto r = parse_config(text, "f.conf");
    INFO(Catch::Detail::stringify(messages(r)));
    REQUIRE(r.ok());
    const FirewallAddress* a = r.config.find_address("a", false);
    REQUIRE(a);
    CHECK(a->kind == FirewallAddress::Kind::subnet);
    CHECK(a->subnet == Prefix{ip("10.0.0.0"), 8});
    CHECK(a->comment == "hi");
    const FirewallAddress* a6 = r.config.find_address("a", true);
    REQUIRE(a6);
    CHECK(a6->subnet == Prefix{ip("2001:db8::"), 32});
    const FirewallAddress* r6 = r.config.find_address("r6", true);
    REQUIRE(r6);
    CHECK(r6->kind == FirewallAddress::Kind::range);
    CHECK(r6->end_ip == ip("2001:db8::2"));
    CHECK_FALSE(r.config.find_address("r6", false));
    CHECK(r.config.control_socket == "/tmp/x.sock");
}

TEST_CASE("ike-config: the psk never prints", "[ike-config]") {
    auto r = parse_config(std::string(minimal_phase1), "k.conf");
    REQUIRE(r.ok());
    std::ostringstream os;
    os << r.config.phase1[0].psksecret;
    CHECK(os.str() == "********");
    CHECK(os.str().find("s3cret") == std::string::npos);
    // Errors about the secret do not echo it either.
    auto bad = parse_config(std::string(minimal_phase1) +
                                "config vpn ipsec phase1-interface\n edit q\n set psksecret abc\n"
                                " set psksecret two words\n set psksecret ENC AbCdEf==\n next\nend\n",
                            "k.conf");
    for (const auto& m : messages(bad)) {
        CHECK(m.find("abc") == std::string::npos);
        CHECK(m.find("words") == std::string::npos);
        CHECK(m.find("AbCdEf") == std::string::npos);
    }
    Secret moved(std::string("0123456789abcdef0123456789"));
    Secret target = std::move(moved);
    CHECK(moved.empty());
    CHECK(target.reveal() == "0123456789abcdef0123456789");
}

TEST_CASE("ike-config: the example configurations are valid", "[ike-config]") {
    for (const char* name : {"site-a.conf", "site-b.conf"}) {
        auto r = load_config_file(std::string(IKE_EXAMPLES_DIR) + "/" + name);
        INFO(name << ": " << Catch::Detail::stringify(messages(r)));
        CHECK(r.ok());
        CHECK(r.diagnostics.empty());
        CHECK(r.config.phase1.size() == 1);
        CHECK(r.config.phase2.size() == 3);
    }
}

#include "config/options.h"

namespace {

// A valid sample value (sometimes with the lines it needs) for every option of a table; the test below fails when
// an option is added without one, so no option goes untested.
const std::map<std::string, std::string> phase1_samples{
    {"type", "static"},
    {"interface", "port9"},
    {"ike-version", "2"},
    {"ip-version", "4"},
    {"local-gw", "192.0.2.9"},
    {"remote-gw", "192.0.2.8"},
    // The *-gw6 options need ip-version 6 (extra lines after the value).
    {"local-gw6", "2001:db8::9\n set ip-version 6\n unset remote-gw\n set remote-gw6 2001:db8::8"},
    {"remote-gw6", "2001:db8::8\n set ip-version 6\n unset remote-gw"},
    {"authmethod", "psk"},
    {"psksecret", "sample-secret"},
    {"localid", "me"},
    {"localid-type", "keyid"},
    {"peerid", "you"},
    {"proposal", "aes256-sha384"},
    {"dhgrp", "19"},
    {"keylife", "3600"},
    {"dpd", "disable"},
    {"dpd-retryinterval", "60"},
    {"dpd-retrycount", "0"},
    {"nattraversal", "disable"},
    {"keepalive", "30"},
    {"fragmentation", "disable"},
    {"negotiate-timeout", "5"},
    {"fragmentation-mtu", "9000"},
    {"add-gw-route", "enable"},
    {"mode-cfg", "disable"},
    {"assign-ip", "disable"},
    {"ipv4-start-ip", "10.0.0.1"},
    {"ipv4-end-ip", "10.0.0.2"},
    {"net-device", "enable"},
    {"mesh-selector-type", "disable"},
    {"comments", "c"},
    {"certificate", "c"},
    {"peertype", "any"},
    {"peer", "p"},
    {"digital-signature-auth", "disable"},
    {"rsa-signature-format", "pss"}};

const std::map<std::string, std::string> phase2_samples{{"phase1name", "p1"},
                                                        {"proposal", "aes256gcm"},
                                                        {"pfs", "enable"},
                                                        {"dhgrp", "20"},
                                                        {"replay", "enable"},
                                                        {"replay-window", "4096"},
                                                        {"keepalive", "enable"},
                                                        {"auto-negotiate", "enable"},
                                                        {"add-route", "disable"},
                                                        {"keylife-type", "both"},
                                                        {"keylifeseconds", "600"},
                                                        {"keylifekbs", "10000"},
                                                        {"encapsulation", "tunnel-mode"},
                                                        {"protocol", "47"},
                                                        {"initiator-ts-narrow", "enable"},
                                                        {"dhcp-ipsec", "disable"},
                                                        {"single-source", "enable"},
                                                        {"route-overlap", "use-old"},
                                                        {"ipv4-df", "enable"},
                                                        {"comments", "c"},
                                                        {"src-addr-type", "subnet"},
                                                        {"dst-addr-type", "subnet"},
                                                        {"src-subnet", "10.0.0.0/8"},
                                                        {"dst-subnet", "10.0.0.0 255.0.0.0"},
                                                        {"src-subnet6", "fd00::/8"},
                                                        {"dst-subnet6", "fd00::/8"},
                                                        {"src-start-ip", "10.0.0.1"},
                                                        {"dst-start-ip", "10.0.0.1"},
                                                        {"src-end-ip", "10.0.0.2"},
                                                        {"dst-end-ip", "10.0.0.2"},
                                                        {"src-start-ip6", "fd00::1"},
                                                        {"dst-start-ip6", "fd00::1"},
                                                        {"src-end-ip6", "fd00::2"},
                                                        {"dst-end-ip6", "fd00::2"},
                                                        {"src-name", "a"},
                                                        {"dst-name", "a"},
                                                        {"src-name6", "a"},
                                                        {"dst-name6", "a"},
                                                        {"src-port", "22"},
                                                        {"dst-port", "22"}};

template <class T>
void check_table_covered(std::span<const OptionSpec<T>> table, const std::map<std::string, std::string>& samples,
                         const std::string& prefix, bool is_phase1) {
    for (const auto& spec : table) {
        INFO(spec.name);
        auto it = samples.find(spec.name);
        REQUIRE(it != samples.end());
        std::string line = "        set " + spec.name + " " + it->second + "\n";
        std::string text = is_phase1 ? prefix +
                                           "config vpn ipsec phase1-interface\n edit s\n set interface a\n"
                                           " set remote-gw 192.0.2.1\n set psksecret sample-secret\n"
                                           " set proposal aes128-sha1\n" +
                                           line + " next\nend\n"
                                     : prefix + with_phase2(line);
        auto r = parse_config(text, "cover.conf");
        std::vector<std::string> errors;
        for (const auto& d : r.diagnostics)
            if (d.severity == Diagnostic::Severity::error) errors.push_back(d.to_string());
        CHECK(errors.empty());
        // The option is recorded as set, and `unset` of it is accepted too.
        const Origin& o = is_phase1 ? r.config.phase1.back().origin : r.config.phase2.back().origin;
        CHECK(o.is_set(spec.name));
    }
    CHECK(table.size() == samples.size());
}

} // namespace

TEST_CASE("ike-config: every option of the tables has a tested sample", "[ike-config]") {
    const std::string addresses =
        "config firewall address\n edit a\n next\nend\n"
        "config firewall address6\n edit a\n next\nend\n";
    check_table_covered(phase1_options(), phase1_samples, addresses + minimal_phase1, true);
    check_table_covered(phase2_options(), phase2_samples, addresses, false);
}
