// tb_common.h: helpers shared by the crypto RTL testbenches: byte <-> Verilator port
// packing in the block convention (byte 0 in the top bits), OpenSSL EVP references, a
// seeded RNG, and a failure counter so every bench ends with a nonzero exit on any mismatch.
#pragma once

#include <openssl/evp.h>

#include <ctime>
#include <cstdint>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "verilated.h"

namespace tbc {

using Bytes = std::vector<std::uint8_t>;

inline int g_failures = 0;

inline void check(bool ok, const std::string& what) {
    if (!ok) {
        if (g_failures < 20) std::fprintf(stderr, "FAIL: %s\n", what.c_str());
        ++g_failures;
    }
}

inline std::string hex(const Bytes& b) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (auto v : b) {
        s += digits[v >> 4];
        s += digits[v & 15];
    }
    return s;
}

inline Bytes unhex(const std::string& s) {
    if (s.size() % 2 != 0) throw std::invalid_argument("odd hex length");
    Bytes out(s.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::uint8_t>(std::stoul(s.substr(2 * i, 2), nullptr, 16));
    return out;
}

// Writes n bytes into a port of nbytes_port bytes, byte i at bits [8*(nbytes_port-i)-1 -: 8];
// missing bytes are zero.
template <std::size_t W>
void put_be(VlWide<W>& port, const std::uint8_t* p, std::size_t n, std::size_t nbytes_port) {
    for (std::size_t w = 0; w < W; ++w) port[w] = 0;
    for (std::size_t i = 0; i < n && i < nbytes_port; ++i) {
        std::size_t bit = 8 * (nbytes_port - 1 - i);
        port[bit / 32] |= static_cast<EData>(p[i]) << (bit % 32);
    }
}

template <std::size_t W>
Bytes get_be(const VlWide<W>& port, std::size_t n, std::size_t nbytes_port) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t bit = 8 * (nbytes_port - 1 - i);
        out[i] = static_cast<std::uint8_t>(port[bit / 32] >> (bit % 32));
    }
    return out;
}

inline Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
    Bytes b(n);
    for (auto& v : b) v = static_cast<std::uint8_t>(rng());
    return b;
}

// Single-block AES (ECB) through EVP, the reference for the pipeline.
inline Bytes aes_ecb_block(const Bytes& key, const Bytes& pt) {
    const EVP_CIPHER* c = key.size() == 32 ? EVP_aes_256_ecb() : EVP_aes_128_ecb();
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    Bytes out(32);
    int len = 0;
    bool ok = ctx && EVP_EncryptInit_ex(ctx, c, nullptr, key.data(), nullptr) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 && EVP_EncryptUpdate(ctx, out.data(), &len, pt.data(), 16) == 1 &&
              len == 16;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) throw std::runtime_error("EVP AES-ECB failed");
    out.resize(16);
    return out;
}

struct GcmResult {
    Bytes text;
    Bytes tag;
};

// AES-GCM encryption with a 96-bit IV through EVP.
inline GcmResult gcm_encrypt(const Bytes& key, const Bytes& iv, const Bytes& aad, const Bytes& pt) {
    const EVP_CIPHER* c = key.size() == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    GcmResult r;
    r.text.resize(pt.size() + 16);
    r.tag.resize(16);
    int len = 0;
    int total = 0;
    bool ok = ctx && EVP_EncryptInit_ex(ctx, c, nullptr, nullptr, nullptr) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) == 1 &&
              EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), iv.data()) == 1;
    if (ok && !aad.empty()) ok = EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1;
    if (ok && !pt.empty()) {
        ok = EVP_EncryptUpdate(ctx, r.text.data(), &len, pt.data(), static_cast<int>(pt.size())) == 1;
        total = len;
    }
    if (ok) ok = EVP_EncryptFinal_ex(ctx, r.text.data() + total, &len) == 1;
    total += len;
    if (ok) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, r.tag.data()) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) throw std::runtime_error("EVP AES-GCM failed");
    r.text.resize(static_cast<std::size_t>(total));
    return r;
}

// One rising clock edge of a Verilated model with clk/rst_n ports.
template <class Model>
void clock_edge(Model& m) {
    m.clk = 0;
    m.eval();
    m.clk = 1;
    m.eval();
}

// Asynchronous active-low reset held over one edge; the caller has set the inputs idle.
template <class Model>
void reset_model(Model& m) {
    m.rst_n = 0;
    clock_edge(m);
    m.rst_n = 1;
}

// The cycles in which a counter advanced while a bench ran to completion.
struct Window {
    std::uint64_t first = 0, last = 0, events = 0;
    std::uint64_t cycles() const { return events ? last - first + 1 : 0; }
};

// Steps bench.cycle_once() until done(), recording the first and last cycle in which
// count() advanced (for beats-per-cycle figures).
template <class Bench, class Done, class Count>
Window run_counting(Bench& bench, Done done, Count count) {
    Window w;
    while (!done()) {
        std::uint64_t before = count(), now = bench.cycle;
        bench.cycle_once();
        if (count() == before) continue;
        if (w.events == 0) w.first = now;
        w.last = now;
        w.events += count() - before;
    }
    return w;
}

// CPU-time stopwatch for the cycles/s figure (the machine is shared, so wall time would
// measure the neighbours).
struct Stopwatch {
    std::clock_t t0 = std::clock();
    double seconds() const { return static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC; }
};

inline int finish(const char* name) {
    if (g_failures) {
        std::fprintf(stderr, "%s: %d failure(s)\n", name, g_failures);
        return 1;
    }
    std::printf("%s: all checks passed\n", name);
    return 0;
}

} // namespace tbc
