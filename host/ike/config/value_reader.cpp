#include "config/value_reader.h"

#include <charconv>

namespace ike::config {

const Token* ValueReader::single(std::string_view what, bool secret) {
    if (values_.empty()) {
        error(end_, "missing value for '" + option() + "': expected " + std::string(what));
        return nullptr;
    }
    if (values_.size() > 1) {
        std::string msg = "too many values for '" + option() + "': expected " + std::string(what);
        if (secret)
            msg += " (quote it if it contains blanks)";
        else
            msg += ", got extra '" + values_[1].text + "'";
        error(values_[1].pos, msg);
        return nullptr;
    }
    return &values_[0];
}

bool ValueReader::some(std::string_view what) {
    if (!values_.empty()) return true;
    error(end_, "missing value for '" + option() + "': expected " + std::string(what));
    return false;
}

void ValueReader::unknown_value(const Token& t, const std::string& valid) {
    error(t.pos, "unknown value '" + t.text + "' for " + option() + "; valid: " + valid);
}

std::optional<uint64_t> ValueReader::number(const Token& t, uint64_t lo, uint64_t hi) {
    uint64_t v = 0;
    const char* first = t.text.data();
    const char* last = first + t.text.size();
    auto [ptr, ec] = std::from_chars(first, last, v);
    std::string range = std::to_string(lo) + "-" + std::to_string(hi);
    if (t.text.empty() || ec == std::errc::invalid_argument || ptr != last) {
        error(t.pos, "'" + t.text + "' is not a number for " + option() + "; valid: " + range);
        return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range || v < lo || v > hi) {
        error(t.pos, "value " + t.text + " out of range for " + option() + "; valid: " + range);
        return std::nullopt;
    }
    return v;
}

std::optional<IpAddress> ValueReader::address(const Token& t, bool v6) {
    auto a = v6 ? IpAddress::parse_v6(t.text) : IpAddress::parse_v4(t.text);
    if (!a) error(t.pos, "invalid " + std::string(v6 ? "IPv6" : "IPv4") + " address '" + t.text + "' for " + option());
    return a;
}

std::optional<Prefix> ValueReader::subnet4() {
    if (!some("an IPv4 subnet (A.B.C.D M.M.M.M or A.B.C.D/N)")) return std::nullopt;
    const Token& first = values_[0];
    std::string addr_text = first.text;
    std::optional<unsigned> length;
    if (auto slash = first.text.find('/'); slash != std::string::npos) {
        if (values_.size() > 1) {
            error(values_[1].pos, "too many values for '" + option() + "': expected A.B.C.D/N or A.B.C.D M.M.M.M");
            return std::nullopt;
        }
        addr_text = first.text.substr(0, slash);
        Token len_token{first.text.substr(slash + 1), {first.pos.line, first.pos.column + unsigned(slash) + 1}, false};
        auto n = number(len_token, 0, 32);
        if (!n) return std::nullopt;
        length = static_cast<unsigned>(*n);
    } else {
        if (values_.size() != 2) {
            if (values_.size() < 2)
                error(end_, "missing netmask for '" + option() + "': expected A.B.C.D M.M.M.M or A.B.C.D/N");
            else
                error(values_[2].pos, "too many values for '" + option() + "': expected A.B.C.D M.M.M.M");
            return std::nullopt;
        }
        auto mask = IpAddress::parse_v4(values_[1].text);
        if (!mask) {
            error(values_[1].pos, "invalid netmask '" + values_[1].text + "' for " + option());
            return std::nullopt;
        }
        length = netmask_length(*mask);
        if (!length) {
            error(values_[1].pos, "netmask '" + values_[1].text + "' is not contiguous");
            return std::nullopt;
        }
    }
    Token addr_token{addr_text, first.pos, false};
    auto a = address(addr_token, false);
    if (!a) return std::nullopt;
    Prefix p{*a, *length};
    if (p.host_bits_set())
        report_.warning(first.pos, "host bits set in " + p.to_string() + " for " + option() + "; using " +
                                       p.network().to_string() + "/" + std::to_string(p.length));
    return Prefix{p.network(), p.length};
}

std::optional<Prefix> ValueReader::subnet6() {
    const Token* t = single("an IPv6 prefix (X:X::X/N)");
    if (!t) return std::nullopt;
    auto slash = t->text.find('/');
    if (slash == std::string::npos) {
        error(t->pos, "missing prefix length in '" + t->text + "' for " + option() + ": expected X:X::X/N");
        return std::nullopt;
    }
    Token len_token{t->text.substr(slash + 1), {t->pos.line, t->pos.column + unsigned(slash) + 1}, false};
    auto n = number(len_token, 0, 128);
    auto a = address(Token{t->text.substr(0, slash), t->pos, false}, true);
    if (!n || !a) return std::nullopt;
    Prefix p{*a, static_cast<unsigned>(*n)};
    if (p.host_bits_set())
        report_.warning(t->pos, "host bits set in " + p.to_string() + " for " + option() + "; using " +
                                    p.network().to_string() + "/" + std::to_string(p.length));
    return Prefix{p.network(), p.length};
}

} // namespace ike::config
