// Each class of error, with its exact FILE:LINE:COLUMN and, for enumerations,
// the list of valid values. Set lines added by with_phase2() start at line 12,
// those added by phase1_with() at line 7; "        set NAME " puts the value
// at column 14 + strlen(NAME).
#include <catch2/catch.hpp>

#include "config_test_util.h"

using ike_config_test::errors_of;
using ike_config_test::with_phase2;
using Msgs = std::vector<std::string>;

namespace {

std::string phase1_with(const std::string& lines) {
    return "config vpn ipsec phase1-interface\n    edit \"p1\"\n        set interface \"port1\"\n"
           "        set remote-gw 192.0.2.2\n        set psksecret \"s3cret-psk\"\n"
           "        set proposal aes128gcm-prfsha256\n" +
           lines + "    next\nend\n";
}

} // namespace

TEST_CASE("ike-config: unknown enumeration values name the valid ones", "[ike-config]") {
    CHECK(errors_of(with_phase2("        set proposal aes128gcm aes129gcm\n")) ==
          Msgs{"a.conf:12:32: unknown value 'aes129gcm' for proposal; valid: aes128gcm aes256gcm chacha20poly1305 "
               "aes128-sha1 aes128-sha256 aes128-sha384 aes128-sha512 aes192-sha1 aes192-sha256 aes192-sha384 "
               "aes192-sha512 aes256-sha1 aes256-sha256 aes256-sha384 aes256-sha512 null-sha1 null-sha256 "
               "null-sha384 null-sha512"});
    CHECK(errors_of(phase1_with("        set proposal 3des-sha1\n")) ==
          Msgs{"a.conf:7:22: unknown value '3des-sha1' for proposal; valid: aes128gcm-prfsha1 aes128gcm-prfsha256 "
               "aes128gcm-prfsha384 aes128gcm-prfsha512 aes256gcm-prfsha1 aes256gcm-prfsha256 aes256gcm-prfsha384 "
               "aes256gcm-prfsha512 chacha20poly1305-prfsha1 chacha20poly1305-prfsha256 chacha20poly1305-prfsha384 "
               "chacha20poly1305-prfsha512 aes128-sha1 aes128-sha256 aes128-sha384 aes128-sha512 aes192-sha1 "
               "aes192-sha256 aes192-sha384 aes192-sha512 aes256-sha1 aes256-sha256 aes256-sha384 aes256-sha512"});
    CHECK(errors_of(phase1_with("        set dpd sometimes\n")) ==
          Msgs{"a.conf:7:17: unknown value 'sometimes' for dpd; valid: disable on-idle on-demand"});
    CHECK(errors_of(phase1_with("        set nattraversal yes\n")) ==
          Msgs{"a.conf:7:26: unknown value 'yes' for nattraversal; valid: enable disable forced"});
    CHECK(errors_of(with_phase2("        set pfs on\n")) ==
          Msgs{"a.conf:12:17: unknown value 'on' for pfs; valid: enable disable"});
    CHECK(errors_of(with_phase2("        set src-addr-type subnet4\n")) ==
          Msgs{"a.conf:12:27: unknown value 'subnet4' for src-addr-type; valid: subnet range ip name subnet6 "
               "range6 ip6 name6"});
    CHECK(errors_of(with_phase2("        set encapsulation tunnel\n")) ==
          Msgs{"a.conf:12:27: unknown value 'tunnel' for encapsulation; valid: tunnel-mode transport-mode"});
    CHECK(errors_of(with_phase2("        set keylife-type bytes\n")) ==
          Msgs{"a.conf:12:26: unknown value 'bytes' for keylife-type; valid: seconds kbs both"});
    CHECK(errors_of(with_phase2("        set add-route always\n")) ==
          Msgs{"a.conf:12:23: unknown value 'always' for add-route; valid: phase1 enable disable"});
    CHECK(errors_of(with_phase2("        set route-overlap new\n")) ==
          Msgs{"a.conf:12:27: unknown value 'new' for route-overlap; valid: use-old use-new allow"});
    CHECK(errors_of(phase1_with("        set mesh-selector-type net\n")) ==
          Msgs{"a.conf:7:32: unknown value 'net' for mesh-selector-type; valid: disable subnet host"});
}

TEST_CASE("ike-config: DH groups are 1 2 5 14..32 in both phases", "[ike-config]") {
    const std::string valid = "valid: 1 2 5 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32";
    CHECK(errors_of(phase1_with("        set dhgrp 14 13 33 x\n")) ==
          Msgs{"a.conf:7:22: unknown value '13' for dhgrp; " + valid,
               "a.conf:7:25: unknown value '33' for dhgrp; " + valid,
               "a.conf:7:28: unknown value 'x' for dhgrp; " + valid});
    CHECK(errors_of(with_phase2("        set dhgrp 22 26 22\n")) ==
          Msgs{"a.conf:12:25: duplicate value '22' for dhgrp"});
    CHECK(errors_of(with_phase2("        set dhgrp 1 2 5 14 22 23 24 25 26 32\n")).empty());
    CHECK(errors_of(with_phase2("        set dhgrp\n")) ==
          Msgs{"a.conf:12:18: missing value for 'dhgrp': expected one or more DH groups (1 2 5 14 15 16 17 18 19 "
               "20 21 22 23 24 25 26 27 28 29 30 31 32)"});
}

TEST_CASE("ike-config: numbers out of range give the range", "[ike-config]") {
    CHECK(errors_of(phase1_with("        set keylife 119\n")) ==
          Msgs{"a.conf:7:21: value 119 out of range for keylife; valid: 120-172800"});
    CHECK(errors_of(phase1_with("        set keylife 172801\n")) ==
          Msgs{"a.conf:7:21: value 172801 out of range for keylife; valid: 120-172800"});
    CHECK(errors_of(phase1_with("        set keylife 1h\n")) ==
          Msgs{"a.conf:7:21: '1h' is not a number for keylife; valid: 120-172800"});
    CHECK(errors_of(phase1_with("        set keylife -5\n")) ==
          Msgs{"a.conf:7:21: '-5' is not a number for keylife; valid: 120-172800"});
    CHECK(errors_of(with_phase2("        set keylifeseconds 119\n")) ==
          Msgs{"a.conf:12:28: value 119 out of range for keylifeseconds; valid: 120-172800"});
    CHECK(errors_of(with_phase2("        set keylifekbs 5119\n")) ==
          Msgs{"a.conf:12:24: value 5119 out of range for keylifekbs; valid: 5120-4294967295"});
    CHECK(errors_of(with_phase2("        set keylifekbs 4294967296\n")) ==
          Msgs{"a.conf:12:24: value 4294967296 out of range for keylifekbs; valid: 5120-4294967295"});
    CHECK(errors_of(with_phase2("        set keylifekbs 99999999999999999999999\n")) ==
          Msgs{"a.conf:12:24: value 99999999999999999999999 out of range for keylifekbs; valid: 5120-4294967295"});
    CHECK(errors_of(with_phase2("        set src-port 65536\n")) ==
          Msgs{"a.conf:12:22: value 65536 out of range for src-port; valid: 0-65535"});
    CHECK(errors_of(with_phase2("        set protocol 256\n")) ==
          Msgs{"a.conf:12:22: value 256 out of range for protocol; valid: 0-255"});
    CHECK(errors_of(with_phase2("        set replay-window 31\n")) ==
          Msgs{"a.conf:12:27: value 31 out of range for replay-window; valid: 32-4096"});
    CHECK(errors_of(with_phase2("        set replay-window 4097\n")) ==
          Msgs{"a.conf:12:27: value 4097 out of range for replay-window; valid: 32-4096"});
    CHECK(errors_of(phase1_with("        set dpd-retrycount 11\n")) ==
          Msgs{"a.conf:7:28: value 11 out of range for dpd-retrycount; valid: 0-10"});
}

TEST_CASE("ike-config: addresses, netmasks and ranges", "[ike-config]") {
    CHECK(errors_of(with_phase2("        set src-subnet 10.1.0.0 255.0.255.0\n")) ==
          Msgs{"a.conf:12:33: netmask '255.0.255.0' is not contiguous"});
    CHECK(errors_of(with_phase2("        set src-subnet 10.1.0.0 255.255.255.256\n")) ==
          Msgs{"a.conf:12:33: invalid netmask '255.255.255.256' for src-subnet"});
    CHECK(errors_of(with_phase2("        set dst-subnet 10.1.0/24\n")) ==
          Msgs{"a.conf:12:24: invalid IPv4 address '10.1.0' for dst-subnet"});
    CHECK(errors_of(with_phase2("        set dst-subnet 10.1.0.0/33\n")) ==
          Msgs{"a.conf:12:33: value 33 out of range for dst-subnet; valid: 0-32"});
    CHECK(errors_of(with_phase2("        set dst-subnet 10.1.0.0\n")) ==
          Msgs{"a.conf:12:32: missing netmask for 'dst-subnet': expected A.B.C.D M.M.M.M or A.B.C.D/N"});
    CHECK(errors_of(with_phase2("        set src-addr-type subnet6\n        set dst-addr-type subnet6\n"
                                "        set src-subnet6 2001:db8::\n")) ==
          Msgs{"a.conf:14:25: missing prefix length in '2001:db8::' for src-subnet6: expected X:X::X/N"});
    CHECK(errors_of(phase1_with("        set local-gw 2001:db8::1\n")) ==
          Msgs{"a.conf:7:22: invalid IPv4 address '2001:db8::1' for local-gw"});
    CHECK(errors_of(with_phase2("        set src-addr-type range\n        set src-start-ip 10.0.0.9\n"
                                "        set src-end-ip 10.0.0.1\n")) ==
          Msgs{"a.conf:14:24: src-end-ip 10.0.0.1 is below src-start-ip 10.0.0.9"});
    CHECK(errors_of(with_phase2("        set dst-addr-type range6\n        set src-addr-type range6\n"
                                "        set dst-start-ip6 ::9\n        set dst-end-ip6 ::1\n"
                                "        set src-start-ip6 ::1\n        set src-end-ip6 ::1\n")) ==
          Msgs{"a.conf:15:25: dst-end-ip6 ::1 is below dst-start-ip6 ::9"});
    CHECK(errors_of(with_phase2("        set src-addr-type range\n        set src-start-ip 10.0.0.1\n")) ==
          Msgs{"a.conf:12:27: src-end-ip is required for src-addr-type range"});
    CHECK(errors_of(with_phase2("        set dst-addr-type ip\n")) ==
          Msgs{"a.conf:12:27: dst-start-ip is required for dst-addr-type ip"});
    // Host bits are a warning (the network is used), not an error.
    CHECK(errors_of(with_phase2("        set src-subnet 10.1.0.5/24\n")).empty());
}

TEST_CASE("ike-config: IPv4 and IPv6 selectors do not mix", "[ike-config]") {
    CHECK(errors_of(with_phase2("        set src-addr-type subnet\n        set dst-addr-type subnet6\n")) ==
          Msgs{"a.conf:13:27: src-addr-type subnet and dst-addr-type subnet6 mix IPv4 and IPv6; both selectors "
               "must be of one family"});
    CHECK(errors_of(with_phase2("        set src-addr-type ip6\n        set src-start-ip6 ::1\n")) ==
          Msgs{"a.conf:12:27: src-addr-type ip6 and dst-addr-type subnet mix IPv4 and IPv6; both selectors must "
               "be of one family"});
    CHECK(errors_of(phase1_with("        set remote-gw6 2001:db8::2\n")) ==
          Msgs{"a.conf:7:24: remote-gw6 does not match ip-version 4"});
}

TEST_CASE("ike-config: references, duplicates and required options", "[ike-config]") {
    std::string p2 = std::string(ike_config_test::minimal_phase1) +
                     "config vpn ipsec phase2-interface\n"
                     "    edit \"t\"\n"
                     "        set phase1name \"p2\"\n"
                     "    next\n"
                     "    edit \"t\"\n"
                     "        set phase1name \"p1\"\n"
                     "    next\n"
                     "    edit \"u\"\n"
                     "    next\n"
                     "end\n";
    CHECK(errors_of(p2) == Msgs{"a.conf:11:24: unknown phase1 'p2'; defined: p1",
                                "a.conf:13:10: duplicate edit 't' in phase2-interface (first at line 10)",
                                "a.conf:16:10: phase2-interface 'u': phase1name is required"});
    CHECK(errors_of("config vpn ipsec phase1-interface\n edit \"e\"\n next\nend\n") ==
          Msgs{"a.conf:2:7: phase1-interface 'e': interface is required",
               "a.conf:2:7: phase1-interface 'e': psksecret is required (authmethod psk)",
               "a.conf:2:7: phase1-interface 'e': proposal is required; valid: " + ike::config::ike_proposal_names(),
               "a.conf:2:7: phase1-interface 'e': remote-gw is required for type static (ip-version 4)"});
    CHECK(errors_of("config vpn ipsec phase1-interface\n edit a-name-of-16-chr\n next\nend\n") ==
          Msgs{"a.conf:2:7: phase1-interface name 'a-name-of-16-chr' is longer than 15 characters"});
    CHECK(errors_of(with_phase2("        set src-addr-type name\n        set src-name \"lan\"\n")) ==
          Msgs{"a.conf:13:22: unknown firewall address 'lan' (define it in config firewall address)"});
    CHECK(errors_of(with_phase2("        set src-addr-type name\n")) ==
          Msgs{"a.conf:12:27: src-name is required for src-addr-type name"});
    CHECK(errors_of("config firewall address\n edit r\n set type iprange\n set start-ip 10.0.0.2\n"
                    " set end-ip 10.0.0.1\n next\n edit s\n set type fqdn\n next\nend\n") ==
          Msgs{"a.conf:5:13: end-ip 10.0.0.1 is below start-ip 10.0.0.2",
               "a.conf:8:11: unknown value 'fqdn' for type; valid: ipmask iprange"});
}

TEST_CASE("ike-config: unsupported features are rejected clearly", "[ike-config]") {
    CHECK(errors_of(phase1_with("        set ike-version 1\n")) ==
          Msgs{"a.conf:7:25: IKEv1 is not supported: ike-version must be 2"});
    CHECK(errors_of(phase1_with("        set ike-version 3\n")) ==
          Msgs{"a.conf:7:25: unknown value '3' for ike-version; valid: 2"});
    CHECK(errors_of(phase1_with("        set authmethod signature\n")) ==
          Msgs{"a.conf:7:24: phase1-interface 'p1': authmethod signature needs certificate (a vpn certificate local)",
               "a.conf:7:24: phase1-interface 'p1': authmethod signature needs a config vpn certificate ca entry to "
               "verify the peer's certificate"});
    CHECK(errors_of(phase1_with("        set type ddns\n")) ==
          Msgs{"a.conf:7:18: type ddns is not supported (iked has no DNS resolver); valid: static dynamic"});
    CHECK(errors_of(phase1_with("        set psksecret ENC abcdef==\n")) ==
          Msgs{"a.conf:7:23: psksecret is encrypted (ENC ...) by a FortiGate and cannot be read here; set it in "
               "clear text"});
    CHECK(errors_of(phase1_with("        set psksecret short\n")) ==
          Msgs{"a.conf:7:23: psksecret must be 6 to 128 characters long (got 5)"});
    CHECK(errors_of(phase1_with("        set mode-cfg enable\n")) ==
          Msgs{"a.conf:7:22: mode-cfg requires type dynamic (dial-up)",
               "a.conf:7:22: mode-cfg with assign-ip needs ipv4-start-ip and ipv4-end-ip"});
    CHECK(errors_of(phase1_with("        set mesh-selector-type host\n")) ==
          Msgs{"a.conf:7:32: mesh-selector-type requires type dynamic (dial-up)"});
    CHECK(errors_of(with_phase2("        set dhcp-ipsec enable\n")) ==
          Msgs{"a.conf:12:24: dhcp-ipsec enable is not supported (FortiOS offers it for policy-based VPNs only; "
               "iked has route-based tunnels); valid: disable"});
    CHECK(errors_of("config vpn ipsec phase1\n    edit x\n        config a\n        end\n    next\nend\n") ==
          Msgs{"a.conf:1:8: unsupported table 'config vpn ipsec phase1': iked configures route-based tunnels only "
               "(config vpn ipsec phase1-interface / phase2-interface)"});
}

TEST_CASE("ike-config: options and syntax errors", "[ike-config]") {
    CHECK(errors_of(phase1_with("        set keylif 600\n")) ==
          Msgs{"a.conf:7:13: unknown option 'keylif' in phase1-interface; did you mean 'keylife'?"});
    CHECK(errors_of(phase1_with("        set wizard-type custom\n")) ==
          Msgs{"a.conf:7:13: unknown option 'wizard-type' in phase1-interface"});
    CHECK(errors_of(phase1_with("        set keylife 600 700\n")) ==
          Msgs{"a.conf:7:25: too many values for 'keylife': expected a number, got extra '700'"});
    CHECK(errors_of(phase1_with("        set keylife\n")) ==
          Msgs{"a.conf:7:20: missing value for 'keylife': expected a number"});
    CHECK(errors_of(phase1_with("        unset keylife 5\n")) == Msgs{"a.conf:7:23: 'unset keylife' takes no value"});
    CHECK(errors_of(phase1_with("        set\n")) == Msgs{"a.conf:7:12: missing option name after 'set'"});
    CHECK(errors_of(phase1_with("        set localid \"open\n")) == Msgs{"a.conf:7:21: unterminated quoted string"});
    CHECK(errors_of(phase1_with("        set localid a\\qb\x01x\n")) == Msgs{"a.conf:7:25: invalid character 0x01"});
    CHECK(errors_of(phase1_with("        sett keylife 600\n")) ==
          Msgs{"a.conf:7:9: unexpected 'sett' in edit 'p1'; expected set, unset, next or end"});
    CHECK(errors_of("hello\nconfig vpn ipsec phase1-interface\n set x 1\nend\n") ==
          Msgs{"a.conf:1:1: expected 'config' at top level, got 'hello'",
               "a.conf:3:2: unexpected 'set' in phase1-interface; expected 'edit' or 'end'"});
    CHECK(errors_of("config vpn ipsec phase2-interface\n edit t\n set phase1name p1\n") ==
          Msgs{"a.conf:1:1: 'config ... phase2-interface' is never closed with 'end'",
               "a.conf:2:2: edit 't' is never closed with 'next'",
               "a.conf:3:17: unknown phase1 'p1'; defined: (none)"});
    CHECK(errors_of("config system interface\n edit x\n") ==
          Msgs{"a.conf:1:1: 'config system interface' is never closed with 'end'"});
    CHECK(errors_of(phase1_with("        config ipv6\n            set a b\n        end\n")) ==
          Msgs{"a.conf:7:9: sub-table 'config ipv6' is not supported in phase1-interface"});
    CHECK(errors_of("config system iked\n set control-socket run/iked.sock\n set log 1\nend\n") ==
          Msgs{"a.conf:2:21: control-socket must be an absolute path of at most 107 bytes",
               "a.conf:3:6: unknown option 'log' in system iked"});
    CHECK(errors_of("config vpn ipsec phase1-interface\nend extra\n") ==
          Msgs{"a.conf:2:5: unexpected 'extra' after 'end'"});
}

TEST_CASE("ike-config: all errors of a file are reported, not only the first", "[ike-config]") {
    auto errors = errors_of(phase1_with("        set keylife 1\n        set dpd x\n        set dhgrp 99\n"
                                        "        set bogus 1\n"),
                            "b.conf");
    REQUIRE(errors.size() == 4);
    CHECK(errors[0].rfind("b.conf:7:", 0) == 0);
    CHECK(errors[1].rfind("b.conf:8:", 0) == 0);
    CHECK(errors[2].rfind("b.conf:9:", 0) == 0);
    CHECK(errors[3].rfind("b.conf:10:", 0) == 0);
}

TEST_CASE("ike-config: unreadable file", "[ike-config]") {
    auto r = ike::config::load_config_file("/nonexistent/iked.conf");
    CHECK_FALSE(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].to_string() == "/nonexistent/iked.conf: cannot read: No such file or directory");
}
