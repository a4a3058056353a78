// The compat ap_uint (esp_compat::ap_uint) must be a faithful subset of Xilinx's ap_uint:
// both are compiled here side by side and every operation the HLS sources may use
// (esp_ap_compat.h's list) is run on the same random operands, requiring the same width
// and the same bits. Built only where Xilinx's ap_int.h is present (ESP_AP_TYPES_DIR).
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Waggressive-loop-optimizations"
#include <ap_int.h>
#pragma GCC diagnostic pop

#include "esp_ap_compat.h"

namespace {

using Words = std::vector<std::uint64_t>;

// Bits of a value, 64 at a time from bit 0; the top word holds only the bits below w.
template <typename T>
Words bits_of(const T& v, int w) {
    Words out;
    for (int lo = 0; lo < w; lo += 64) {
        const int hi = lo + 63 < w ? lo + 63 : w - 1;
        out.push_back(v.range(hi, lo).to_uint64());
    }
    return out;
}

template <int W>
Words bits_of_compat(const esp_compat::ap_uint<W>& v) {
    Words out;
    for (int i = 0; i < esp_compat::ap_uint<W>::kLimbs; ++i) out.push_back(v.limb(i));
    return out;
}

// The same random value in both types (compat from its limbs, Xilinx by 64-bit ranges).
template <int W>
struct Pair {
    ::ap_uint<W> x;
    esp_compat::ap_uint<W> c;
};

template <int W>
Pair<W> random_pair(std::mt19937_64& rng) {
    Pair<W> p{::ap_uint<W>(0), esp_compat::ap_uint<W>(0)};
    const int kind = static_cast<int>(rng() % 5); // zero, all ones, sparse, random
    for (int lo = 0, i = 0; lo < W; lo += 64, ++i) {
        std::uint64_t word = kind == 0 ? 0 : kind == 1 ? ~std::uint64_t{0} : kind == 2 ? (rng() & 0xFF) : rng();
        const int hi = lo + 63 < W ? lo + 63 : W - 1;
        if (hi - lo < 63) word &= (std::uint64_t{1} << (hi - lo + 1)) - 1;
        p.x.range(hi, lo) = ::ap_uint<64>(word);
        p.c.set_limb(i, word);
    }
    return p;
}

// Same width and bits; `what` names the operation in the failure message.
template <typename X, typename C>
void same(const X& x, const C& c, const char* what) {
    INFO(what << ": ap_int.h width " << x.length() << ", compat width " << c.length());
    REQUIRE(x.length() == c.length());
    REQUIRE(bits_of(x, x.length()) == bits_of_compat(c));
}

template <int W1, int W2>
void check_pair(std::mt19937_64& rng, int iterations) {
    for (int it = 0; it < iterations; ++it) {
        INFO("W1=" << W1 << " W2=" << W2 << " iteration " << it);
        const Pair<W1> a = random_pair<W1>(rng);
        const Pair<W2> b = random_pair<W2>(rng);
        same(a.x, a.c, "construction");
        same(::ap_uint<W1>(~a.x), ~a.c, "~");
        same(a.x & b.x, a.c & b.c, "&");
        same(a.x | b.x, a.c | b.c, "|");
        same(a.x ^ b.x, a.c ^ b.c, "^");
        same(a.x + b.x, a.c + b.c, "+");
        // ap_int.h's difference is signed; its bit pattern is the compat one.
        const auto dx = a.x - b.x;
        const auto dc = a.c - b.c;
        REQUIRE(dx.length() == dc.length());
        REQUIRE(bits_of(dx, dx.length()) == bits_of_compat(dc));
        if constexpr (W1 + W2 <= 256) same(a.x * b.x, a.c * b.c, "*");
        REQUIRE((a.x == b.x) == (a.c == b.c));
        REQUIRE((a.x != b.x) == (a.c != b.c));
        REQUIRE((a.x < b.x) == (a.c < b.c));
        REQUIRE((a.x <= b.x) == (a.c <= b.c));
        REQUIRE((a.x > b.x) == (a.c > b.c));
        REQUIRE((a.x >= b.x) == (a.c >= b.c));
        // Width conversions truncate and zero-extend.
        same(::ap_uint<W2>(a.x), esp_compat::ap_uint<W2>(a.c), "conversion");

        // Shifts keep the left operand's width; a shift of W or more gives 0.
        const unsigned n = static_cast<unsigned>(rng() % (W1 + 2));
        same(::ap_uint<W1>(a.x << n), a.c << n, "<< int");
        same(::ap_uint<W1>(a.x >> n), a.c >> n, ">> int");
        same(a.x << n, a.c << n, "<< width");
        same(a.x >> n, a.c >> n, ">> width");

        // Ranges and bits.
        const int lo = static_cast<int>(rng() % W1);
        const int hi = lo + static_cast<int>(rng() % (W1 - lo));
        same(::ap_uint<W1>(a.x.range(hi, lo)), esp_compat::ap_uint<W1>(a.c.range(hi, lo)), "range read");
        REQUIRE(a.x(hi, lo).to_uint64() == a.c(hi, lo).to_uint64());
        ::ap_uint<W1> rx = a.x;
        esp_compat::ap_uint<W1> rc = a.c;
        rx.range(hi, lo) = b.x;
        rc.range(hi, lo) = b.c;
        same(rx, rc, "range write");
        const int bit = static_cast<int>(rng() % W1);
        REQUIRE(bool(a.x[bit]) == bool(a.c[bit]));
        rx[bit] = !a.x[bit];
        rc[bit] = !a.c[bit];
        same(rx, rc, "bit write");

        // Compound assignment, and integer operands assigned back to the width (as the
        // sources do).
        const unsigned k = static_cast<unsigned>(rng() & 0xFFFF);
        rx = a.x;
        rc = a.c;
        rx ^= ::ap_uint<W1>(b.x);
        rc ^= esp_compat::ap_uint<W1>(b.c);
        rx += k;
        rc += k;
        rx -= 1;
        rc -= 1;
        rx <<= 1;
        rc <<= 1;
        // (ap_int.h prints a warning for &=, |=, ^= between different widths over 64 bits;
        // the sources size both sides.)
        rx |= ::ap_uint<W1>(k);
        rc |= esp_compat::ap_uint<W1>(k);
        rx &= ~::ap_uint<W1>(k);
        rc &= ~esp_compat::ap_uint<W1>(k);
        same(rx, rc, "compound assignment");
        same(::ap_uint<W1>(a.x + k), esp_compat::ap_uint<W1>(a.c + k), "+ unsigned");
        same(::ap_uint<W1>(a.x - 1), esp_compat::ap_uint<W1>(a.c - 1), "- int");
        same(::ap_uint<W1>(a.x & 0xF0F0u), esp_compat::ap_uint<W1>(a.c & 0xF0F0u), "& unsigned");
        REQUIRE((a.x == k) == (a.c == k));
        REQUIRE((a.x < k) == (a.c < k));
        REQUIRE((a.x >= k) == (a.c >= k));
        REQUIRE(a.x.to_uint64() == a.c.to_uint64());
        REQUIRE(a.x.to_uint() == a.c.to_uint());
        REQUIRE(a.x.to_int() == a.c.to_int());
        if constexpr (W1 <= 64) REQUIRE(static_cast<unsigned long long>(a.x) == static_cast<unsigned long long>(a.c));
        if constexpr (W1 > 64) REQUIRE(static_cast<bool>(a.x) == static_cast<bool>(a.c));
    }
}

} // namespace

TEST_CASE("hls: compat ap_uint is a faithful subset of ap_int.h", "[hls][compat]") {
    std::mt19937_64 rng(0xA9F417);
    check_pair<1, 1>(rng, 100);
    check_pair<4, 16>(rng, 300);
    check_pair<8, 8>(rng, 300);
    check_pair<13, 64>(rng, 300);
    check_pair<16, 4>(rng, 300);
    check_pair<32, 32>(rng, 300);
    check_pair<33, 31>(rng, 300);
    check_pair<63, 65>(rng, 300);
    check_pair<64, 64>(rng, 300);
    check_pair<64, 128>(rng, 300);
    check_pair<65, 7>(rng, 300);
    check_pair<96, 32>(rng, 300);
    check_pair<128, 128>(rng, 300);
    check_pair<128, 64>(rng, 300);
    check_pair<256, 32>(rng, 200);
    check_pair<256, 256>(rng, 100);
}

TEST_CASE("hls: compat and ap_int.h agree on integer construction", "[hls][compat]") {
    // Signed integers sign-extend, then truncate.
    for (const long long v : {0LL, 1LL, -1LL, -2LL, 0x7FFFFFFFLL, -0x80000000LL, 0x123456789ABCDEFLL}) {
        INFO("value " << v);
        same(::ap_uint<300>(v), esp_compat::ap_uint<300>(v), "300-bit from long long");
        same(::ap_uint<8>(v), esp_compat::ap_uint<8>(v), "8-bit from long long");
        same(::ap_uint<100>(int(v)), esp_compat::ap_uint<100>(int(v)), "100-bit from int");
        same(::ap_uint<33>(static_cast<unsigned>(v)), esp_compat::ap_uint<33>(static_cast<unsigned>(v)),
             "33-bit from unsigned");
    }
}
