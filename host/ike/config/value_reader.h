// Reads the values of one `set OPTION VALUE...` line, reporting each problem
// at the position of the offending word: missing or extra values, numbers out
// of range, unknown enumeration words (with the list of valid ones), bad
// addresses and netmasks.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "config/ip_address.h"
#include "config/lexer.h"
#include "config/model.h"

namespace ike::config {

class ValueReader {
public:
    ValueReader(const Token& option, std::span<const Token> values, SourcePos line_end, Reporter& report)
        : option_(option), values_(values), end_(line_end), report_(report) {}

    const std::string& option() const { return option_.text; }
    std::span<const Token> values() const { return values_; }
    Reporter& report() { return report_; }
    void error(SourcePos pos, std::string message) { report_.error(pos, std::move(message)); }

    // Exactly one value. `what` names the expected value in the error; with
    // `secret` the message never echoes the words.
    const Token* single(std::string_view what = "a value", bool secret = false);
    // One or more values.
    bool some(std::string_view what);

    std::optional<uint64_t> number(const Token& t, uint64_t lo, uint64_t hi);
    std::optional<IpAddress> address(const Token& t, bool v6);
    // `A.B.C.D M.M.M.M` or `A.B.C.D/N` (all values of the line).
    std::optional<Prefix> subnet4();
    // `X:Y::/N` (one value).
    std::optional<Prefix> subnet6();

    template <class E>
    std::optional<E> word(const Token& t) {
        for (const auto& w : enum_words<E>())
            if (w.word == t.text) return w.value;
        std::string valid;
        for (const auto& w : enum_words<E>()) valid += std::string(valid.empty() ? "" : " ") + std::string(w.word);
        unknown_value(t, valid);
        return std::nullopt;
    }
    void unknown_value(const Token& t, const std::string& valid);

private:
    const Token& option_;
    std::span<const Token> values_;
    SourcePos end_;
    Reporter& report_;
};

} // namespace ike::config
