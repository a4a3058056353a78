// Random damage to a valid configuration must never crash the parser or
// make it hang; it may only produce diagnostics. Runs under ASan+UBSan in the
// sanitizer build. Deterministic seeds so a failure reproduces.
#include <catch2/catch.hpp>

#include <random>

#include "config/parser.h"

using namespace ike::config;

namespace {

std::string load_example() {
    auto path = std::string(IKE_EXAMPLES_DIR) + "/site-a.conf";
    std::FILE* f = std::fopen(path.c_str(), "rb");
    REQUIRE(f);
    std::string text;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
    return text;
}

// Every diagnostic has a position inside the text (or line 0 for file errors).
void check_positions(const ParseResult& r, const std::string& text) {
    size_t lines = 1;
    for (char c : text) lines += c == '\n';
    for (const auto& d : r.diagnostics) REQUIRE(d.pos.line <= lines);
}

} // namespace

TEST_CASE("ike-config: fuzz: truncating at every offset never crashes", "[ike-config][fuzz]") {
    const std::string text = load_example();
    REQUIRE(parse_config(text, "x.conf").ok());
    size_t failures = 0;
    for (size_t cut = 0; cut <= text.size(); ++cut) {
        std::string prefix = text.substr(0, cut);
        auto r = parse_config(prefix, "cut.conf");
        check_positions(r, prefix);
        failures += !r.ok();
    }
    // Most prefixes leave a table open: an error, never silence.
    CHECK(failures > text.size() / 2);
}

TEST_CASE("ike-config: fuzz: random byte edits never crash", "[ike-config][fuzz]") {
    const std::string text = load_example();
    std::mt19937 rng(20261127);
    const std::string alphabet = std::string("\"'\\#\r\n\t /.:-0123456789abcdefgnsetdiucofp") + '\0' + '\x01' + '\xff';
    for (int round = 0; round < 1500; ++round) {
        std::string s = text;
        int edits = 1 + static_cast<int>(rng() % 8);
        for (int e = 0; e < edits && !s.empty(); ++e) {
            size_t at = rng() % s.size();
            switch (rng() % 4) {
                case 0:
                    s.erase(at, 1 + rng() % 12);
                    break;
                case 1:
                    s.insert(at, 1, alphabet[rng() % alphabet.size()]);
                    break;
                case 2:
                    s[at] = static_cast<char>(rng() % 256);
                    break;
                default: { // duplicate a slice elsewhere
                    size_t from = rng() % s.size();
                    s.insert(at, s.substr(from, rng() % 40));
                }
            }
        }
        auto r = parse_config(s, "fuzz.conf");
        check_positions(r, s);
        for (const auto& d : r.diagnostics) REQUIRE_FALSE(d.to_string().empty());
    }
}
