// Reads an iked configuration file (FortiOS CLI syntax) into a checked Config.
//
// Tables read: config vpn ipsec phase1-interface, config vpn ipsec
// phase2-interface, config firewall address, config firewall address6 and the
// product's own config system iked. Any other `config vpn ipsec ...` table
// (policy-based phase1/phase2, manualkey, ...) is an error; every other
// top-level table (config system interface, config firewall policy, ...) is
// skipped silently, nested tables included, so that a whole FortiGate
// backup can be read. Inside our tables an unknown option is an error.
// All errors of a file are collected; the Config is only meaningful when
// ok() is true.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/model.h"

namespace ike::config {

struct ParseResult {
    Config config;
    std::vector<Diagnostic> diagnostics; // errors and warnings in file order of discovery
    size_t error_count() const;
    bool ok() const { return error_count() == 0; }
};

// `file_name` is only used in diagnostics.
ParseResult parse_config(std::string_view text, const std::string& file_name);
// Reads the file; an unreadable file gives one error "PATH: cannot read: reason".
ParseResult load_config_file(const std::string& path);

// The exit status of `iked --check` / `ikectl check` (and of starting iked on
// a bad file): 0 ok, 2 errors.
inline constexpr int exit_config_error = 2;
// Prints every diagnostic to `err`, then "ok" to `out` when there is no error;
// returns 0 or exit_config_error.
int check_config_file(const std::string& path, std::ostream& out, std::ostream& err);

// Semantic checks over a syntactically read Config; fills the traffic
// selectors of each phase2. Called by parse_config().
void validate(Config& config, Reporter& report);

} // namespace ike::config
