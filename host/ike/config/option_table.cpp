#include "config/option_table.h"

#include <algorithm>
#include <charconv>

namespace ike::config {

template <>
std::span<const EnumWord<EnableDisable>> enum_words<EnableDisable>() {
    static const EnumWord<EnableDisable> table[] = {{"enable", EnableDisable::enable},
                                                    {"disable", EnableDisable::disable}};
    return table;
}

namespace {

// Levenshtein distance, bounded input (option names are short).
size_t edit_distance(std::string_view a, std::string_view b) {
    if (a.size() > 64 || b.size() > 64) return 64;
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

} // namespace

void report_unknown_option(std::span<const std::string_view> known, std::string_view table_name, const Token& name,
                           Reporter& report) {
    std::string msg = "unknown option '" + name.text + "' in " + std::string(table_name);
    std::string_view best;
    size_t best_distance = 3; // suggest only close names
    for (auto k : known) {
        size_t d = edit_distance(name.text, k);
        if (d < best_distance) {
            best_distance = d;
            best = k;
        }
    }
    if (!best.empty()) msg += "; did you mean '" + std::string(best) + "'?";
    report.error(name.pos, msg);
}

std::optional<std::vector<uint16_t>> read_dh_groups(ValueReader& r) {
    if (!r.some("one or more DH groups (" + dh_group_names() + ")")) return std::nullopt;
    std::vector<uint16_t> groups;
    bool ok = true;
    for (const Token& t : r.values()) {
        unsigned n = 0;
        auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), n);
        if (t.text.empty() || ec != std::errc{} || end != t.text.data() + t.text.size() || !dh_group_supported(n)) {
            r.unknown_value(t, dh_group_names());
            ok = false;
            continue;
        }
        if (std::find(groups.begin(), groups.end(), n) != groups.end()) {
            r.error(t.pos, "duplicate value '" + t.text + "' for " + r.option());
            ok = false;
            continue;
        }
        groups.push_back(static_cast<uint16_t>(n));
    }
    return ok ? std::optional(groups) : std::nullopt;
}

} // namespace ike::config
