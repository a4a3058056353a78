#include "log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace ike::sa {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::info)};
const char* level_name(LogLevel l) {
    switch (l) {
        case LogLevel::error:
            return "ERROR";
        case LogLevel::warn:
            return "WARN";
        case LogLevel::info:
            return "INFO";
        case LogLevel::debug:
            return "DEBUG";
    }
    return "?";
}
} // namespace

bool parse_log_level(std::string_view t, LogLevel& out) {
    if (t == "error")
        out = LogLevel::error;
    else if (t == "warn" || t == "warning")
        out = LogLevel::warn;
    else if (t == "info")
        out = LogLevel::info;
    else if (t == "debug")
        out = LogLevel::debug;
    else
        return false;
    return true;
}

void set_log_level(LogLevel level) { g_level = static_cast<int>(level); }
bool log_enabled(LogLevel level) { return static_cast<int>(level) <= g_level.load(); }

void log_line(LogLevel level, std::string_view text) {
    auto now = std::chrono::system_clock::now();
    auto t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::fprintf(stderr, "%02d:%02d:%02d.%03d %-5s %.*s\n", tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms),
                 level_name(level), static_cast<int>(text.size()), text.data());
}

} // namespace ike::sa
