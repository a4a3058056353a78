// spd.h: the card's security policy database (policy table) and the SA selectors.
//
// The C model keeps the table as N_POLICY slots and finds the winner with one pass over
// all of them (every slot compared, the best (priority, ID) kept): the behaviour the RTL's
// parallel match + flow cache must reproduce (docs/port.md "Lookup structure").
#pragma once

#include <cstdint>

#include "esp_contract.h"
#include "port/port_parse.h"

namespace esphls {

constexpr unsigned kNoPolicy = 0xFFFF;

// An address / port range selector, the form both policies and SA selectors use.
struct RangeSelector {
    bool ipv6;
    std::uint32_t src_lo[4], src_hi[4];
    std::uint32_t dst_lo[4], dst_hi[4];
    unsigned proto; // 0 = any
    unsigned sport_lo, sport_hi;
    unsigned dport_lo, dport_hi;
};

struct PolicySlot {
    bool valid;
    bool inbound;    // CTRL.DIR
    unsigned action; // ESP_POL_ACT_*
    bool has_sa;
    unsigned sa;
    std::uint32_t id;
    std::uint32_t prio;
    RangeSelector sel;
    std::uint32_t entry[ESP_POLICY_DATA_WORDS]; // the words as installed (read back as is)
    std::uint64_t pkts, bytes, drops;
    bool acq_raised;        // an ACQUIRE was raised at acq_time
    std::uint32_t acq_time; // PORT_TIME of the last ACQUIRE
};

struct SaSelector {
    bool valid;
    RangeSelector sel;
};

struct Spd {
    PolicySlot slot[ESP_N_POLICY];
};

// True when the key lies inside the selector (ports: a packet without ports matches only
// full 0-65535 ranges).
bool selector_matches(const RangeSelector& s, const FlowKey& k);

// Slot of the winning policy of direction `inbound` for the key, or kNoPolicy.
unsigned spd_lookup(const Spd& spd, bool inbound, const FlowKey& k);

// Decodes a staged policy entry; false when a field is out of range (POL_ERR_BAD_PARAM).
// The SA reference is checked by the caller (it needs the SA table).
bool policy_decode(const std::uint32_t w[ESP_POLICY_DATA_WORDS], PolicySlot& p);

// Decodes a staged SA selector; false when a field is out of range.
bool selector_decode(const std::uint32_t w[ESP_SEL_DATA_WORDS], SaSelector& s);

} // namespace esphls
