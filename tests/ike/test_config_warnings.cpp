// ike-config: options iked reads whose FortiOS behaviour it does not have
// are named at load with file, line and column; those it implements are
// quiet (their behaviour is tested in ike_protocol_tests).
#include <catch2/catch.hpp>

#include "config_test_util.h"

using namespace ike_config_test;
using Msgs = std::vector<std::string>;

namespace {

Msgs warnings_of(const std::string& text) {
    auto r = ike::config::parse_config(text, "w.conf");
    REQUIRE(r.ok());
    return messages(r);
}

std::string phase1_with(const std::string& lines) {
    return "config vpn ipsec phase1-interface\n"
           "    edit \"p1\"\n"
           "        set interface \"port1\"\n"
           "        set remote-gw 192.0.2.2\n"
           "        set psksecret \"s3cret-psk\"\n"
           "        set proposal aes128gcm-prfsha256\n" +
           lines + "    next\nend\n";
}

} // namespace

TEST_CASE("ike-config: phase2 options without their FortiOS behaviour warn with their line", "[ike-config]") {
    // with_phase2 puts the first `set` line at line 12.
    CHECK(warnings_of(with_phase2("        set initiator-ts-narrow disable\n")) ==
          Msgs{"w.conf:12:33: warning: initiator-ts-narrow disable is not implemented: as initiator iked accepts "
               "selectors the responder narrowed (as with enable)"});
    CHECK(warnings_of(with_phase2("        set single-source enable\n")) ==
          Msgs{"w.conf:12:27: warning: single-source enable is not implemented: any source address within the "
               "selectors is used"});
    CHECK(warnings_of(with_phase2("        set route-overlap use-old\n")) ==
          Msgs{"w.conf:12:27: warning: route-overlap use-old is not implemented: overlapping routes of phase2s are "
               "all kept (as with allow)"});
    CHECK(warnings_of(with_phase2("        set route-overlap use-new\n")).size() == 1);
    CHECK(warnings_of(with_phase2("        set ipv4-df enable\n")) ==
          Msgs{"w.conf:12:21: warning: ipv4-df enable is not implemented: the accelerator clears DF in the outer "
               "IPv4 header"});
    // The values iked does have, and the defaults, are quiet.
    CHECK(warnings_of(with_phase2("        set initiator-ts-narrow enable\n"
                                  "        set single-source disable\n"
                                  "        set route-overlap allow\n"
                                  "        set ipv4-df disable\n"))
              .empty());
    CHECK(warnings_of(with_phase2("")).empty());
}

TEST_CASE("ike-config: fragmentation, fragmentation-mtu, negotiate-timeout, nattraversal forced", "[ike-config]") {
    auto r = ike::config::parse_config(phase1_with("        set fragmentation-mtu 500\n"
                                                   "        set negotiate-timeout 7\n"
                                                   "        set nattraversal forced\n"),
                                       "w.conf");
    REQUIRE(r.ok());
    CHECK(r.diagnostics.empty());
    CHECK(r.config.phase1[0].fragmentation_mtu == 500);
    CHECK(r.config.phase1[0].fragmentation);
    CHECK(r.config.phase1[0].negotiate_timeout == 7);
    CHECK(warnings_of(phase1_with("        set fragmentation disable\n"
                                  "        set fragmentation-mtu 1400\n")) ==
          Msgs{"w.conf:8:31: warning: fragmentation-mtu is ignored: fragmentation is disabled"});
    CHECK(errors_of(phase1_with("        set fragmentation-mtu 499\n"), "w.conf") ==
          Msgs{"w.conf:7:31: value 499 out of range for fragmentation-mtu; valid: 500-16000"});
    CHECK(errors_of(phase1_with("        set fragmentation-mtu 16001\n"), "w.conf") ==
          Msgs{"w.conf:7:31: value 16001 out of range for fragmentation-mtu; valid: 500-16000"});
}
