// Table-driven `set`/`unset` handling. Each option has a name, a setter that
// reads its values (reporting errors and leaving the field unchanged on a bad
// value) and an unsetter that restores the field's default by copying it from
// a default-constructed entry, so a default lives in exactly one place (the
// member initialisers of model.h).
#pragma once

#include <algorithm>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "config/value_reader.h"

namespace ike::config {

template <class T>
struct OptionSpec {
    std::string name;
    std::function<bool(T&, ValueReader&)> set;
    std::function<void(T&)> unset;
};

// `access` is a pointer to member or a callable returning a reference into T;
// `parse` reads the values and returns std::optional<value>.
template <class T, class Access, class Parse>
OptionSpec<T> option(std::string name, Access access, Parse parse) {
    return {std::move(name),
            [access, parse](T& entry, ValueReader& r) {
                auto v = parse(r);
                if (!v) return false;
                std::invoke(access, entry) = std::move(*v);
                return true;
            },
            [access](T& entry) {
                T fresh{};
                std::invoke(access, entry) = std::invoke(access, fresh);
            }};
}

// Accessor for a member of a member (e.g. Phase2::src then SelectorSpec::port).
template <class Outer, class Inner, class Field>
auto nested(Inner Outer::*outer, Field Inner::*inner) {
    return [outer, inner](Outer& o) -> Field& { return (o.*outer).*inner; };
}

// Value parsers for option().
template <class E>
auto enum_value() {
    return [](ValueReader& r) -> std::optional<E> {
        const Token* t = r.single("one word");
        return t ? r.word<E>(*t) : std::nullopt;
    };
}

enum class EnableDisable { enable, disable };
template <>
std::span<const EnumWord<EnableDisable>> enum_words<EnableDisable>();

inline auto enable_disable() {
    return [](ValueReader& r) -> std::optional<bool> {
        auto v = enum_value<EnableDisable>()(r);
        return v ? std::optional<bool>(*v == EnableDisable::enable) : std::nullopt;
    };
}

template <class I>
auto number_in(uint64_t lo, uint64_t hi) {
    return [lo, hi](ValueReader& r) -> std::optional<I> {
        const Token* t = r.single("a number");
        if (!t) return std::nullopt;
        auto v = r.number(*t, lo, hi);
        return v ? std::optional<I>(static_cast<I>(*v)) : std::nullopt;
    };
}

inline auto text() {
    return [](ValueReader& r) -> std::optional<std::string> {
        const Token* t = r.single("one string (quote it if it contains blanks)");
        return t ? std::optional<std::string>(t->text) : std::nullopt;
    };
}

inline auto address(bool v6) {
    return [v6](ValueReader& r) -> std::optional<IpAddress> {
        const Token* t = r.single(v6 ? "an IPv6 address" : "an IPv4 address");
        return t ? r.address(*t, v6) : std::nullopt;
    };
}

inline auto subnet4() {
    return [](ValueReader& r) { return r.subnet4(); };
}
inline auto subnet6() {
    return [](ValueReader& r) { return r.subnet6(); };
}

// A list of DH groups from {1, 2, 5, 14..32}, order kept, no repeats.
std::optional<std::vector<uint16_t>> read_dh_groups(ValueReader& r);

// Reports an unknown option name, with a "did you mean" when one is close.
void report_unknown_option(std::span<const std::string_view> known, std::string_view table_name, const Token& name,
                           Reporter& report);

// Applies one `set`/`unset` line to an entry and records where each option
// was set in `origin`. Unknown options are errors.
template <class T>
void apply_option(std::span<const OptionSpec<T>> table, std::string_view table_name, T& entry, Origin& origin,
                  const Line& line, Reporter& report) {
    const Token& verb = line.words[0];
    if (line.words.size() < 2) {
        report.error(line.end, "missing option name after '" + verb.text + "'");
        return;
    }
    const Token& name = line.words[1];
    const OptionSpec<T>* spec = nullptr;
    for (const auto& s : table)
        if (s.name == name.text) spec = &s;
    if (!spec) {
        std::vector<std::string_view> names;
        for (const auto& s : table) names.push_back(s.name);
        report_unknown_option(names, table_name, name, report);
        return;
    }
    std::span<const Token> values(line.words.begin() + 2, line.words.end());
    if (verb.text == "unset") {
        if (!values.empty()) {
            report.error(values[0].pos, "'unset " + name.text + "' takes no value");
            return;
        }
        spec->unset(entry);
        origin.set_at.erase(name.text);
        return;
    }
    ValueReader reader(name, values, line.end, report);
    if (spec->set(entry, reader)) origin.set_at[name.text] = values.empty() ? name.pos : values[0].pos;
}

} // namespace ike::config

namespace ike::config {

// A list of words looked up in a table (proposals), order kept, no repeats;
// an unknown word is reported with the whole list of valid ones.
template <class Entry, class Find>
std::optional<std::vector<Entry>> read_word_list(ValueReader& r, Find find, const std::string& valid) {
    if (!r.some("one or more of: " + valid)) return std::nullopt;
    std::vector<Entry> list;
    bool ok = true;
    for (const Token& t : r.values()) {
        const Entry* e = find(t.text);
        if (!e) {
            r.unknown_value(t, valid);
            ok = false;
        } else if (std::find(list.begin(), list.end(), *e) != list.end()) {
            r.error(t.pos, "duplicate value '" + t.text + "' for " + r.option());
            ok = false;
        } else {
            list.push_back(*e);
        }
    }
    return ok ? std::optional(list) : std::nullopt;
}

} // namespace ike::config
