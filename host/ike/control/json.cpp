#include "control/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace ike::control {

namespace {

const char* type_name(const Json& j) {
    if (j.is_null()) return "null";
    if (j.is_bool()) return "boolean";
    if (j.is_number()) return "number";
    if (j.is_string()) return "string";
    if (j.is_array()) return "array";
    return "object";
}

[[noreturn]] void wrong_type(const Json& j, const char* wanted) {
    throw JsonError(std::string("expected ") + wanted + ", got " + type_name(j));
}

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF).
size_t utf8_sequence(std::string_view s, size_t i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    if (c < 0x80) return 1;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((b(i + k) & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0; // surrogate
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0; // > U+10FFFF
    return n;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

class Reader {
public:
    explicit Reader(std::string_view s) : s_(s) {}

    Json document() {
        Json v = value(0);
        blanks();
        if (i_ != s_.size()) fail("unexpected data after the value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) {
        throw JsonError("invalid JSON at offset " + std::to_string(i_) + ": " + what);
    }

    void blanks() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }

    void expect_word(std::string_view w) {
        if (s_.substr(i_, w.size()) != w) fail("unexpected character");
        i_ += w.size();
    }

    Json value(unsigned depth) {
        if (depth >= Json::max_depth) fail("nested too deeply");
        blanks();
        if (i_ >= s_.size()) fail("unexpected end");
        char c = s_[i_];
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return Json(string());
            case 't':
                expect_word("true");
                return Json(true);
            case 'f':
                expect_word("false");
                return Json(false);
            case 'n':
                expect_word("null");
                return Json();
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                fail("unexpected character");
        }
    }

    Json object(unsigned depth) {
        ++i_;
        Json::Object o;
        blanks();
        if (i_ < s_.size() && s_[i_] == '}') {
            ++i_;
            return Json(std::move(o));
        }
        while (true) {
            blanks();
            if (i_ >= s_.size() || s_[i_] != '"') fail("expected a member name");
            std::string key = string();
            blanks();
            if (i_ >= s_.size() || s_[i_] != ':') fail("expected ':'");
            ++i_;
            Json v = value(depth + 1);
            o.emplace_back(std::move(key), std::move(v));
            blanks();
            if (i_ < s_.size() && s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (i_ < s_.size() && s_[i_] == '}') {
                ++i_;
                return Json(std::move(o));
            }
            fail("expected ',' or '}'");
        }
    }

    Json array(unsigned depth) {
        ++i_;
        Json::Array a;
        blanks();
        if (i_ < s_.size() && s_[i_] == ']') {
            ++i_;
            return Json(std::move(a));
        }
        while (true) {
            a.push_back(value(depth + 1));
            blanks();
            if (i_ < s_.size() && s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (i_ < s_.size() && s_[i_] == ']') {
                ++i_;
                return Json(std::move(a));
            }
            fail("expected ',' or ']'");
        }
    }

    uint32_t hex4() {
        if (i_ + 4 > s_.size()) fail("truncated \\u escape");
        uint32_t v = 0;
        auto [p, ec] = std::from_chars(s_.data() + i_, s_.data() + i_ + 4, v, 16);
        if (ec != std::errc{} || p != s_.data() + i_ + 4) fail("bad \\u escape");
        i_ += 4;
        return v;
    }

    std::string string() {
        ++i_; // opening quote
        std::string out;
        while (true) {
            if (i_ >= s_.size()) fail("unterminated string");
            unsigned char c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                ++i_;
                return out;
            }
            if (c < 0x20) fail("control character in string");
            if (c != '\\') {
                size_t n = utf8_sequence(s_, i_);
                if (n == 0) fail("invalid UTF-8 in string");
                out.append(s_.substr(i_, n));
                i_ += n;
                continue;
            }
            if (++i_ >= s_.size()) fail("unterminated string");
            char e = s_[i_++];
            switch (e) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    uint32_t cp = hex4();
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        if (s_.substr(i_, 2) != "\\u") fail("lone surrogate");
                        i_ += 2;
                        uint32_t lo = hex4();
                        if (lo < 0xDC00 || lo > 0xDFFF) fail("lone surrogate");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        fail("lone surrogate");
                    }
                    append_utf8(out, cp);
                    break;
                }
                default:
                    fail("bad escape");
            }
        }
    }

    Json number() {
        size_t start = i_;
        bool negative = s_[i_] == '-';
        if (negative) ++i_;
        auto digits = [&] {
            size_t from = i_;
            while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
            return i_ - from;
        };
        size_t int_start = i_;
        size_t n = digits();
        if (n == 0) fail("bad number");
        if (n > 1 && s_[int_start] == '0') fail("leading zero in number");
        bool integer = true;
        if (i_ < s_.size() && s_[i_] == '.') {
            ++i_;
            integer = false;
            if (digits() == 0) fail("bad number");
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            ++i_;
            integer = false;
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
            if (digits() == 0) fail("bad number");
        }
        std::string_view text = s_.substr(start, i_ - start);
        if (integer) {
            if (negative) {
                int64_t v = 0;
                auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
                if (ec == std::errc{} && p == text.data() + text.size()) return Json(v);
            } else {
                uint64_t v = 0;
                auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
                if (ec == std::errc{} && p == text.data() + text.size()) return Json(v);
            }
        }
        // Fractions, exponents and integers beyond 64 bits.
        double d = std::strtod(std::string(text).c_str(), nullptr);
        if (!std::isfinite(d)) fail("number out of range");
        return Json(d);
    }

    std::string_view s_;
    size_t i_ = 0;
};

} // namespace

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n = utf8_sequence(s, i);
        if (n == 0) {
            out += "\\ufffd";
            ++i;
            continue;
        }
        if (n > 1) {
            out.append(s.substr(i, n));
            i += n;
            continue;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    out += '"';
}

bool Json::is_number() const {
    return std::holds_alternative<int64_t>(v_) || std::holds_alternative<uint64_t>(v_) ||
           std::holds_alternative<double>(v_);
}

bool Json::as_bool() const {
    if (auto p = std::get_if<bool>(&v_)) return *p;
    wrong_type(*this, "boolean");
}

uint64_t Json::as_u64() const {
    if (auto p = std::get_if<uint64_t>(&v_)) return *p;
    if (auto p = std::get_if<int64_t>(&v_); p && *p >= 0) return static_cast<uint64_t>(*p);
    wrong_type(*this, "non-negative integer");
}

int64_t Json::as_i64() const {
    if (auto p = std::get_if<int64_t>(&v_)) return *p;
    if (auto p = std::get_if<uint64_t>(&v_); p && *p <= uint64_t(INT64_MAX)) return static_cast<int64_t>(*p);
    wrong_type(*this, "integer");
}

double Json::as_double() const {
    if (auto p = std::get_if<double>(&v_)) return *p;
    if (auto p = std::get_if<int64_t>(&v_)) return static_cast<double>(*p);
    if (auto p = std::get_if<uint64_t>(&v_)) return static_cast<double>(*p);
    wrong_type(*this, "number");
}

const std::string& Json::as_string() const {
    if (auto p = std::get_if<std::string>(&v_)) return *p;
    wrong_type(*this, "string");
}

const Json::Array& Json::as_array() const {
    if (auto p = std::get_if<Array>(&v_)) return *p;
    wrong_type(*this, "array");
}

const Json::Object& Json::as_object() const {
    if (auto p = std::get_if<Object>(&v_)) return *p;
    wrong_type(*this, "object");
}

const Json* Json::find(std::string_view key) const {
    if (auto o = std::get_if<Object>(&v_))
        for (const auto& [k, v] : *o)
            if (k == key) return &v;
    return nullptr;
}

const Json& Json::at(std::string_view key) const {
    if (!is_object()) wrong_type(*this, "object");
    if (const Json* v = find(key)) return *v;
    throw JsonError("missing field '" + std::string(key) + "'");
}

Json& Json::set(std::string_view key, Json value) {
    if (is_null()) v_ = Object{};
    auto* o = std::get_if<Object>(&v_);
    if (!o) wrong_type(*this, "object");
    for (auto& [k, v] : *o)
        if (k == key) {
            v = std::move(value);
            return v;
        }
    o->emplace_back(std::string(key), std::move(value));
    return o->back().second;
}

Json& Json::push_back(Json value) {
    if (is_null()) v_ = Array{};
    auto* a = std::get_if<Array>(&v_);
    if (!a) wrong_type(*this, "array");
    a->push_back(std::move(value));
    return a->back();
}

void Json::dump_to(std::string& out, int indent, int level) const {
    auto newline = [&](int at) {
        if (indent < 0) return;
        out += '\n';
        out.append(static_cast<size_t>(indent * at), ' ');
    };
    if (is_null()) {
        out += "null";
    } else if (auto b = std::get_if<bool>(&v_)) {
        out += *b ? "true" : "false";
    } else if (auto i = std::get_if<int64_t>(&v_)) {
        out += std::to_string(*i);
    } else if (auto u = std::get_if<uint64_t>(&v_)) {
        out += std::to_string(*u);
    } else if (auto d = std::get_if<double>(&v_)) {
        if (!std::isfinite(*d)) {
            out += "null"; // JSON has no NaN/Inf
        } else {
            char buf[32];
            auto [p, ec] = std::to_chars(buf, buf + sizeof buf, *d);
            out.append(buf, ec == std::errc{} ? p : buf);
        }
    } else if (auto s = std::get_if<std::string>(&v_)) {
        append_json_string(out, *s);
    } else if (auto a = std::get_if<Array>(&v_)) {
        out += '[';
        for (size_t k = 0; k < a->size(); ++k) {
            if (k) out += ',';
            newline(level + 1);
            (*a)[k].dump_to(out, indent, level + 1);
        }
        if (!a->empty()) newline(level);
        out += ']';
    } else if (auto o = std::get_if<Object>(&v_)) {
        out += '{';
        for (size_t k = 0; k < o->size(); ++k) {
            if (k) out += ',';
            newline(level + 1);
            append_json_string(out, (*o)[k].first);
            out += indent < 0 ? ":" : ": ";
            (*o)[k].second.dump_to(out, indent, level + 1);
        }
        if (!o->empty()) newline(level);
        out += '}';
    }
}

std::string Json::dump(int indent) const {
    std::string out;
    dump_to(out, indent, 0);
    return out;
}

Json Json::parse(std::string_view text) { return Reader(text).document(); }

} // namespace ike::control
