// The compat ap_uint must be bit-exact: every operation is checked against plain
// unsigned __int128 arithmetic reduced to the same width, on random values. It tests
// esp_compat::ap_uint itself, so it runs in the ap_int.h build too; test_ap_faithful.cpp
// compares it with Xilinx's ap_uint.
#include <catch2/catch.hpp>

#include <random>

#include "esp_ap_compat.h"
#include "esp_stream_model.h"

namespace {

using esp_compat::ap_uint;

using u128 = unsigned __int128;

template <int W>
constexpr u128 width_mask() {
    if constexpr (W >= 128) {
        return ~u128{0};
    } else {
        return (u128{1} << W) - 1;
    }
}

template <int W>
ap_uint<W> from_u128(u128 v) {
    ap_uint<128> wide = 0;
    wide.set_limb(0, static_cast<std::uint64_t>(v));
    wide.set_limb(1, static_cast<std::uint64_t>(v >> 64));
    return ap_uint<W>(wide);
}

template <int W>
u128 to_u128(const ap_uint<W>& a) {
    return (static_cast<u128>(a.limb(1)) << 64) | a.limb(0);
}

u128 random_u128(std::mt19937_64& rng) {
    u128 v = (static_cast<u128>(rng()) << 64) | rng();
    // Mix in sparse and extreme values so carries and edge bits get exercised.
    switch (rng() % 6) {
        case 0:
            return 0;
        case 1:
            return ~u128{0};
        case 2:
            return v & 0xFF;
        case 3:
            return v >> (rng() % 128);
        default:
            return v;
    }
}

template <int W>
void check_width(std::mt19937_64& rng, int iterations) {
    constexpr u128 m = width_mask<W>();
    for (int it = 0; it < iterations; ++it) {
        const u128 x = random_u128(rng) & m;
        const u128 y = random_u128(rng) & m;
        const ap_uint<W> a = from_u128<W>(x);
        const ap_uint<W> b = from_u128<W>(y);
        INFO("W=" << W << " iteration " << it);
        REQUIRE(to_u128(a) == x);
        REQUIRE(to_u128(ap_uint<W>(a ^ b)) == (x ^ y));
        REQUIRE(to_u128(ap_uint<W>(a & b)) == (x & y));
        REQUIRE(to_u128(ap_uint<W>(a | b)) == (x | y));
        REQUIRE(to_u128(ap_uint<W>(~a)) == (~x & m));
        REQUIRE(to_u128(ap_uint<W>(a + b)) == ((x + y) & m));
        REQUIRE(to_u128(ap_uint<W>(a - b)) == ((x - y) & m));
        REQUIRE(to_u128(ap_uint<W>(a * b)) == ((x * y) & m));
        if constexpr (W < 128) {
            // + keeps the carry in its extra bit, - borrows into it.
            REQUIRE(to_u128(a + b) == x + y);
            REQUIRE(to_u128(a - b) == ((x - y) & width_mask<W + 1>()));
        }
        if constexpr (W <= 64) {
            // The W1 + W2 product is exact.
            REQUIRE(to_u128(a * b) == x * y);
        }
        REQUIRE((a == b) == (x == y));
        REQUIRE((a != b) == (x != y));
        REQUIRE((a < b) == (x < y));
        REQUIRE((a <= b) == (x <= y));
        REQUIRE((a > b) == (x > y));
        REQUIRE((a >= b) == (x >= y));
        REQUIRE((a == a) == true);
        REQUIRE(a.to_uint64() == static_cast<std::uint64_t>(x));
        REQUIRE(a.to_uint() == static_cast<unsigned>(x));

        const unsigned n = static_cast<unsigned>(rng() % (W + 3));
        REQUIRE(to_u128(a << n) == (n >= 128 ? 0 : ((x << n) & m)));
        REQUIRE(to_u128(a >> n) == (n >= 128 ? 0 : (x >> n)));
        REQUIRE(to_u128(a << ap_uint<8>(n)) == to_u128(a << n));

        ap_uint<W> c = a;
        c ^= b;
        c += 3u;
        c <<= 1;
        REQUIRE(to_u128(c) == ((((x ^ y) + 3) << 1) & m));

        // Range read and write.
        const int lo = static_cast<int>(rng() % W);
        const int hi = lo + static_cast<int>(rng() % (W - lo));
        const int len = hi - lo + 1;
        const u128 field_mask = len >= 128 ? ~u128{0} : ((u128{1} << len) - 1);
        REQUIRE(to_u128(ap_uint<W>(a.range(hi, lo))) == ((x >> lo) & field_mask));
        REQUIRE(a(hi, lo).to_uint64() == static_cast<std::uint64_t>((x >> lo) & field_mask));
        ap_uint<W> d = a;
        d.range(hi, lo) = b; // b is truncated to the field
        const u128 expect = (x & ~(field_mask << lo)) | ((y & field_mask) << lo);
        REQUIRE(to_u128(d) == (expect & m));

        // Bit read and write.
        const int bit = static_cast<int>(rng() % W);
        REQUIRE(a[bit] == (((x >> bit) & 1) != 0));
        ap_uint<W> e = a;
        e[bit] = !a[bit];
        REQUIRE(to_u128(e) == (x ^ (u128{1} << bit)));

        // Width conversions truncate and zero-extend.
        REQUIRE(to_u128(ap_uint<W + 7>(a)) == x);
        if constexpr (W > 5) REQUIRE(to_u128(ap_uint<W - 5>(a)) == (x & width_mask<W - 5>()));
    }
}

} // namespace

TEST_CASE("hls: compat ap_uint matches __uint128_t arithmetic", "[hls][compat]") {
    std::mt19937_64 rng(0x5eed1234);
    check_width<1>(rng, 200);
    check_width<7>(rng, 500);
    check_width<8>(rng, 500);
    check_width<32>(rng, 500);
    check_width<37>(rng, 500);
    check_width<63>(rng, 500);
    check_width<64>(rng, 500);
    check_width<65>(rng, 500);
    check_width<100>(rng, 500);
    check_width<127>(rng, 500);
    check_width<128>(rng, 1000);
}

TEST_CASE("hls: compat ap_uint wide values and integer operands", "[hls][compat]") {
    // Signed integers sign-extend, then truncate, as in Vitis.
    const ap_uint<300> all_ones = -1;
    for (int i = 0; i < 300; ++i) REQUIRE(all_ones[i]);
    REQUIRE(ap_uint<300>(all_ones + 1) == 0);
    REQUIRE(ap_uint<8>(-2) == 254);
    REQUIRE(ap_uint<8>(0x1ff) == 0xff);

    // 512-bit carries ripple through every limb.
    ap_uint<512> big = 0;
    big = ~big;
    ap_uint<513> sum = big + ap_uint<512>(1);
    REQUIRE(sum[512]);
    REQUIRE(ap_uint<512>(sum) == 0);
    REQUIRE((sum >> 512) == 1);

    // A product wider than 128 bits: (2^200 - 1)^2 = 2^400 - 2^201 + 1.
    const ap_uint<200> p = ap_uint<200>(-1);
    const ap_uint<400> sq = p * p;
    REQUIRE(ap_uint<400>(sq + (ap_uint<400>(1) << 201)) == 1);
    REQUIRE((sq >> 201) == ap_uint<199>(-1));
    REQUIRE(sq.range(200, 0) == 1);

    // Ranges across limb boundaries of a 256-bit value.
    ap_uint<256> k = 0;
    k.range(255, 248) = 0xAB;
    k.range(130, 60) = ap_uint<71>(-1);
    REQUIRE(k.range(255, 248) == 0xAB);
    REQUIRE(k.range(130, 60).to_uint64() == ~std::uint64_t{0});
    REQUIRE(k[131] == false);
    REQUIRE(k[59] == false);
    REQUIRE(k[60] == true);

    // Integer mixes and the implicit conversion of narrow values.
    ap_uint<10> idx = 1000;
    int table[1024] = {};
    table[idx] = 7;
    REQUIRE(table[1000] == 7);
    REQUIRE(idx + 24 == 1024); // the sum is wider than 10 bits
    REQUIRE(ap_uint<10>(idx + 24) == 0);
    REQUIRE(static_cast<bool>(ap_uint<128>(0)) == false);
    REQUIRE(static_cast<bool>(ap_uint<128>(1) << 127) == true);
}

TEST_CASE("hls: stream model is a FIFO", "[hls][compat]") {
    hls::stream<ap_uint<128>> s("test_fifo");
    REQUIRE(s.empty());
    for (int i = 0; i < 10; ++i) s.write(ap_uint<128>(i) << 100);
    REQUIRE(s.size() == 10);
    for (int i = 0; i < 10; ++i) REQUIRE(s.read() == (ap_uint<128>(i) << 100));
    REQUIRE(s.empty());
    ap_uint<128> out;
    REQUIRE_FALSE(s.read_nb(out));
    REQUIRE_THROWS_AS(s.read(), std::runtime_error);
}
