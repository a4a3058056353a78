#include "commands.h"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "esp_contract.h"
#include "json_writer.h"
#include "policy_commands.h"
#include "sa_spec.h"
#include "selector_words.h"

namespace espctl {
namespace {

const char* const kDropNames[] = ESP_DROP_NAMES_INIT;
const char* const kEventNames[] = ESP_EVT_NAMES_INIT;

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

std::string hex32(uint32_t v) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%08x", v);
    return b;
}

uint32_t parse_handle(const std::string& w) {
    uint32_t h = 0;
    auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), h);
    if (ec != std::errc() || p != w.data() + w.size()) throw UsageError{"handle: expected a number, got '" + w + "'"};
    return h;
}

void need(const std::vector<std::string>& w, size_t n, const char* what) {
    if (w.size() < n) throw UsageError{std::string(what) + ": missing argument"};
}

void no_more(const std::vector<std::string>& w, size_t n, const char* what) {
    if (w.size() > n) throw UsageError{std::string(what) + ": unexpected argument '" + w[n] + "'"};
}

esphost::SaSpec parse_words(const std::vector<std::string>& w, size_t from) {
    std::string err;
    auto spec = esphost::parse_sa_spec(std::span<const std::string>(w.data() + from, w.size() - from), err);
    if (!spec) throw UsageError{err};
    return *spec;
}

// The card reports no key: the spec is rebuilt from the state for `ip xfrm state` layout.
esphost::SaSpec spec_from_state(const esp_sa_state& st) {
    esphost::SaSpec s;
    auto& p = s.params;
    p.handle = st.handle;
    p.alg = ESP_ALG_AES_GCM_16;
    p.dir = st.dir;
    p.mode = st.mode;
    p.family = st.family;
    p.key_len = st.key_len;
    p.flags = st.flags;
    p.spi = st.spi;
    p.replay_window = st.replay_window;
    std::copy(std::begin(st.src), std::end(st.src), p.src);
    std::copy(std::begin(st.dst), std::end(st.dst), p.dst);
    p.encap_sport = st.encap_sport;
    p.encap_dport = st.encap_dport;
    p.seq = st.seq;
    return s;
}

std::string state_flags(uint32_t s) {
    std::string out = (s & ESP_SA_S_DISABLED) ? "disabled" : "active";
    if (s & ESP_SA_S_SOFT_BYTES) out += " soft-bytes-expired";
    if (s & ESP_SA_S_SOFT_PACKETS) out += " soft-packets-expired";
    return out;
}

void print_state_text(const esp_sa_state& st) {
    std::cout << "handle " << st.handle << "\n" << esphost::format_sa_spec(spec_from_state(st), false);
    std::cout << "\tstate " << state_flags(st.state) << "\n";
    if (st.sel.family)
        std::cout << "\tsel src " << format_range(st.sel.family, st.sel.src_lo, st.sel.src_hi) << " dst "
                  << format_range(st.sel.family, st.sel.dst_lo, st.sel.dst_hi) << " proto "
                  << format_protocol(st.sel.proto) << " sport " << format_ports(st.sel.sport_lo, st.sel.sport_hi)
                  << " dport " << format_ports(st.sel.dport_lo, st.sel.dport_hi) << "\n";
    std::cout << "\tlifetime current: " << st.bytes << "(bytes), " << st.packets << "(packets)\n";
    std::cout << "\tdrops:";
    bool any = false;
    for (unsigned c = 1; c < ESP_NUM_DROP_CODES; c++)
        if (st.drops[c]) {
            std::cout << " " << lower(kDropNames[c]) << " " << st.drops[c];
            any = true;
        }
    std::cout << (any ? "\n" : " none\n");
}

void state_json(esphost::JsonWriter& j, const esp_sa_state& st) {
    j.begin_object();
    j.key("handle").value(st.handle);
    j.key("spi").value(hex32(st.spi));
    j.key("dir").value(st.dir == ESP_DIR_IN ? "in" : "out");
    j.key("mode").value(st.mode == ESP_MODE_TRANSPORT ? "transport" : "tunnel");
    j.key("src").value(esphost::format_address(st.family, st.src));
    j.key("dst").value(esphost::format_address(st.family, st.dst));
    j.key("key_bits").value(static_cast<unsigned>(st.key_len * 8));
    j.key("esn").value((st.flags & ESP_SA_F_ESN) != 0);
    j.key("udp_encap").value((st.flags & ESP_SA_F_UDP_ENCAP) != 0);
    if (st.flags & ESP_SA_F_UDP_ENCAP) {
        j.key("encap_sport").value(static_cast<unsigned>(st.encap_sport));
        j.key("encap_dport").value(static_cast<unsigned>(st.encap_dport));
    }
    j.key("replay_window").value(st.replay_window);
    if (st.sel.family) {
        j.key("sel").begin_object();
        j.key("src").value(format_range(st.sel.family, st.sel.src_lo, st.sel.src_hi));
        j.key("dst").value(format_range(st.sel.family, st.sel.dst_lo, st.sel.dst_hi));
        j.key("proto").value(format_protocol(st.sel.proto));
        j.key("sport").value(format_ports(st.sel.sport_lo, st.sel.sport_hi));
        j.key("dport").value(format_ports(st.sel.dport_lo, st.sel.dport_hi));
        j.end_object();
    }
    j.key("seq").value(static_cast<uint64_t>(st.seq));
    j.key("disabled").value((st.state & ESP_SA_S_DISABLED) != 0);
    j.key("soft_bytes_expired").value((st.state & ESP_SA_S_SOFT_BYTES) != 0);
    j.key("soft_packets_expired").value((st.state & ESP_SA_S_SOFT_PACKETS) != 0);
    j.key("packets").value(static_cast<uint64_t>(st.packets));
    j.key("bytes").value(static_cast<uint64_t>(st.bytes));
    j.key("drops").begin_object();
    for (unsigned c = 1; c < ESP_NUM_DROP_CODES; c++)
        j.key(lower(kDropNames[c])).value(static_cast<uint64_t>(st.drops[c]));
    j.end_object();
    j.end_object();
}

int cmd_dev(espdrv::Device& dev, const std::vector<std::string>& w, const Options& opt) {
    need(w, 2, "dev");
    if (w[1] == "info") {
        no_more(w, 2, "dev info");
        auto i = dev.info();
        if (opt.json) {
            esphost::JsonWriter j;
            j.begin_object().key("dev_id").value(hex32(i.dev_id)).key("version").value(i.version);
            j.key("caps").value(hex32(i.caps)).key("sa_slots").value(i.sa_slots);
            j.key("max_replay_window").value(i.max_window).end_object();
            std::cout << j.str() << "\n";
        } else {
            std::cout << "device id " << hex32(i.dev_id) << ", contract version " << i.version << "\n"
                      << "SA slots " << i.sa_slots << ", replay window up to " << i.max_window << "\n"
                      << "capabilities:" << ((i.caps >> ESP_REG_DEV_CAPS_ESN_LSB) & 1 ? " esn" : "")
                      << ((i.caps >> ESP_REG_DEV_CAPS_UDP_ENCAP_LSB) & 1 ? " udp-encap" : "")
                      << ((i.caps >> ESP_REG_DEV_CAPS_IPV6_LSB) & 1 ? " ipv6" : "")
                      << ((i.caps >> ESP_REG_DEV_CAPS_AES256_LSB) & 1 ? " aes256" : "")
                      << ((i.caps >> ESP_REG_DEV_CAPS_TRANSPORT_LSB) & 1 ? " transport" : "")
                      << ((i.caps >> ESP_REG_DEV_CAPS_PORTS_LSB) & 1 ? " ports" : "") << "\n";
        }
        return 0;
    }
    if (w[1] == "load") {
        need(w, 3, "dev load");
        no_more(w, 3, "dev load");
        dev.load_xclbin(w[2]);
        std::cout << "loaded " << w[2] << "\n";
        return 0;
    }
    throw UsageError{"dev: unknown subcommand '" + w[1] + "' (info, load)"};
}

int cmd_sa(espdrv::Device& dev, const std::vector<std::string>& w, const Options& opt) {
    need(w, 2, "sa");
    const std::string& sub = w[1];
    if (opt.keys && (sub == "get" || sub == "list"))
        throw UsageError{"--keys: the card never returns keys (they are write-only), so there are none to show"};
    if (sub == "add") {
        // `sel src PREFIX dst PREFIX [proto P] [sport N] [dport N]`: the inbound check,
        // taken out before the `ip xfrm state` words are parsed.
        std::vector<std::string> words(w.begin(), w.end());
        esp_selector sel{};
        for (size_t i = 2; i < words.size(); i++) {
            if (words[i] != "sel") continue;
            const size_t end = parse_selector(words, i + 1, sel);
            words.erase(words.begin() + long(i), words.begin() + long(end));
            break;
        }
        auto spec = parse_words(words, 2);
        spec.params.sel = sel;
        if (sel.family && spec.params.dir != ESP_DIR_IN)
            throw UsageError{"sa add: sel is the inbound check of decrypted packets (dir in)"};
        uint32_t h = dev.sa_add(spec.params);
        if (opt.json)
            std::cout << "{\"handle\": " << h << "}\n";
        else
            std::cout << "handle " << h << "\n";
        return 0;
    }
    if (sub == "update") {
        need(w, 3, "sa update");
        uint32_t h = parse_handle(w[2]);
        auto spec = parse_words(w, 3);
        spec.params.handle = h;
        dev.sa_update(spec.params);
        return 0;
    }
    if (sub == "del" || sub == "get") {
        need(w, 3, sub == "del" ? "sa del" : "sa get");
        no_more(w, 3, sub == "del" ? "sa del" : "sa get");
        uint32_t h = parse_handle(w[2]);
        if (sub == "del") {
            dev.sa_del(h);
            return 0;
        }
        auto st = dev.sa_get(h);
        if (opt.json) {
            esphost::JsonWriter j;
            state_json(j, st);
            std::cout << j.str() << "\n";
        } else {
            print_state_text(st);
        }
        return 0;
    }
    if (sub == "list") {
        no_more(w, 2, "sa list");
        uint32_t slots = dev.info().sa_slots;
        esphost::JsonWriter j;
        j.begin_array();
        for (uint32_t h = 0; h < slots; h++) {
            esp_sa_state st;
            try {
                st = dev.sa_get(h);
            } catch (const espdrv::Error& e) {
                if (e.errnum() == ENOENT) continue;
                throw;
            }
            if (opt.json)
                state_json(j, st);
            else
                print_state_text(st);
        }
        j.end_array();
        if (opt.json) std::cout << j.str() << "\n";
        return 0;
    }
    if (sub == "flush") {
        no_more(w, 2, "sa flush");
        dev.sa_flush();
        return 0;
    }
    throw UsageError{"sa: unknown subcommand '" + sub + "' (add, update, del, get, list, flush)"};
}

int cmd_stats(espdrv::Device& dev, const std::vector<std::string>& w, const Options& opt) {
    no_more(w, 1, "stats");
    auto s = dev.stats();
    if (opt.json) {
        esphost::JsonWriter j;
        j.begin_object();
        j.key("packets_in").value(static_cast<uint64_t>(s.packets_in));
        j.key("packets_out").value(static_cast<uint64_t>(s.packets_out));
        j.key("bytes_in").value(static_cast<uint64_t>(s.bytes_in));
        j.key("bytes_out").value(static_cast<uint64_t>(s.bytes_out));
        j.key("drops").begin_object();
        for (unsigned c = 1; c < ESP_NUM_DROP_CODES; c++)
            j.key(lower(kDropNames[c])).value(static_cast<uint64_t>(s.drops[c]));
        j.end_object();
        j.key("events_lost").value(static_cast<uint64_t>(s.events_lost));
        j.end_object();
        std::cout << j.str() << "\n";
    } else {
        std::cout << "packets in " << s.packets_in << " out " << s.packets_out << "\n"
                  << "bytes in " << s.bytes_in << " out " << s.bytes_out << "\n";
        for (unsigned c = 1; c < ESP_NUM_DROP_CODES; c++)
            std::cout << "drop " << lower(kDropNames[c]) << " " << s.drops[c] << "\n";
        std::cout << "events lost " << s.events_lost << "\n";
    }
    return 0;
}

int cmd_events(espdrv::Device& dev, const std::vector<std::string>& w, const Options& opt) {
    no_more(w, 1, "events");
    do {
        auto evs = dev.read_events(std::chrono::milliseconds(opt.follow ? 1000 : 0));
        for (const auto& e : evs) {
            std::string name = e.type < ESP_EVT_COUNT ? lower(kEventNames[e.type]) : "type-" + std::to_string(e.type);
            if (opt.json && e.type == ESP_EV_ACQUIRE)
                std::cout << "{\"seqno\": " << e.seqno << ", \"type\": \"" << name << "\", " << acquire_json_members(e)
                          << "}\n";
            else if (opt.json)
                std::cout << "{\"seqno\": " << e.seqno << ", \"type\": \"" << name << "\", \"handle\": " << e.handle
                          << "}\n";
            else if (e.type == ESP_EV_ACQUIRE)
                std::cout << e.seqno << " " << name << " " << acquire_text(e) << "\n";
            else
                std::cout << e.seqno << " " << name << " handle " << e.handle << "\n";
        }
        std::cout.flush();
    } while (opt.follow);
    return 0;
}

} // namespace

int run_command(espdrv::Device& dev, const std::vector<std::string>& w, const Options& opt) {
    const std::string& c = w[0];
    if (c == "dev") return cmd_dev(dev, w, opt);
    if (c == "sa") return cmd_sa(dev, w, opt);
    if (c == "stats") return cmd_stats(dev, w, opt);
    if (c == "events") return cmd_events(dev, w, opt);
    if (c == "policy") return cmd_policy(dev, w, opt);
    if (c == "port") return cmd_port(dev, w, opt);
    throw UsageError{"unknown command '" + c + "' (dev, sa, policy, port, stats, events)"};
}

} // namespace espctl
