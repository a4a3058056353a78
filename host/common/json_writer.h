// json_writer.h: a small streaming JSON writer (objects, arrays, strings, numbers) that
// places commas and escapes strings, for machine-readable reports such as --stats-json.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace esphost {

class JsonWriter {
public:
    explicit JsonWriter(int indent = 2) : indent_(indent) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k); // inside an object, before each value
    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(std::uint64_t v);
    JsonWriter& value(std::int64_t v);
    JsonWriter& value(unsigned v) { return value(static_cast<std::uint64_t>(v)); }
    JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
    JsonWriter& fixed(double v, int decimals); // a number with that many decimals; null if not finite
    JsonWriter& value(bool b);
    JsonWriter& null();

    // The document; throws std::logic_error if an object or array is still open.
    std::string str() const;

    static std::string escape(std::string_view s); // with the quotes

private:
    void before_value();
    void open(char c);
    void close(char c);
    void newline();

    std::string out_;
    struct Level {
        char kind;
        bool empty;
    };
    std::vector<Level> stack_;
    bool after_key_ = false;
    int indent_;
};

} // namespace esphost
