// AES-CBC (128/192/256) and NULL encryption with HMAC-SHA1-96 / SHA-256-128 / SHA-384-192 /
// SHA-512-256, with and without ESN: packets sealed by the host path are opened by the
// independent reference (RefCbc: raw EVP one-shots, every framing field checked), and
// packets the reference builds (random IV, extra padding, TFC) are opened by the host path.
#include <catch2/catch.hpp>

#include "hostpath_test_util.h"

using namespace hostpath;
using namespace hp_test;

TEST_CASE("CBC and NULL with HMAC against the reference, both ways", "[hostpath][cbc]") {
    std::mt19937 rng(3602);
    const Integ integs[] = {Integ::hmac_sha1_96, Integ::hmac_sha256_128, Integ::hmac_sha384_192,
                            Integ::hmac_sha512_256};
    int shapes = 0;
    for (size_t klen : {size_t(0), size_t(16), size_t(24), size_t(32)}) {
        for (Integ integ : integs) {
            for (bool esn : {false, true}) {
                Cipher c = klen ? Cipher::aes_cbc : Cipher::null;
                Bytes key = random_bytes(rng, klen), ikey = random_bytes(rng, integ_key_len(integ));
                uint32_t spi = uint32_t(rng());
                uint64_t start = esn ? (uint64_t{5} << 32) - 3 : 100; // ESN: crosses an epoch
                RefCbc ref{key, ikey, integ, spi, esn};
                auto out = make_sa(params(false, c, key, integ, ikey, spi, esn, start));
                auto in = make_sa(params(true, c, key, integ, ikey, spi, esn, start, 4096));
                INFO("key " << klen << " integ " << int(integ) << " esn " << esn);
                for (size_t len : {0, 1, 13, 14, 15, 16, 17, 63, 1400, 1500}) {
                    Bytes inner = ipv4_udp(0x0a010001, 0x0a020002, len, uint8_t(len));
                    // host path -> reference
                    Bytes esp;
                    REQUIRE(out->seal(4, inner.data(), inner.size(), esp, 0) == Drop::ok);
                    uint64_t seq = out->counters().seq;
                    Bytes payload;
                    uint8_t nh = 0;
                    size_t pad = 0;
                    REQUIRE(ref.open(esp, seq, payload, nh, pad));
                    CHECK(payload == inner);
                    CHECK(nh == 4);
                    size_t bl = klen ? 16 : 4;
                    CHECK(pad == (bl - (inner.size() + 2) % bl) % bl); // the minimum padding
                    CHECK(esp.size() == 8 + (klen ? 16 : 0) + inner.size() + pad + 2 + icv_len(integ));
                    // ... and back through the host path
                    Bytes back;
                    REQUIRE(in->open(esp.data(), esp.size(), back, nh, 0) == Drop::ok);
                    CHECK(back == inner);
                    // reference -> host path: random IV, extra padding and TFC bytes after the inner packet
                    Bytes tfc = inner;
                    tfc.insert(tfc.end(), 5, 0xee);
                    Bytes iv = random_bytes(rng, 16);
                    Bytes ref_esp = ref.seal(seq + 1000, iv, tfc, 4, bl * 2);
                    REQUIRE(in->open(ref_esp.data(), ref_esp.size(), back, nh, 0) == Drop::ok);
                    CHECK(back == inner); // TFC padding removed
                }
                // The IVs of an SA never repeat and are not the sequence number.
                Bytes a, b;
                Bytes inner = ipv4_udp(1, 2, 10);
                REQUIRE(out->seal(4, inner.data(), inner.size(), a, 0) == Drop::ok);
                REQUIRE(out->seal(4, inner.data(), inner.size(), b, 0) == Drop::ok);
                if (klen) CHECK(!std::equal(a.begin() + 8, a.begin() + 24, b.begin() + 8));
                CHECK(out->counters().packets == 12);
                CHECK(in->counters().packets == 20);
                CHECK(in->counters().drops_total() == 0);
                if (esn) CHECK((out->counters().seq >> 32) == 5); // crossed 2^32 * 5
                ++shapes;
            }
        }
    }
    CHECK(shapes == 32);
}

TEST_CASE("ESN: the high half is authenticated, not sent", "[hostpath][cbc]") {
    std::mt19937 rng(4303);
    Bytes key = random_bytes(rng, 32), ikey = random_bytes(rng, 32);
    RefCbc ref{key, ikey, Integ::hmac_sha256_128, 0x77, true};
    auto in = make_sa(
        params(true, Cipher::aes_cbc, key, Integ::hmac_sha256_128, ikey, 0x77, true, (uint64_t{1} << 32) - 2, 64));
    Bytes inner = ipv4_udp(1, 2, 40), out;
    uint8_t nh = 0;
    // seq_lo 1 after top 2^32-2: inferred in the next epoch (2^32 + 1)
    Bytes good = ref.seal((uint64_t{1} << 32) + 1, Bytes(16, 1), inner, 4);
    Bytes wrong_epoch = ref.seal(1, Bytes(16, 1), inner, 4); // ICV over seq_hi 0
    CHECK(in->open(wrong_epoch.data(), wrong_epoch.size(), out, nh, 0) == Drop::auth_fail);
    CHECK(in->open(good.data(), good.size(), out, nh, 0) == Drop::ok);
    CHECK(in->counters().seq == (uint64_t{1} << 32) + 1);
    // A late packet from the old epoch (top - 3) is still accepted once.
    Bytes late = ref.seal((uint64_t{1} << 32) - 3, Bytes(16, 2), inner, 4);
    CHECK(in->open(late.data(), late.size(), out, nh, 0) == Drop::ok);
    CHECK(in->open(late.data(), late.size(), out, nh, 0) == Drop::replay);
}
