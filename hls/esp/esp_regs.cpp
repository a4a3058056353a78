// The control port: register map, SA commands through the staging window, events, IRQ.
// Decisions: docs/engine.md "Registers" and "SA commands".
#include "esp/esp_engine.h"
#include "primitives/gcm.h"

namespace esphls {
namespace {

constexpr std::uint32_t kCaps = (1u << ESP_REG_DEV_CAPS_ESN_LSB) | (1u << ESP_REG_DEV_CAPS_UDP_ENCAP_LSB) |
                                (1u << ESP_REG_DEV_CAPS_IPV6_LSB) | (1u << ESP_REG_DEV_CAPS_AES256_LSB) |
                                (1u << ESP_REG_DEV_CAPS_TRANSPORT_LSB);

std::uint32_t staged(const EspEngineState& st, unsigned word) { return st.sa_data[word].to_uint(); }

ap_uint<64> staged64(const EspEngineState& st, unsigned lo_word) {
    ap_uint<64> v = 0;
    v.range(31, 0) = st.sa_data[lo_word];
    v.range(63, 32) = st.sa_data[lo_word + 1];
    return v;
}

// BAD_PARAM checks on the staged entry; they match driver/core esp_core_check_sa.
bool staged_entry_valid(const EspEngineState& st) {
    const std::uint32_t ctrl = staged(st, ESP_SA_W_CTRL);
    if ((ctrl & ~kCtrlMask) != 0) return false;
    const ap_uint<kCtrlBits> c = ctrl;
    if (staged(st, ESP_SA_W_REPLAY_WINDOW) > ESP_MAX_REPLAY_WINDOW) return false;
    if (!sa_esn(c) && staged(st, ESP_SA_W_SEQ_HI) != 0) return false;
    if (!sa_ipv6(c)) {
        for (unsigned i = 1; i < 4; ++i)
            if (staged(st, ESP_SA_W_SRC_ADDR + i) != 0 || staged(st, ESP_SA_W_DST_ADDR + i) != 0) return false;
    }
    if (!sa_key256(c)) {
        for (unsigned i = 4; i < ESP_SA_W_KEY_COUNT; ++i)
            if (staged(st, ESP_SA_W_KEY + i) != 0) return false;
    }
    const std::uint32_t ports = staged(st, ESP_SA_W_UDP_PORTS);
    if (sa_udp(c)) {
        if ((ports & 0xFFFFu) == 0 || (ports >> 16) == 0) return false;
    } else if (ports != 0) {
        return false;
    }
    return true;
}

void staged_dst(const EspEngineState& st, ap_uint<32> dst[4]) {
    for (unsigned i = 0; i < 4; ++i) dst[i] = st.sa_data[ESP_SA_W_DST_ADDR + i];
}

// Installs the staged entry into slot h (counters zero, replay top = staged SEQ) and, for
// an inbound SA, its hash entry at the place hash_place chose.
void install(EspEngineState& st, unsigned h, unsigned table, unsigned bucket, unsigned way) {
    SaSlot& s = st.sat.slot[h];
    sa_slot_clear(s);
    s.valid = true;
    s.ctrl = staged(st, ESP_SA_W_CTRL) & kCtrlMask;
    s.spi = st.sa_data[ESP_SA_W_SPI];
    s.window = staged(st, ESP_SA_W_REPLAY_WINDOW);
    s.salt = st.sa_data[ESP_SA_W_SALT];
    for (unsigned i = 0; i < 4; ++i) {
        s.src[i] = st.sa_data[ESP_SA_W_SRC_ADDR + i];
        s.dst[i] = st.sa_data[ESP_SA_W_DST_ADDR + i];
    }
    const std::uint32_t ports = staged(st, ESP_SA_W_UDP_PORTS);
    s.sport = ports >> ESP_SA_W_UDP_PORTS_SPORT_LSB;
    s.dport = ports & ESP_SA_W_UDP_PORTS_DPORT_MASK;
    const ap_uint<64> seq = staged64(st, ESP_SA_W_SEQ_LO);
    s.byte_soft = staged64(st, ESP_SA_W_BYTE_SOFT_LO);
    s.byte_hard = staged64(st, ESP_SA_W_BYTE_HARD_LO);
    s.pkt_soft = staged64(st, ESP_SA_W_PKT_SOFT_LO);
    s.pkt_hard = staged64(st, ESP_SA_W_PKT_HARD_LO);

    ap_uint<256> key = 0;
    for (unsigned i = 0; i < ESP_SA_W_KEY_COUNT; ++i)
        key.range(255 - 32 * i, 224 - 32 * i) = st.sa_data[ESP_SA_W_KEY + i];
    aes_expand_key(key, sa_key256(s.ctrl), st.sat.key[h].ks);
    key = 0;
    st.sat.key[h].h = gcm_hash_subkey(st.sat.key[h].ks);

    const bool inbound = sa_inbound(s.ctrl);
    s.seq = inbound ? ap_uint<64>(0) : seq;
    replay_init(st.sat.replay[h], inbound ? seq : ap_uint<64>(0), s.window.to_uint());
    if (inbound) {
        HashEntry& e = st.hash.e[table][bucket][way];
        e.valid = true;
        e.ipv6 = sa_ipv6(s.ctrl);
        e.spi = s.spi;
        for (unsigned i = 0; i < 4; ++i) e.dst[i] = s.dst[i];
        e.handle = h;
    }
}

void remove_from_hash(EspEngineState& st, unsigned h) {
    const SaSlot& s = st.sat.slot[h];
    if (s.valid && sa_inbound(s.ctrl)) hash_remove(st.hash, s.spi.to_uint(), s.dst, h);
}

void fill_readback(EspEngineState& st, unsigned h) {
    const SaSlot& s = st.sat.slot[h];
    std::uint32_t state = 0;
    state |= (s.valid ? 1u : 0u) << ESP_SA_R_STATE_VALID_LSB;
    state |= (s.disabled ? 1u : 0u) << ESP_SA_R_STATE_DISABLED_LSB;
    state |= (s.soft_bytes_raised ? 1u : 0u) << ESP_SA_R_STATE_SOFT_BYTES_LSB;
    state |= (s.soft_pkts_raised ? 1u : 0u) << ESP_SA_R_STATE_SOFT_PACKETS_LSB;
    state |= s.ctrl.to_uint() << ESP_SA_R_STATE_CTRL_LSB;
    const ap_uint<64> seq = sa_inbound(s.ctrl) ? st.sat.replay[h].top : s.seq;
    for (unsigned i = 0; i < ESP_SA_READ_WORDS; ++i) st.sa_read[i] = 0;
    st.sa_read[ESP_SA_R_STATE] = state;
    st.sa_read[ESP_SA_R_SPI] = s.spi;
    st.sa_read[ESP_SA_R_SEQ_LO] = ap_uint<32>(seq.range(31, 0));
    st.sa_read[ESP_SA_R_SEQ_HI] = ap_uint<32>(seq.range(63, 32));
    st.sa_read[ESP_SA_R_PKTS_LO] = ap_uint<32>(s.pkts.range(31, 0));
    st.sa_read[ESP_SA_R_PKTS_HI] = ap_uint<32>(s.pkts.range(63, 32));
    st.sa_read[ESP_SA_R_BYTES_LO] = ap_uint<32>(s.bytes.range(31, 0));
    st.sa_read[ESP_SA_R_BYTES_HI] = ap_uint<32>(s.bytes.range(63, 32));
    for (unsigned c = 1; c < ESP_DROP_COUNT; ++c) {
        st.sa_read[ESP_SA_R_DROPS + 2 * c] = ap_uint<32>(s.drops[c].range(31, 0));
        st.sa_read[ESP_SA_R_DROPS + 2 * c + 1] = ap_uint<32>(s.drops[c].range(63, 32));
    }
    st.sa_read[ESP_SA_R_REPLAY_WINDOW] = s.window;
}

// WRITE and UPDATE: check everything first, then change state (a failed command changes
// nothing). UPDATE lets the SA's own hash entry be replaced.
unsigned cmd_install(EspEngineState& st, unsigned h, bool update) {
    const SaSlot& old = st.sat.slot[h];
    if (!update && old.valid) return ESP_SA_ERR_SLOT_IN_USE;
    if (update && !old.valid) return ESP_SA_ERR_SLOT_EMPTY;
    if (!staged_entry_valid(st)) return ESP_SA_ERR_BAD_PARAM;
    const ap_uint<kCtrlBits> ctrl = staged(st, ESP_SA_W_CTRL) & kCtrlMask;
    unsigned table = 0, bucket = 0, way = 0;
    if (sa_inbound(ctrl)) {
        ap_uint<32> dst[4];
        staged_dst(st, dst);
        const unsigned err =
            hash_place(st.hash, staged(st, ESP_SA_W_SPI), dst, sa_ipv6(ctrl), update ? int(h) : -1, table, bucket, way);
        if (err != ESP_SA_ERR_NONE) return err;
    }
    if (update) {
        remove_from_hash(st, h);
        sa_wipe(st.sat, h);
    }
    install(st, h, table, bucket, way);
    return ESP_SA_ERR_NONE;
}

unsigned run_command(EspEngineState& st, std::uint32_t cmd) {
    const unsigned h = (cmd >> ESP_REG_SA_CMD_HANDLE_LSB) & ESP_REG_SA_CMD_HANDLE_MASK;
    const unsigned op = (cmd >> ESP_REG_SA_CMD_OP_LSB) & ESP_REG_SA_CMD_OP_MASK;
    if (op == ESP_SA_OP_NOP) return ESP_SA_ERR_NONE;
    if (op == ESP_SA_OP_FLUSH) {
        for (unsigned i = 0; i < ESP_N_SA; ++i) sa_wipe(st.sat, i);
        hash_clear(st.hash);
        return ESP_SA_ERR_NONE;
    }
    if (op != ESP_SA_OP_WRITE && op != ESP_SA_OP_UPDATE && op != ESP_SA_OP_DELETE && op != ESP_SA_OP_READ)
        return ESP_SA_ERR_BAD_OP;
    if (h >= ESP_N_SA) return ESP_SA_ERR_BAD_HANDLE;
    if (op == ESP_SA_OP_WRITE || op == ESP_SA_OP_UPDATE) return cmd_install(st, h, op == ESP_SA_OP_UPDATE);
    if (!st.sat.slot[h].valid) return ESP_SA_ERR_SLOT_EMPTY;
    if (op == ESP_SA_OP_READ) {
        fill_readback(st, h);
    } else {
        remove_from_hash(st, h);
        sa_wipe(st.sat, h);
        esp_raise_event(st, ESP_EVT_SA_DELETED, h);
    }
    return ESP_SA_ERR_NONE;
}

// Low word of a 64-bit counter; its high word goes to CNT_HI_LATCH.
std::uint32_t read_counter(EspEngineState& st, const ap_uint<64>& c) {
    st.cnt_hi_latch = ap_uint<32>(c.range(63, 32));
    return ap_uint<32>(c.range(31, 0)).to_uint();
}

std::uint32_t pop_event(EspEngineState& st) {
    EventQueue& q = st.evq;
    if (q.count == 0) return ESP_EVT_NONE;
    const std::uint32_t w = q.word[q.head.to_uint()].to_uint();
    q.head = (q.head.to_uint() + 1) % ESP_EVENT_QUEUE_DEPTH;
    q.count -= 1;
    return w;
}

bool in_window(std::uint32_t addr, std::uint32_t base, unsigned count) {
    return addr >= base && addr < base + 4 * count;
}

} // namespace

void esp_reset(EspEngineState& st) {
    for (unsigned i = 0; i < ESP_N_SA; ++i) sa_wipe(st.sat, i);
    hash_clear(st.hash);
    st.cnt.pkts_in = 0;
    st.cnt.pkts_out = 0;
    st.cnt.bytes_in = 0;
    st.cnt.bytes_out = 0;
    for (unsigned c = 0; c < ESP_DROP_COUNT; ++c) st.cnt.drops[c] = 0;
    for (unsigned i = 0; i < ESP_EVENT_QUEUE_DEPTH; ++i) st.evq.word[i] = 0;
    st.evq.head = 0;
    st.evq.count = 0;
    st.evq.overflow = 0;
    for (unsigned i = 0; i < ESP_SA_DATA_WORDS; ++i) st.sa_data[i] = 0;
    for (unsigned i = 0; i < ESP_SA_READ_WORDS; ++i) st.sa_read[i] = 0;
    st.sa_error = 0;
    st.cnt_hi_latch = 0;
    st.irq_enable = 0;
}

bool esp_irq(const EspEngineState& st) { return st.irq_enable == 1 && st.evq.count != 0; }

uint32_t esp_reg_read(EspEngineState& st, uint32_t addr) {
    if ((addr & 3u) != 0) return 0;
    if (in_window(addr, ESP_REG_SA_DATA, ESP_REG_SA_DATA_COUNT))
        return st.sa_data[(addr - ESP_REG_SA_DATA) / 4].to_uint();
    if (in_window(addr, ESP_REG_SA_READ, ESP_REG_SA_READ_COUNT))
        return st.sa_read[(addr - ESP_REG_SA_READ) / 4].to_uint();
    if (in_window(addr, ESP_REG_CNT_DROPS, ESP_REG_CNT_DROPS_COUNT))
        return read_counter(st, st.cnt.drops[(addr - ESP_REG_CNT_DROPS) / 4]);
    switch (addr) {
        case ESP_REG_DEV_ID:
            return ESP_DEV_ID_VALUE;
        case ESP_REG_DEV_VERSION:
            return ESP_CONTRACT_VERSION;
        case ESP_REG_DEV_CAPS:
            return kCaps;
        case ESP_REG_DEV_SA_SLOTS:
            return ESP_N_SA;
        case ESP_REG_DEV_MAX_WINDOW:
            return ESP_MAX_REPLAY_WINDOW;
        case ESP_REG_SA_STATUS:
            return st.sa_error.to_uint() << ESP_REG_SA_STATUS_ERROR_LSB; // BUSY = 0
        case ESP_REG_CNT_HI_LATCH:
            return st.cnt_hi_latch.to_uint();
        case ESP_REG_CNT_PKTS_IN:
            return read_counter(st, st.cnt.pkts_in);
        case ESP_REG_CNT_PKTS_OUT:
            return read_counter(st, st.cnt.pkts_out);
        case ESP_REG_CNT_BYTES_IN:
            return read_counter(st, st.cnt.bytes_in);
        case ESP_REG_CNT_BYTES_OUT:
            return read_counter(st, st.cnt.bytes_out);
        case ESP_REG_EVT_COUNT:
            return st.evq.count.to_uint();
        case ESP_REG_EVT_POP:
            return pop_event(st);
        case ESP_REG_EVT_OVERFLOW:
            return st.evq.overflow.to_uint();
        case ESP_REG_IRQ_ENABLE:
            return st.irq_enable.to_uint();
        case ESP_REG_IRQ_STATUS:
            return esp_irq(st) ? 1u : 0u;
        default:
            return 0; // DEV_CONTROL (self-clearing), SA_CMD (write-only), unmapped
    }
}

void esp_reg_write(EspEngineState& st, uint32_t addr, uint32_t data) {
    if ((addr & 3u) != 0) return;
    if (in_window(addr, ESP_REG_SA_DATA, ESP_REG_SA_DATA_COUNT)) {
        st.sa_data[(addr - ESP_REG_SA_DATA) / 4] = data;
        return;
    }
    switch (addr) {
        case ESP_REG_DEV_CONTROL:
            if ((data >> ESP_REG_DEV_CONTROL_SOFT_RESET_LSB) & 1u) esp_reset(st);
            break;
        case ESP_REG_SA_CMD:
            st.sa_error = run_command(st, data);
            break;
        case ESP_REG_IRQ_ENABLE:
            st.irq_enable = data & 1u;
            break;
        default:
            break; // read-only or unmapped: ignored
    }
}

} // namespace esphls
