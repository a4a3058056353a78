// esp_sa.h: the SA table and the inbound 2-left hash of the ESP engine.
//
// The table is split by access pattern, as the hardware would hold it in separate RAMs:
// control fields and counters (SaSlot), AES round keys + GHASH subkey (SaKeys) and the
// anti-replay ring (ReplayState, replay_window.h).
#pragma once

#include <cstdint>

#include "esp/replay_window.h"
#include "esp_contract.h"
#include "hls_compat.h"
#include "primitives/aes.h"

namespace esphls {

constexpr unsigned kHashBuckets = 1u << ESP_HASH_BUCKETS_LOG2;
constexpr unsigned kCtrlBits = 6; // CTRL [5:0]; higher staged bits are BAD_PARAM
constexpr std::uint32_t kCtrlMask = (1u << kCtrlBits) - 1;

// CTRL flag tests (sa_entry word 0).
inline bool ctrl_bit(const ap_uint<kCtrlBits>& ctrl, unsigned lsb) { return ctrl[lsb]; }
inline bool sa_inbound(const ap_uint<kCtrlBits>& c) { return ctrl_bit(c, ESP_SA_W_CTRL_DIR_LSB); }
inline bool sa_transport(const ap_uint<kCtrlBits>& c) { return ctrl_bit(c, ESP_SA_W_CTRL_TRANSPORT_LSB); }
inline bool sa_ipv6(const ap_uint<kCtrlBits>& c) { return ctrl_bit(c, ESP_SA_W_CTRL_IPV6_LSB); }
inline bool sa_esn(const ap_uint<kCtrlBits>& c) { return ctrl_bit(c, ESP_SA_W_CTRL_ESN_LSB); }
inline bool sa_udp(const ap_uint<kCtrlBits>& c) { return ctrl_bit(c, ESP_SA_W_CTRL_UDP_ENCAP_LSB); }
inline bool sa_key256(const ap_uint<kCtrlBits>& c) { return ctrl_bit(c, ESP_SA_W_CTRL_KEY256_LSB); }

// Control state and counters of one slot.
struct SaSlot {
    bool valid;
    bool disabled;          // hard-expired or sequence exhausted: every packet SA_DISABLED
    bool soft_bytes_raised; // SOFT_BYTES event already raised
    bool soft_pkts_raised;  // SOFT_PACKETS event already raised
    ap_uint<kCtrlBits> ctrl;
    ap_uint<32> spi;
    ap_uint<32> salt;
    ap_uint<32> src[4]; // address words as in SA_DATA (first octet in bits 31:24)
    ap_uint<32> dst[4];
    ap_uint<16> sport;
    ap_uint<16> dport;
    ap_uint<13> window; // staged REPLAY_WINDOW (read back as is; inbound: also in replay)
    ap_uint<64> seq;    // outbound: last sequence number sent (inbound SAs use replay.top)
    ap_uint<64> byte_soft, byte_hard, pkt_soft, pkt_hard; // 0 = no limit
    ap_uint<64> pkts;                                     // packets processed OK (lifetime counter)
    ap_uint<64> bytes;                                    // inner bytes of packets processed OK
    ap_uint<64> drops[ESP_DROP_COUNT];
};

struct SaKeys {
    AesKeySchedule ks;
    block_t h; // GHASH subkey E_K(0^128)
};

struct SaTable {
    SaSlot slot[ESP_N_SA];
    SaKeys key[ESP_N_SA];
    ReplayState replay[ESP_N_SA];
};

// One way of a hash bucket: the full lookup key (so a probe compares without reading
// the SA table) and the handle it leads to.
struct HashEntry {
    bool valid;
    bool ipv6;
    ap_uint<32> spi;
    ap_uint<32> dst[4];
    ap_uint<16> handle;
};

struct InboundHash {
    HashEntry e[ESP_HASH_TABLES][kHashBuckets][ESP_HASH_WAYS];
};

// The contract's hash: key = SPI ^ dst0 ^ dst1 ^ dst2 ^ dst3,
// bucket_t = ((key * HASH_MULT_t) mod 2^32) >> (32 - HASH_BUCKETS_LOG2).
unsigned hash_bucket(unsigned table, std::uint32_t spi, const ap_uint<32> dst[4]);

// Handle of the inbound SA for (spi, dst, family), or -1. Probes the 2 x HASH_WAYS ways
// of the two candidate buckets, nothing else.
int hash_lookup(const InboundHash& hs, std::uint32_t spi, const ap_uint<32> dst[4], bool ipv6);

// Where an insert of this key would go, ignoring entries of `ignore_handle` (UPDATE
// replaces its own entry; pass -1 otherwise). Returns ESP_SA_ERR_NONE with table/bucket/
// way, ESP_SA_ERR_DUPLICATE when another SA has the key, or ESP_SA_ERR_HASH_FULL.
// 2-left rule: the less loaded bucket wins, table 0 on a tie; lowest free way.
unsigned hash_place(const InboundHash& hs, std::uint32_t spi, const ap_uint<32> dst[4], bool ipv6, int ignore_handle,
                    unsigned& table, unsigned& bucket, unsigned& way);

// Removes the entry of handle, which was inserted under (spi, dst): only its two
// candidate buckets are touched.
void hash_remove(InboundHash& hs, std::uint32_t spi, const ap_uint<32> dst[4], unsigned handle);

void hash_clear(InboundHash& hs);

// Every field to zero. (`SaSlot{}` would not do: ap_int.h's ap_uint has no zero default.)
void sa_slot_clear(SaSlot& s);
void hash_entry_clear(HashEntry& e);

// Empties and wipes a slot: keys, salt and counters to zero.
void sa_wipe(SaTable& t, unsigned handle);

} // namespace esphls
