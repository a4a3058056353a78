// espsim streams a capture through the RTL engine at the rate bench_rtl measures: both run
// on the same traffic (bench_rtl --capture-dir writes its bursts as SA file and captures),
// espsim's --stats-json figures must be within 1 % of bench_rtl's and its output capture
// equal to the engine outputs bench_rtl checked against the HLS model. Paced runs offer the
// asked load.
#include <catch2/catch.hpp>

#include <cmath>

#include "espsim_run.h"

using namespace espsim_test;

namespace {

struct BenchRun {
    ScratchDir dir;
    boost::property_tree::ptree rows;
};

// Runs bench_rtl on the given bursts, writing their captures and figures.
const BenchRun& bench(const std::vector<std::string>& bursts) {
    static BenchRun run;
    static bool done = false;
    if (!done) {
        std::string cmd = "'" + std::string(BENCH_RTL_PATH) + "' --capture-dir '" + run.dir.file("") + "' --json '" +
                          run.dir.file("bench.json") + "'";
        for (const auto& b : bursts) cmd += " --burst " + b;
        cmd += " >'" + run.dir.file("bench.txt") + "' 2>&1";
        const int status = std::system(cmd.c_str());
        INFO(slurp(run.dir.file("bench.txt")));
        REQUIRE(status == 0);
        run.rows = read_json(run.dir.file("bench.json"));
        done = true;
    }
    return run;
}

const std::vector<std::string> kBursts = {"out:64", "out:1400", "out:IMIX", "in:64", "in:1400", "in:IMIX"};

double fnum(const boost::property_tree::ptree& t, const std::string& path) {
    return std::stod(t.get<std::string>(path));
}

void check_within_1pct(double espsim, double bench_rtl) {
    INFO("espsim " << espsim << ", bench_rtl " << bench_rtl);
    CHECK(std::abs(espsim - bench_rtl) <= 0.01 * std::abs(bench_rtl));
}

} // namespace

TEST_CASE("espsim streams at bench_rtl's rate on the same traffic", "[espsim][stream]") {
    const BenchRun& b = bench(kBursts);
    for (const auto& [_, row] : b.rows) {
        const std::string dir = row.get<std::string>("dir"), size = row.get<std::string>("size");
        const std::string base = b.dir.file(dir + "-" + size);
        SECTION(dir + " " + size) {
            ScratchDir scratch;
            const auto r =
                run_espsim(scratch, {"--sa", base + ".sa", "--in", base + "-in.pcap", "--out", scratch.file("out.pcap"),
                                     "--stats-json", scratch.file("s.json"), "-q", "--engine", "rtl"});
            INFO(r.err);
            REQUIRE(r.status == 0);
            // Byte-exact and in order: the outputs bench_rtl took from the engine (and checked).
            CHECK(read_capture(scratch.file("out.pcap")).frames() == read_capture(base + "-out.pcap").frames());
            const auto js = read_json(scratch.file("s.json"));
            const std::string t = "timing." + dir + ".";
            CHECK(js.get<std::string>("timing.stream") == "back-to-back");
            CHECK(num(js, t + "packets") == num(row, "packets"));
            CHECK(num(js, t + "bytes_in") == num(row, "bytes_in"));
            CHECK(num(js, t + "bytes_out") == num(row, "bytes_out"));
            CHECK(num(js, "timing.all.packets") == num(row, "packets"));
            check_within_1pct(fnum(js, t + "cycles_per_packet"), fnum(row, "cycles_per_packet"));
            check_within_1pct(fnum(js, t + "bytes_in_per_cycle"), fnum(row, "bytes_in_per_cycle"));
            check_within_1pct(fnum(js, t + "bytes_out_per_cycle"), fnum(row, "bytes_out_per_cycle"));
            check_within_1pct(fnum(js, t + "packets_per_cycle"), 1.0 / fnum(row, "cycles_per_packet"));
            check_within_1pct(static_cast<double>(num(js, t + "cycles")), static_cast<double>(num(row, "cycles")));
            check_within_1pct(fnum(js, t + "latency_cycles.avg"), fnum(row, "latency_avg"));
            check_within_1pct(static_cast<double>(num(js, t + "latency_cycles.max")),
                              static_cast<double>(num(row, "latency_max")));
            // Gbit/s at the default 250 MHz clock: bytes per cycle x 8 x 0.25.
            check_within_1pct(fnum(js, t + "gbit_s_out"), fnum(row, "bytes_out_per_cycle") * 2.0);
        }
    }
}

TEST_CASE("espsim --rate paces the input to the offered load", "[espsim][stream]") {
    const BenchRun& b = bench(kBursts);
    const std::string base = b.dir.file("out-1400");
    // 1400-byte packets at 10 Gbit/s and 200 MHz: 6.25 bytes per cycle, one packet every 224
    // cycles, well under the engine's 16 bytes per cycle, so the output keeps that spacing and
    // each packet meets an idle engine.
    ScratchDir scratch;
    const auto r =
        run_espsim(scratch, {"--sa", base + ".sa", "--in", base + "-in.pcap", "--out", scratch.file("out.pcap"),
                             "--stats-json", scratch.file("s.json"), "-q", "--rate", "10", "--clock", "200"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(read_capture(scratch.file("out.pcap")).frames() == read_capture(base + "-out.pcap").frames());
    const auto js = read_json(scratch.file("s.json"));
    CHECK(js.get<std::string>("timing.stream") == "paced");
    CHECK(fnum(js, "timing.offered_gbit_s") == 10.0);
    check_within_1pct(fnum(js, "timing.out.gbit_s_in"), 10.0);
    check_within_1pct(fnum(js, "timing.out.cycles_per_packet"), 224.0);
    CHECK(num(js, "timing.out.latency_cycles.max") - num(js, "timing.out.latency_cycles.min") <= 2);
    // Back to back the same packets queue up: the latency grows along the burst.
    const auto fast = run_espsim(scratch, {"--sa", base + ".sa", "--in", base + "-in.pcap", "--out",
                                           scratch.file("out2.pcap"), "--stats-json", scratch.file("s2.json"), "-q"});
    REQUIRE(fast.status == 0);
    const auto js2 = read_json(scratch.file("s2.json"));
    CHECK(fnum(js2, "timing.out.cycles_per_packet") < 100);
    CHECK(fnum(js2, "timing.out.latency_cycles.avg") > fnum(js, "timing.out.latency_cycles.avg"));

    const auto bad = run_espsim(
        scratch, {"--sa", base + ".sa", "--in", base + "-in.pcap", "--out", scratch.file("o.pcap"), "--rate", "0"});
    CHECK(bad.status == 2);
    const auto untimed = run_espsim(scratch, {"--sa", base + ".sa", "--in", base + "-in.pcap", "--out",
                                              scratch.file("o.pcap"), "--rate", "10", "--engine", "hls"});
    CHECK(untimed.status == 2);
    CHECK(untimed.err.find("--rate") != std::string::npos);
}
