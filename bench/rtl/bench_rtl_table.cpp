// bench_rtl_table: throughput and latency of the Verilated esp_engine_top, counted in clock
// cycles (deterministic), for fixed packet sizes and an IMIX, in both directions. Every
// output is checked against the HLS model (esp::HlsEngine) before a figure is printed.
//
// Outbound: inner IPv4 packets of the given size go in, ESP packets come out.
// Inbound:  ESP packets carrying an inner packet of the given size (made by the OpenSSL-EVP
//           peer of tests/esp) go in, the inner packets come out.
// SA: IPv4 tunnel, AES-128-GCM, no ESN/UDP, no lifetime limits.
//
// Per row: cycles from the first input beat to the last output beat of a back-to-back
// burst (pipeline fill included); the sustained rate from the output's packet spacing
// (first output beat of the first packet to that of the last, over packets - 1): cycles per
// packet against the bus-beat bound (the beats of the longer of a packet's input and output:
// one beat per cycle per stream), bytes per cycle on both streams, packets per 1000 cycles;
// latency = first input beat -> first output beat of each packet (min/avg/max over the
// burst, queueing included: the first packet of each burst enters an idle engine).
// Simulation speed (simulated cycles per wall-clock second) is printed separately: it is the
// only figure that depends on the machine.
//
//   bench_rtl [--burst DIR:SIZE]... [--json FILE] [--capture-dir DIR]
// --burst out:1400, in:IMIX ... runs only those rows; --json writes the rows' figures;
// --capture-dir writes each burst as espsim input (DIR/<dir>-<size>.sa, -in.pcap) and the
// engine's outputs (-out.pcap), so espsim can stream the same traffic (tests/espsim).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "Vesp_engine_top.h"
#include "engine_top_regs.h"
#include "esp_packet_gen.h"
#include "esp_reference.h"
#include "hls_engine.h"
#include "json_writer.h"
#include "pcap_io.h"
#include "rtl_engine.h"

using namespace esp_test;

namespace {

using Top = Vesp_engine_top;
constexpr unsigned kHandle = 3;

struct Burst {
    std::string name;
    bool inbound = false;
    std::vector<std::size_t> inner_sizes;
};

struct Row {
    std::string dir, name;
    std::size_t packets = 0, bytes_in = 0, bytes_out = 0, bound = 0; // bound: beat-bound cycles
    std::uint64_t cycles = 0, lat_min = 0, lat_max = 0;
    double lat_avg = 0, spacing = 0; // spacing: sustained cycles per packet at the output
};

std::size_t beats(std::size_t bytes) { return std::max<std::size_t>(1, (bytes + 15) / 16); }

// CPU seconds of this process: on a shared machine less sensitive to other load than wall time.
double cpu_now() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// One engine per burst: reset, one SA, the burst back to back, then the check.
class Runner {
public:
    Row run(const Burst& b, std::uint64_t& sim_cycles, double& sim_seconds, double& cpu_seconds,
            const std::string& capture_dir) {
        esp::sim::Bench<Top> bench;
        esp::sim::AxiLiteMaster<Top> axi(bench);
        esp::sim::AxisSource src(esp::sim::bind_s_axis(bench.top()), 0.0, 1);
        esp::sim::AxisSink sink(esp::sim::bind_m_axis(bench.top()), 0.0, 2);
        esp::sim::PacketBeatTimes<Top> mon(bench); // each packet's first beat in, first and last out
        bench.add(src);
        bench.add(sink);
        bench.add(mon);
        bench.reset();
        if (!bench.run_until([&] { return (axi.read(ESP_REG_SA_STATUS) & 1u) == 0; }, 10000))
            throw std::runtime_error("engine stays busy after reset");

        std::mt19937_64 rng(42);
        SaConfig sa = random_sa(rng, false, false, false, false, false);
        sa.inbound = b.inbound;
        esp::HlsEngine hls;
        esp::sim::AxiLiteRegs<Top> regs(axi);
        install(regs, sa);
        install(hls, sa);

        Row row;
        row.dir = b.inbound ? "in" : "out";
        row.name = b.name;
        std::vector<Bytes> ins;
        for (std::size_t i = 0; i < b.inner_sizes.size(); ++i) {
            const Bytes inner = ipv4_packet(random_addr(rng, false), random_addr(rng, false), 17,
                                            random_bytes(rng, b.inner_sizes[i] - 20));
            ins.push_back(b.inbound ? ref_encrypt(sa, i + 1, inner) : inner);
        }
        for (const Bytes& p : ins)
            src.send(p, std::uint64_t(b.inbound) << ESP_TUSER_IN_DIR_LSB |
                            std::uint64_t(kHandle) << ESP_TUSER_IN_SA_LSB |
                            std::uint64_t(p.size() & 0xffffu) << ESP_TUSER_IN_LEN_LSB);
        const std::uint64_t c0 = bench.cycle();
        const auto t0 = std::chrono::steady_clock::now();
        const double cpu0 = cpu_now();
        if (!bench.run_until([&] { return sink.packets().size() >= ins.size(); }, 200 * 1000 * 1000))
            throw std::runtime_error(b.name + ": outputs missing");
        sim_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        cpu_seconds += cpu_now() - cpu0;
        sim_cycles += bench.cycle() - c0;

        // every output against the model
        for (std::size_t i = 0; i < ins.size(); ++i) {
            const auto h = hls.process(b.inbound, kHandle, ins[i]);
            const auto& r = sink.packets()[i];
            const unsigned code = unsigned(r.user >> ESP_TUSER_OUT_RESULT_LSB) & 0xfu;
            if (h.result != ESP_DROP_OK || code != h.result || r.bytes != h.bytes)
                throw std::runtime_error(b.name + " " + row.dir + ": packet " + std::to_string(i) +
                                         " differs from the HLS model");
            row.bytes_in += ins[i].size();
            row.bytes_out += r.bytes.size();
            row.bound += std::max(beats(ins[i].size()), beats(r.bytes.size()));
        }
        std::vector<std::uint64_t> first_in, first_out;
        std::uint64_t last_out = 0;
        for (std::size_t i = 0; i < ins.size(); ++i) {
            const auto t = mon.pop();
            first_in.push_back(t[0]);
            first_out.push_back(t[1]);
            last_out = t[2];
        }
        row.packets = ins.size();
        row.cycles = last_out + 1 - first_in.front();
        row.spacing = double(first_out.back() - first_out.front()) / double(ins.size() - 1);
        row.lat_min = ~0ull;
        double sum = 0;
        for (std::size_t i = 0; i < ins.size(); ++i) {
            const std::uint64_t l = first_out[i] - first_in[i];
            row.lat_min = std::min(row.lat_min, l);
            row.lat_max = std::max(row.lat_max, l);
            sum += double(l);
        }
        row.lat_avg = sum / double(ins.size());
        if (!capture_dir.empty()) {
            std::vector<Bytes> outs;
            for (const auto& r : sink.packets()) outs.push_back(r.bytes);
            write_capture(capture_dir + "/" + row.dir + "-" + b.name, sa, ins, outs);
        }
        return row;
    }

private:
    // The burst as espsim takes it: its SA as an SA-file line, the input and output packets
    // as raw-IP captures.
    static void write_capture(const std::string& base, const SaConfig& sa, const std::vector<Bytes>& ins,
                              const std::vector<Bytes>& outs) {
        const auto addr = [](const std::array<std::uint8_t, 16>& a) {
            return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
                   std::to_string(a[3]);
        };
        std::string keysalt = "0x";
        char hex[3];
        for (std::uint8_t v : sa.key) std::snprintf(hex, sizeof hex, "%02x", v), keysalt += hex;
        for (std::uint8_t v : sa.salt) std::snprintf(hex, sizeof hex, "%02x", v), keysalt += hex;
        char spi[16];
        std::snprintf(spi, sizeof spi, "0x%08x", sa.spi);
        std::ofstream(base + ".sa") << "src " << addr(sa.src) << " dst " << addr(sa.dst) << " proto esp spi " << spi
                                    << " dir " << (sa.inbound ? "in" : "out")
                                    << " mode tunnel aead 'rfc4106(gcm(aes))' " << keysalt << " 128 replay-window "
                                    << sa.window << "\n";
        for (const auto& [name, packets] : {std::pair{"-in.pcap", &ins}, std::pair{"-out.pcap", &outs}}) {
            esphost::PcapWriter w(base + name, DLT_RAW);
            timeval ts{1767225600, 0};
            for (const Bytes& p : *packets) {
                w.write(ts, p);
                ++ts.tv_usec;
            }
            w.close();
        }
    }

    static void install(esp::PacketEngine& e, const SaConfig& sa) {
        stage_words(e, sa_words(sa));
        e.write_reg(ESP_REG_SA_CMD, (ESP_SA_OP_WRITE << ESP_REG_SA_CMD_OP_LSB) | kHandle);
        std::uint32_t st = e.read_reg(ESP_REG_SA_STATUS);
        for (int i = 0; i < 100 && (st & ESP_REG_SA_STATUS_BUSY_MASK); ++i) st = e.read_reg(ESP_REG_SA_STATUS);
        if (st & (ESP_REG_SA_STATUS_BUSY_MASK | (ESP_REG_SA_STATUS_ERROR_MASK << ESP_REG_SA_STATUS_ERROR_LSB)))
            throw std::runtime_error("SA install failed");
    }
};

// About 150 KB per burst (at least 20 packets), so start-up costs are a small part.
std::vector<std::size_t> fixed(std::size_t size) {
    return std::vector<std::size_t>(std::max<std::size_t>(20, 150000 / size), size);
}

// IMIX 7:4:1 of 64/576/1500-byte packets, 240 packets in a fixed shuffled order.
std::vector<std::size_t> imix() {
    std::vector<std::size_t> v;
    for (int i = 0; i < 20; ++i) {
        v.insert(v.end(), 7, 64);
        v.insert(v.end(), 4, 576);
        v.push_back(1500);
    }
    std::mt19937_64 rng(7);
    std::shuffle(v.begin(), v.end(), rng);
    return v;
}

void write_json(const std::string& path, const std::vector<Row>& rows) {
    esphost::JsonWriter j;
    j.begin_array();
    for (const Row& r : rows) {
        const double n = double(r.packets), c = r.spacing;
        j.begin_object();
        j.key("dir").value(r.dir);
        j.key("size").value(r.name);
        j.key("packets").value(std::uint64_t(r.packets));
        j.key("bytes_in").value(std::uint64_t(r.bytes_in));
        j.key("bytes_out").value(std::uint64_t(r.bytes_out));
        j.key("cycles").value(r.cycles);
        j.key("cycles_per_packet").fixed(c, 4);
        j.key("bytes_in_per_cycle").fixed(double(r.bytes_in) / n / c, 4);
        j.key("bytes_out_per_cycle").fixed(double(r.bytes_out) / n / c, 4);
        j.key("latency_min").value(r.lat_min);
        j.key("latency_avg").fixed(r.lat_avg, 3);
        j.key("latency_max").value(r.lat_max);
        j.end_object();
    }
    j.end_array();
    std::ofstream f(path);
    f << j.str();
    if (!f.flush()) throw std::runtime_error(path + ": cannot write");
}

} // namespace

int main(int argc, char** argv) try {
    std::vector<std::string> only;
    std::string json_path, capture_dir;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (i + 1 >= argc || (a != "--burst" && a != "--json" && a != "--capture-dir"))
            throw std::invalid_argument(
                "usage: bench_rtl [--burst out|in:SIZE|IMIX]... [--json FILE] [--capture-dir DIR]");
        (a == "--burst" ? only.emplace_back() : a == "--json" ? json_path : capture_dir) = argv[++i];
    }
    std::vector<Burst> bursts;
    for (const bool inbound : {false, true}) {
        for (const std::size_t s : {64, 128, 256, 512, 1024, 1400, 9000})
            bursts.push_back({std::to_string(s), inbound, fixed(s)});
        bursts.push_back({"IMIX", inbound, imix()});
    }
    if (!only.empty()) {
        std::vector<Burst> chosen;
        for (const std::string& o : only) {
            const auto it = std::find_if(bursts.begin(), bursts.end(),
                                         [&](const Burst& b) { return (b.inbound ? "in:" : "out:") + b.name == o; });
            if (it == bursts.end()) throw std::invalid_argument("no burst " + o + " (out|in:64..9000|IMIX)");
            chosen.push_back(*it);
        }
        bursts = chosen;
    }
    std::printf(
        "esp_engine_top, IPv4 tunnel AES-128-GCM, back-to-back bursts, outputs checked against the HLS model.\n"
        "size: inner packet bytes; cycles: first input beat to last output beat of the burst;\n"
        "sustained (output packet spacing): cyc/pkt, bound = beats of the longer of a packet's input and\n"
        "output, over = cyc/pkt - bound, bytes/cycle in and out, packets per 1000 cycles;\n"
        "latency: first input beat -> first output beat per packet, cycles (queueing included).\n\n");
    std::printf("%-3s %-5s %5s %8s | %8s %7s %6s %8s %8s %9s | %s\n", "dir", "size", "pkts", "cycles", "cyc/pkt",
                "bound", "over", "inB/cyc", "outB/cyc", "pkts/kcyc", "latency min/avg/max");
    Runner runner;
    std::uint64_t sim_cycles = 0;
    double sim_seconds = 0, cpu_seconds = 0;
    std::vector<Row> rows;
    for (const Burst& b : bursts) {
        const Row r = runner.run(b, sim_cycles, sim_seconds, cpu_seconds, capture_dir);
        rows.push_back(r);
        const double n = double(r.packets), c = r.spacing, bound = double(r.bound) / n;
        std::printf("%-3s %-5s %5zu %8llu | %8.2f %7.2f %6.2f %8.2f %8.2f %9.2f | %llu/%.1f/%llu\n", r.dir.c_str(),
                    r.name.c_str(), r.packets, static_cast<unsigned long long>(r.cycles), c, bound, c - bound,
                    double(r.bytes_in) / n / c, double(r.bytes_out) / n / c, 1000.0 / c,
                    static_cast<unsigned long long>(r.lat_min), r.lat_avg, static_cast<unsigned long long>(r.lat_max));
    }
    std::printf(
        "\nVerilator simulation speed (this machine): %.0f simulated cycles per wall-clock second"
        " (%llu cycles in %.2f s), %.0f per CPU second (%.2f s)\n",
        double(sim_cycles) / sim_seconds, static_cast<unsigned long long>(sim_cycles), sim_seconds,
        double(sim_cycles) / cpu_seconds, cpu_seconds);
    if (!json_path.empty()) write_json(json_path, rows);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_rtl_table: %s\n", e.what());
    return 1;
}
