// Streaming AES-GCM for 96-bit IVs (SP 800-38D, 7.1 and 7.2).
#include "gcm.h"

namespace esphls {
namespace {

// nonce || counter, the counter big-endian in the last four bytes.
block_t counter_block(const ap_uint<96>& nonce, const ap_uint<32>& counter) {
#pragma HLS INLINE
    block_t cb = 0;
    cb.range(127, 32) = nonce;
    cb.range(31, 0) = counter;
    return cb;
}

} // namespace

block_t gcm_hash_subkey(const AesKeySchedule& ks) { return aes_encrypt_block(ks, block_t(0)); }

void gcm_start(GcmState& st, const AesKeySchedule& ks, const block_t& h, const ap_uint<96>& nonce) {
    st.h = h;
    st.nonce = nonce;
    st.ek_j0 = aes_encrypt_block(ks, counter_block(nonce, 1));
    st.ghash = 0;
    st.counter = 2;
}

void gcm_aad_block(GcmState& st, const block_t& aad_zero_padded) {
    st.ghash = ghash_update(st.ghash, aad_zero_padded, st.h);
}

block_t gcm_crypt_block(GcmState& st, const AesKeySchedule& ks, const block_t& in, unsigned nbytes, bool encrypt) {
    const block_t keystream = aes_encrypt_block(ks, counter_block(st.nonce, st.counter));
    const block_t in_kept = block_keep_bytes(in, nbytes);
    const block_t out = block_keep_bytes(in_kept ^ keystream, nbytes);
    const block_t ciphertext = encrypt ? out : in_kept;
    // An empty beat (nbytes 0) must not disturb the message: state only moves on data.
    if (nbytes != 0) {
        st.counter += 1; // inc32: wraps mod 2^32, never reached with a 96-bit IV in ESP
        st.ghash = ghash_update(st.ghash, ciphertext, st.h);
    }
    return out;
}

block_t gcm_finish(GcmState& st, std::uint64_t aad_bytes, std::uint64_t text_bytes) {
    block_t lengths = 0;
    lengths.range(127, 64) = ap_uint<64>(aad_bytes) << 3;
    lengths.range(63, 0) = ap_uint<64>(text_bytes) << 3;
    st.ghash = ghash_update(st.ghash, lengths, st.h);
    return st.ghash ^ st.ek_j0;
}

bool gcm_tag_equal(const block_t& computed, const block_t& received) {
    // OR-reduce the difference limb by limb: no branch on the data until the end.
    const block_t diff = computed ^ received;
    const std::uint64_t folded = diff.range(127, 64).to_uint64() | diff.range(63, 0).to_uint64();
    return folded == 0;
}

} // namespace esphls
