// SA table housekeeping and the inbound 2-left hash (docs/engine.md "Inbound lookup").
#include "esp/esp_sa.h"

namespace esphls {
namespace {

bool entry_matches(const HashEntry& e, std::uint32_t spi, const ap_uint<32> dst[4], bool ipv6) {
#pragma HLS INLINE
    return e.valid && e.ipv6 == ipv6 && e.spi == spi && e.dst[0] == dst[0] && e.dst[1] == dst[1] &&
           e.dst[2] == dst[2] && e.dst[3] == dst[3];
}

} // namespace

unsigned hash_bucket(unsigned table, std::uint32_t spi, const ap_uint<32> dst[4]) {
#pragma HLS INLINE
    const std::uint32_t key = spi ^ dst[0].to_uint() ^ dst[1].to_uint() ^ dst[2].to_uint() ^ dst[3].to_uint();
    const std::uint32_t mult = table == 0 ? ESP_HASH_MULT0 : ESP_HASH_MULT1;
    const std::uint32_t product = key * mult; // mod 2^32 (unsigned arithmetic)
    return product >> (32 - ESP_HASH_BUCKETS_LOG2);
}

int hash_lookup(const InboundHash& hs, std::uint32_t spi, const ap_uint<32> dst[4], bool ipv6) {
    int found = -1;
    for (unsigned t = 0; t < ESP_HASH_TABLES; ++t) {
#pragma HLS UNROLL
        const unsigned b = hash_bucket(t, spi, dst);
        for (unsigned w = 0; w < ESP_HASH_WAYS; ++w) {
#pragma HLS UNROLL
            const HashEntry& e = hs.e[t][b][w];
            if (entry_matches(e, spi, dst, ipv6)) found = e.handle.to_int();
        }
    }
    return found;
}

unsigned hash_place(const InboundHash& hs, std::uint32_t spi, const ap_uint<32> dst[4], bool ipv6, int ignore_handle,
                    unsigned& table, unsigned& bucket, unsigned& way) {
    unsigned load[ESP_HASH_TABLES];
    unsigned free_way[ESP_HASH_TABLES];
    unsigned bkt[ESP_HASH_TABLES];
    bool dup = false;
    for (unsigned t = 0; t < ESP_HASH_TABLES; ++t) {
#pragma HLS UNROLL
        bkt[t] = hash_bucket(t, spi, dst);
        load[t] = 0;
        free_way[t] = ESP_HASH_WAYS;
        for (unsigned w = 0; w < ESP_HASH_WAYS; ++w) {
#pragma HLS UNROLL
            const HashEntry& e = hs.e[t][bkt[t]][w];
            const bool own = e.valid && ignore_handle >= 0 && e.handle == unsigned(ignore_handle);
            const bool used = e.valid && !own;
            if (used) {
                ++load[t];
                if (entry_matches(e, spi, dst, ipv6)) dup = true;
            } else if (free_way[t] == ESP_HASH_WAYS) {
                free_way[t] = w;
            }
        }
    }
    if (dup) return ESP_SA_ERR_DUPLICATE;
    // 2-left: the less loaded candidate bucket, the left (table 0) one on a tie.
    unsigned best = ESP_HASH_TABLES;
    for (unsigned t = 0; t < ESP_HASH_TABLES; ++t) {
#pragma HLS UNROLL
        if (free_way[t] == ESP_HASH_WAYS) continue;
        if (best == ESP_HASH_TABLES || load[t] < load[best]) best = t;
    }
    if (best == ESP_HASH_TABLES) return ESP_SA_ERR_HASH_FULL;
    table = best;
    bucket = bkt[best];
    way = free_way[best];
    return ESP_SA_ERR_NONE;
}

void hash_remove(InboundHash& hs, std::uint32_t spi, const ap_uint<32> dst[4], unsigned handle) {
    for (unsigned t = 0; t < ESP_HASH_TABLES; ++t) {
#pragma HLS UNROLL
        const unsigned b = hash_bucket(t, spi, dst);
        for (unsigned w = 0; w < ESP_HASH_WAYS; ++w) {
#pragma HLS UNROLL
            HashEntry& e = hs.e[t][b][w];
            if (e.valid && e.handle == handle) hash_entry_clear(e);
        }
    }
}

void hash_clear(InboundHash& hs) {
    for (unsigned t = 0; t < ESP_HASH_TABLES; ++t) {
        for (unsigned b = 0; b < kHashBuckets; ++b) {
#pragma HLS PIPELINE II = 1
            for (unsigned w = 0; w < ESP_HASH_WAYS; ++w) hash_entry_clear(hs.e[t][b][w]);
        }
    }
}

void hash_entry_clear(HashEntry& e) {
#pragma HLS INLINE
    e.valid = false;
    e.ipv6 = false;
    e.spi = 0;
    for (unsigned i = 0; i < 4; ++i) e.dst[i] = 0;
    e.handle = 0;
}

void sa_slot_clear(SaSlot& s) {
#pragma HLS INLINE
    s.valid = false;
    s.disabled = false;
    s.soft_bytes_raised = false;
    s.soft_pkts_raised = false;
    s.ctrl = 0;
    s.spi = 0;
    s.salt = 0;
    for (unsigned i = 0; i < 4; ++i) {
        s.src[i] = 0;
        s.dst[i] = 0;
    }
    s.sport = 0;
    s.dport = 0;
    s.window = 0;
    s.seq = 0;
    s.byte_soft = 0;
    s.byte_hard = 0;
    s.pkt_soft = 0;
    s.pkt_hard = 0;
    s.pkts = 0;
    s.bytes = 0;
    for (unsigned c = 0; c < ESP_DROP_COUNT; ++c) s.drops[c] = 0;
}

void sa_wipe(SaTable& t, unsigned handle) {
    sa_slot_clear(t.slot[handle]);
    aes_wipe_key(t.key[handle].ks);
    t.key[handle].h = 0;
    replay_init(t.replay[handle], 0, 0);
}

} // namespace esphls
