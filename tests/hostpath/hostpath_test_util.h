// Helpers of the host-path tests: hex, SA builders, inner packets, and an ESP codec composed
// by hand from raw EVP calls (independent of host/hostpath) for CBC/NULL + HMAC.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "esp_sa.h"

namespace hp_test {

using Bytes = std::vector<uint8_t>;

inline Bytes from_hex(const std::string& h) {
    Bytes b;
    for (size_t i = 0; i + 1 < h.size(); i += 2) b.push_back(uint8_t(std::stoul(h.substr(i, 2), nullptr, 16)));
    return b;
}

inline Bytes random_bytes(std::mt19937& rng, size_t n) {
    Bytes b(n);
    for (auto& x : b) x = uint8_t(rng());
    return b;
}

// A well-formed IPv4 (or IPv6) packet from src to dst carrying `payload_len` bytes of UDP.
inline Bytes ipv4_udp(uint32_t src, uint32_t dst, size_t payload_len, uint8_t fill = 0x5a, uint16_t sport = 1000,
                      uint16_t dport = 2000) {
    size_t total = 20 + 8 + payload_len;
    Bytes p(total, fill);
    p[0] = 0x45;
    p[1] = 0;
    p[2] = uint8_t(total >> 8);
    p[3] = uint8_t(total);
    p[4] = p[5] = p[6] = p[7] = 0;
    p[8] = 64;
    p[9] = 17;
    p[10] = p[11] = 0;
    for (int i = 0; i < 4; ++i) {
        p[12 + i] = uint8_t(src >> (24 - 8 * i));
        p[16 + i] = uint8_t(dst >> (24 - 8 * i));
    }
    p[20] = uint8_t(sport >> 8);
    p[21] = uint8_t(sport);
    p[22] = uint8_t(dport >> 8);
    p[23] = uint8_t(dport);
    p[24] = uint8_t((8 + payload_len) >> 8);
    p[25] = uint8_t(8 + payload_len);
    p[26] = p[27] = 0;
    return p;
}
inline Bytes ipv6_udp(uint8_t src_last, uint8_t dst_last, size_t payload_len) {
    Bytes p(40 + 8 + payload_len, 0x33);
    p[0] = 0x60;
    p[1] = p[2] = p[3] = 0;
    p[4] = uint8_t((8 + payload_len) >> 8);
    p[5] = uint8_t(8 + payload_len);
    p[6] = 17;
    p[7] = 64;
    for (int i = 0; i < 16; ++i) {
        p[8 + i] = 0;
        p[24 + i] = 0;
    }
    p[8] = 0xfd;
    p[23] = src_last;
    p[24] = 0xfd;
    p[39] = dst_last;
    return p;
}

inline size_t integ_key_len(hostpath::Integ i) {
    using hostpath::Integ;
    return i == Integ::hmac_sha1_96 ? 20 : i == Integ::hmac_sha256_128 ? 32 : i == Integ::hmac_sha384_192 ? 48 : 64;
}
inline size_t icv_len(hostpath::Integ i) {
    using hostpath::Integ;
    return i == Integ::hmac_sha1_96 ? 12 : i == Integ::hmac_sha256_128 ? 16 : i == Integ::hmac_sha384_192 ? 24 : 32;
}
inline const EVP_MD* md_of(hostpath::Integ i) {
    using hostpath::Integ;
    return i == Integ::hmac_sha1_96      ? EVP_sha1()
           : i == Integ::hmac_sha256_128 ? EVP_sha256()
           : i == Integ::hmac_sha384_192 ? EVP_sha384()
                                         : EVP_sha512();
}

inline hostpath::SaParams params(bool inbound, hostpath::Cipher c, const Bytes& key, hostpath::Integ i,
                                 const Bytes& ikey, uint32_t spi, bool esn = false, uint64_t initial = 0,
                                 unsigned window = 64) {
    hostpath::SaParams p;
    p.inbound = inbound;
    p.cipher = c;
    p.enc_key = key;
    p.integ = i;
    p.integ_key = ikey;
    p.spi = spi;
    p.esn = esn;
    p.initial_seq = initial;
    p.replay_window = window;
    return p;
}

inline std::unique_ptr<hostpath::EspSa> make_sa(const hostpath::SaParams& p, uint64_t now = 0) {
    std::string err;
    auto sa = hostpath::EspSa::create(p, now, &err);
    if (!sa) throw std::runtime_error("EspSa::create: " + err);
    return sa;
}

// The reference: RFC 4303 + RFC 3602 + RFC 4868 written out with EVP one-shot calls.
struct RefCbc {
    Bytes key, ikey; // empty key: NULL encryption
    hostpath::Integ integ;
    uint32_t spi;
    bool esn;

    Bytes icv(const Bytes& covered, uint64_t seq) const {
        Bytes data = covered;
        if (esn)
            for (int i = 0; i < 4; ++i) data.push_back(uint8_t(seq >> (56 - 8 * i)));
        unsigned char mac[64];
        unsigned int n = 0;
        HMAC(md_of(integ), ikey.data(), int(ikey.size()), data.data(), data.size(), mac, &n);
        return Bytes(mac, mac + icv_len(integ));
    }
    const EVP_CIPHER* cipher() const {
        return key.size() == 16 ? EVP_aes_128_cbc() : key.size() == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
    }
    // pad_extra: more padding than the minimum (a multiple of the block), as a peer may send.
    Bytes seal(uint64_t seq, const Bytes& iv, const Bytes& payload, uint8_t nh, size_t pad_extra = 0,
               bool bad_pad_bytes = false) const {
        size_t bl = key.empty() ? 4 : 16;
        size_t pad = (bl - (payload.size() + 2) % bl) % bl + pad_extra;
        Bytes pt = payload;
        for (size_t i = 0; i < pad; ++i) pt.push_back(uint8_t(i + 1));
        if (bad_pad_bytes && pad > 0) pt[payload.size()] ^= 0x80;
        pt.push_back(uint8_t(pad));
        pt.push_back(nh);
        return seal_plaintext(seq, iv, pt);
    }
    // pt: payload || padding || pad length || next header, as given (any trailer).
    Bytes seal_plaintext(uint64_t seq, const Bytes& iv, const Bytes& pt) const {
        Bytes out = {uint8_t(spi >> 24), uint8_t(spi >> 16), uint8_t(spi >> 8), uint8_t(spi),
                     uint8_t(seq >> 24), uint8_t(seq >> 16), uint8_t(seq >> 8), uint8_t(seq)};
        if (key.empty()) {
            out.insert(out.end(), pt.begin(), pt.end());
        } else {
            out.insert(out.end(), iv.begin(), iv.end());
            Bytes ct(pt.size() + 16);
            int n1 = 0, n2 = 0;
            EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
            EVP_EncryptInit_ex(c, cipher(), nullptr, key.data(), iv.data());
            EVP_CIPHER_CTX_set_padding(c, 0);
            EVP_EncryptUpdate(c, ct.data(), &n1, pt.data(), int(pt.size()));
            EVP_EncryptFinal_ex(c, ct.data() + n1, &n2);
            EVP_CIPHER_CTX_free(c);
            out.insert(out.end(), ct.begin(), ct.begin() + n1 + n2);
        }
        Bytes mac = icv(out, seq);
        out.insert(out.end(), mac.begin(), mac.end());
        return out;
    }
    // Checks the ICV and every framing choice; returns payload, next header, padding length.
    bool open(const Bytes& esp, uint64_t seq, Bytes& payload, uint8_t& nh, size_t& pad) const {
        size_t icvl = icv_len(integ), ivl = key.empty() ? 0 : 16;
        if (esp.size() < 8 + ivl + 2 + icvl) return false;
        Bytes covered(esp.begin(), esp.end() - long(icvl));
        if (icv(covered, seq) != Bytes(esp.end() - long(icvl), esp.end())) return false;
        Bytes pt(covered.begin() + long(8 + ivl), covered.end());
        if (!key.empty()) {
            if (pt.size() % 16) return false;
            Bytes out(pt.size() + 16);
            int n1 = 0;
            EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
            EVP_DecryptInit_ex(c, cipher(), nullptr, key.data(), esp.data() + 8);
            EVP_CIPHER_CTX_set_padding(c, 0);
            EVP_DecryptUpdate(c, out.data(), &n1, pt.data(), int(pt.size()));
            EVP_CIPHER_CTX_free(c);
            pt.assign(out.begin(), out.begin() + n1);
        }
        pad = pt[pt.size() - 2];
        nh = pt.back();
        if (pad + 2 > pt.size()) return false;
        for (size_t i = 0; i < pad; ++i)
            if (pt[pt.size() - 2 - pad + i] != i + 1) return false;
        payload.assign(pt.begin(), pt.end() - long(pad + 2));
        return true;
    }
};

} // namespace hp_test
