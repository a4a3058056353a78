// sa_file.h: a file of SA specs, one per line (sa_spec.h syntax). Blank lines and
// '#' comments are skipped; a line ending in a backslash continues on the next.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "sa_spec.h"

namespace esphost {

struct SaFileEntry {
    SaSpec spec;
    unsigned line = 0; // first line of the entry (1-based)
};

// A bad line or an unreadable file; what() is "FILE:LINE: message" (or "FILE: message").
class SaFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::vector<SaFileEntry> load_sa_file(const std::string& path); // throws SaFileError

// The same on text already in memory; `name` is used in messages.
std::vector<SaFileEntry> parse_sa_text(const std::string& text, const std::string& name);

} // namespace esphost
