// espsim: the ESP offload card as a command-line simulator.
//
//   espsim --sa FILE --in IN.pcap --out OUT.pcap [--stats-json FILE] [--engine hls] [--quiet]
//          [--rate GBITS] [--clock MHZ]
//     programs the SAs of FILE (sa_spec.h syntax, one per line) into a simulated card,
//     streams every packet of IN.pcap through it (see simulator.h for the steering): back to
//     back, or with --rate paced so the offered load is GBITS Gbit/s at the clock; writes
//     what comes out to OUT.pcap, in capture order, and prints one line per packet.
//   espsim serve --socket PATH [--engine hls]
//     serves one simulated card to libespdrv clients (device string sim:PATH).
//
// Exit status: 0 done (drops are results, not failures); 1 a file could not be read or
// written; 2 bad usage or a bad SA file ("FILE:LINE: message" on stderr).
#include <boost/program_options.hpp>

#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <string>

#include "engines.h"
#include "packet_engine.h"
#include "pcap_io.h"
#include "sa_file.h"
#include "sim_server.h"
#include "simulator.h"

namespace po = boost::program_options;

namespace {

constexpr int kExitIo = 1;
constexpr int kExitUsage = 2;

std::string engine_help() {
    std::string s = "packet engine:";
    for (const auto& e : espsim::engines()) s += std::string(" ") + e.name + " (" + e.what + ")";
    return s;
}

// The default engine, served or on a capture: the Verilated RTL when this build has it
// (ESP_WITH_RTL), else the HLS model.
std::string default_engine() {
    for (const auto& e : espsim::engines())
        if (std::string(e.name) == "rtl") return "rtl";
    return "hls";
}

int serve(int argc, char** argv) {
    po::options_description opts("espsim serve options");
    opts.add_options()("help,h", "this help")("socket", po::value<std::string>()->required(),
                                              "UNIX socket path to serve the card on")(
        "engine", po::value<std::string>()->default_value(default_engine()), engine_help().c_str());
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, opts), vm);
        if (vm.count("help")) {
            std::cout << "usage: espsim serve --socket PATH [--engine NAME]\n" << opts;
            return 0;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "espsim serve: " << e.what() << "\n" << opts;
        return kExitUsage;
    }
    std::unique_ptr<esp::PacketEngine> engine;
    try {
        engine = espsim::make_engine(vm["engine"].as<std::string>());
    } catch (const std::invalid_argument& e) {
        std::cerr << "espsim serve: " << e.what() << "\n";
        return kExitUsage;
    }
    return espdrv::run_sim_server(std::move(engine), vm["socket"].as<std::string>());
}

struct RunOptions {
    std::string sa_file, in, out, stats_json, engine;
    bool quiet = false;
    espsim::Pace pace;
};

bool timed_engine(const std::string& name) {
    for (const auto& e : espsim::engines())
        if (name == e.name) return e.timed;
    return false;
}

int run(const RunOptions& o) {
    std::vector<esphost::SaFileEntry> sas;
    std::unique_ptr<esp::PacketEngine> engine;
    try {
        sas = esphost::load_sa_file(o.sa_file);
        if (sas.empty()) throw esphost::SaFileError(o.sa_file + ": no SA in the file");
        engine = espsim::make_engine(o.engine);
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return kExitUsage;
    }
    if (o.pace.rate_gbit_s > 0 && !timed_engine(o.engine)) {
        std::cerr << "espsim: --rate paces the input in clock cycles: engine " << o.engine << " counts none\n";
        return kExitUsage;
    }
    espsim::Simulator sim(std::move(engine), o.pace);
    try {
        sim.add_sas(std::move(sas), o.sa_file);
    } catch (const esphost::SaFileError& e) {
        std::cerr << e.what() << "\n";
        return kExitUsage;
    }
    std::uint64_t n = 0;
    try {
        esphost::PcapReader reader(o.in);
        esphost::PcapWriter writer(o.out, esphost::output_link_type(reader.link_type()));
        std::deque<esphost::CapturedPacket> frames; // submitted, not yet written
        const auto emit = [&] {
            const espsim::Outcome r = sim.next();
            const esphost::CapturedPacket& f = frames.front();
            if (r.kind == espsim::Outcome::Kind::NotIp)
                writer.write(f.ts, f.frame);
            else if (!r.dropped())
                writer.write_ip(f, r.packet);
            if (!o.quiet) std::cout << "#" << n - frames.size() + 1 << " " << r.describe() << "\n";
            frames.pop_front();
        };
        esphost::CapturedPacket pkt;
        while (reader.next(pkt)) {
            ++n;
            frames.push_back(pkt);
            if (pkt.is_ip())
                sim.submit(frames.back().ip());
            else
                sim.submit_not_ip(pkt.frame.size());
            while (sim.backlog_full()) emit();
        }
        while (sim.pending()) emit();
        writer.close();
    } catch (const esphost::PcapError& e) {
        std::cerr << "espsim: " << e.what() << "\n";
        return kExitIo;
    }
    const auto& t = sim.totals();
    std::uint64_t drops = 0;
    for (unsigned c = 1; c < ESP_DROP_COUNT; ++c) drops += t.drops[c];
    std::cout << n << " packets: " << t.packets_out << " processed, " << drops << " dropped, " << sim.passed()
              << " passed unchanged\n";
    if (!o.stats_json.empty()) {
        std::ofstream f(o.stats_json);
        f << sim.stats_json();
        if (!f.flush()) {
            std::cerr << "espsim: " << o.stats_json << ": cannot write\n";
            return kExitIo;
        }
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string(argv[1]) == "serve") return serve(argc - 1, argv + 1);
    RunOptions o;
    po::options_description opts("espsim options");
    opts.add_options()("help,h", "this help")("sa", po::value(&o.sa_file)->required(),
                                              "SA file, one `ip xfrm state add`-style SA per line")(
        "in", po::value(&o.in)->required(), "input capture (raw IP or Ethernet)")(
        "out", po::value(&o.out)->required(), "output capture (same framing)")("stats-json", po::value(&o.stats_json),
                                                                               "write statistics as JSON to this file")(
        "engine", po::value(&o.engine)->default_value(default_engine()), engine_help().c_str())(
        "quiet,q", po::bool_switch(&o.quiet), "no line per packet")(
        "rate", po::value(&o.pace.rate_gbit_s),
        "pace the input: offer GBITS Gbit/s of IP packets at the clock (default: back to back)")(
        "clock", po::value(&o.pace.clock_mhz)->default_value(250.0),
        "clock of the timed engine in MHz, for --rate and the Gbit/s figures of --stats-json");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, opts), vm);
        if (vm.count("help")) {
            std::cout << "usage: espsim --sa FILE --in IN.pcap --out OUT.pcap [--stats-json FILE] [--rate GBITS] "
                         "[--clock MHZ]\n"
                         "       espsim serve --socket PATH\n"
                      << opts;
            return 0;
        }
        po::notify(vm);
        if (!(o.pace.clock_mhz > 0) || (vm.count("rate") && !(o.pace.rate_gbit_s > 0)))
            throw po::error("--rate and --clock take positive numbers");
    } catch (const po::error& e) {
        std::cerr << "espsim: " << e.what() << "\n" << opts;
        return kExitUsage;
    }
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "espsim: " << e.what() << "\n";
        return kExitIo;
    }
}
