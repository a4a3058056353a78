// port_engine.h: the card in the packet path. Two Ethernet ports (wire, host) in front of
// the ESP engine (hls/esp), the policy table, the SA selectors and the ACQUIRE queue.
//
//   port_reg_read / port_reg_write   the whole control port: registers 0x400-0x6FF are the
//                                    port's (docs/contract.md), the rest go to the ESP
//                                    engine; DEV_CAPS gains PORTS, DEV_CONTROL.SOFT_RESET
//                                    resets both, EVT_POP of an ACQUIRE latches ACQ_DATA;
//   port_frame                       one frame from one port to at most one frame out on
//                                    either port (or a counted drop);
//   esp_irq(st.esp)                  the interrupt line (ACQUIRE is an ordinary event).
// Every behaviour choice: docs/port.md.
#pragma once

#include <cstdint>

#include "esp/esp_engine.h"
#include "port/port_parse.h"
#include "port/spd.h"

namespace esphls {

// Frame beats: byte i of the frame in data[8*(i%16)+7 : 8*(i%16)] of beat i/16, as on the
// engine's streams, without sideband.
struct AxisFrame {
    ap_uint<128> data;
    ap_uint<16> keep;
    ap_uint<1> last;
};

struct AcquireQueue {
    std::uint32_t rec[ESP_ACQ_QUEUE_DEPTH][ESP_ACQ_DATA_WORDS];
    unsigned head;
    unsigned count;
};

struct PortState {
    EspEngineState esp;
    Spd spd;
    SaSelector sel[ESP_N_SA];
    AcquireQueue acq;
    std::uint64_t cnt[ESP_PORT_FATE_COUNT];
    std::uint32_t pol_data[ESP_POLICY_DATA_WORDS]; // POL_DATA (rw)
    std::uint32_t pol_read[ESP_POLICY_READ_WORDS]; // POL_READ (ro)
    std::uint32_t sel_data[ESP_SEL_DATA_WORDS];    // SEL_DATA (rw)
    std::uint32_t acq_data[ESP_ACQ_DATA_WORDS];    // ACQ_DATA (ro)
    unsigned pol_error;
    std::uint32_t default_action;
    std::uint32_t wire_mtu;
    std::uint32_t acq_holdoff;
    std::uint32_t acq_lost;
    std::uint32_t time_us; // PORT_TIME: the now_us of the last frame
};

// What became of one frame (the model reports it; the hardware counts it in PORT_CNT).
struct PortVerdict {
    unsigned fate;          // ESP_FATE_*
    unsigned policy;        // slot of the policy that decided, kNoPolicy when none
    unsigned sa;            // SA handle used, kNoSa when none
    unsigned engine_result; // ESP_DROP_* of the engine (DROP_ENGINE), else ESP_DROP_OK
};

// Power-on / SOFT_RESET: the ESP engine reset, no policies, no selectors, defaults.
void port_reset(PortState& st);

std::uint32_t port_reg_read(PortState& st, std::uint32_t addr);
void port_reg_write(PortState& st, std::uint32_t addr, std::uint32_t data);

// Consumes one frame (beats up to last) that arrived on the wire (from_wire) or the host
// port at port time now_us, and writes at most one frame to to_wire or to_host.
PortVerdict port_frame(PortState& st, bool from_wire, std::uint32_t now_us, hls::stream<AxisFrame>& in,
                       hls::stream<AxisFrame>& to_wire, hls::stream<AxisFrame>& to_host);

// Largest IP packet the engine emits for an inner packet of ip_len bytes (header bytes
// hdr_len; transport keeps them) through outbound SA sa.
unsigned esp_output_length(const SaSlot& sa, unsigned ip_len, unsigned hdr_len);

} // namespace esphls
