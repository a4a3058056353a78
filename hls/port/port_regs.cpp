// The port's registers (0x400-0x6FF) and the routing of the whole control port.
// Decisions: docs/port.md "Registers and commands".
#include "port/port_engine.h"

namespace esphls {
namespace {

bool in_window(std::uint32_t addr, std::uint32_t base, unsigned count) {
    return addr >= base && addr < base + 4 * count;
}

void clear_policy(PolicySlot& p) { p = PolicySlot{}; }

void fill_readback(PortState& st, unsigned i) {
    const PolicySlot& p = st.spd.slot[i];
    struct esp_policy_readback r {};
    r.state_valid = p.valid;
    for (unsigned w = 0; w < ESP_POL_R_ENTRY_COUNT; ++w) r.entry[w] = p.entry[w];
    r.pkts_lo = std::uint32_t(p.pkts);
    r.pkts_hi = std::uint32_t(p.pkts >> 32);
    r.bytes_lo = std::uint32_t(p.bytes);
    r.bytes_hi = std::uint32_t(p.bytes >> 32);
    r.drops_lo = std::uint32_t(p.drops);
    r.drops_hi = std::uint32_t(p.drops >> 32);
    esp_policy_readback_pack(&r, st.pol_read);
}

// WRITE / UPDATE: everything checked first; the slot changes in one assignment, between
// two frames (port_frame never runs inside a command).
unsigned install(PortState& st, unsigned i, bool update) {
    PolicySlot& old = st.spd.slot[i];
    if (!update && old.valid) return ESP_POL_ERR_SLOT_IN_USE;
    if (update && !old.valid) return ESP_POL_ERR_SLOT_EMPTY;
    PolicySlot p{};
    if (!policy_decode(st.pol_data, p)) return ESP_POL_ERR_BAD_PARAM;
    if (p.has_sa) {
        const SaSlot& sa = st.esp.sat.slot[p.sa];
        if (!sa.valid || sa_inbound(sa.ctrl)) return ESP_POL_ERR_BAD_SA;
    }
    p.valid = true;
    if (update) {
        p.pkts = old.pkts;
        p.bytes = old.bytes;
        p.drops = old.drops;
    }
    old = p;
    return ESP_POL_ERR_NONE;
}

unsigned run_command(PortState& st, std::uint32_t cmd) {
    const unsigned i = (cmd >> ESP_REG_POL_CMD_INDEX_LSB) & ESP_REG_POL_CMD_INDEX_MASK;
    const unsigned op = (cmd >> ESP_REG_POL_CMD_OP_LSB) & ESP_REG_POL_CMD_OP_MASK;
    switch (op) {
        case ESP_POL_OP_NOP:
            return ESP_POL_ERR_NONE;
        case ESP_POL_OP_FLUSH:
            for (unsigned n = 0; n < ESP_N_POLICY; ++n) clear_policy(st.spd.slot[n]);
            return ESP_POL_ERR_NONE;
        case ESP_POL_OP_SEL_WRITE: {
            if (i >= ESP_N_SA) return ESP_POL_ERR_BAD_INDEX;
            SaSelector s{};
            if (!selector_decode(st.sel_data, s)) return ESP_POL_ERR_BAD_PARAM;
            st.sel[i] = s;
            return ESP_POL_ERR_NONE;
        }
        case ESP_POL_OP_WRITE:
        case ESP_POL_OP_UPDATE:
        case ESP_POL_OP_DELETE:
        case ESP_POL_OP_READ:
            break;
        default:
            return ESP_POL_ERR_BAD_OP;
    }
    if (i >= ESP_N_POLICY) return ESP_POL_ERR_BAD_INDEX;
    if (op == ESP_POL_OP_WRITE || op == ESP_POL_OP_UPDATE) return install(st, i, op == ESP_POL_OP_UPDATE);
    if (!st.spd.slot[i].valid) return ESP_POL_ERR_SLOT_EMPTY;
    if (op == ESP_POL_OP_READ)
        fill_readback(st, i);
    else
        clear_policy(st.spd.slot[i]);
    return ESP_POL_ERR_NONE;
}

std::uint32_t read_counter(PortState& st, std::uint64_t c) {
    st.esp.cnt_hi_latch = std::uint32_t(c >> 32);
    return std::uint32_t(c);
}

// EVT_POP: an ACQUIRE word takes its record (queued with it) into ACQ_DATA.
std::uint32_t pop_event(PortState& st) {
    const std::uint32_t w = esp_reg_read(st.esp, ESP_REG_EVT_POP);
    if (((w >> ESP_EVTW_TYPE_LSB) & ESP_EVTW_TYPE_MASK) == ESP_EVT_ACQUIRE && st.acq.count != 0) {
        for (unsigned i = 0; i < ESP_ACQ_DATA_WORDS; ++i) st.acq_data[i] = st.acq.rec[st.acq.head][i];
        st.acq.head = (st.acq.head + 1) % ESP_ACQ_QUEUE_DEPTH;
        --st.acq.count;
    }
    return w;
}

} // namespace

void port_reset(PortState& st) {
    esp_reset(st.esp);
    for (unsigned i = 0; i < ESP_N_POLICY; ++i) clear_policy(st.spd.slot[i]);
    for (unsigned i = 0; i < ESP_N_SA; ++i) st.sel[i] = SaSelector{};
    st.acq.head = 0;
    st.acq.count = 0;
    for (unsigned i = 0; i < ESP_PORT_FATE_COUNT; ++i) st.cnt[i] = 0;
    for (unsigned i = 0; i < ESP_POLICY_DATA_WORDS; ++i) st.pol_data[i] = 0;
    for (unsigned i = 0; i < ESP_POLICY_READ_WORDS; ++i) st.pol_read[i] = 0;
    for (unsigned i = 0; i < ESP_SEL_DATA_WORDS; ++i) st.sel_data[i] = 0;
    for (unsigned i = 0; i < ESP_ACQ_DATA_WORDS; ++i) st.acq_data[i] = 0;
    st.pol_error = 0;
    st.default_action = 0;
    st.wire_mtu = ESP_WIRE_MTU_DEFAULT;
    st.acq_holdoff = ESP_ACQ_HOLDOFF_DEFAULT;
    st.acq_lost = 0;
    st.time_us = 0;
}

std::uint32_t port_reg_read(PortState& st, std::uint32_t addr) {
    if ((addr & 3u) != 0) return 0;
    if (in_window(addr, ESP_REG_POL_DATA, ESP_REG_POL_DATA_COUNT)) return st.pol_data[(addr - ESP_REG_POL_DATA) / 4];
    if (in_window(addr, ESP_REG_POL_READ, ESP_REG_POL_READ_COUNT)) return st.pol_read[(addr - ESP_REG_POL_READ) / 4];
    if (in_window(addr, ESP_REG_SEL_DATA, ESP_REG_SEL_DATA_COUNT)) return st.sel_data[(addr - ESP_REG_SEL_DATA) / 4];
    if (in_window(addr, ESP_REG_ACQ_DATA, ESP_REG_ACQ_DATA_COUNT)) return st.acq_data[(addr - ESP_REG_ACQ_DATA) / 4];
    if (in_window(addr, ESP_REG_PORT_CNT, ESP_REG_PORT_CNT_COUNT))
        return read_counter(st, st.cnt[(addr - ESP_REG_PORT_CNT) / 4]);
    switch (addr) {
        case ESP_REG_DEV_CAPS:
            return esp_reg_read(st.esp, addr) | (1u << ESP_REG_DEV_CAPS_PORTS_LSB);
        case ESP_REG_EVT_POP:
            return pop_event(st);
        case ESP_REG_POL_SLOTS:
            return ESP_N_POLICY;
        case ESP_REG_POL_STATUS:
            return st.pol_error << ESP_REG_POL_STATUS_ERROR_LSB; // BUSY = 0
        case ESP_REG_DEFAULT_ACTION:
            return st.default_action;
        case ESP_REG_WIRE_MTU:
            return st.wire_mtu;
        case ESP_REG_ACQ_HOLDOFF:
            return st.acq_holdoff;
        case ESP_REG_ACQ_LOST:
            return st.acq_lost;
        case ESP_REG_PORT_TIME:
            return st.time_us;
        case ESP_REG_POL_CMD:
            return 0; // write-only
        default:
            return esp_reg_read(st.esp, addr);
    }
}

void port_reg_write(PortState& st, std::uint32_t addr, std::uint32_t data) {
    if ((addr & 3u) != 0) return;
    if (in_window(addr, ESP_REG_POL_DATA, ESP_REG_POL_DATA_COUNT)) {
        st.pol_data[(addr - ESP_REG_POL_DATA) / 4] = data;
        return;
    }
    if (in_window(addr, ESP_REG_SEL_DATA, ESP_REG_SEL_DATA_COUNT)) {
        st.sel_data[(addr - ESP_REG_SEL_DATA) / 4] = data;
        return;
    }
    switch (addr) {
        case ESP_REG_DEV_CONTROL:
            if ((data >> ESP_REG_DEV_CONTROL_SOFT_RESET_LSB) & 1u) port_reset(st);
            return;
        case ESP_REG_POL_CMD:
            st.pol_error = run_command(st, data);
            return;
        case ESP_REG_DEFAULT_ACTION:
            st.default_action =
                data & ((1u << ESP_REG_DEFAULT_ACTION_OUT_BLOCK_LSB) | (1u << ESP_REG_DEFAULT_ACTION_IN_BLOCK_LSB));
            return;
        case ESP_REG_WIRE_MTU:
            if (data >= 68 && data <= ESP_MAX_PACKET_BYTES + kMaxOverhead) st.wire_mtu = data;
            return;
        case ESP_REG_ACQ_HOLDOFF:
            st.acq_holdoff = data;
            return;
        default:
            if (addr >= ESP_REG_POL_SLOTS && addr < ESP_REG_PORT_CNT + 4 * ESP_REG_PORT_CNT_COUNT) return; // port ro
            esp_reg_write(st.esp, addr, data);
            return;
    }
}

} // namespace esphls
