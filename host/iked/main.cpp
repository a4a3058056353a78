// iked: the IKEv2 daemon. Reads the FortiOS-syntax configuration, runs the
// protocol engine on UDP 500/4500 (IPv4 and IPv6) in one Asio thread, puts
// AES-GCM Child SAs into the accelerator (--device), runs the others (or all,
// without a card) in its host path on a TUN device (--tun) and logs to stderr.
#include <boost/program_options.hpp>
#include <iostream>

#include "config/parser.h"
#include "config_adapter.h"
#include "daemon.h"
#include "sa/log.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
    iked::Options o;
    std::string level = "info";
    po::options_description desc("iked options");
    desc.add_options()("help,h", "this help")("config", po::value(&o.config)->required(),
                                              "FortiOS-syntax configuration file")(
        "device", po::value(&o.device), "accelerator: /dev/espN, sim:PATH, model:, xrt:N (none: host path only)")(
        "export-keys", po::value(&o.export_keys), "append SA keys in Wireshark esp_sa / ikev2 formats to FILE")(
        "socket", po::value(&o.socket), "control socket path (default: from the config)")(
        "route-hook", po::value(&o.route_hook), "add-route: run PROGRAM add|del PREFIX PEER for each route")(
        "log-level", po::value(&level), "error, warn, info or debug")(
        "tun", po::value(&o.tun)->default_value("ipsec0"),
        "host path TUN device for Child SAs the card cannot take ('' : no host path)")(
        "tun-mtu", po::value(&o.tun_mtu)->default_value(1400), "MTU of the TUN device")(
        "ike-port", po::value(&o.ike_port)->default_value(500), "IKE port")(
        "natt-port", po::value(&o.natt_port)->default_value(4500), "NAT-T port");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help")) {
            std::cout << "usage: iked --config FILE [options]\n" << desc;
            return 0;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "iked: " << e.what() << "\n" << desc;
        return 2;
    }
    ike::sa::LogLevel lvl;
    if (!ike::sa::parse_log_level(level, lvl)) {
        std::cerr << "iked: unknown log level '" << level << "'\n";
        return 2;
    }
    ike::sa::set_log_level(lvl);
    try {
        return iked::run_daemon(o);
    } catch (const std::exception& e) {
        IKE_LOG(error) << "iked: " << e.what();
        return 1;
    }
}
