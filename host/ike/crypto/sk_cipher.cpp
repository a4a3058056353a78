#include "sk_cipher.h"

#include <openssl/evp.h>

#include <climits>
#include <limits>

#include "hmac.h"

namespace ike::crypto {
namespace {

struct CtxDeleter {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

// Runs EVP update over `in` into `out` (same size; stream or no-padding CBC).
bool cipher_update(EVP_CIPHER_CTX* ctx, std::span<const uint8_t> in, uint8_t* out) {
    if (in.empty()) return true;
    if (!fits_int(in.size())) return false;
    int len = 0;
    return EVP_CipherUpdate(ctx, out, &len, in.data(), static_cast<int>(in.size())) == 1 &&
           static_cast<std::size_t>(len) == in.size();
}

// AES-GCM-16 (RFC 5282) and ChaCha20-Poly1305 (RFC 7634): 8-octet IV,
// nonce = salt || IV, 16-octet tag, AAD = the message prefix.
class AeadSkCipher final : public SkCipher {
public:
    AeadSkCipher(const EVP_CIPHER* cipher, std::span<const uint8_t> key, std::span<const uint8_t> salt)
        : cipher_(cipher), key_(to_secure(key)), salt_(to_secure(salt)) {}

    std::size_t iv_bytes() const override { return 8; }
    std::size_t icv_bytes() const override { return 16; }
    std::size_t block_bytes() const override { return 1; }
    bool is_aead() const override { return true; }

    std::optional<std::vector<uint8_t>> seal(std::span<const uint8_t> prefix,
                                             std::span<const uint8_t> plaintext) override {
        // A counter IV never repeats under this key; exhaustion stops the SA.
        if (next_iv_ == std::numeric_limits<uint64_t>::max()) return std::nullopt;
        uint8_t iv[8];
        const uint64_t v = next_iv_++;
        for (int i = 0; i < 8; ++i) iv[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
        return seal_with_iv(prefix, iv, plaintext);
    }

    std::optional<std::vector<uint8_t>> seal_with_iv(std::span<const uint8_t> prefix, std::span<const uint8_t> iv,
                                                     std::span<const uint8_t> plaintext) override {
        if (iv.size() != iv_bytes()) return std::nullopt;
        std::vector<uint8_t> body(iv.size() + plaintext.size() + icv_bytes());
        std::copy(iv.begin(), iv.end(), body.begin());
        CipherCtx ctx = start(iv, 1, prefix);
        if (!ctx || !cipher_update(ctx.get(), plaintext, body.data() + iv.size())) return std::nullopt;
        int len = 0;
        uint8_t* tag = body.data() + iv.size() + plaintext.size();
        if (EVP_EncryptFinal_ex(ctx.get(), tag, &len) != 1 || len != 0) return std::nullopt;
        if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, 16, tag) != 1) return std::nullopt;
        return body;
    }

    std::optional<secure_bytes> open(std::span<const uint8_t> prefix, std::span<const uint8_t> body) const override {
        if (body.size() < iv_bytes() + icv_bytes()) return std::nullopt;
        const auto iv = body.first(iv_bytes());
        const auto ct = body.subspan(iv_bytes(), body.size() - iv_bytes() - icv_bytes());
        const auto tag = body.last(icv_bytes());
        CipherCtx ctx = start(iv, 0, prefix);
        secure_bytes plain(ct.size());
        if (!ctx || !cipher_update(ctx.get(), ct, plain.data())) return std::nullopt;
        uint8_t tag_copy[16];
        std::copy(tag.begin(), tag.end(), tag_copy);
        if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, 16, tag_copy) != 1) return std::nullopt;
        int len = 0;
        // OpenSSL compares the tag in constant time inside Final.
        if (EVP_DecryptFinal_ex(ctx.get(), plain.data() + plain.size(), &len) != 1) return std::nullopt;
        return plain;
    }

private:
    // Context keyed with nonce = salt || iv, AAD already fed.
    CipherCtx start(std::span<const uint8_t> iv, int enc, std::span<const uint8_t> aad) const {
        CipherCtx ctx(EVP_CIPHER_CTX_new());
        if (!ctx || !fits_int(aad.size())) return nullptr;
        uint8_t nonce[12];
        std::copy(salt_.begin(), salt_.end(), nonce);
        std::copy(iv.begin(), iv.end(), nonce + 4);
        if (EVP_CipherInit_ex(ctx.get(), cipher_, nullptr, nullptr, nullptr, enc) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, 12, nullptr) != 1 ||
            EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key_.data(), nonce, enc) != 1)
            return nullptr;
        int len = 0;
        if (!aad.empty() && EVP_CipherUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
            return nullptr;
        return ctx;
    }

    const EVP_CIPHER* cipher_;
    secure_bytes key_, salt_;
    uint64_t next_iv_ = 1;
};

// AES-CBC with an HMAC-SHA1/SHA2 ICV over the whole message (RFC 7296 3.14).
class CbcHmacSkCipher final : public SkCipher {
public:
    CbcHmacSkCipher(const EVP_CIPHER* cipher, std::span<const uint8_t> key, const char* digest,
                    std::span<const uint8_t> integ_key, std::size_t icv)
        : cipher_(cipher), key_(to_secure(key)), digest_(digest), integ_key_(to_secure(integ_key)), icv_(icv) {}

    std::size_t iv_bytes() const override { return 16; }
    std::size_t icv_bytes() const override { return icv_; }
    std::size_t block_bytes() const override { return 16; }
    bool is_aead() const override { return false; }

    std::optional<std::vector<uint8_t>> seal(std::span<const uint8_t> prefix,
                                             std::span<const uint8_t> plaintext) override {
        uint8_t iv[16];
        if (!random_bytes(iv)) return std::nullopt;
        return seal_with_iv(prefix, iv, plaintext);
    }

    std::optional<std::vector<uint8_t>> seal_with_iv(std::span<const uint8_t> prefix, std::span<const uint8_t> iv,
                                                     std::span<const uint8_t> plaintext) override {
        if (iv.size() != 16 || plaintext.empty() || plaintext.size() % 16 != 0) return std::nullopt;
        std::vector<uint8_t> body(16 + plaintext.size() + icv_);
        std::copy(iv.begin(), iv.end(), body.begin());
        CipherCtx ctx = start(iv, 1);
        if (!ctx || !cipher_update(ctx.get(), plaintext, body.data() + 16)) return std::nullopt;
        const auto covered = std::span<const uint8_t>(body).first(16 + plaintext.size());
        auto mac = icv(prefix, covered);
        if (!mac) return std::nullopt;
        std::copy(mac->begin(), mac->begin() + static_cast<std::ptrdiff_t>(icv_),
                  body.end() - static_cast<std::ptrdiff_t>(icv_));
        return body;
    }

    std::optional<secure_bytes> open(std::span<const uint8_t> prefix, std::span<const uint8_t> body) const override {
        if (body.size() < 16 + 16 + icv_) return std::nullopt;
        const auto covered = body.first(body.size() - icv_);
        const auto ct = covered.subspan(16);
        if (ct.size() % 16 != 0) return std::nullopt;
        auto mac = icv(prefix, covered);
        // Integrity first: nothing unauthenticated is decrypted.
        if (!mac || !equal_ct(std::span<const uint8_t>(*mac).first(icv_), body.last(icv_))) return std::nullopt;
        CipherCtx ctx = start(covered.first(16), 0);
        secure_bytes plain(ct.size());
        if (!ctx || !cipher_update(ctx.get(), ct, plain.data())) return std::nullopt;
        return plain;
    }

private:
    std::optional<secure_bytes> icv(std::span<const uint8_t> prefix, std::span<const uint8_t> covered) const {
        const std::span<const uint8_t> parts[] = {prefix, covered};
        return detail::hmac(digest_, integ_key_, parts);
    }

    CipherCtx start(std::span<const uint8_t> iv, int enc) const {
        CipherCtx ctx(EVP_CIPHER_CTX_new());
        if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher_, nullptr, key_.data(), iv.data(), enc) != 1 ||
            EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
            return nullptr;
        return ctx;
    }

    const EVP_CIPHER* cipher_;
    secure_bytes key_;
    const char* digest_;
    secure_bytes integ_key_;
    std::size_t icv_;
};

const EVP_CIPHER* gcm_cipher(uint16_t bits) {
    switch (bits) {
        case 128:
            return EVP_aes_128_gcm();
        case 192:
            return EVP_aes_192_gcm();
        case 256:
            return EVP_aes_256_gcm();
        default:
            return nullptr;
    }
}

const EVP_CIPHER* cbc_cipher(uint16_t bits) {
    switch (bits) {
        case 128:
            return EVP_aes_128_cbc();
        case 192:
            return EVP_aes_192_cbc();
        case 256:
            return EVP_aes_256_cbc();
        default:
            return nullptr;
    }
}

const char* integ_digest(IntegId id) {
    switch (id) {
        case IntegId::HMAC_SHA1_96:
            return "SHA1";
        case IntegId::HMAC_SHA2_256_128:
            return "SHA256";
        case IntegId::HMAC_SHA2_384_192:
            return "SHA384";
        case IntegId::HMAC_SHA2_512_256:
            return "SHA512";
        default:
            return nullptr;
    }
}

} // namespace

std::unique_ptr<SkCipher> make_sk_cipher(EncrId encr, uint16_t key_bits, IntegId integ,
                                         std::span<const uint8_t> encr_key, std::span<const uint8_t> integ_key) {
    const auto keymat = encr_keymat_bytes(encr, key_bits);
    if (!encr_supported(encr, key_bits) || !keymat || encr_key.size() != *keymat) return nullptr;
    if (encr_is_aead(encr)) {
        if (integ != IntegId::NONE || !integ_key.empty()) return nullptr;
        const EVP_CIPHER* c = encr == EncrId::CHACHA20_POLY1305 ? EVP_chacha20_poly1305() : gcm_cipher(key_bits);
        if (c == nullptr) return nullptr;
        const std::size_t salt = encr_salt_bytes(encr);
        return std::make_unique<AeadSkCipher>(c, encr_key.first(encr_key.size() - salt), encr_key.last(salt));
    }
    const char* digest = integ_digest(integ);
    const auto key_len = integ_key_bytes(integ);
    const auto icv = integ_icv_bytes(integ);
    const EVP_CIPHER* c = encr == EncrId::AES_CBC ? cbc_cipher(key_bits) : nullptr;
    if (c == nullptr || digest == nullptr || !key_len || !icv || integ_key.size() != *key_len) return nullptr;
    return std::make_unique<CbcHmacSkCipher>(c, encr_key, digest, integ_key, *icv);
}

} // namespace ike::crypto
