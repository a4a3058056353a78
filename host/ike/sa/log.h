// Leveled logging to stderr for the IKE daemon. Keys are never passed here:
// callers log SPIs, algorithm names and states, never secret material.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace ike::sa {

enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3 };

// Parses "error|warn|info|debug"; returns false for anything else.
bool parse_log_level(std::string_view text, LogLevel& out);
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);
void log_line(LogLevel level, std::string_view text);

// LOG(info) << "IKE SA " << name << " established";
class LogStream {
public:
    explicit LogStream(LogLevel level) : level_(level) {}
    ~LogStream() { log_line(level_, out_.str()); }
    template <class T>
    LogStream& operator<<(const T& v) {
        out_ << v;
        return *this;
    }

private:
    LogLevel level_;
    std::ostringstream out_;
};

} // namespace ike::sa

// A for-statement (not if/else) so that `if (x) IKE_LOG(info) << ...;` has no
// dangling else; the body runs once, only when the level is enabled.
#define IKE_LOG(lvl)                                                                                                  \
    for (bool ike_log_once_ = ::ike::sa::log_enabled(::ike::sa::LogLevel::lvl); ike_log_once_; ike_log_once_ = false) \
    ::ike::sa::LogStream(::ike::sa::LogLevel::lvl)
