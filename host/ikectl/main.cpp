// ikectl: talks to iked over its control socket, or checks a configuration
// file on its own.
//   ikectl [--socket PATH | --config FILE] [-j] tunnel list | gateway list | tunnel up NAME |
//          tunnel down NAME | tunnel trigger SRC DST [PROTO SPORT DPORT] | reload | check [FILE]
// Exit status: 0 done; 1 daemon not running, daemon error or refused action;
// 2 bad arguments or configuration errors.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "config/parser.h"
#include "control/client.h"
#include "format.h"

namespace {

using namespace ike::control;

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

const char* const usage_text =
    "usage: ikectl [--socket PATH | --config FILE] [-j] COMMAND\n"
    "commands:\n"
    "  tunnel list        Child SAs of every phase2 (like diagnose vpn tunnel list)\n"
    "  gateway list       IKE SAs (like diagnose vpn ike gateway list)\n"
    "  tunnel up NAME     bring up the phase2 NAME\n"
    "  tunnel down NAME   tear down the phase2 NAME\n"
    "  tunnel trigger SRC DST [PROTO SPORT DPORT]\n"
    "                     a packet with no SA: negotiate the phase2 whose selectors match\n"
    "  reload             re-read the daemon's configuration file\n"
    "  check              check the daemon's configuration file\n"
    "  check FILE         check FILE without a daemon (prints the errors or \"ok\")\n"
    "options:\n"
    "  --socket PATH      control socket (default /run/iked.sock)\n"
    "  -c, --config FILE  use the control-socket set in FILE (config system iked)\n"
    "  -j, --json         print the daemon's JSON reply\n";

int usage(const std::string& problem) {
    if (!problem.empty()) std::cerr << "ikectl: " << problem << '\n';
    std::cerr << usage_text;
    return exit_usage;
}

struct Options {
    std::string socket = default_socket_path;
    std::string config_file;
    bool json = false;
    std::vector<std::string> words;
};

int print_check(const CheckResult& r, bool json) {
    if (json) {
        std::cout << to_json(r).dump(2) << '\n';
    } else {
        for (const auto& d : r.diagnostics) std::cerr << d << '\n';
        if (r.ok) std::cout << "ok\n";
    }
    return r.ok ? 0 : ike::config::exit_config_error;
}

int check_file(const std::string& path, bool json) {
    auto result = ike::config::load_config_file(path);
    CheckResult r{result.ok(), {}};
    for (const auto& d : result.diagnostics) r.diagnostics.push_back(d.to_string());
    return print_check(r, json);
}

int print_action(const ActionResult& r, bool json) {
    if (json) {
        std::cout << to_json(r).dump(2) << '\n';
    } else {
        (r.ok ? std::cout : std::cerr) << r.message << '\n';
    }
    return r.ok ? 0 : exit_failure;
}

int run(const Options& o) {
    const auto& w = o.words;
    auto is = [&](std::initializer_list<const char*> expected) {
        if (w.size() != expected.size()) return false;
        size_t k = 0;
        for (const char* e : expected)
            if (w[k++] != e) return false;
        return true;
    };
    if (w.size() == 2 && w[0] == "check") return check_file(w[1], o.json);

    ControlClient client(o.socket);
    Request request;
    if (is({"tunnel", "list"}))
        request = {Command::tunnel_list, {}};
    else if (is({"gateway", "list"}))
        request = {Command::gateway_list, {}};
    else if (w.size() == 3 && w[0] == "tunnel" && (w[1] == "up" || w[1] == "down"))
        request = {w[1] == "up" ? Command::tunnel_up : Command::tunnel_down, w[2]};
    else if ((w.size() == 4 || w.size() == 7) && w[0] == "tunnel" && w[1] == "trigger") {
        request.command = Command::tunnel_trigger;
        request.trigger.src = w[2];
        request.trigger.dst = w[3];
        if (w.size() == 7) {
            auto number = [&](const std::string& text, unsigned long max, const char* what) {
                size_t used = 0;
                unsigned long v = 0;
                try {
                    v = std::stoul(text, &used);
                } catch (const std::exception&) {
                    used = 0;
                }
                if (used != text.size() || text.empty() || v > max)
                    throw std::invalid_argument(std::string(what) + " '" + text + "'");
                return v;
            };
            try {
                request.trigger.proto = static_cast<uint8_t>(number(w[4], 255, "protocol"));
                request.trigger.sport = static_cast<uint16_t>(number(w[5], 65535, "port"));
                request.trigger.dport = static_cast<uint16_t>(number(w[6], 65535, "port"));
            } catch (const std::invalid_argument& e) {
                return usage(std::string("bad ") + e.what());
            }
        }
    } else if (is({"reload"}))
        request = {Command::reload, {}};
    else if (is({"check"}))
        request = {Command::config_check, {}};
    else
        return usage(w.empty() ? "missing command"
                               : "unknown command '" + w[0] + (w.size() > 1 ? " " + w[1] : "") + "'");

    Json reply = client.call(request);
    switch (request.command) {
        case Command::tunnel_list:
        case Command::gateway_list: {
            // Decode even for -j: an error reply or a malformed one must not print as success.
            std::ostringstream human;
            if (request.command == Command::tunnel_list)
                ikectl::print_tunnels(human, tunnels_from_response(reply));
            else
                ikectl::print_gateways(human, gateways_from_response(reply));
            std::cout << (o.json ? reply.dump(2) + "\n" : human.str());
            return 0;
        }
        case Command::tunnel_up:
        case Command::tunnel_down:
        case Command::tunnel_trigger:
            return print_action(action_from_response(reply), o.json);
        case Command::reload:
        case Command::config_check:
            return print_check(check_from_response(reply), o.json);
    }
    return exit_failure;
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    for (int k = 1; k < argc; ++k) {
        std::string a = argv[k];
        if (a == "-h" || a == "--help") {
            std::cout << usage_text;
            return 0;
        }
        if (a == "-j" || a == "--json") {
            o.json = true;
        } else if (a == "--socket" || a == "-s") {
            if (++k >= argc) return usage("--socket needs a path");
            o.socket = argv[k];
        } else if (a.rfind("--socket=", 0) == 0) {
            o.socket = a.substr(9);
        } else if (a == "--config" || a == "-c") {
            if (++k >= argc) return usage("--config needs a file");
            o.config_file = argv[k];
        } else if (a.size() > 1 && a[0] == '-' && o.words.empty()) {
            return usage("unknown option '" + a + "'");
        } else {
            o.words.push_back(a);
        }
    }
    if (o.socket.empty()) return usage("--socket needs a path");
    if (!o.config_file.empty()) {
        if (o.socket != default_socket_path) return usage("--socket and --config exclude each other");
        auto config = ike::config::load_config_file(o.config_file);
        if (!config.ok()) {
            for (const auto& d : config.diagnostics) std::cerr << d.to_string() << '\n';
            return ike::config::exit_config_error;
        }
        o.socket = config.config.control_socket;
    }
    try {
        return run(o);
    } catch (const ControlError& e) {
        std::cerr << "ikectl: " << e.what() << '\n';
        return exit_failure;
    } catch (const std::exception& e) {
        std::cerr << "ikectl: " << e.what() << '\n';
        return exit_failure;
    }
}
