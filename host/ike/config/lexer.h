// Splits a FortiOS CLI file into lines of words. Words are separated by
// blanks; "double" or 'single' quotes keep blanks inside a word; a backslash
// escapes the next character (\n, \t and \r stand for control characters);
// `#` at the start of a word comments out the rest of the line. LF and CRLF
// line ends are both accepted. A "double-quoted" value starting with
// -----BEGIN (PEM) may continue over several lines. Control characters other than tab are errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"

namespace ike::config {

struct Token {
    std::string text;
    SourcePos pos; // first character of the word (the quote if quoted)
    bool quoted = false;
};

struct Line {
    std::vector<Token> words;
    SourcePos end; // just past the last character, for "missing value" errors
};

// Lines without any word are dropped.
std::vector<Line> split_lines(std::string_view text, Reporter& report);

} // namespace ike::config
