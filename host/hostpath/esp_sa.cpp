#include "esp_sa.h"

#include <cstring>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace hostpath {

namespace {

void put32(uint8_t* p, uint32_t v) {
    p[0] = uint8_t(v >> 24);
    p[1] = uint8_t(v >> 16);
    p[2] = uint8_t(v >> 8);
    p[3] = uint8_t(v);
}
uint32_t get32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
uint16_t get16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

constexpr size_t kMaxPayload = 65535;

const char* digest_of(Integ i) {
    switch (i) {
        case Integ::hmac_sha1_96:
            return "SHA1";
        case Integ::hmac_sha256_128:
            return "SHA256";
        case Integ::hmac_sha384_192:
            return "SHA384";
        case Integ::hmac_sha512_256:
            return "SHA512";
        case Integ::none:
            break;
    }
    return nullptr;
}
size_t icv_of(Integ i) {
    switch (i) {
        case Integ::hmac_sha1_96:
            return 12;
        case Integ::hmac_sha256_128:
            return 16;
        case Integ::hmac_sha384_192:
            return 24;
        case Integ::hmac_sha512_256:
            return 32;
        case Integ::none:
            break;
    }
    return 0;
}
size_t integ_key_of(Integ i) {
    switch (i) {
        case Integ::hmac_sha1_96:
            return 20;
        case Integ::hmac_sha256_128:
            return 32;
        case Integ::hmac_sha384_192:
            return 48;
        case Integ::hmac_sha512_256:
            return 64;
        case Integ::none:
            break;
    }
    return 0;
}

// Tunnel-mode inner packet: its own length, or 0 when it is not a well-formed IP packet
// of the kind next_header says (docs/engine.md, inbound 11).
size_t inner_length(uint8_t nh, const uint8_t* p, size_t n) {
    if (nh == 4) {
        if (n < 20 || (p[0] >> 4) != 4 || (p[0] & 15) < 5) return 0;
        size_t total = get16(p + 2);
        if (size_t(p[0] & 15) * 4 > total || total > n) return 0;
        return total;
    }
    if (nh == 41) {
        if (n < 40 || (p[0] >> 4) != 6) return 0;
        size_t total = 40 + size_t(get16(p + 4));
        return total <= n ? total : 0;
    }
    return 0;
}

} // namespace

const char* drop_name(Drop d) {
    switch (d) {
        case Drop::ok:
            return "ok";
        case Drop::no_sa:
            return "no_sa";
        case Drop::replay:
            return "replay";
        case Drop::auth_fail:
            return "auth_fail";
        case Drop::malformed:
            return "malformed";
        case Drop::bad_padding:
            return "bad_padding";
        case Drop::sa_disabled:
            return "sa_disabled";
        case Drop::seq_exhausted:
            return "seq_exhausted";
        case Drop::policy:
            return "policy";
    }
    return "?";
}

uint64_t Counters::drops_total() const {
    uint64_t t = 0;
    for (auto d : drops) t += d;
    return t;
}

void SaParams::wipe() {
    if (!enc_key.empty()) OPENSSL_cleanse(enc_key.data(), enc_key.size());
    if (!integ_key.empty()) OPENSSL_cleanse(integ_key.data(), integ_key.size());
    enc_key.clear();
    integ_key.clear();
}

struct EspSa::Evp {
    EVP_CIPHER_CTX* cipher = nullptr; // the SA's cipher, keyed once
    EVP_CIPHER_CTX* ivgen = nullptr;  // CBC: AES-ECB under a random key, seq -> IV
    EVP_MAC* mac = nullptr;
    EVP_MAC_CTX* hmac = nullptr; // keyed once
    static constexpr size_t kIvBatch = 32;
    uint8_t ivs[16 * kIvBatch] = {};
    size_t iv_next = kIvBatch;
    uint64_t iv_counter = 0;
    ~Evp() {
        OPENSSL_cleanse(ivs, sizeof ivs);
        EVP_CIPHER_CTX_free(cipher); // cleanses the key schedule
        EVP_CIPHER_CTX_free(ivgen);
        EVP_MAC_CTX_free(hmac);
        EVP_MAC_free(mac);
    }
};

EspSa::~EspSa() { OPENSSL_cleanse(salt_, sizeof salt_); }

std::unique_ptr<EspSa> EspSa::create(const SaParams& in, uint64_t now_s, std::string* error) {
    auto fail = [&](const char* why) {
        if (error) *error = why;
        return std::unique_ptr<EspSa>();
    };
    std::unique_ptr<EspSa> sa(new EspSa());
    sa->p_ = in;
    SaParams& p = sa->p_;
    sa->evp_ = std::make_unique<Evp>();
    Evp& e = *sa->evp_;
    bool aead = p.cipher == Cipher::aes_gcm || p.cipher == Cipher::chacha20_poly1305;
    if (aead && p.integ != Integ::none) return p.wipe(), fail("an AEAD cipher takes no integrity algorithm");
    if (!aead && p.integ == Integ::none) return p.wipe(), fail("ESP without integrity is refused (RFC 8221)");
    if (p.replay_window > ReplayWindow::kMaxWindow) return p.wipe(), fail("replay window above 4096");
    const EVP_CIPHER* c = nullptr;
    size_t key = p.enc_key.size();
    switch (p.cipher) {
        case Cipher::null:
            if (key != 0) return p.wipe(), fail("NULL encryption takes no key");
            break;
        case Cipher::aes_cbc:
            c = key == 16 ? EVP_aes_128_cbc() : key == 24 ? EVP_aes_192_cbc() : key == 32 ? EVP_aes_256_cbc() : nullptr;
            break;
        case Cipher::aes_gcm:
            c = key == 20 ? EVP_aes_128_gcm() : key == 28 ? EVP_aes_192_gcm() : key == 36 ? EVP_aes_256_gcm() : nullptr;
            break;
        case Cipher::chacha20_poly1305:
            c = key == 36 ? EVP_chacha20_poly1305() : nullptr;
            break;
    }
    if (p.cipher != Cipher::null && !c) return p.wipe(), fail("bad cipher key length");
    if (p.integ != Integ::none && p.integ_key.size() != integ_key_of(p.integ))
        return p.wipe(), fail("bad integrity key length");
    if (c) {
        size_t klen = aead ? key - 4 : key;
        if (aead) std::memcpy(sa->salt_, p.enc_key.data() + klen, 4);
        e.cipher = EVP_CIPHER_CTX_new();
        int enc = p.inbound ? 0 : 1;
        if (!e.cipher || !EVP_CipherInit_ex(e.cipher, c, nullptr, nullptr, nullptr, enc) ||
            (aead && !EVP_CIPHER_CTX_ctrl(e.cipher, EVP_CTRL_AEAD_SET_IVLEN, 12, nullptr)) ||
            !EVP_CipherInit_ex(e.cipher, nullptr, nullptr, p.enc_key.data(), nullptr, enc) ||
            !EVP_CIPHER_CTX_set_padding(e.cipher, 0))
            return p.wipe(), fail("OpenSSL refused the cipher");
    }
    if (p.cipher == Cipher::aes_cbc && !p.inbound) {
        uint8_t ivkey[16];
        e.ivgen = EVP_CIPHER_CTX_new();
        bool ok = e.ivgen && RAND_bytes(ivkey, sizeof ivkey) == 1 &&
                  EVP_EncryptInit_ex(e.ivgen, EVP_aes_128_ecb(), nullptr, ivkey, nullptr) &&
                  EVP_CIPHER_CTX_set_padding(e.ivgen, 0);
        OPENSSL_cleanse(ivkey, sizeof ivkey);
        if (!ok) return p.wipe(), fail("OpenSSL refused the IV generator");
    }
    if (p.integ != Integ::none) {
        e.mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        e.hmac = e.mac ? EVP_MAC_CTX_new(e.mac) : nullptr;
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_of(p.integ)), 0),
            OSSL_PARAM_construct_end()};
        if (!e.hmac || !EVP_MAC_init(e.hmac, p.integ_key.data(), p.integ_key.size(), params))
            return p.wipe(), fail("OpenSSL refused the HMAC");
        sa->icv_len_ = icv_of(p.integ);
    } else {
        sa->icv_len_ = 16;
    }
    p.wipe(); // the keys live in the EVP contexts now
    if (p.inbound) {
        sa->replay_.init(p.initial_seq, p.replay_window);
        sa->counters_.seq = p.initial_seq;
    } else {
        sa->counters_.seq = p.initial_seq;
    }
    sa->installed_s_ = now_s;
    return sa;
}

size_t EspSa::iv_len() const {
    switch (p_.cipher) {
        case Cipher::null:
            return 0;
        case Cipher::aes_cbc:
            return 16;
        default:
            return 8;
    }
}
size_t EspSa::block() const { return p_.cipher == Cipher::aes_cbc ? 16 : 4; }

bool EspSa::hmac(const uint8_t* data, size_t len, uint32_t seq_hi, uint8_t* mac) {
    uint8_t full[64], hi[4];
    size_t n = 0;
    EVP_MAC_CTX* h = evp_->hmac;
    bool ok = EVP_MAC_init(h, nullptr, 0, nullptr) && EVP_MAC_update(h, data, len);
    if (ok && p_.esn) {
        put32(hi, seq_hi);
        ok = EVP_MAC_update(h, hi, 4);
    }
    ok = ok && EVP_MAC_final(h, full, &n, sizeof full) && n >= icv_len_;
    if (ok) std::memcpy(mac, full, icv_len_);
    OPENSSL_cleanse(full, sizeof full);
    return ok;
}

void EspSa::raise(EventType e) { events_.push_back(e); }

void EspSa::account(uint64_t seq, size_t inner_bytes) {
    if (p_.inbound) {
        replay_.update(seq);
        counters_.seq = replay_.top();
    }
    ++counters_.packets;
    counters_.bytes += inner_bytes;
    const Lifetime& l = p_.life;
    if (l.soft_bytes && counters_.bytes >= l.soft_bytes && !soft_raised_) {
        soft_raised_ = true;
        raise(EventType::soft);
    }
    if (l.hard_bytes && counters_.bytes >= l.hard_bytes && !hard_raised_) {
        hard_raised_ = true;
        counters_.disabled = true; // this packet still goes through; the next one drops
        raise(EventType::hard);
    }
}

void EspSa::tick(uint64_t now_s) {
    uint64_t age = now_s >= installed_s_ ? now_s - installed_s_ : 0;
    const Lifetime& l = p_.life;
    if (l.soft_seconds && age >= l.soft_seconds && !soft_raised_) {
        soft_raised_ = true;
        raise(EventType::soft);
    }
    if (l.hard_seconds && age >= l.hard_seconds && !hard_raised_) {
        hard_raised_ = true;
        counters_.disabled = true;
        raise(EventType::hard);
    }
}

std::vector<EventType> EspSa::take_events() {
    std::vector<EventType> out;
    out.swap(events_);
    return out;
}

Drop EspSa::seal(uint8_t next_header, const uint8_t* payload, size_t len, std::vector<uint8_t>& out, uint64_t now_s) {
    uint8_t iv[16];
    const uint64_t seq = counters_.seq + 1;
    if (p_.cipher == Cipher::aes_cbc) {
        // CBC IVs: a counter encrypted under the SA's random IV key, made kIvBatch at a time
        // (one EVP call instead of one per packet).
        Evp& e = *evp_;
        if (e.iv_next == Evp::kIvBatch) {
            uint8_t blocks[16 * Evp::kIvBatch] = {};
            for (size_t b = 0; b < Evp::kIvBatch; ++b) {
                uint64_t ctr = ++e.iv_counter;
                for (int i = 0; i < 8; ++i) blocks[16 * b + i] = uint8_t(ctr >> (56 - 8 * i));
            }
            int n = 0;
            if (!EVP_EncryptUpdate(e.ivgen, e.ivs, &n, blocks, int(sizeof blocks)) || n != int(sizeof blocks))
                return drop(Drop::malformed);
            e.iv_next = 0;
        }
        std::memcpy(iv, e.ivs + 16 * e.iv_next++, 16);
    } else {
        for (int i = 0; i < 8; ++i) iv[i] = uint8_t(seq >> (56 - 8 * i));
    }
    return seal_with_iv(next_header, payload, len, iv, out, now_s);
}

Drop EspSa::seal_with_iv(uint8_t next_header, const uint8_t* payload, size_t len, const uint8_t* iv,
                         std::vector<uint8_t>& out, uint64_t now_s) {
    tick(now_s);
    if (p_.inbound) return drop(Drop::no_sa);
    if (counters_.disabled) return drop(Drop::sa_disabled);
    const uint64_t last = counters_.seq;
    if (last == (p_.esn ? UINT64_MAX : uint64_t{UINT32_MAX})) { // never wraps: the SA stops
        counters_.disabled = true;
        if (!exhausted_raised_) {
            exhausted_raised_ = true;
            raise(EventType::seq_exhausted);
        }
        return drop(Drop::seq_exhausted);
    }
    if (len > kMaxPayload) return drop(Drop::malformed);
    const uint64_t seq = last + 1;
    const size_t ivl = iv_len(), bl = block();
    const size_t pad = (bl - (len + 2) % bl) % bl;
    const size_t pt_len = len + pad + 2;
    const size_t hdr = 8 + ivl;
    out.resize(hdr + pt_len + icv_len_);
    uint8_t* o = out.data();
    put32(o, p_.spi);
    put32(o + 4, uint32_t(seq));
    std::memcpy(o + 8, iv, ivl);
    uint8_t* pt = o + hdr;
    if (len) std::memmove(pt, payload, len); // an empty payload may come as a null pointer
    for (size_t i = 0; i < pad; ++i) pt[len + i] = uint8_t(i + 1);
    pt[len + pad] = uint8_t(pad);
    pt[len + pad + 1] = next_header;
    EVP_CIPHER_CTX* c = evp_->cipher;
    int n = 0;
    if (p_.cipher == Cipher::aes_gcm || p_.cipher == Cipher::chacha20_poly1305) {
        uint8_t nonce[12], aad[12];
        std::memcpy(nonce, salt_, 4);
        std::memcpy(nonce + 4, iv, 8);
        put32(aad, p_.spi);
        size_t aad_len = 8;
        if (p_.esn) {
            put32(aad + 4, uint32_t(seq >> 32));
            put32(aad + 8, uint32_t(seq));
            aad_len = 12;
        } else {
            put32(aad + 4, uint32_t(seq));
        }
        int fin = 0;
        if (!EVP_EncryptInit_ex(c, nullptr, nullptr, nullptr, nonce) ||
            !EVP_EncryptUpdate(c, nullptr, &n, aad, int(aad_len)) || !EVP_EncryptUpdate(c, pt, &n, pt, int(pt_len)) ||
            !EVP_EncryptFinal_ex(c, pt + n, &fin) || !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, pt + pt_len))
            return drop(Drop::malformed);
    } else {
        if (p_.cipher == Cipher::aes_cbc &&
            (!EVP_EncryptInit_ex(c, nullptr, nullptr, nullptr, iv) || !EVP_EncryptUpdate(c, pt, &n, pt, int(pt_len))))
            return drop(Drop::malformed);
        if (!hmac(o, hdr + pt_len, uint32_t(seq >> 32), pt + pt_len)) return drop(Drop::malformed);
    }
    counters_.seq = seq;
    account(seq, len);
    return Drop::ok;
}

Drop EspSa::open(const uint8_t* esp, size_t len, std::vector<uint8_t>& out, uint8_t& next_header, uint64_t now_s,
                 bool commit) {
    tick(now_s);
    if (!p_.inbound) return drop(Drop::no_sa);
    if (counters_.disabled) return drop(Drop::sa_disabled);
    const size_t ivl = iv_len(), bl = block(), hdr = 8 + ivl;
    if (len < hdr + 2 + icv_len_ || len > hdr + kMaxPayload + 2 + 255 + icv_len_) return drop(Drop::malformed);
    const size_t ct_len = len - hdr - icv_len_;
    if (p_.cipher == Cipher::aes_cbc && ct_len % bl != 0) return drop(Drop::malformed);
    const uint64_t seq = replay_.infer(get32(esp + 4), p_.esn);
    if (!replay_.check(seq)) return drop(Drop::replay);
    out.resize(ct_len);
    uint8_t* pt = out.data();
    EVP_CIPHER_CTX* c = evp_->cipher;
    int n = 0;
    if (p_.cipher == Cipher::aes_gcm || p_.cipher == Cipher::chacha20_poly1305) {
        uint8_t nonce[12], aad[12], tag[16];
        std::memcpy(nonce, salt_, 4);
        std::memcpy(nonce + 4, esp + 8, 8);
        std::memcpy(aad, esp, 4);
        size_t aad_len = 8;
        if (p_.esn) {
            put32(aad + 4, uint32_t(seq >> 32));
            std::memcpy(aad + 8, esp + 4, 4);
            aad_len = 12;
        } else {
            std::memcpy(aad + 4, esp + 4, 4);
        }
        std::memcpy(tag, esp + hdr + ct_len, 16);
        int fin = 0;
        // The tag is compared inside OpenSSL in constant time (CRYPTO_memcmp).
        if (!EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, nonce) ||
            !EVP_DecryptUpdate(c, nullptr, &n, aad, int(aad_len)) ||
            !EVP_DecryptUpdate(c, pt, &n, esp + hdr, int(ct_len)) ||
            !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, tag) || EVP_DecryptFinal_ex(c, pt + n, &fin) <= 0)
            return drop(Drop::auth_fail);
    } else {
        uint8_t mac[32];
        if (!hmac(esp, hdr + ct_len, uint32_t(seq >> 32), mac) || CRYPTO_memcmp(mac, esp + hdr + ct_len, icv_len_) != 0)
            return drop(Drop::auth_fail);
        if (p_.cipher == Cipher::aes_cbc) {
            if (!EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, esp + 8) ||
                !EVP_DecryptUpdate(c, pt, &n, esp + hdr, int(ct_len)))
                return drop(Drop::malformed);
        } else {
            std::memcpy(pt, esp + hdr, ct_len);
        }
    }
    const size_t pad = pt[ct_len - 2];
    if (pad + 2 > ct_len) return drop(Drop::bad_padding);
    const size_t body = ct_len - 2 - pad;
    for (size_t i = 0; i < pad; ++i)
        if (pt[body + i] != uint8_t(i + 1)) return drop(Drop::bad_padding);
    next_header = pt[ct_len - 1];
    size_t keep = body;
    if (p_.tunnel) {
        keep = inner_length(next_header, pt, body); // bytes past it: TFC padding
        if (keep == 0) return drop(Drop::malformed);
    }
    out.resize(keep);
    last_seq_ = seq;
    if (commit) account(seq, keep);
    return Drop::ok;
}

} // namespace hostpath
