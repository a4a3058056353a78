// Positions and messages reported while reading a configuration file.
// Every message prints as `FILE:LINE:COLUMN: text` (warnings: `... warning: text`),
// LINE and COLUMN 1-based, COLUMN counted in bytes (a tab is one column).
#pragma once

#include <string>
#include <vector>

namespace ike::config {

struct SourcePos {
    unsigned line = 0;
    unsigned column = 0;
    bool operator==(const SourcePos&) const = default;
};

struct Diagnostic {
    enum class Severity { error, warning };
    Severity severity = Severity::error;
    std::string file;
    SourcePos pos;
    std::string message;

    std::string to_string() const;
};

// Collects diagnostics for one file; parsing continues after an error so that
// every problem is reported in one pass.
class Reporter {
public:
    explicit Reporter(std::string file) : file_(std::move(file)) {}
    void error(SourcePos pos, std::string message);
    void warning(SourcePos pos, std::string message);
    size_t error_count() const { return errors_; }
    const std::string& file() const { return file_; }
    std::vector<Diagnostic> take() { return std::move(list_); }
    const std::vector<Diagnostic>& list() const { return list_; }

private:
    std::string file_;
    std::vector<Diagnostic> list_;
    size_t errors_ = 0;
};

} // namespace ike::config
