#include "config/diagnostics.h"

namespace ike::config {

std::string Diagnostic::to_string() const {
    // Line 0: about the whole file (it could not be read).
    std::string s =
        pos.line == 0 ? file + ": " : file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": ";
    if (severity == Severity::warning) s += "warning: ";
    return s + message;
}

void Reporter::error(SourcePos pos, std::string message) {
    list_.push_back({Diagnostic::Severity::error, file_, pos, std::move(message)});
    ++errors_;
}

void Reporter::warning(SourcePos pos, std::string message) {
    list_.push_back({Diagnostic::Severity::warning, file_, pos, std::move(message)});
}

} // namespace ike::config
