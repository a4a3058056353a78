#include "config/parser.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <ostream>

#include "config/lexer.h"
#include "config/options.h"

namespace ike::config {

namespace {

std::string join_words(const Line& line, size_t from) {
    std::string s;
    for (size_t k = from; k < line.words.size(); ++k) s += (s.empty() ? "" : " ") + line.words[k].text;
    return s;
}

class Parser {
public:
    Parser(const std::vector<Line>& lines, Config& config, Reporter& report)
        : lines_(lines), config_(config), report_(report) {}

    void run() {
        while (i_ < lines_.size()) {
            const Line& line = lines_[i_++];
            const Token& w0 = line.words[0];
            if (w0.text == "config")
                open_table(line);
            else
                report_.error(w0.pos, "expected 'config' at top level, got '" + w0.text + "'");
        }
    }

private:
    enum class Close { next, end, eof };

    void open_table(const Line& line) {
        std::string path = join_words(line, 1);
        const Token& w0 = line.words[0];
        if (path.empty()) {
            report_.error(line.end, "missing table name after 'config'");
            return;
        }
        if (path == "vpn ipsec phase1-interface")
            edit_table(config_.phase1, phase1_options(), "phase1-interface", w0, [] { return Phase1{}; });
        else if (path == "vpn ipsec phase2-interface")
            edit_table(config_.phase2, phase2_options(), "phase2-interface", w0, [] { return Phase2{}; });
        else if (path == "firewall address")
            edit_table(config_.addresses, address_options(false), "firewall address", w0,
                       [] { return FirewallAddress(false); });
        else if (path == "firewall address6")
            edit_table(config_.addresses, address_options(true), "firewall address6", w0,
                       [] { return FirewallAddress(true); });
        else if (path == "system iked")
            settings_table(w0);
        else if (path == "vpn certificate local")
            edit_table(config_.local_certificates, local_certificate_options(), "vpn certificate local", w0,
                       [] { return LocalCertificate{}; });
        else if (path == "vpn certificate ca")
            edit_table(config_.ca_certificates, ca_certificate_options(), "vpn certificate ca", w0,
                       [] { return CaCertificate{}; });
        else if (path == "user peer")
            edit_table(config_.user_peers, user_peer_options(), "user peer", w0, [] { return UserPeer{}; });
        else {
            if (path.rfind("vpn ipsec ", 0) == 0)
                report_.error(line.words[1].pos, "unsupported table 'config " + path +
                                                     "': iked configures route-based tunnels only "
                                                     "(config vpn ipsec phase1-interface / phase2-interface)");
            skip_table(w0, path);
        }
    }

    // Skips to the `end` matching an already read `config`, nested tables included.
    void skip_table(const Token& opened, const std::string& path) {
        unsigned depth = 1;
        while (i_ < lines_.size()) {
            const std::string& w = lines_[i_++].words[0].text;
            if (w == "config")
                ++depth;
            else if (w == "end" && --depth == 0)
                return;
        }
        unclosed(opened, path);
    }

    void unclosed(const Token& opened, const std::string& path) {
        report_.error(opened.pos, "'config " + path + "' is never closed with 'end'");
    }

    bool no_extra_words(const Line& line, size_t expected) {
        if (line.words.size() <= expected) return true;
        report_.error(line.words[expected].pos,
                      "unexpected '" + line.words[expected].text + "' after '" + line.words[0].text + "'");
        return false;
    }

    template <class T, class Make>
    void edit_table(std::vector<T>& entries, std::span<const OptionSpec<T>> options, const std::string& table,
                    const Token& opened, Make make) {
        while (i_ < lines_.size()) {
            const Line& line = lines_[i_++];
            const Token& w0 = line.words[0];
            if (w0.text == "end") {
                no_extra_words(line, 1);
                return;
            }
            if (w0.text == "edit") {
                T entry = make();
                bool keep = begin_entry(line, entries, entry, table);
                Close how = entry_body(entry, options, table, line);
                if (keep) entries.push_back(std::move(entry));
                if (how == Close::end) return;
                if (how == Close::eof) break;
            } else if (w0.text == "config") {
                nested_table(line, table);
            } else {
                report_.error(w0.pos, "unexpected '" + w0.text + "' in " + table + "; expected 'edit' or 'end'");
            }
        }
        unclosed(opened, "... " + table);
    }

    // Reads `edit NAME`; false when the entry must not be kept (bad or duplicate name).
    template <class T>
    bool begin_entry(const Line& line, const std::vector<T>& entries, T& entry, const std::string& table) {
        if (line.words.size() < 2) {
            report_.error(line.end, "missing name after 'edit'");
            return false;
        }
        const Token& name = line.words[1];
        entry.name = name.text;
        entry.origin.defined_at = name.pos;
        if (!no_extra_words(line, 2)) return false;
        if (name.text.empty()) {
            report_.error(name.pos, "empty name after 'edit'");
            return false;
        }
        if constexpr (std::is_same_v<T, Phase1>) {
            // It names a network interface (net-device, routes): IFNAMSIZ - 1.
            if (name.text.size() > 15) {
                report_.error(name.pos, "phase1-interface name '" + name.text + "' is longer than 15 characters");
                return false;
            }
        }
        for (const auto& e : entries) {
            bool same_table = true;
            if constexpr (std::is_same_v<T, FirewallAddress>) same_table = e.v6 == entry.v6;
            if (same_table && e.name == name.text) {
                report_.error(name.pos, "duplicate edit '" + name.text + "' in " + table + " (first at line " +
                                            std::to_string(e.origin.defined_at.line) + ")");
                return false;
            }
        }
        return true;
    }

    template <class T>
    Close entry_body(T& entry, std::span<const OptionSpec<T>> options, const std::string& table, const Line& edit) {
        while (i_ < lines_.size()) {
            const Line& line = lines_[i_++];
            const std::string& w = line.words[0].text;
            if (w == "set" || w == "unset") {
                apply_option(options, table, entry, entry.origin, line, report_);
            } else if (w == "next" || w == "end") {
                no_extra_words(line, 1);
                return w == "next" ? Close::next : Close::end;
            } else if (w == "edit") {
                report_.error(line.words[0].pos, "'edit' before 'next' closes edit '" + entry.name + "'");
                --i_; // read it again as the next entry
                return Close::next;
            } else if (w == "config") {
                nested_table(line, table);
            } else {
                report_.error(line.words[0].pos,
                              "unexpected '" + w + "' in edit '" + entry.name + "'; expected set, unset, next or end");
            }
        }
        report_.error(edit.words[0].pos, "edit '" + entry.name + "' is never closed with 'next'");
        return Close::eof;
    }

    void nested_table(const Line& line, const std::string& table) {
        std::string path = join_words(line, 1);
        report_.error(line.words[0].pos, "sub-table 'config " + path + "' is not supported in " + table);
        skip_table(line.words[0], path);
    }

    void settings_table(const Token& opened) {
        Origin origin;
        while (i_ < lines_.size()) {
            const Line& line = lines_[i_++];
            const std::string& w = line.words[0].text;
            if (w == "end") {
                no_extra_words(line, 1);
                return;
            }
            if (w == "set" || w == "unset")
                apply_option(iked_options(), "system iked", config_, origin, line, report_);
            else
                report_.error(line.words[0].pos, "unexpected '" + w + "' in system iked; expected set, unset or end");
        }
        unclosed(opened, "system iked");
    }

    const std::vector<Line>& lines_;
    Config& config_;
    Reporter& report_;
    size_t i_ = 0;
};

} // namespace

size_t ParseResult::error_count() const {
    size_t n = 0;
    for (const auto& d : diagnostics) n += d.severity == Diagnostic::Severity::error;
    return n;
}

ParseResult parse_config(std::string_view text, const std::string& file_name) {
    ParseResult result;
    Reporter report(file_name);
    std::vector<Line> lines = split_lines(text, report);
    Parser(lines, result.config, report).run();
    validate(result.config, report);
    result.diagnostics = report.take();
    // File order reads best; errors found at one place keep their order.
    std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const auto& a, const auto& b) {
        return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
    });
    return result;
}

ParseResult load_config_file(const std::string& path) {
    std::string text;
    int error = 0;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        char chunk[8192];
        size_t n;
        while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) text.append(chunk, n);
        if (std::ferror(f)) error = errno ? errno : EIO;
        std::fclose(f);
    } else {
        error = errno;
    }
    if (error) {
        ParseResult result;
        result.diagnostics.push_back(
            {Diagnostic::Severity::error, path, {}, std::string("cannot read: ") + std::strerror(error)});
        return result;
    }
    return parse_config(text, path);
}

int check_config_file(const std::string& path, std::ostream& out, std::ostream& err) {
    ParseResult result = load_config_file(path);
    for (const auto& d : result.diagnostics) err << d.to_string() << '\n';
    if (!result.ok()) return exit_config_error;
    out << "ok\n";
    return 0;
}

} // namespace ike::config
