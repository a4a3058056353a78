// ike_rate: IKE_SA + CHILD_SA establishments per second against a real
// responder (an iked daemon, or anything else). The initiator is the same
// protocol engine iked runs, on the same UDP sockets; it keeps PARALLEL
// negotiations in flight until COUNT have finished, each on a fresh IKE SA.
//
// usage: ike_rate --config FILE --child PHASE2 --count N --parallel P
//                 [--ike-port 500 --natt-port 4500 --remote-port 500]
// prints: "ike_rate: N IKE_SA in S s = R IKE_SA/s (F failed)"
#include <utility> // before Asio: Boost 1.74 uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>

#include "config/parser.h"
#include "config_adapter.h"
#include "sa/engine.h"
#include "sa/log.h"
#include "udp_io.h"

namespace po = boost::program_options;
using namespace ike::sa;

int main(int argc, char** argv) {
    std::string config, child;
    unsigned count = 100, parallel = 8, timeout_s = 120;
    uint16_t ike_port = 500, natt_port = 4500, remote_port = 500;
    po::options_description desc("ike_rate options");
    desc.add_options()("config", po::value(&config)->required(), "FortiOS config of the initiator")(
        "child", po::value(&child)->required(), "phase2 to bring up")("count", po::value(&count), "IKE SAs")(
        "parallel", po::value(&parallel), "negotiations in flight")("timeout", po::value(&timeout_s), "seconds")(
        "ike-port", po::value(&ike_port), "local IKE port")("natt-port", po::value(&natt_port), "local NAT-T port")(
        "remote-port", po::value(&remote_port), "the responder's IKE port (unprivileged tests on localhost)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "ike_rate: " << e.what() << "\n" << desc;
        return 2;
    }
    set_log_level(LogLevel::warn);
    auto r = ike::config::load_config_file(config);
    for (const auto& d : r.diagnostics) std::cerr << d.to_string() << "\n";
    if (!r.ok()) return 2;
    std::vector<std::string> notes;
    GatewayConfig g = iked::to_gateway_config(r.config, notes);
    g.ike_port = ike_port;
    g.natt_port = natt_port;
    for (auto& p : g.peers) {
        p.remote_port = remote_port;
        for (auto& c : p.children) c.auto_negotiate = false;
    }

    boost::asio::io_context io;
    std::unique_ptr<Engine> engine;
    iked::UdpIo udp(
        io, ike_port, natt_port, [&](Datagram&& d) { engine->on_datagram(d, Clock::now()); }, nullptr);
    engine = std::make_unique<Engine>(std::move(g), udp);

    unsigned started = 0;
    auto t0 = Clock::now();
    auto finished = [&] { return engine->stats().children_installed + engine->stats().ike_failed; };
    boost::asio::steady_timer tick(io);
    std::function<void()> pump = [&] {
        auto now = Clock::now();
        engine->on_timer(now);
        while (started < count && started - finished() < parallel) {
            engine->initiate_fresh(child, now);
            ++started;
        }
        if (finished() >= count || now - t0 > std::chrono::seconds(timeout_s)) {
            io.stop();
            return;
        }
        tick.expires_after(std::chrono::milliseconds(1));
        tick.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) pump();
        });
    };
    pump();
    io.run();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    auto ok = engine->stats().children_installed;
    std::cout << "ike_rate: " << ok << " IKE_SA in " << secs << " s = " << (static_cast<double>(ok) / secs)
              << " IKE_SA/s (" << engine->stats().ike_failed << " failed, " << engine->stats().retransmits
              << " retransmits)\n";
    return ok == count ? 0 : 1;
}
