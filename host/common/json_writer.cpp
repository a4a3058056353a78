// Streaming JSON writer (see json_writer.h).
#include "json_writer.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace esphost {

std::string JsonWriter::escape(std::string_view s) {
    std::string o = "\"";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                o += "\\\"";
                break;
            case '\\':
                o += "\\\\";
                break;
            case '\n':
                o += "\\n";
                break;
            case '\r':
                o += "\\r";
                break;
            case '\t':
                o += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    o += buf;
                } else {
                    o += ch;
                }
        }
    }
    return o + "\"";
}

void JsonWriter::newline() {
    if (indent_ <= 0) return;
    out_ += '\n';
    out_.append(stack_.size() * static_cast<std::size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (stack_.empty()) {
        if (!out_.empty()) throw std::logic_error("JSON: a second top-level value");
        return;
    }
    if (stack_.back().kind == '{') throw std::logic_error("JSON: value without a key in an object");
    if (!stack_.back().empty) out_ += ',';
    stack_.back().empty = false;
    newline();
}

void JsonWriter::open(char c) {
    before_value();
    out_ += c;
    stack_.push_back({c, true});
}

void JsonWriter::close(char c) {
    if (stack_.empty() || stack_.back().kind != c || after_key_) throw std::logic_error("JSON: unbalanced close");
    const bool empty = stack_.back().empty;
    stack_.pop_back();
    if (!empty) newline();
    out_ += c == '{' ? '}' : ']';
}

JsonWriter& JsonWriter::begin_object() {
    open('{');
    return *this;
}
JsonWriter& JsonWriter::end_object() {
    close('{');
    return *this;
}
JsonWriter& JsonWriter::begin_array() {
    open('[');
    return *this;
}
JsonWriter& JsonWriter::end_array() {
    close('[');
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
    if (stack_.empty() || stack_.back().kind != '{' || after_key_)
        throw std::logic_error("JSON: key outside an object");
    if (!stack_.back().empty) out_ += ',';
    stack_.back().empty = false;
    newline();
    out_ += escape(k);
    out_ += indent_ > 0 ? ": " : ":";
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
    before_value();
    out_ += escape(s);
    return *this;
}
JsonWriter& JsonWriter::value(std::uint64_t v) {
    before_value();
    out_ += std::to_string(v);
    return *this;
}
JsonWriter& JsonWriter::value(std::int64_t v) {
    before_value();
    out_ += std::to_string(v);
    return *this;
}
JsonWriter& JsonWriter::fixed(double v, int decimals) {
    if (!std::isfinite(v)) return null();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    before_value();
    out_ += buf;
    return *this;
}
JsonWriter& JsonWriter::value(bool b) {
    before_value();
    out_ += b ? "true" : "false";
    return *this;
}
JsonWriter& JsonWriter::null() {
    before_value();
    out_ += "null";
    return *this;
}

std::string JsonWriter::str() const {
    if (!stack_.empty() || after_key_) throw std::logic_error("JSON: document not closed");
    return out_ + "\n";
}

} // namespace esphost
