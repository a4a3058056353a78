// tb_ghash_accum: checks ghash_accum against the C++ GHASH reference (which is first checked
// against OpenSSL GCM tags) on random packets with random H, block counts 0..40, H loaded
// alone or with the first block, and random bubbles; then measures blocks/cycle on long
// back-to-back packets.
#include <cstdio>
#include <deque>

#include "Vghash_accum.h"
#include "gf128_ref.h"
#include "tb_common.h"

namespace {

using tbc::U128;

void put_u128(VlWide<4>& port, const U128& v) {
    tbc::Bytes b = tbc::u128_bytes(v);
    tbc::put_be(port, b.data(), 16, 16);
}

U128 get_u128(const VlWide<4>& port) {
    tbc::Bytes b = tbc::get_be(port, 16, 16);
    return tbc::u128_from(b.data(), 16);
}

// GCM tag of (key, iv, aad, empty text) rebuilt from the reference GHASH must equal OpenSSL's.
void reference_matches_openssl(std::mt19937_64& rng) {
    for (int t = 0; t < 200; ++t) {
        tbc::Bytes key = tbc::random_bytes(rng, t % 2 ? 32 : 16), iv = tbc::random_bytes(rng, 12);
        tbc::Bytes aad = tbc::random_bytes(rng, rng() % 70);
        tbc::GcmResult want = tbc::gcm_encrypt(key, iv, aad, {});
        tbc::Bytes zero(16, 0), j0 = iv;
        j0.insert(j0.end(), {0, 0, 0, 1});
        tbc::Bytes hb = tbc::aes_ecb_block(key, zero), ekj0 = tbc::aes_ecb_block(key, j0);
        U128 h = tbc::u128_from(hb.data(), 16), x;
        for (std::size_t off = 0; off < aad.size(); off += 16) {
            x = tbc::gf128_mul_ref(x ^ tbc::u128_from(aad.data() + off, std::min<std::size_t>(16, aad.size() - off)),
                                   h);
        }
        x = tbc::gf128_mul_ref(x ^ tbc::gcm_lengths_block(aad.size(), 0), h);
        tbc::check(tbc::u128_bytes(x ^ tbc::u128_from(ekj0.data(), 16)) == want.tag, "reference GHASH vs OpenSSL tag");
    }
}

struct Bench {
    VerilatedContext ctx;
    Vghash_accum top{&ctx};
    std::deque<U128> expected;
    std::uint64_t cycle = 0, results = 0;

    void tick() {
        tbc::clock_edge(top);
        ++cycle;
        top.h_load = 0;
        top.in_valid = 0;
        top.in_last = 0;
        if (!top.out_valid) return;
        ++results;
        if (expected.empty()) {
            tbc::check(false, "result without packet");
            return;
        }
        tbc::check(get_u128(top.out_ghash) == expected.front(), "GHASH mismatch");
        expected.pop_front();
    }

    void reset() {
        top.rst_n = 0;
        top.h_load = top.in_valid = top.in_last = 0;
        tick();
        top.rst_n = 1;
    }

    // One packet: blocks (the last of which plays the lengths block), H, bubble probability.
    void packet(const U128& h, const std::vector<U128>& blocks, bool h_with_first, std::mt19937_64& rng,
                unsigned bubble_pct) {
        U128 x;
        for (const auto& b : blocks) x = tbc::gf128_mul_ref(x ^ b, h);
        expected.push_back(x);
        put_u128(top.h_in, h);
        top.h_load = 1;
        std::size_t i = 0;
        if (!h_with_first) tick();
        while (i < blocks.size()) {
            if (bubble_pct && rng() % 100 < bubble_pct) {
                tick();
                continue;
            }
            top.in_valid = 1;
            top.in_last = i + 1 == blocks.size();
            put_u128(top.in_block, blocks[i]);
            ++i;
            tick();
        }
    }
};

U128 random_u128(std::mt19937_64& rng) { return {rng(), rng()}; }

} // namespace

int main(int argc, char** argv) {
    std::mt19937_64 rng(0x6A5Au);
    reference_matches_openssl(rng);
    // Known answer: SP 800-38D test case 2 style check of the reference multiplier itself is
    // covered above; here the RTL is compared against it.
    Bench b;
    b.ctx.commandArgs(argc, argv);
    b.reset();
    for (int p = 0; p < 2000; ++p) {
        U128 h = random_u128(rng);
        if (p % 50 == 0) h = {0, 0}; // degenerate H
        std::vector<U128> blocks(1 + rng() % 41);
        for (auto& blk : blocks) blk = random_u128(rng);
        b.packet(h, blocks, rng() % 2, rng, 20);
    }
    for (int i = 0; i < 3; ++i) b.tick();
    tbc::check(b.expected.empty(), "missing GHASH results");

    // Throughput: 200 packets of 512 blocks back to back, H loaded with the first block.
    std::vector<std::vector<U128>> pkts(200, std::vector<U128>(512));
    std::vector<U128> hs(pkts.size());
    for (std::size_t p = 0; p < pkts.size(); ++p) {
        hs[p] = random_u128(rng);
        for (auto& blk : pkts[p]) blk = random_u128(rng);
    }
    std::uint64_t c0 = b.cycle;
    tbc::Stopwatch sw;
    for (std::size_t p = 0; p < pkts.size(); ++p) b.packet(hs[p], pkts[p], true, rng, 0);
    b.tick();
    double secs = sw.seconds();
    std::uint64_t cycles = b.cycle - c0, blocks = pkts.size() * 512;
    std::printf(
        "ghash_accum: %llu blocks in %llu cycles: %.4f blocks/cycle; %.0f cycles/s simulated (incl. C++ reference)\n",
        static_cast<unsigned long long>(blocks), static_cast<unsigned long long>(cycles),
        static_cast<double>(blocks) / static_cast<double>(cycles - 1), static_cast<double>(cycles) / secs);
    tbc::check(cycles - 1 == blocks, "GHASH does not sustain one block per cycle");
    tbc::check(b.expected.empty(), "missing GHASH results after the throughput run");
    return tbc::finish("tb_ghash_accum");
}
