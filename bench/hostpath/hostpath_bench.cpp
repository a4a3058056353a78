// hostpath_bench: ESP encrypt + decrypt through host/hostpath (EspSa::seal then open, which
// includes framing, padding, replay check and counters) against the crypto alone done with
// OpenSSL EVP on the same buffers and keys (AEAD: encrypt+tag, decrypt+verify; CBC+HMAC:
// encrypt, MAC, verify, decrypt), one thread, alternating rounds in the same process.
// Sizes: 64 and 1400 byte inner packets, and Simple IMIX (40/576/1500 bytes, 7:4:1).
//
// usage: hostpath_bench [--seconds S]   (per measurement, default 1.0)
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "esp_sa.h"

using namespace hostpath;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<uint8_t> ipv4(size_t total) {
    std::vector<uint8_t> p(total, 0xa5);
    p[0] = 0x45;
    p[2] = uint8_t(total >> 8);
    p[3] = uint8_t(total);
    p[9] = 17;
    return p;
}

struct Alg {
    const char* name;
    Cipher cipher;
    size_t key_len;
    Integ integ;
};

// The crypto an ESP implementation cannot avoid, straight on EVP: contexts keyed once.
class EvpOnly {
public:
    explicit EvpOnly(const Alg& a) : a_(a) {
        std::vector<uint8_t> key(a.key_len, 0x42);
        enc_ = EVP_CIPHER_CTX_new();
        dec_ = EVP_CIPHER_CTX_new();
        const EVP_CIPHER* c = a.cipher == Cipher::chacha20_poly1305 ? EVP_chacha20_poly1305() : EVP_aes_256_cbc();
        EVP_EncryptInit_ex(enc_, c, nullptr, key.data(), nullptr);
        EVP_DecryptInit_ex(dec_, c, nullptr, key.data(), nullptr);
        EVP_CIPHER_CTX_set_padding(enc_, 0);
        EVP_CIPHER_CTX_set_padding(dec_, 0);
        if (a.integ != Integ::none) {
            mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
            hmac_ = EVP_MAC_CTX_new(mac_);
            std::vector<uint8_t> ik(32, 0x24);
            OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
                              OSSL_PARAM_construct_end()};
            EVP_MAC_init(hmac_, ik.data(), ik.size(), p);
        }
    }
    ~EvpOnly() {
        EVP_CIPHER_CTX_free(enc_);
        EVP_CIPHER_CTX_free(dec_);
        EVP_MAC_CTX_free(hmac_);
        EVP_MAC_free(mac_);
    }
    // Encrypts `n` bytes (already padded) and decrypts them back, verifying the tag.
    bool round_trip(uint8_t* buf, size_t n, uint8_t* tmp) {
        uint8_t iv[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, tag[32], tag2[32], aad[8] = {};
        int l = 0;
        if (a_.integ == Integ::none) {
            EVP_EncryptInit_ex(enc_, nullptr, nullptr, nullptr, iv);
            EVP_EncryptUpdate(enc_, nullptr, &l, aad, 8);
            EVP_EncryptUpdate(enc_, tmp, &l, buf, int(n));
            EVP_EncryptFinal_ex(enc_, tmp + l, &l);
            EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_AEAD_GET_TAG, 16, tag);
            EVP_DecryptInit_ex(dec_, nullptr, nullptr, nullptr, iv);
            EVP_DecryptUpdate(dec_, nullptr, &l, aad, 8);
            EVP_DecryptUpdate(dec_, buf, &l, tmp, int(n));
            EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_AEAD_SET_TAG, 16, tag);
            return EVP_DecryptFinal_ex(dec_, buf + l, &l) > 0;
        }
        size_t ml = 0;
        EVP_EncryptInit_ex(enc_, nullptr, nullptr, nullptr, iv);
        EVP_EncryptUpdate(enc_, tmp, &l, buf, int(n));
        EVP_MAC_init(hmac_, nullptr, 0, nullptr);
        EVP_MAC_update(hmac_, tmp, n);
        EVP_MAC_final(hmac_, tag, &ml, sizeof tag);
        EVP_MAC_init(hmac_, nullptr, 0, nullptr);
        EVP_MAC_update(hmac_, tmp, n);
        EVP_MAC_final(hmac_, tag2, &ml, sizeof tag2);
        if (CRYPTO_memcmp(tag, tag2, 16) != 0) return false;
        EVP_DecryptInit_ex(dec_, nullptr, nullptr, nullptr, iv);
        return EVP_DecryptUpdate(dec_, buf, &l, tmp, int(n)) == 1;
    }

private:
    Alg a_;
    EVP_CIPHER_CTX *enc_ = nullptr, *dec_ = nullptr;
    EVP_MAC* mac_ = nullptr;
    EVP_MAC_CTX* hmac_ = nullptr;
};

SaParams sa_params(const Alg& a, bool inbound) {
    SaParams p;
    p.inbound = inbound;
    p.cipher = a.cipher;
    p.enc_key.assign(a.key_len, 0x42);
    p.integ = a.integ;
    if (a.integ != Integ::none) p.integ_key.assign(32, 0x24);
    p.spi = 0x1000;
    p.esn = true;
    p.replay_window = 64;
    return p;
}

struct Result {
    double host_bps = 0, evp_bps = 0;
};

Result measure(const Alg& a, const std::vector<size_t>& mix, double seconds) {
    std::string err;
    std::vector<std::vector<uint8_t>> inners;
    for (size_t s : mix) inners.push_back(ipv4(s));
    // The baseline works on the same padded plaintext lengths ESP uses.
    size_t block = a.cipher == Cipher::aes_cbc ? 16 : 4;
    std::vector<std::vector<uint8_t>> padded;
    for (auto& p : inners)
        padded.push_back(std::vector<uint8_t>(p.size() + 2 + (block - (p.size() + 2) % block) % block, 0));
    std::vector<uint8_t> esp, back, tmp(65536);
    EvpOnly evp(a);
    Result r;
    double host_bytes = 0, host_time = 0, evp_bytes = 0, evp_time = 0;
    // Alternate short rounds so both see the same CPU conditions.
    const double round = 0.1;
    for (double spent = 0; spent < seconds; spent += 2 * round) {
        auto out = EspSa::create(sa_params(a, false), 0, &err);
        auto in = EspSa::create(sa_params(a, true), 0, &err);
        auto t0 = Clock::now();
        uint64_t bytes = 0;
        size_t i = 0;
        uint8_t nh = 0;
        while (std::chrono::duration<double>(Clock::now() - t0).count() < round) {
            for (int k = 0; k < 64; ++k, ++i) {
                auto& p = inners[i % inners.size()];
                if (out->seal(4, p.data(), p.size(), esp, 0) != Drop::ok ||
                    in->open(esp.data(), esp.size(), back, nh, 0) != Drop::ok) {
                    std::fprintf(stderr, "host path failed\n");
                    std::exit(1);
                }
                bytes += p.size();
            }
        }
        host_time += std::chrono::duration<double>(Clock::now() - t0).count();
        host_bytes += double(bytes);
        t0 = Clock::now();
        bytes = 0;
        i = 0;
        while (std::chrono::duration<double>(Clock::now() - t0).count() < round) {
            for (int k = 0; k < 64; ++k, ++i) {
                size_t j = i % padded.size();
                if (!evp.round_trip(padded[j].data(), padded[j].size(), tmp.data())) {
                    std::fprintf(stderr, "EVP failed\n");
                    std::exit(1);
                }
                bytes += inners[j].size();
            }
        }
        evp_time += std::chrono::duration<double>(Clock::now() - t0).count();
        evp_bytes += double(bytes);
    }
    r.host_bps = host_bytes / host_time;
    r.evp_bps = evp_bytes / evp_time;
    return r;
}

} // namespace

int main(int argc, char** argv) {
    double seconds = 1.0;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--seconds" && i + 1 < argc)
            seconds = std::stod(argv[++i]);
        else {
            std::fprintf(stderr, "usage: hostpath_bench [--seconds S]\n");
            return 2;
        }
    }
    const Alg algs[] = {{"chacha20poly1305", Cipher::chacha20_poly1305, 36, Integ::none},
                        {"aes256-cbc+sha256", Cipher::aes_cbc, 32, Integ::hmac_sha256_128}};
    std::vector<size_t> imix;
    for (int k = 0; k < 7; ++k) imix.push_back(40);
    for (int k = 0; k < 4; ++k) imix.push_back(576);
    imix.push_back(1500);
    struct Size {
        const char* name;
        std::vector<size_t> mix;
    } sizes[] = {{"64", {64}}, {"1400", {1400}}, {"imix", imix}};
    std::printf("host-path ESP encrypt+decrypt, one core, %.1f s per measurement (inner bytes)\n", seconds);
    std::printf("%-18s %-5s %12s %12s %7s\n", "algorithm", "size", "host MB/s", "EVP MB/s", "ratio");
    bool all = true;
    for (const auto& a : algs)
        for (const auto& s : sizes) {
            Result r = measure(a, s.mix, seconds);
            double ratio = r.host_bps / r.evp_bps;
            all = all && ratio >= 0.8;
            std::printf("%-18s %-5s %12.1f %12.1f %7.2f\n", a.name, s.name, r.host_bps / 1e6, r.evp_bps / 1e6, ratio);
        }
    std::printf("goal ratio >= 0.8: %s\n", all ? "met" : "not met");
    return 0;
}
