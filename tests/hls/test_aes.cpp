// AES against FIPS-197 known answers and against OpenSSL on random keys and blocks.
#include <catch2/catch.hpp>

#include "aes.h"
#include "hls_test_util.h"

using namespace hls_test;
using esphls::AesKeySchedule;

namespace {

std::string hls_encrypt_hex(const Bytes& key, const std::string& pt_hex) {
    AesKeySchedule ks;
    esphls::aes_expand_key(key_word(key), key.size() == 32, ks);
    return block_hex(esphls::aes_encrypt_block(ks, block_from_hex(pt_hex)));
}

} // namespace

TEST_CASE("hls: AES FIPS-197 Appendix C known answers", "[hls][aes]") {
    const std::string pt = "00112233445566778899aabbccddeeff";
    // C.1 AES-128 and C.3 AES-256, key 000102...
    REQUIRE(hls_encrypt_hex(from_hex("000102030405060708090a0b0c0d0e0f"), pt) == "69c4e0d86a7b0430d8cdb78070b4c55a");
    REQUIRE(hls_encrypt_hex(from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), pt) ==
            "8ea2b7ca516745bfeafc49904b496089");
}

TEST_CASE("hls: AES key expansion FIPS-197 Appendix A", "[hls][aes]") {
    AesKeySchedule ks;
    SECTION("A.1 AES-128") {
        esphls::aes_expand_key(key_word(from_hex("2b7e151628aed2a6abf7158809cf4f3c")), false, ks);
        REQUIRE(ks.rounds == 10);
        REQUIRE(block_hex(ks.rk[0]) == "2b7e151628aed2a6abf7158809cf4f3c");
        REQUIRE(block_hex(ks.rk[1]) == "a0fafe1788542cb123a339392a6c7605");
        REQUIRE(block_hex(ks.rk[10]) == "d014f9a8c9ee2589e13f0cc8b6630ca6");
    }
    SECTION("A.3 AES-256") {
        esphls::aes_expand_key(key_word(from_hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")),
                               true, ks);
        REQUIRE(ks.rounds == 14);
        REQUIRE(block_hex(ks.rk[2]) == "9ba354118e6925afa51a8b5f2067fcde");
        REQUIRE(block_hex(ks.rk[14]) == "fe4890d1e6188d0b046df344706c631e");
    }
    esphls::aes_wipe_key(ks);
    for (const auto& rk : ks.rk) REQUIRE(rk == 0);
}

TEST_CASE("hls: AES random blocks match OpenSSL EVP ECB", "[hls][aes]") {
    std::mt19937_64 rng(0xAE5);
    for (std::size_t key_len : {16u, 32u}) {
        for (int k = 0; k < 40; ++k) {
            const Bytes key = random_bytes(rng, key_len);
            AesKeySchedule ks;
            esphls::aes_expand_key(key_word(key), key_len == 32, ks);
            for (int b = 0; b < 25; ++b) {
                const Bytes pt = random_bytes(rng, 16);
                INFO("key " << to_hex(key) << " pt " << to_hex(pt));
                Bytes out(16);
                esphls::block_to_bytes(esphls::aes_encrypt_block(ks, esphls::block_from_bytes(pt.data(), 16)),
                                       out.data());
                REQUIRE(to_hex(out) == to_hex(evp_aes_ecb(key, pt)));
            }
        }
    }
}

TEST_CASE("hls: AES-128 ignores the low half of the key word", "[hls][aes]") {
    std::mt19937_64 rng(17);
    Bytes key = random_bytes(rng, 32);
    AesKeySchedule a;
    AesKeySchedule b;
    esphls::aes_expand_key(key_word(key), false, a);
    for (std::size_t i = 16; i < 32; ++i) key[i] ^= 0x5a;
    esphls::aes_expand_key(key_word(key), false, b);
    for (int r = 0; r <= 10; ++r) REQUIRE(a.rk[r] == b.rk[r]);
}
