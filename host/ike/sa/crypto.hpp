// Host crypto the protocol needs, all through OpenSSL EVP: PRF/prf+ (RFC 7296
// §2.13), Diffie-Hellman groups (MODP, ECP, brainpool, Curve25519/448), and
// the IKE SA's Encrypted payload protection (AES-GCM, ChaCha20-Poly1305,
// AES-CBC + HMAC). Secret buffers are wiped when they go away.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wire.hpp"

namespace ike::sa {

// A byte buffer that is cleansed on destruction and on reassignment.
class Secret {
public:
    Secret() = default;
    explicit Secret(Bytes b) : b_(std::move(b)) {}
    Secret(const Secret& o) : b_(o.b_) {}
    Secret(Secret&& o) noexcept : b_(std::move(o.b_)) {}
    Secret& operator=(const Secret& o) { if (this != &o) { wipe(); b_ = o.b_; } return *this; }
    Secret& operator=(Secret&& o) noexcept { if (this != &o) { wipe(); b_ = std::move(o.b_); } return *this; }
    ~Secret() { wipe(); }
    const Bytes& bytes() const { return b_; }
    size_t size() const { return b_.size(); }
    bool empty() const { return b_.empty(); }
    void wipe();

private:
    Bytes b_;
};

Bytes random_bytes(size_t n);

// PRF transform: HMAC with SHA-1/SHA-2.
class Prf {
public:
    explicit Prf(uint16_t prf_id); // throws std::invalid_argument for unknown ids
    Bytes operator()(std::span<const uint8_t> key, std::span<const uint8_t> data) const;
    Bytes plus(std::span<const uint8_t> key, std::span<const uint8_t> seed, size_t len) const;
    size_t out_len() const { return out_len_; }

private:
    const char* digest_;
    size_t out_len_;
};
bool prf_supported(uint16_t prf_id);

// An ephemeral DH key pair of one group; the KE payload carries public_value().
class DhKey {
public:
    static std::unique_ptr<DhKey> generate(uint16_t group); // nullptr: unsupported group
    ~DhKey();
    uint16_t group() const { return group_; }
    const Bytes& public_value() const { return pub_; }
    // Shared secret g^ir; nullopt for a malformed peer value.
    std::optional<Secret> derive(std::span<const uint8_t> peer_public) const;

private:
    DhKey() = default;
    uint16_t group_ = 0;
    struct Impl;
    Impl* impl_ = nullptr;
    Bytes pub_;
};
bool dh_supported(uint16_t group);
std::string dh_name(uint16_t group);

// Key lengths of negotiated algorithms.
size_t encr_key_len(uint16_t encr, uint16_t key_bits); // octets of key material, salt included
size_t integ_key_len(uint16_t integ);
bool encr_is_aead(uint16_t encr);
bool encr_supported(uint16_t encr, uint16_t key_bits);
bool integ_supported(uint16_t integ);
std::string encr_name(uint16_t encr, uint16_t key_bits);
std::string integ_name(uint16_t integ);
std::string prf_name(uint16_t prf);

// Protection of the Encrypted (SK) payload of one direction.
class SkCipher {
public:
    SkCipher(uint16_t encr, uint16_t key_bits, uint16_t integ, Secret encr_key, Secret integ_key);
    // Builds the whole message: header, SK payload around the inner chain.
    Bytes seal(Header h, uint8_t inner_first, const Bytes& inner) const;
    // Verifies and decrypts; returns the inner payload chain or throws WireError.
    Bytes open(std::span<const uint8_t> msg, const Header& h, uint8_t& inner_first) const;

private:
    uint16_t encr_, key_bits_, integ_;
    Secret ekey_, ikey_;
    size_t iv_len() const;
    size_t icv_len() const;
};

} // namespace ike::sa
