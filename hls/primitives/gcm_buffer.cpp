// Whole-message AES-GCM on top of the streaming HLS API (host side).
#include "gcm_buffer.h"

#include <stdexcept>

#include "gcm.h"

namespace esphls {
namespace {

struct GcmKey {
    AesKeySchedule ks;
    block_t h;
    ~GcmKey() { aes_wipe_key(ks); }
};

void load_key(const std::uint8_t* key, std::size_t key_len, GcmKey& out) {
    if (key == nullptr || (key_len != 16 && key_len != 32))
        throw std::invalid_argument("gcm: key must be 16 or 32 bytes");
    ap_uint<256> k = 0;
    for (std::size_t i = 0; i < key_len; ++i) {
        const int hi = 255 - 8 * static_cast<int>(i);
        k.range(hi, hi - 7) = key[i];
    }
    aes_expand_key(k, key_len == 32, out.ks);
    k = 0;
    out.h = gcm_hash_subkey(out.ks);
}

ap_uint<96> load_nonce(const std::uint8_t* iv12) {
    if (iv12 == nullptr) throw std::invalid_argument("gcm: missing IV");
    return ap_uint<96>(block_from_bytes(iv12, 12) >> 32);
}

void absorb_aad(GcmState& st, std::span<const std::uint8_t> aad) {
    for (std::size_t off = 0; off < aad.size(); off += 16) {
        const std::size_t n = aad.size() - off < 16 ? aad.size() - off : 16;
        gcm_aad_block(st, block_from_bytes(aad.data() + off, n));
    }
}

// Runs the text through gcm_crypt_block and returns the tag.
block_t run_text(GcmState& st, const GcmKey& key, std::span<const std::uint8_t> aad, std::span<const std::uint8_t> in,
                 std::vector<std::uint8_t>& out, bool encrypt) {
    absorb_aad(st, aad);
    out.assign(in.size(), 0);
    std::uint8_t buf[16];
    for (std::size_t off = 0; off < in.size(); off += 16) {
        const std::size_t n = in.size() - off < 16 ? in.size() - off : 16;
        const block_t o =
            gcm_crypt_block(st, key.ks, block_from_bytes(in.data() + off, n), static_cast<unsigned>(n), encrypt);
        block_to_bytes(o, buf);
        for (std::size_t i = 0; i < n; ++i) out[off + i] = buf[i];
    }
    return gcm_finish(st, aad.size(), in.size());
}

} // namespace

void gcm_seal(const std::uint8_t* key, std::size_t key_len, const std::uint8_t* iv12, std::span<const std::uint8_t> aad,
              std::span<const std::uint8_t> plaintext, std::vector<std::uint8_t>& ciphertext_out,
              std::uint8_t* tag_out16) {
    if (tag_out16 == nullptr) throw std::invalid_argument("gcm: missing tag output");
    GcmKey k;
    load_key(key, key_len, k);
    GcmState st;
    gcm_start(st, k.ks, k.h, load_nonce(iv12));
    block_to_bytes(run_text(st, k, aad, plaintext, ciphertext_out, true), tag_out16);
}

bool gcm_open(const std::uint8_t* key, std::size_t key_len, const std::uint8_t* iv12, std::span<const std::uint8_t> aad,
              std::span<const std::uint8_t> ciphertext, const std::uint8_t* tag16,
              std::vector<std::uint8_t>& plaintext_out) {
    if (tag16 == nullptr) throw std::invalid_argument("gcm: missing tag");
    GcmKey k;
    load_key(key, key_len, k);
    GcmState st;
    gcm_start(st, k.ks, k.h, load_nonce(iv12));
    const block_t tag = run_text(st, k, aad, ciphertext, plaintext_out, false);
    if (!gcm_tag_equal(tag, block_from_bytes(tag16, 16))) {
        // Never release unauthenticated plaintext.
        for (auto& b : plaintext_out) b = 0;
        plaintext_out.clear();
        return false;
    }
    return true;
}

} // namespace esphls
