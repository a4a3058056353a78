#include "daemon.h"

#include <utility> // before Asio: Boost 1.74 uses std::exchange without it
#include <boost/asio.hpp>
#include <iostream>

#include "config/parser.h"
#include "config_adapter.h"
#include "control/server.h"
#include "control_handler.h"
#include "sa/engine.h"
#include "sa/log.h"
#include "route_hook.h"
#include "udp_io.h"
#ifdef IKED_HAVE_ESPDRV
#include "espdrv_offload.h"
#endif
#include "host_path_offload.h"
#include "path_router.h"

namespace iked {

using namespace ike::sa;

namespace {

// Parses and converts; diagnostics go to `diags` (and stderr when asked).
std::optional<GatewayConfig> load(const Options& o, std::vector<std::string>& diags, std::string* control_socket,
                                  bool print) {
    auto r = ike::config::load_config_file(o.config);
    for (const auto& d : r.diagnostics) {
        diags.push_back(d.to_string());
        if (print) std::cerr << d.to_string() << "\n";
    }
    if (!r.ok()) return std::nullopt;
    std::vector<std::string> notes;
    GatewayConfig g = to_gateway_config(r.config, notes);
    for (const auto& n : notes) IKE_LOG(warn) << n;
    g.ike_port = o.ike_port;
    g.natt_port = o.natt_port;
    for (auto& p : g.peers)
        if (p.remote_port == 500) p.remote_port = o.ike_port; // test setups move both ends
    if (control_socket) *control_socket = o.socket.empty() ? r.config.control_socket : o.socket;
    return g;
}

} // namespace

int run_daemon(const Options& o) {
    std::string control_path;
    std::vector<std::string> diags;
    auto cfg = load(o, diags, &control_path, true);
    if (!cfg) return 2;
    std::unique_ptr<SaOffload> card;
    if (!o.device.empty()) {
#ifdef IKED_HAVE_ESPDRV
        card = open_offload(o.device);
#else
        throw std::runtime_error("built without libespdrv: --device unavailable");
#endif
    }
    KeyExport keys(o.export_keys);
    boost::asio::io_context io;
    std::unique_ptr<Engine> engine;
    HostPathOffload* host = nullptr;
    UdpIo udp(
        io, o.ike_port, o.natt_port, [&](Datagram&& d) { engine->on_datagram(d, Clock::now()); },
        [&](Datagram&& d) {
            if (host)
                host->on_udp_esp(d);
            else
                IKE_LOG(debug) << "ESP datagram from " << d.remote.str() << " dropped: no host path";
        });
    std::unique_ptr<SaOffload> host_path;
    if (!o.tun.empty()) {
        try {
            auto h = std::make_unique<HostPathOffload>(io, udp, o.tun, o.tun_mtu);
            host = h.get();
            host_path = std::move(h);
        } catch (const std::exception& e) {
            IKE_LOG(warn) << "no host path: " << e.what();
        }
    }
    std::string paths = (card ? "offload " + card->name() : std::string("no card")) +
                        (host ? ", host path on " + o.tun : std::string(", no host path"));
    PathRouter router(std::move(card), std::move(host_path));
    engine = std::make_unique<Engine>(std::move(*cfg), udp, &router, &keys);
    std::unique_ptr<CommandRouteHook> routes;
    if (!o.route_hook.empty()) {
        routes = std::make_unique<CommandRouteHook>(o.route_hook);
        engine->set_route_hook(routes.get());
    }

    EngineControl control(*engine, [&](std::vector<std::string>& d) { return load(o, d, nullptr, false); });
    ike::control::ControlServer server(io, control, control_path);
    server.start();

    boost::asio::steady_timer tick(io);
    std::function<void()> arm = [&] {
        tick.expires_after(std::chrono::milliseconds(100));
        tick.async_wait([&](const boost::system::error_code& ec) {
            if (ec) return;
            engine->on_timer(Clock::now());
            arm();
        });
    };
    arm();

    bool stopping = false;
    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    std::function<void()> wait_signal = [&] {
        signals.async_wait([&](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            if (sig == SIGHUP) {
                IKE_LOG(info) << "SIGHUP: reloading " << o.config;
                std::vector<std::string> d;
                if (auto c = load(o, d, nullptr, true)) engine->reload(std::move(*c), Clock::now());
                wait_signal();
                return;
            }
            if (stopping) {
                io.stop();
                return;
            }
            stopping = true;
            IKE_LOG(info) << "stopping: deleting IKE SAs";
            server.stop();
            for (const auto& g : engine->gateways()) engine->terminate_ike(g.name, Clock::now());
            // Give the deletes a moment to be answered, then leave.
            auto grace = std::make_shared<boost::asio::steady_timer>(io, std::chrono::milliseconds(500));
            grace->async_wait([&io, grace](const boost::system::error_code&) { io.stop(); });
            wait_signal();
        });
    };
    wait_signal();

    IKE_LOG(info) << "iked started: " << engine->tunnels().size() << " tunnel(s), IKE on UDP " << o.ike_port << "/"
                  << o.natt_port << ", control " << control_path << ", " << paths;
    engine->start(Clock::now());
    io.run();
    engine.reset();
    IKE_LOG(info) << "iked stopped";
    return 0;
}

} // namespace iked
