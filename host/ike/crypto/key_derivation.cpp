#include "key_derivation.h"

#include <openssl/evp.h>

#include "prf.h"

namespace ike::crypto {
namespace {

void append_be64(secure_bytes& out, uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

// Takes the next n octets of keymat.
secure_bytes take(const secure_bytes& keymat, std::size_t& pos, std::size_t n) {
    secure_bytes out(keymat.begin() + static_cast<std::ptrdiff_t>(pos),
                     keymat.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
    return out;
}

// Encryption key material size with consistency checks: AEAD has no
// INTEG, anything else needs a known one.
std::optional<std::size_t> encr_bytes_checked(EncrId encr, uint16_t key_bits, IntegId integ) {
    auto e = encr_keymat_bytes(encr, key_bits);
    if (!e) return std::nullopt;
    if (encr_is_aead(encr) != (integ == IntegId::NONE)) return std::nullopt;
    return e;
}

} // namespace

std::optional<secure_bytes> skeyseed(PrfId prf_id, std::span<const uint8_t> ni, std::span<const uint8_t> nr,
                                     std::span<const uint8_t> g_ir) {
    // For HMAC PRFs the nonces are used whole as the key (2.14).
    secure_bytes key;
    append(key, ni);
    append(key, nr);
    return prf(prf_id, key, g_ir);
}

std::optional<secure_bytes> skeyseed_rekey(PrfId old_prf, std::span<const uint8_t> old_sk_d,
                                           std::span<const uint8_t> g_ir, std::span<const uint8_t> ni,
                                           std::span<const uint8_t> nr) {
    secure_bytes data;
    append(data, g_ir);
    append(data, ni);
    append(data, nr);
    return prf(old_prf, old_sk_d, data);
}

std::optional<IkeKeys> derive_ike_keys(const IkeAlgorithms& alg, std::span<const uint8_t> seed_key,
                                       std::span<const uint8_t> ni, std::span<const uint8_t> nr, uint64_t spi_i,
                                       uint64_t spi_r) {
    const auto prf_len = prf_output_bytes(alg.prf);
    const auto e_len = encr_bytes_checked(alg.encr, alg.encr_key_bits, alg.integ);
    const auto a_len = integ_key_bytes(alg.integ);
    if (!prf_len || !e_len || !a_len) return std::nullopt;

    secure_bytes seed;
    append(seed, ni);
    append(seed, nr);
    append_be64(seed, spi_i);
    append_be64(seed, spi_r);
    const std::size_t total = 3 * *prf_len + 2 * *a_len + 2 * *e_len;
    auto keymat = prf_plus(alg.prf, seed_key, seed, total);
    if (!keymat) return std::nullopt;

    IkeKeys k;
    std::size_t pos = 0;
    k.sk_d = take(*keymat, pos, *prf_len);
    k.sk_ai = take(*keymat, pos, *a_len);
    k.sk_ar = take(*keymat, pos, *a_len);
    k.sk_ei = take(*keymat, pos, *e_len);
    k.sk_er = take(*keymat, pos, *e_len);
    k.sk_pi = take(*keymat, pos, *prf_len);
    k.sk_pr = take(*keymat, pos, *prf_len);
    return k;
}

std::optional<IkeKeys> derive_ike_keys_initial(const IkeAlgorithms& alg, std::span<const uint8_t> g_ir,
                                               std::span<const uint8_t> ni, std::span<const uint8_t> nr, uint64_t spi_i,
                                               uint64_t spi_r) {
    auto seed_key = skeyseed(alg.prf, ni, nr, g_ir);
    if (!seed_key) return std::nullopt;
    return derive_ike_keys(alg, *seed_key, ni, nr, spi_i, spi_r);
}

std::optional<ChildKeys> derive_child_keys(PrfId prf_id, std::span<const uint8_t> sk_d, const ChildAlgorithms& alg,
                                           std::span<const uint8_t> g_ir, std::span<const uint8_t> ni,
                                           std::span<const uint8_t> nr) {
    const auto e_len = encr_bytes_checked(alg.encr, alg.encr_key_bits, alg.integ);
    const auto a_len = integ_key_bytes(alg.integ);
    if (!e_len || !a_len || !prf_supported(prf_id)) return std::nullopt;
    secure_bytes seed;
    append(seed, g_ir);
    append(seed, ni);
    append(seed, nr);
    auto keymat = prf_plus(prf_id, sk_d, seed, 2 * (*e_len + *a_len));
    if (!keymat) return std::nullopt;
    ChildKeys k;
    std::size_t pos = 0;
    k.encr_i = take(*keymat, pos, *e_len);
    k.integ_i = take(*keymat, pos, *a_len);
    k.encr_r = take(*keymat, pos, *e_len);
    k.integ_r = take(*keymat, pos, *a_len);
    return k;
}

std::optional<std::vector<uint8_t>> signed_octets(PrfId prf_id, std::span<const uint8_t> real_message,
                                                  std::span<const uint8_t> nonce_peer, std::span<const uint8_t> sk_p,
                                                  std::span<const uint8_t> id_body) {
    auto maced_id = prf(prf_id, sk_p, id_body);
    if (!maced_id) return std::nullopt;
    std::vector<uint8_t> out;
    out.reserve(real_message.size() + nonce_peer.size() + maced_id->size());
    append(out, real_message);
    append(out, nonce_peer);
    append(out, *maced_id);
    return out;
}

std::optional<secure_bytes> psk_auth(PrfId prf_id, std::span<const uint8_t> psk, std::span<const uint8_t> real_message,
                                     std::span<const uint8_t> nonce_peer, std::span<const uint8_t> sk_p,
                                     std::span<const uint8_t> id_body) {
    static constexpr char kKeyPad[] = "Key Pad for IKEv2";
    const std::span<const uint8_t> pad(reinterpret_cast<const uint8_t*>(kKeyPad), sizeof(kKeyPad) - 1);
    auto octets = signed_octets(prf_id, real_message, nonce_peer, sk_p, id_body);
    auto inner = prf(prf_id, psk, pad);
    if (!octets || !inner) return std::nullopt;
    return prf(prf_id, *inner, *octets);
}

std::vector<uint8_t> nat_detection_hash(uint64_t spi_i, uint64_t spi_r, std::span<const uint8_t> ip, uint16_t port) {
    if (ip.size() != 4 && ip.size() != 16) return {};
    secure_bytes data;
    append_be64(data, spi_i);
    append_be64(data, spi_r);
    append(data, ip);
    data.push_back(static_cast<uint8_t>(port >> 8));
    data.push_back(static_cast<uint8_t>(port));
    std::vector<uint8_t> out(20);
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha1(), nullptr) != 1 || len != 20) return {};
    return out;
}

} // namespace ike::crypto
