// A small JSON value (RFC 8259) for the control socket: no dependency beyond
// the standard library. Integers keep 64-bit precision (uint64 counters);
// objects keep their insertion order so output is stable. dump() always
// produces valid JSON on one line (or indented): strings are escaped and
// invalid UTF-8 is replaced by U+FFFD. parse() rejects anything RFC 8259 does
// not allow, limits nesting depth, and throws JsonError with the byte offset.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ike::control {

class JsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Json {
public:
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;
    static constexpr unsigned max_depth = 64;

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b) : v_(b) {}
    template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
    Json(I i) {
        // Non-negative integers are always held as uint64, as parse() does, so
        // equal numbers compare equal whatever their C++ type was.
        if constexpr (std::is_signed_v<I>) {
            if (i < 0)
                v_ = static_cast<int64_t>(i);
            else
                v_ = static_cast<uint64_t>(i);
        } else
            v_ = static_cast<uint64_t>(i);
    }
    Json(double d) : v_(d) {}
    Json(std::string s) : v_(std::move(s)) {}
    Json(std::string_view s) : v_(std::string(s)) {}
    Json(const char* s) : v_(std::string(s)) {}
    Json(Array a) : v_(std::move(a)) {}
    Json(Object o) : v_(std::move(o)) {}
    static Json object() { return Json(Object{}); }
    static Json array() { return Json(Array{}); }

    bool is_null() const { return std::holds_alternative<std::nullptr_t>(v_); }
    bool is_bool() const { return std::holds_alternative<bool>(v_); }
    bool is_number() const;
    bool is_string() const { return std::holds_alternative<std::string>(v_); }
    bool is_array() const { return std::holds_alternative<Array>(v_); }
    bool is_object() const { return std::holds_alternative<Object>(v_); }

    // Typed access; a wrong type (or a negative/fractional number for as_u64)
    // throws JsonError naming what was expected.
    bool as_bool() const;
    uint64_t as_u64() const;
    int64_t as_i64() const;
    double as_double() const;
    const std::string& as_string() const;
    const Array& as_array() const;
    const Object& as_object() const;

    // Object member or nullptr (also when this is not an object).
    const Json* find(std::string_view key) const;
    // Member that must exist (JsonError "missing field 'key'").
    const Json& at(std::string_view key) const;
    // Sets (or replaces) a member; turns null into an object.
    Json& set(std::string_view key, Json value);
    // Appends to an array; turns null into an array.
    Json& push_back(Json value);

    // indent < 0: one line; otherwise pretty-printed with that many spaces.
    std::string dump(int indent = -1) const;
    static Json parse(std::string_view text);

    bool operator==(const Json&) const = default;

private:
    void dump_to(std::string& out, int indent, int level) const;
    std::variant<std::nullptr_t, bool, int64_t, uint64_t, double, std::string, Array, Object> v_;
};

// Appends `s` as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view s);

} // namespace ike::control
