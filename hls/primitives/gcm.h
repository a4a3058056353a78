// gcm.h: streaming AES-GCM with a 96-bit IV (SP 800-38D), one 16-byte block per call,
// shaped for an engine that handles one stream beat a cycle.
//
// Per packet: gcm_start, gcm_aad_block for each AAD block (zero-padded), then
// gcm_crypt_block for each text block (only the last may be short), then gcm_finish.
// The hash subkey H depends on the key only: compute it once per SA (gcm_hash_subkey)
// and keep it beside the round keys.
#pragma once

#include <cstdint>

#include "aes.h"
#include "ghash.h"

namespace esphls {

struct GcmState {
    block_t h;           // hash subkey E_K(0^128)
    block_t ek_j0;       // E_K(J0), masks the tag
    block_t ghash;       // running GHASH accumulator
    ap_uint<32> counter; // counter of the next keystream block (inc32)
    ap_uint<96> nonce;   // the 96-bit IV (RFC 4106: salt || explicit IV)
};

// H = E_K(0^128).
block_t gcm_hash_subkey(const AesKeySchedule& ks);

// Starts a message: ghash = 0, ek_j0 = E_K(nonce || 1), counter = 2.
void gcm_start(GcmState& st, const AesKeySchedule& ks, const block_t& h, const ap_uint<96>& nonce);

// Absorbs one AAD block; a short final AAD block must be zero-padded by the caller.
void gcm_aad_block(GcmState& st, const block_t& aad_zero_padded);

// Encrypts (encrypt = true) or decrypts one text block of nbytes (1..16) bytes and
// returns the output; output bytes past nbytes are zero and input bytes past nbytes are
// ignored. GHASH always absorbs the ciphertext (the output when encrypting, the input
// when decrypting), zero-padded. nbytes 0 returns 0 and leaves the state unchanged.
block_t gcm_crypt_block(GcmState& st, const AesKeySchedule& ks, const block_t& in, unsigned nbytes, bool encrypt);

// Absorbs the length block and returns the 128-bit tag.
block_t gcm_finish(GcmState& st, std::uint64_t aad_bytes, std::uint64_t text_bytes);

// Tag check without data-dependent early exit (constant time in software, a single
// reduction in hardware). Use it instead of == on tags.
bool gcm_tag_equal(const block_t& computed, const block_t& received);

} // namespace esphls
