#include "config/lexer.hpp"

#include <cstdio>
#include <optional>

namespace ike::config {

namespace {

std::string byte_hex(unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", c);
    return buf;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool is_bad_control(unsigned char c) { return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f; }

class LineLexer {
public:
    LineLexer(std::string_view line, unsigned number, Reporter& report)
        : s_(line), number_(number), report_(report) {}

    Line run() {
        Line out;
        while (true) {
            while (i_ < s_.size() && is_blank(s_[i_]))
                ++i_;
            if (i_ >= s_.size() || s_[i_] == '#')
                break;
            if (auto t = word(); t)
                out.words.push_back(std::move(*t));
        }
        out.end = pos(s_.size());
        // Strip a trailing CR from the end position (CRLF files).
        if (!s_.empty() && s_.back() == '\r')
            out.end.column -= 1;
        return out;
    }

private:
    SourcePos pos(size_t index) const { return {number_, static_cast<unsigned>(index + 1)}; }

    // Reads one word; nullopt when it was malformed (already reported).
    std::optional<Token> word() {
        Token t;
        t.pos = pos(i_);
        bool ok = true;
        while (i_ < s_.size() && !is_blank(s_[i_])) {
            char c = s_[i_];
            if (c == '"' || c == '\'') {
                t.quoted = true;
                ok = quoted(c, t.text) && ok;
            } else if (c == '\\') {
                ok = escape(t.text) && ok;
            } else {
                ok = plain(c, t.text) && ok;
                ++i_;
            }
        }
        if (!ok)
            return std::nullopt;
        return t;
    }

    bool plain(char c, std::string& out) {
        if (is_bad_control(static_cast<unsigned char>(c))) {
            report_.error(pos(i_), "invalid character " + byte_hex(static_cast<unsigned char>(c)));
            return false;
        }
        out += c;
        return true;
    }

    // At a backslash: appends the escaped character.
    bool escape(std::string& out) {
        size_t at = i_++;
        if (i_ >= s_.size() || s_[i_] == '\r') {
            report_.error(pos(at), "backslash at end of line");
            return false;
        }
        char c = s_[i_++];
        switch (c) {
        case 'n': out += '\n'; return true;
        case 't': out += '\t'; return true;
        case 'r': out += '\r'; return true;
        default:
            if (is_bad_control(static_cast<unsigned char>(c))) {
                report_.error(pos(i_ - 1), "invalid character " + byte_hex(static_cast<unsigned char>(c)));
                return false;
            }
            out += c;
            return true;
        }
    }

    // At an opening quote: appends the quoted text, consuming the closing quote.
    bool quoted(char quote, std::string& out) {
        size_t open = i_++;
        bool ok = true;
        while (i_ < s_.size() && s_[i_] != quote) {
            if (s_[i_] == '\\' && quote == '"') {
                ok = escape(out) && ok;
            } else if (s_[i_] == '\r' && i_ + 1 == s_.size()) {
                break; // CR of a CRLF line end
            } else {
                ok = plain(s_[i_], out) && ok;
                ++i_;
            }
        }
        if (i_ >= s_.size() || s_[i_] != quote) {
            report_.error(pos(open), "unterminated quoted string");
            i_ = s_.size();
            return false;
        }
        ++i_;
        return ok;
    }

    std::string_view s_;
    unsigned number_;
    Reporter& report_;
    size_t i_ = 0;
};

} // namespace

std::vector<Line> split_lines(std::string_view text, Reporter& report) {
    std::vector<Line> lines;
    unsigned number = 0;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        size_t end = nl == std::string_view::npos ? text.size() : nl;
        ++number;
        size_t errors_before = report.error_count();
        Line line = LineLexer(text.substr(start, end - start), number, report).run();
        // A line with a lexical error is dropped whole: its words are not
        // trustworthy, and a half-read `set` would only add a second error.
        if (!line.words.empty() && report.error_count() == errors_before)
            lines.push_back(std::move(line));
        start = end + 1;
    }
    return lines;
}

} // namespace ike::config
