// aes.h: AES-128 / AES-256 block encryption (FIPS-197) for the GCM data path.
// Only encryption is needed: GCM uses the cipher in counter mode both ways.
#pragma once

#include "block.h"

namespace esphls {

// Round keys rk[0..rounds]; rounds is 10 (AES-128) or 14 (AES-256). The pipelined
// cipher reads every round key each cycle, so wherever a schedule is stored for the
// data path give it `#pragma HLS ARRAY_PARTITION variable=<obj>.rk complete` (or
// AGGREGATE it into one wide word); a BRAM-backed rk[] would cap throughput.
struct AesKeySchedule {
    block_t rk[15];
    ap_uint<4> rounds;
};

// Key byte 0 at bits [255:248]. With key256 false, AES-128 uses bits [255:128] and the
// low half is ignored. Runs once per SA install, so it is sequential, not pipelined.
void aes_expand_key(const ap_uint<256>& key, bool key256, AesKeySchedule& ks);

// One block through all rounds. The round loop is fully unrolled and the function is
// PIPELINE II=1 with the round keys partitioned, so hardware accepts one block a cycle.
block_t aes_encrypt_block(const AesKeySchedule& ks, const block_t& in);

// Overwrites every round key (SA delete must wipe key material).
void aes_wipe_key(AesKeySchedule& ks);

} // namespace esphls
