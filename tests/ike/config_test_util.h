// Helpers for the ike-config tests: parse a text, list its messages.
#pragma once

#include <string>
#include <vector>

#include "config/parser.h"

namespace ike_config_test {

inline std::vector<std::string> messages(const ike::config::ParseResult& r) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics) out.push_back(d.to_string());
    return out;
}

inline std::vector<std::string> errors_of(const std::string& text, const std::string& file = "a.conf") {
    auto r = ike::config::parse_config(text, file);
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics)
        if (d.severity == ike::config::Diagnostic::Severity::error) out.push_back(d.to_string());
    return out;
}

// A valid phase1 to which phase2 tests attach (name "p1").
inline const char* const minimal_phase1 =
    "config vpn ipsec phase1-interface\n"
    "    edit \"p1\"\n"
    "        set interface \"port1\"\n"
    "        set remote-gw 192.0.2.2\n"
    "        set psksecret \"s3cret-psk\"\n"
    "        set proposal aes128gcm-prfsha256\n"
    "    next\n"
    "end\n";

// minimal_phase1 plus one phase2 "t" with the given `set` lines (each a full line).
inline std::string with_phase2(const std::string& set_lines) {
    return std::string(minimal_phase1) + "config vpn ipsec phase2-interface\n    edit \"t\"\n" +
           "        set phase1name \"p1\"\n" + set_lines + "    next\nend\n";
}

} // namespace ike_config_test
