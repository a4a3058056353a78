// Bad input to an SA: every truncation, every single-bit flip, bad padding, a trailer
// pointing past the payload, inner packets that are not IP: counted drops, never a crash,
// and the replay window unchanged (the genuine packet is still accepted afterwards).
#include <catch2/catch.hpp>

#include "hostpath_test_util.h"

using namespace hostpath;
using namespace hp_test;

namespace {
struct Shape {
    const char* name;
    Cipher c;
    size_t klen;
    Integ integ;
};
const Shape kShapes[] = {{"chacha20poly1305", Cipher::chacha20_poly1305, 36, Integ::none},
                         {"aes256gcm", Cipher::aes_gcm, 36, Integ::none},
                         {"aes128-sha1", Cipher::aes_cbc, 16, Integ::hmac_sha1_96},
                         {"aes256-sha256", Cipher::aes_cbc, 32, Integ::hmac_sha256_128},
                         {"null-sha512", Cipher::null, 0, Integ::hmac_sha512_256}};
} // namespace

TEST_CASE("truncations and bit flips are dropped and counted, the window untouched", "[hostpath][malformed]") {
    std::mt19937 rng(2410);
    for (const auto& s : kShapes) {
        INFO(s.name);
        Bytes key = random_bytes(rng, s.klen);
        Bytes ikey = s.integ == Integ::none ? Bytes() : random_bytes(rng, integ_key_len(s.integ));
        for (bool esn : {false, true}) {
            auto out = make_sa(params(false, s.c, key, s.integ, ikey, 0xabc, esn));
            auto in = make_sa(params(true, s.c, key, s.integ, ikey, 0xabc, esn));
            Bytes inner = ipv4_udp(0x0a000001, 0x0a000002, 37), esp, pt;
            uint8_t nh = 0;
            REQUIRE(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::ok);
            uint64_t drops = 0;
            for (size_t n = 0; n < esp.size(); ++n) {
                Bytes cut(esp.begin(), esp.begin() + long(n));
                Drop d = in->open(cut.data(), cut.size(), pt, nh, 0);
                CHECK(d != Drop::ok);
                CHECK((d == Drop::malformed || d == Drop::auth_fail));
                ++drops;
            }
            for (size_t bit = 0; bit < esp.size() * 8; ++bit) {
                Bytes bad = esp;
                bad[bit / 8] ^= uint8_t(1u << (bit % 8));
                Drop d = in->open(bad.data(), bad.size(), pt, nh, 0);
                // The SPI is the caller's lookup: with the SA fixed, a flipped SPI fails the ICV.
                CHECK((d == Drop::auth_fail || d == Drop::replay));
                ++drops;
            }
            CHECK(in->counters().drops_total() == drops);
            CHECK(in->counters().packets == 0);
            REQUIRE(in->open(esp.data(), esp.size(), pt, nh, 0) == Drop::ok);
            CHECK(pt == inner);
            CHECK(in->open(esp.data(), esp.size(), pt, nh, 0) == Drop::replay);
            CHECK(in->counters().drops[unsigned(Drop::replay)] >= 1);
        }
    }
}

TEST_CASE("padding and trailer errors with a valid ICV", "[hostpath][malformed]") {
    std::mt19937 rng(4303);
    for (size_t klen : {size_t(0), size_t(32)}) {
        Cipher c = klen ? Cipher::aes_cbc : Cipher::null;
        Bytes key = random_bytes(rng, klen), ikey = random_bytes(rng, 32);
        RefCbc ref{key, ikey, Integ::hmac_sha256_128, 0x55, false};
        auto in = make_sa(params(true, c, key, Integ::hmac_sha256_128, ikey, 0x55));
        Bytes inner = ipv4_udp(1, 2, 21), pt;
        uint8_t nh = 0;
        Bytes iv = random_bytes(rng, 16);
        uint64_t seq = 1;
        auto expect = [&](const Bytes& esp, Drop d) { CHECK(in->open(esp.data(), esp.size(), pt, nh, 0) == d); };
        expect(ref.seal(seq, iv, inner, 4, 16, true), Drop::bad_padding); // pad bytes not 1, 2, 3
        // pad length beyond the payload
        Bytes trailer(klen ? 32 : 8, 0);
        trailer[trailer.size() - 2] = uint8_t(trailer.size() - 1);
        trailer.back() = 4;
        expect(ref.seal_plaintext(seq, iv, trailer), Drop::bad_padding);
        // tunnel mode, next header 4 over bytes that are no IPv4 packet; 59 (dummy); 41 over IPv4
        Bytes junk(30, 0x99);
        expect(ref.seal(seq, iv, junk, 4), Drop::malformed);
        expect(ref.seal(seq, iv, inner, 59), Drop::malformed);
        expect(ref.seal(seq, iv, inner, 41), Drop::malformed);
        Bytes longer = inner; // inner Total Length beyond the payload
        longer[3] = uint8_t(longer[3] + 4);
        expect(ref.seal(seq, iv, longer, 4), Drop::malformed);
        CHECK(in->counters().drops[unsigned(Drop::bad_padding)] == 2);
        CHECK(in->counters().drops[unsigned(Drop::malformed)] == 4);
        // none of them moved the window: seq 1 is still new
        expect(ref.seal(seq, iv, inner, 4), Drop::ok);
        CHECK(pt == inner);
        // a CBC ciphertext that is not a whole number of blocks
        if (klen) {
            Bytes odd = ref.seal(2, iv, inner, 4);
            odd.erase(odd.begin() + 30);
            expect(odd, Drop::malformed);
        }
    }
}

TEST_CASE("wrong direction and stopped SAs", "[hostpath][malformed]") {
    Bytes key(36, 7);
    auto out = make_sa(params(false, Cipher::chacha20_poly1305, key, Integ::none, {}, 9));
    auto in = make_sa(params(true, Cipher::chacha20_poly1305, key, Integ::none, {}, 9));
    Bytes inner = ipv4_udp(1, 2, 3), esp, pt;
    uint8_t nh = 0;
    CHECK(in->seal(4, inner.data(), inner.size(), esp, 0) == Drop::no_sa);
    REQUIRE(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::ok);
    CHECK(out->open(esp.data(), esp.size(), pt, nh, 0) == Drop::no_sa);
    in->stop();
    CHECK(in->open(esp.data(), esp.size(), pt, nh, 0) == Drop::sa_disabled);
    out->stop();
    CHECK(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::sa_disabled);
    CHECK(out->counters().drops[unsigned(Drop::sa_disabled)] == 1);
}
