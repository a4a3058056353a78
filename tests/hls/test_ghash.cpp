// GF(2^128) multiplication against an independent reference (carry-less multiply of
// bit-reflected polynomials, then reduction), algebraic laws, and GHASH values derived
// from OpenSSL's GCM tags.
#include <catch2/catch.hpp>

#include "gcm.h"
#include "ghash.h"
#include "hls_test_util.h"

using namespace hls_test;
using esphls::block_t;

namespace {

using u128 = unsigned __int128;

// Block -> polynomial with coefficient of x^i in bit i (GCM's bit 0 is the block's MSB).
u128 to_poly(const block_t& b) {
    u128 p = 0;
    for (int i = 0; i < 128; ++i)
        if (b[127 - i]) p |= u128{1} << i;
    return p;
}

block_t from_poly(u128 p) {
    block_t b = 0;
    for (int i = 0; i < 128; ++i) b[127 - i] = ((p >> i) & 1) != 0;
    return b;
}

// Schoolbook carry-less product (256 bits as hi:lo), reduced by x^128 = x^7 + x^2 + x + 1.
block_t reference_mul(const block_t& x, const block_t& y) {
    const u128 a = to_poly(x);
    const u128 b = to_poly(y);
    u128 lo = 0;
    u128 hi = 0;
    for (int i = 0; i < 128; ++i) {
        if (((b >> i) & 1) == 0) continue;
        lo ^= a << i;
        if (i > 0) hi ^= a >> (128 - i);
    }
    for (int i = 127; i >= 0; --i) {
        if (((hi >> i) & 1) == 0) continue;
        // x^(128+i) = x^i * (x^7 + x^2 + x + 1)
        const u128 r = (u128{1} << 7) | (u128{1} << 2) | (u128{1} << 1) | 1;
        lo ^= r << i;
        if (i > 120) hi ^= r >> (128 - i);
        hi &= ~(u128{1} << i);
    }
    return from_poly(lo);
}

block_t random_block(std::mt19937_64& rng) {
    const Bytes b = random_bytes(rng, 16);
    return esphls::block_from_bytes(b.data(), 16);
}

} // namespace

TEST_CASE("hls: gf128_mul matches a slow reference", "[hls][ghash]") {
    std::mt19937_64 rng(0x6f128);
    const block_t one = block_t(1) << 127; // the polynomial 1
    for (int i = 0; i < 500; ++i) {
        const block_t x = random_block(rng);
        const block_t y = random_block(rng);
        INFO("x " << block_hex(x) << " y " << block_hex(y));
        REQUIRE(esphls::gf128_mul(x, y) == reference_mul(x, y));
    }
    // Single-term operands hit every reduction path.
    for (int i = 0; i < 128; ++i) {
        for (int j = 0; j < 128; j += 9) {
            const block_t x = block_t(1) << i;
            const block_t y = block_t(1) << j;
            REQUIRE(esphls::gf128_mul(x, y) == reference_mul(x, y));
        }
        REQUIRE(esphls::gf128_mul(one, block_t(1) << i) == (block_t(1) << i));
    }
}

TEST_CASE("hls: gf128_mul algebraic laws", "[hls][ghash]") {
    std::mt19937_64 rng(99);
    const block_t one = block_t(1) << 127;
    for (int i = 0; i < 200; ++i) {
        const block_t a = random_block(rng);
        const block_t b = random_block(rng);
        const block_t c = random_block(rng);
        REQUIRE(esphls::gf128_mul(a, b) == esphls::gf128_mul(b, a));
        REQUIRE(esphls::gf128_mul(esphls::gf128_mul(a, b), c) == esphls::gf128_mul(a, esphls::gf128_mul(b, c)));
        REQUIRE(esphls::gf128_mul(a, block_t(b ^ c)) == block_t(esphls::gf128_mul(a, b) ^ esphls::gf128_mul(a, c)));
        REQUIRE(esphls::gf128_mul(a, one) == a);
        REQUIRE(esphls::gf128_mul(a, block_t(0)) == 0);
    }
}

TEST_CASE("hls: GHASH matches values derived from OpenSSL GCM", "[hls][ghash]") {
    // With an empty plaintext, tag = GHASH_H(AAD || lengths) ^ E_K(J0): recompute GHASH
    // with ghash_update alone and take H and E_K(J0) from OpenSSL's AES.
    std::mt19937_64 rng(4242);
    for (std::size_t key_len : {16u, 32u}) {
        for (int t = 0; t < 60; ++t) {
            const Bytes key = random_bytes(rng, key_len);
            const Bytes iv = random_bytes(rng, 12);
            const Bytes aad = random_bytes(rng, rng() % 100);
            const Sealed ref = evp_gcm_seal(key, iv, aad, {});
            const block_t h = block_from_hex(to_hex(evp_aes_ecb(key, Bytes(16, 0))));
            Bytes j0 = iv;
            j0.insert(j0.end(), {0, 0, 0, 1});
            const block_t ek_j0 = block_from_hex(to_hex(evp_aes_ecb(key, j0)));

            block_t acc = 0;
            for (std::size_t off = 0; off < aad.size(); off += 16)
                acc = esphls::ghash_update(
                    acc, esphls::block_from_bytes(aad.data() + off, std::min<std::size_t>(16, aad.size() - off)), h);
            block_t lengths = block_t(aad.size() * 8) << 64;
            acc = esphls::ghash_update(acc, lengths, h);
            INFO("aad " << to_hex(aad));
            REQUIRE(block_hex(acc ^ ek_j0) == to_hex(ref.tag));
        }
    }
}
