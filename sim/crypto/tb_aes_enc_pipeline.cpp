// tb_aes_enc_pipeline: checks aes_enc_pipeline against FIPS-197 Appendix C and OpenSSL EVP
// (10k random blocks, AES-128 and AES-256 mixed per block, random bubbles), checks order and
// constant latency through the travelling tag, then measures sustained throughput and
// simulation speed on back-to-back blocks.
#include <cstdio>
#include <deque>

#include "Vaes_enc_pipeline.h"
#include "tb_common.h"

namespace {

struct Expected {
    tbc::Bytes ct;
    std::uint16_t tag;
    std::uint64_t issued;
};

struct Bench {
    VerilatedContext ctx;
    Vaes_enc_pipeline top{&ctx};
    std::deque<Expected> pending;
    std::uint64_t cycle = 0;
    std::uint64_t outputs = 0;
    std::uint64_t latency_min = ~0ULL, latency_max = 0;

    void reset() {
        top.in_valid = 0;
        tbc::reset_model(top);
    }

    void drive(const tbc::Bytes& key, const tbc::Bytes& pt, std::uint16_t tag) {
        drive_expecting(key, pt, tag, tbc::aes_ecb_block(key, pt));
    }

    void drive_expecting(const tbc::Bytes& key, const tbc::Bytes& pt, std::uint16_t tag, const tbc::Bytes& ct) {
        top.in_valid = 1;
        tbc::put_be(top.in_key, key.data(), key.size(), 32);
        top.in_key256 = key.size() == 32;
        tbc::put_be(top.in_block, pt.data(), 16, 16);
        top.in_tag = tag;
        pending.push_back({ct, tag, cycle});
    }

    void idle() { top.in_valid = 0; }

    // One clock; checks whatever the pipeline presents after the edge.
    void tick() {
        tbc::clock_edge(top);
        ++cycle;
        if (!top.out_valid) return;
        ++outputs;
        if (pending.empty()) {
            tbc::check(false, "output without input");
            return;
        }
        Expected e = pending.front();
        pending.pop_front();
        tbc::Bytes got = tbc::get_be(top.out_block, 16, 16);
        tbc::check(got == e.ct,
                   "block " + std::to_string(e.tag) + ": got " + tbc::hex(got) + " want " + tbc::hex(e.ct));
        tbc::check(top.out_tag == e.tag, "tag out of order");
        std::uint64_t lat = cycle - e.issued;
        latency_min = std::min(latency_min, lat);
        latency_max = std::max(latency_max, lat);
    }

    void drain() {
        idle();
        for (int i = 0; i < 40 && !pending.empty(); ++i) tick();
        tbc::check(pending.empty(), "blocks lost in the pipeline");
    }
};

void fips197_vectors(Bench& b) {
    const tbc::Bytes pt = tbc::unhex("00112233445566778899aabbccddeeff");
    const tbc::Bytes k128 = tbc::unhex("000102030405060708090a0b0c0d0e0f");
    const tbc::Bytes k256 = tbc::unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    // The expected values are FIPS-197 C.1 and C.3; check OpenSSL agrees, then the RTL.
    tbc::check(tbc::aes_ecb_block(k128, pt) == tbc::unhex("69c4e0d86a7b0430d8cdb78070b4c55a"), "OpenSSL C.1");
    tbc::check(tbc::aes_ecb_block(k256, pt) == tbc::unhex("8ea2b7ca516745bfeafc49904b496089"), "OpenSSL C.3");
    b.drive(k128, pt, 1);
    b.tick();
    b.drive(k256, pt, 2);
    b.tick();
    b.drain();
}

void random_blocks(Bench& b, std::mt19937_64& rng, int n) {
    tbc::Bytes key = tbc::random_bytes(rng, 16);
    for (int i = 0; i < n;) {
        if (rng() % 5 == 0) { // a bubble
            b.idle();
            b.tick();
            continue;
        }
        if (rng() % 2 == 0) key = tbc::random_bytes(rng, rng() % 2 ? 32 : 16);
        b.drive(key, tbc::random_bytes(rng, 16), static_cast<std::uint16_t>(i));
        b.tick();
        ++i;
    }
    b.drain();
}

// Back-to-back blocks: throughput must be exactly one block per cycle. References are
// computed before the stopwatch starts so cycles/s measures the model.
void throughput(Bench& b, std::mt19937_64& rng, int n) {
    tbc::Bytes k16 = tbc::random_bytes(rng, 16), k32 = tbc::random_bytes(rng, 32);
    std::vector<tbc::Bytes> pts, cts;
    for (int i = 0; i < n; ++i) {
        pts.push_back(tbc::random_bytes(rng, 16));
        cts.push_back(tbc::aes_ecb_block(i % 3 ? k16 : k32, pts.back()));
    }
    std::uint64_t out0 = b.outputs, cyc0 = b.cycle;
    tbc::Stopwatch sw;
    for (int i = 0; i < n; ++i) {
        b.drive_expecting(i % 3 ? k16 : k32, pts[static_cast<std::size_t>(i)], static_cast<std::uint16_t>(i),
                          cts[static_cast<std::size_t>(i)]);
        b.tick();
    }
    std::uint64_t first_out_cycle = 0;
    while (!b.pending.empty()) {
        b.idle();
        b.tick();
        if (first_out_cycle == 0) first_out_cycle = b.cycle;
    }
    double secs = sw.seconds();
    std::uint64_t blocks = b.outputs - out0, cycles = b.cycle - cyc0;
    // Blocks per cycle over the steady state: total cycles minus the pipeline fill.
    double bpc = static_cast<double>(blocks) / static_cast<double>(cycles - b.latency_max);
    std::printf(
        "aes_enc_pipeline: %llu blocks in %llu cycles (latency %llu): %.4f blocks/cycle; "
        "%.0f cycles/s simulated (model + checks)\n",
        static_cast<unsigned long long>(blocks), static_cast<unsigned long long>(cycles),
        static_cast<unsigned long long>(b.latency_max), bpc, static_cast<double>(cycles) / secs);
    tbc::check(blocks == static_cast<std::uint64_t>(n), "throughput run lost blocks");
    tbc::check(bpc > 0.999, "pipeline does not sustain one block per cycle");
}

} // namespace

int main(int argc, char** argv) {
    Bench b;
    b.ctx.commandArgs(argc, argv);
    std::mt19937_64 rng(0xAE5u);
    b.reset();
    fips197_vectors(b);
    random_blocks(b, rng, 10000);
    throughput(b, rng, 100000);
    tbc::check(b.latency_min == b.latency_max, "latency is not constant");
    std::printf("aes_enc_pipeline: latency %llu cycles from input edge to output visible\n",
                static_cast<unsigned long long>(b.latency_max));
    return tbc::finish("tb_aes_enc_pipeline");
}
