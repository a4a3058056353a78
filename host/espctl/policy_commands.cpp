#include "policy_commands.h"

#include <cerrno>
#include <charconv>
#include <iostream>

#include "esp_contract.h"
#include "esp_core.h"
#include "json_writer.h"
#include "sa_spec.h"
#include "selector_words.h"

namespace espctl {
namespace {

const char* const kFateNames[] = ESP_FATE_NAMES_INIT;

std::uint32_t parse_number(const std::string& what, const std::string& w) {
    std::uint32_t v = 0;
    int base = 10;
    const char* b = w.data();
    if (w.size() > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        base = 16;
        b += 2;
    }
    auto [p, ec] = std::from_chars(b, w.data() + w.size(), v, base);
    if (ec != std::errc() || p != w.data() + w.size() || b == w.data() + w.size())
        throw UsageError{what + ": expected a number, got '" + w + "'"};
    return v;
}

// The outbound SA with this SPI, by handle.
std::uint32_t sa_by_spi(espdrv::Device& dev, std::uint32_t spi) {
    const std::uint32_t slots = dev.info().sa_slots;
    for (std::uint32_t h = 0; h < slots; h++) {
        try {
            const auto st = dev.sa_get(h);
            if (st.dir == ESP_DIR_OUT && st.spi == spi) return h;
        } catch (const espdrv::Error& e) {
            if (e.errnum() != ENOENT) throw;
        }
    }
    char b[16];
    std::snprintf(b, sizeof b, "0x%x", spi);
    throw UsageError{std::string("tmpl spi ") + b +
                     ": no outbound SA with that SPI on the card (add it first, or use `action protect` "
                     "for a policy that drops and raises ACQUIRE until one is attached)"};
}

// policy add/update words: selector, dir, priority, id, and the action.
esp_policy parse_policy(espdrv::Device& dev, const std::vector<std::string>& w, std::size_t i, bool need_id) {
    esp_policy p{};
    bool have_dir = false, have_action = false, have_id = false, have_sel = false;
    while (i < w.size()) {
        const std::string& k = w[i];
        if (k == "src" || k == "dst" || k == "proto" || k == "sport" || k == "dport") {
            if (have_sel) throw UsageError{"policy: give src, dst, proto, sport and dport together"};
            const std::size_t next = parse_selector(w, i, p.sel);
            have_sel = true;
            i = next;
            continue;
        }
        if (i + 1 >= w.size()) throw UsageError{"policy: '" + k + "' needs a value"};
        const std::string& v = w[i + 1];
        if (k == "dir") {
            if (v != "out" && v != "in") throw UsageError{"dir: expected out or in, got '" + v + "'"};
            p.dir = v == "in" ? ESP_POLICY_IN : ESP_POLICY_OUT;
            have_dir = true;
        } else if (k == "priority") {
            p.priority = parse_number("priority", v);
        } else if (k == "id" || k == "index") {
            p.id = parse_number("id", v);
            have_id = true;
        } else if (k == "action") {
            if (v == "allow" || v == "bypass")
                p.action = ESP_POLICY_ALLOW;
            else if (v == "block")
                p.action = ESP_POLICY_BLOCK;
            else if (v == "protect")
                p.action = ESP_POLICY_PROTECT;
            else
                throw UsageError{"action: expected allow, block or protect, got '" + v + "'"};
            have_action = true;
        } else if (k == "tmpl") {
            if (v != "spi" || i + 2 >= w.size()) throw UsageError{"tmpl: expected tmpl spi 0xSPI"};
            p.action = ESP_POLICY_PROTECT;
            p.flags |= ESP_POLICY_F_SA;
            p.sa_handle = sa_by_spi(dev, parse_number("tmpl spi", w[i + 2]));
            have_action = true;
            i += 3;
            continue;
        } else {
            throw UsageError{"policy: unknown word '" + k + "'"};
        }
        i += 2;
    }
    if (!have_sel) throw UsageError{"policy: a selector (src, dst, ...) is required"};
    if (!have_dir) throw UsageError{"policy: dir out|in is required"};
    if (!have_action)
        throw UsageError{"policy: tmpl spi 0xSPI, action allow, action block or action protect is required"};
    if (need_id && !have_id) throw UsageError{"policy update: id N is required"};
    if (!have_id) { // the next free ID
        std::uint32_t next = 1;
        for (const auto& st : dev.policy_list()) next = std::max(next, st.policy.id + 1);
        p.id = next;
    }
    if (const char* why = esp_policy_problem(&p)) throw UsageError{std::string("policy: ") + why};
    return p;
}

std::string action_text(const esp_policy& p) {
    if (p.action == ESP_POLICY_ALLOW) return "allow";
    if (p.action == ESP_POLICY_BLOCK) return "block";
    return (p.flags & ESP_POLICY_F_SA) ? "protect sa " + std::to_string(p.sa_handle) : "protect (no SA: acquire)";
}

void print_policy(const esp_policy_state& st) {
    const esp_policy& p = st.policy;
    std::cout << "src " << format_range(p.sel.family, p.sel.src_lo, p.sel.src_hi) << " dst "
              << format_range(p.sel.family, p.sel.dst_lo, p.sel.dst_hi) << " proto " << format_protocol(p.sel.proto)
              << " sport " << format_ports(p.sel.sport_lo, p.sel.sport_hi) << " dport "
              << format_ports(p.sel.dport_lo, p.sel.dport_hi) << "\n"
              << "\tdir " << (p.dir == ESP_POLICY_IN ? "in" : "out") << " priority " << p.priority << " id " << p.id
              << " action " << action_text(p) << "\n"
              << "\tpackets " << st.packets << " bytes " << st.bytes << " drops " << st.drops << "\n";
}

void policy_json(esphost::JsonWriter& j, const esp_policy_state& st) {
    const esp_policy& p = st.policy;
    j.begin_object();
    j.key("id").value(p.id);
    j.key("priority").value(p.priority);
    j.key("dir").value(p.dir == ESP_POLICY_IN ? "in" : "out");
    j.key("src").value(format_range(p.sel.family, p.sel.src_lo, p.sel.src_hi));
    j.key("dst").value(format_range(p.sel.family, p.sel.dst_lo, p.sel.dst_hi));
    j.key("proto").value(format_protocol(p.sel.proto));
    j.key("sport").value(format_ports(p.sel.sport_lo, p.sel.sport_hi));
    j.key("dport").value(format_ports(p.sel.dport_lo, p.sel.dport_hi));
    j.key("action").value(p.action == ESP_POLICY_ALLOW ? "allow" : p.action == ESP_POLICY_BLOCK ? "block" : "protect");
    if (p.flags & ESP_POLICY_F_SA) j.key("sa").value(p.sa_handle);
    j.key("packets").value(static_cast<std::uint64_t>(st.packets));
    j.key("bytes").value(static_cast<std::uint64_t>(st.bytes));
    j.key("drops").value(static_cast<std::uint64_t>(st.drops));
    j.key("slot").value(st.slot);
    j.end_object();
}

// A refused add/update: the card's errno with what it means for a policy.
[[noreturn]] void policy_refused(const espdrv::Error& e, const esp_policy& p, const char* what) {
    std::string why;
    switch (e.errnum()) {
        case EEXIST:
            why = "policy id " + std::to_string(p.id) + " already exists";
            break;
        case ENOENT:
            why = (p.flags & ESP_POLICY_F_SA) ? "SA " + std::to_string(p.sa_handle) +
                                                    " is not installed, or no policy id " + std::to_string(p.id)
                                              : "no policy id " + std::to_string(p.id);
            break;
        case ENOSPC:
            why = "the policy table is full";
            break;
        case EOPNOTSUPP:
            why = "this card has no policy table (no ports)";
            break;
        default:
            throw;
    }
    throw espdrv::Error(e.errnum(), std::string(what) + ": " + why);
}

} // namespace

int cmd_policy(espdrv::Device& dev, const std::vector<std::string>& w, const Options& opt) {
    if (w.size() < 2) throw UsageError{"policy: missing subcommand (add, update, del, get, list, flush)"};
    const std::string& sub = w[1];
    if (sub == "add" || sub == "update") {
        const esp_policy p = parse_policy(dev, w, 2, sub == "update");
        try {
            if (sub == "add")
                dev.policy_add(p);
            else
                dev.policy_update(p);
        } catch (const espdrv::Error& e) {
            policy_refused(e, p, sub == "add" ? "policy add" : "policy update");
        }
        if (opt.json)
            std::cout << "{\"id\": " << p.id << "}\n";
        else
            std::cout << "id " << p.id << "\n";
        return 0;
    }
    if (sub == "del" || sub == "get") {
        if (w.size() != 3 && !(w.size() == 4 && w[2] == "id"))
            throw UsageError{"policy " + sub + ": expected the policy's id"};
        const std::uint32_t id = parse_number("id", w.back());
        if (sub == "del") {
            dev.policy_del(id);
            return 0;
        }
        const auto st = dev.policy_get(id);
        if (opt.json) {
            esphost::JsonWriter j;
            policy_json(j, st);
            std::cout << j.str() << "\n";
        } else {
            print_policy(st);
        }
        return 0;
    }
    if (sub == "list") {
        if (w.size() > 2) throw UsageError{"policy list: unexpected argument '" + w[2] + "'"};
        esphost::JsonWriter j;
        j.begin_array();
        for (const auto& st : dev.policy_list()) {
            if (opt.json)
                policy_json(j, st);
            else
                print_policy(st);
        }
        j.end_array();
        if (opt.json) std::cout << j.str() << "\n";
        return 0;
    }
    if (sub == "flush") {
        if (w.size() > 2) throw UsageError{"policy flush: unexpected argument '" + w[2] + "'"};
        dev.policy_flush();
        return 0;
    }
    throw UsageError{"policy: unknown subcommand '" + sub + "' (add, update, del, get, list, flush)"};
}

int cmd_port(espdrv::Device& dev, const std::vector<std::string>& w, const Options& opt) {
    if (w.size() >= 2 && w[1] == "set") {
        esp_port_config c = dev.port_config();
        for (std::size_t i = 2; i < w.size(); i += 2) {
            if (i + 1 >= w.size()) throw UsageError{"port set: '" + w[i] + "' needs a value"};
            const std::string& k = w[i];
            const std::string& v = w[i + 1];
            if (k == "default-out" || k == "default-in") {
                if (v != "allow" && v != "block") throw UsageError{k + ": expected allow or block"};
                const std::uint32_t bit = k == "default-out" ? ESP_PORT_OUT_BLOCK : ESP_PORT_IN_BLOCK;
                c.default_action = v == "block" ? (c.default_action | bit) : (c.default_action & ~bit);
            } else if (k == "mtu") {
                c.wire_mtu = parse_number("mtu", v);
            } else if (k == "acquire-holdoff-us") {
                c.acq_holdoff_us = parse_number("acquire-holdoff-us", v);
            } else {
                throw UsageError{"port set: unknown word '" + k +
                                 "' (default-out, default-in, mtu, acquire-holdoff-us)"};
            }
        }
        dev.set_port_config(c);
        return 0;
    }
    if (w.size() != 1 && !(w.size() == 2 && w[1] == "stats"))
        throw UsageError{"port: expected `port`, `port stats` or `port set WORDS`"};
    const esp_port_config c = dev.port_config();
    const esp_port_stats s = dev.port_stats();
    if (opt.json) {
        esphost::JsonWriter j;
        j.begin_object();
        j.key("default_out").value(c.default_action & ESP_PORT_OUT_BLOCK ? "block" : "allow");
        j.key("default_in").value(c.default_action & ESP_PORT_IN_BLOCK ? "block" : "allow");
        j.key("wire_mtu").value(c.wire_mtu);
        j.key("acquire_holdoff_us").value(c.acq_holdoff_us);
        j.key("frames").begin_object();
        for (unsigned f = 0; f < ESP_NUM_PORT_FATES; f++)
            if (*kFateNames[f]) j.key(kFateNames[f]).value(static_cast<std::uint64_t>(s.frames[f]));
        j.end_object();
        j.key("acquires_lost").value(static_cast<std::uint64_t>(s.acquires_lost));
        j.end_object();
        std::cout << j.str() << "\n";
    } else {
        std::cout << "default out " << (c.default_action & ESP_PORT_OUT_BLOCK ? "block" : "allow") << ", in "
                  << (c.default_action & ESP_PORT_IN_BLOCK ? "block" : "allow") << "; wire mtu " << c.wire_mtu
                  << "; acquire holdoff " << c.acq_holdoff_us << " us\n";
        for (unsigned f = 0; f < ESP_NUM_PORT_FATES; f++)
            if (*kFateNames[f]) std::cout << kFateNames[f] << " " << s.frames[f] << "\n";
        std::cout << "acquires lost " << s.acquires_lost << "\n";
    }
    return 0;
}

std::string acquire_text(const esp_event& e) {
    const esp_acquire& a = e.acquire;
    return "policy " + std::to_string(e.handle) + " src " + esphost::format_address(a.family, a.src) + " dst " +
           esphost::format_address(a.family, a.dst) + " proto " + format_protocol(a.proto) + " sport " +
           std::to_string(a.sport) + " dport " + std::to_string(a.dport);
}

std::string acquire_json_members(const esp_event& e) {
    const esp_acquire& a = e.acquire;
    return "\"policy\": " + std::to_string(e.handle) + ", \"src\": \"" + esphost::format_address(a.family, a.src) +
           "\", \"dst\": \"" + esphost::format_address(a.family, a.dst) + "\", \"proto\": \"" +
           format_protocol(a.proto) + "\", \"sport\": " + std::to_string(a.sport) +
           ", \"dport\": " + std::to_string(a.dport);
}

} // namespace espctl
