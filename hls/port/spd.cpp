// Policy table and selector matching (spd.h).
#include "port/spd.h"

namespace esphls {
namespace {

// a <= b for 128-bit addresses held as 4 words, most significant first.
bool addr_le(const std::uint32_t a[4], const std::uint32_t b[4]) {
    for (unsigned i = 0; i < 4; ++i) {
#pragma HLS UNROLL
        if (a[i] != b[i]) return a[i] < b[i];
    }
    return true;
}

bool in_range(const std::uint32_t lo[4], const std::uint32_t x[4], const std::uint32_t hi[4]) {
    return addr_le(lo, x) && addr_le(x, hi);
}

bool full_port_range(unsigned lo, unsigned hi) { return lo == 0 && hi == 0xFFFFu; }

// Decodes address ranges, protocol and port ranges from a record's words; false when a
// range is reversed or an IPv4 range has high words set.
bool decode_ranges(bool ipv6, const std::uint32_t* src_lo, const std::uint32_t* src_hi, const std::uint32_t* dst_lo,
                   const std::uint32_t* dst_hi, unsigned proto, std::uint32_t sport, std::uint32_t dport,
                   RangeSelector& s) {
    s.ipv6 = ipv6;
    for (unsigned i = 0; i < 4; ++i) {
        if (!ipv6 && i > 0 && (src_lo[i] | src_hi[i] | dst_lo[i] | dst_hi[i]) != 0) return false;
        s.src_lo[i] = src_lo[i];
        s.src_hi[i] = src_hi[i];
        s.dst_lo[i] = dst_lo[i];
        s.dst_hi[i] = dst_hi[i];
    }
    s.proto = proto;
    s.sport_lo = sport & 0xFFFFu;
    s.sport_hi = sport >> 16;
    s.dport_lo = dport & 0xFFFFu;
    s.dport_hi = dport >> 16;
    return addr_le(s.src_lo, s.src_hi) && addr_le(s.dst_lo, s.dst_hi) && s.sport_lo <= s.sport_hi &&
           s.dport_lo <= s.dport_hi;
}

} // namespace

bool selector_matches(const RangeSelector& s, const FlowKey& k) {
    if (s.ipv6 != k.ipv6) return false;
    if (!in_range(s.src_lo, k.src, s.src_hi) || !in_range(s.dst_lo, k.dst, s.dst_hi)) return false;
    if (s.proto != 0 && s.proto != k.proto) return false;
    if (k.ports_known)
        return s.sport_lo <= k.sport && k.sport <= s.sport_hi && s.dport_lo <= k.dport && k.dport <= s.dport_hi;
    return full_port_range(s.sport_lo, s.sport_hi) && full_port_range(s.dport_lo, s.dport_hi);
}

unsigned spd_lookup(const Spd& spd, bool inbound, const FlowKey& k) {
    unsigned best = kNoPolicy;
    for (unsigned i = 0; i < ESP_N_POLICY; ++i) {
#pragma HLS PIPELINE II = 1
        const PolicySlot& p = spd.slot[i];
        if (!p.valid || p.inbound != inbound || !selector_matches(p.sel, k)) continue;
        if (best == kNoPolicy) {
            best = i;
            continue;
        }
        const PolicySlot& b = spd.slot[best];
        if (p.prio < b.prio || (p.prio == b.prio && p.id < b.id)) best = i;
    }
    return best;
}

bool policy_decode(const std::uint32_t w[ESP_POLICY_DATA_WORDS], PolicySlot& p) {
    struct esp_policy_entry e;
    esp_policy_entry_unpack(w, &e);
    std::uint32_t repacked[ESP_POLICY_DATA_WORDS];
    esp_policy_entry_pack(&e, repacked);
    for (unsigned i = 0; i < ESP_POLICY_DATA_WORDS; ++i)
        if (repacked[i] != w[i]) return false; // reserved bits or words set
    if (e.ctrl_action > ESP_POL_ACT_PROTECT) return false;
    if (e.ctrl_has_sa && e.ctrl_action != ESP_POL_ACT_PROTECT) return false;
    if (!e.ctrl_has_sa && e.proto_sa_sa_handle != 0) return false;
    if (e.ctrl_has_sa && e.proto_sa_sa_handle >= ESP_N_SA) return false;
    p.inbound = e.ctrl_dir != 0;
    p.action = e.ctrl_action;
    p.has_sa = e.ctrl_has_sa != 0;
    p.sa = e.proto_sa_sa_handle;
    p.id = e.id;
    p.prio = e.prio;
    for (unsigned i = 0; i < ESP_POLICY_DATA_WORDS; ++i) p.entry[i] = w[i];
    return decode_ranges(e.ctrl_ipv6 != 0, e.src_lo, e.src_hi, e.dst_lo, e.dst_hi, e.proto_sa_proto, w[ESP_POL_W_SPORT],
                         w[ESP_POL_W_DPORT], p.sel);
}

bool selector_decode(const std::uint32_t w[ESP_SEL_DATA_WORDS], SaSelector& s) {
    struct esp_sa_selector e;
    esp_sa_selector_unpack(w, &e);
    std::uint32_t repacked[ESP_SEL_DATA_WORDS];
    esp_sa_selector_pack(&e, repacked);
    for (unsigned i = 0; i < ESP_SEL_DATA_WORDS; ++i)
        if (repacked[i] != w[i]) return false;
    s.valid = e.ctrl_valid != 0;
    if (!s.valid) {
        // No check: the rest must be zero so a readback of the staged words is unambiguous.
        for (unsigned i = 1; i < ESP_SEL_DATA_WORDS; ++i)
            if (w[i] != 0) return false;
        s.sel = RangeSelector{};
        return e.ctrl_ipv6 == 0 && e.ctrl_proto == 0;
    }
    return decode_ranges(e.ctrl_ipv6 != 0, e.src_lo, e.src_hi, e.dst_lo, e.dst_hi, e.ctrl_proto, w[ESP_SEL_W_SPORT],
                         w[ESP_SEL_W_DPORT], s.sel);
}

} // namespace esphls
