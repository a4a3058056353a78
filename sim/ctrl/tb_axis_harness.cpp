// The harness's stream agents and bench against a 4-deep FIFO: random packets
// with random bubbles and back-pressure arrive complete, in order, unchanged.
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>
#include <string>

#include "Vtb_axis_fifo.h"
#include "axi_stream.h"
#include "bench.h"

using esp::sim::AxisSink;
using esp::sim::AxisSource;
using esp::sim::Bench;

namespace {

void run(double bubble, double stall, uint64_t seed) {
    Bench<Vtb_axis_fifo> b;
    AxisSource src(esp::sim::bind_s_axis(b.top()), bubble, seed);
    AxisSink sink(esp::sim::bind_m_axis(b.top()), stall, seed + 1);
    b.add(src);
    b.add(sink);
    b.reset();

    std::mt19937_64 rng(seed);
    std::vector<std::pair<std::vector<uint8_t>, uint64_t>> sent;
    for (int p = 0; p < 300; ++p) {
        std::vector<uint8_t> bytes(1 + rng() % 200);
        for (auto& x : bytes) x = static_cast<uint8_t>(rng());
        const uint64_t user = rng() & ((1ull << 33) - 1);
        src.send(bytes, user);
        sent.emplace_back(std::move(bytes), user);
    }
    REQUIRE(b.run_until([&] { return sink.packets().size() == sent.size(); }, 100000));
    for (size_t i = 0; i < sent.size(); ++i) {
        const auto& got = sink.packets()[i];
        REQUIRE(got.bytes == sent[i].first);
        REQUIRE(got.user == sent[i].second);
        REQUIRE(!got.drop);
    }
    // Throughput follows the offered load: no bubbles and no stalls means one beat a cycle.
    if (bubble == 0 && stall == 0) CHECK(b.cycle() < src.beats_sent() + 20);
}

} // namespace

TEST_CASE("stream agents: packets pass a FIFO intact under bubbles and back-pressure", "[harness]") {
    run(0.0, 0.0, 1);
    run(0.3, 0.0, 2);
    run(0.0, 0.4, 3);
    run(0.5, 0.5, 4);
}

TEST_CASE("to_beats: lanes, keep and last follow the contract", "[harness]") {
    std::vector<uint8_t> bytes(33);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i);
    const auto beats = esp::sim::to_beats(bytes, 7);
    REQUIRE(beats.size() == 3);
    REQUIRE(beats[0].keep == 0xffff);
    REQUIRE(beats[2].keep == 0x0001);
    REQUIRE(beats[2].last);
    REQUIRE(!beats[1].last);
    REQUIRE(beats[1].data[15] == 31);
    REQUIRE(esp::sim::to_beats({}, 0).at(0).keep == 0);
}

TEST_CASE("bench: --trace writes an FST file, other arguments stay", "[harness]") {
    const std::string path = "tb_axis_harness_trace.fst";
    std::remove(path.c_str());
    std::string a0 = "prog", a1 = "--trace", a2 = path, a3 = "--keep", a4 = "--seed", a5 = "9";
    char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), a4.data(), a5.data()};
    int argc = 6;
    const auto opt = esp::sim::Options::from_args(argc, argv);
    REQUIRE(argc == 2);
    REQUIRE(std::string(argv[1]) == "--keep");
    REQUIRE(opt.seed == 9);
    REQUIRE(opt.trace_path == path);
    {
        Bench<Vtb_axis_fifo> b(opt);
        AxisSource src(esp::sim::bind_s_axis(b.top()), 0.2, opt.seed);
        AxisSink sink(esp::sim::bind_m_axis(b.top()), 0.2, opt.seed);
        b.add(src);
        b.add(sink);
        b.reset();
        src.send(std::vector<uint8_t>(100, 0x5a), 1);
        REQUIRE(b.run_until([&] { return sink.packets().size() == 1; }, 1000));
    }
    std::FILE* f = std::fopen(path.c_str(), "rb");
    REQUIRE(f != nullptr);
    std::fseek(f, 0, SEEK_END);
    const long size = std::ftell(f);
    std::fclose(f);
    REQUIRE(size > 100);
    std::remove(path.c_str());
}
