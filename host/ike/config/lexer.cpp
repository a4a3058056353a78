#include "config/lexer.h"

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

// Lexes one line of `text` from `start`; a quoted PEM block may carry it
// over several lines of the file.
class LineLexer {
public:
    LineLexer(std::string_view text, size_t start, unsigned number, Reporter& report)
        : s_(text), number_(number), line_start_(start), report_(report), i_(start) {}

    Line run() {
        Line out;
        while (true) {
            while (i_ < s_.size() && is_blank(s_[i_])) ++i_;
            if (i_ < s_.size() && s_[i_] == '#')
                while (i_ < s_.size() && s_[i_] != '\n') ++i_;
            if (i_ >= s_.size() || s_[i_] == '\n') break;
            if (auto t = word(); t) out.words.push_back(std::move(*t));
        }
        out.end = pos(i_);
        // Strip a trailing CR from the end position (CRLF files).
        if (i_ > line_start_ && s_[i_ - 1] == '\r') out.end.column -= 1;
        return out;
    }

    size_t end() const { return i_; }              // the LF that ended the line, or the text's size
    unsigned last_line() const { return number_; } // later than the first after a multi-line value

private:
    SourcePos pos(size_t index) const { return {number_, static_cast<unsigned>(index - line_start_ + 1)}; }
    bool at_line_end(size_t k) const { return k >= s_.size() || s_[k] == '\n'; }

    // Reads one word; nullopt when it was malformed (already reported).
    std::optional<Token> word() {
        Token t;
        t.pos = pos(i_);
        bool ok = true;
        while (!at_line_end(i_) && !is_blank(s_[i_])) {
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
        if (!ok) return std::nullopt;
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
        if (at_line_end(i_) || s_[i_] == '\r') {
            report_.error(pos(at), "backslash at end of line");
            return false;
        }
        char c = s_[i_++];
        switch (c) {
            case 'n':
                out += '\n';
                return true;
            case 't':
                out += '\t';
                return true;
            case 'r':
                out += '\r';
                return true;
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
    // A double-quoted value that starts with a PEM header ("-----BEGIN ") may
    // span lines, as FortiOS writes certificates and keys.
    bool quoted(char quote, std::string& out) {
        SourcePos open = pos(i_++);
        bool multiline = quote == '"' && s_.substr(i_).starts_with("-----BEGIN ");
        bool ok = true;
        while (i_ < s_.size() && s_[i_] != quote) {
            bool crlf = s_[i_] == '\r' && at_line_end(i_ + 1);
            if ((s_[i_] == '\n' || crlf) && !multiline) {
                break;
            } else if (crlf) {
                ++i_;
            } else if (s_[i_] == '\n') {
                out += '\n';
                line_start_ = ++i_;
                ++number_;
            } else if (s_[i_] == '\\' && quote == '"') {
                ok = escape(out) && ok;
            } else {
                ok = plain(s_[i_], out) && ok;
                ++i_;
            }
        }
        if (i_ >= s_.size() || s_[i_] != quote) {
            report_.error(open, "unterminated quoted string");
            while (!at_line_end(i_)) ++i_;
            return false;
        }
        ++i_;
        return ok;
    }

    std::string_view s_;
    unsigned number_;
    size_t line_start_;
    Reporter& report_;
    size_t i_;
};

} // namespace

std::vector<Line> split_lines(std::string_view text, Reporter& report) {
    std::vector<Line> lines;
    unsigned number = 1;
    size_t start = 0;
    while (start < text.size()) {
        size_t errors_before = report.error_count();
        LineLexer lexer(text, start, number, report);
        Line line = lexer.run();
        // A line with a lexical error is dropped whole: its words are not
        // trustworthy, and a half-read `set` would only add a second error.
        if (!line.words.empty() && report.error_count() == errors_before) lines.push_back(std::move(line));
        number = lexer.last_line() + 1;
        start = lexer.end() + 1;
    }
    return lines;
}

} // namespace ike::config
