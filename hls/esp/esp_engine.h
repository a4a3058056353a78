// esp_engine.h: the ESP engine of the accelerator as HLS C++ (Vitis idiom).
//
// One EspEngineState is the whole card: SA table, inbound lookup hash, counters, event
// queue and the register windows. The three ports of docs/interface.md map to:
//   esp_reg_read / esp_reg_write   the AXI4-Lite control port (reads may have side
//                                  effects: EVT_POP pops, counter low words latch the
//                                  high word into CNT_HI_LATCH);
//   esp_process_packet             one packet from the input stream to the output stream
//                                  (exactly one packet or one drop beat out);
//   esp_irq                        the interrupt line.
// Every behaviour choice is written down in docs/engine.md; the RTL matches this model
// byte for byte and counter for counter.
#pragma once

#include <cstdint>

#include "esp/esp_sa.h"
#include "esp_contract.h"
#include "hls_compat.h"

namespace esphls {

// Stream beats (docs/contract.md "Stream rules"): byte i of the packet in
// data[8*(i%16)+7 : 8*(i%16)] of beat i/16. Under Vitis HLS the beats are hls::axis with
// exactly the RTL top's sidebands (TKEEP, TLAST, TUSER; no TSTRB, TID, TDEST); elsewhere
// plain structs with the same member names.
#ifdef ESP_HLS_VITIS
} // namespace esphls
#include <ap_axi_sdata.h>
namespace esphls {
constexpr std::uint8_t kAxisSignals = AXIS_ENABLE_KEEP | AXIS_ENABLE_LAST | AXIS_ENABLE_USER;
using AxisIn = hls::axis<ap_uint<128>, ESP_TUSER_IN_WIDTH, 0, 0, kAxisSignals, true>;
using AxisOut = hls::axis<ap_uint<128>, ESP_TUSER_OUT_WIDTH, 0, 0, kAxisSignals, true>;
#else
struct AxisIn {
    ap_uint<128> data;
    ap_uint<16> keep;
    ap_uint<1> last;
    ap_uint<ESP_TUSER_IN_WIDTH> user;
};
struct AxisOut {
    ap_uint<128> data;
    ap_uint<16> keep;
    ap_uint<1> last;
    ap_uint<ESP_TUSER_OUT_WIDTH> user;
};
#endif

// Largest output: a MAX_PACKET_BYTES inner packet plus outer IPv6 (40), UDP (8), ESP
// header and IV (16), at most 3 pad bytes, pad length and next header (2), ICV (16).
constexpr unsigned kMaxOverhead = 40 + 8 + 16 + 3 + 2 + ESP_ICV_BYTES;
constexpr unsigned kInBufBytes = ESP_MAX_PACKET_BYTES;
constexpr unsigned kOutBufBytes = ESP_MAX_PACKET_BYTES + kMaxOverhead;
constexpr unsigned kNoSa = 0xFFFF; // tuser SA of a packet no SA matched

// Global counters (64-bit; the register port shows low words + CNT_HI_LATCH).
struct GlobalCounters {
    ap_uint<64> pkts_in;
    ap_uint<64> pkts_out;
    ap_uint<64> bytes_in;
    ap_uint<64> bytes_out;
    ap_uint<64> drops[ESP_DROP_COUNT]; // index 0 stays 0
};

// FIFO of event words; EVT_OVERFLOW counts events lost while it was full.
struct EventQueue {
    ap_uint<32> word[ESP_EVENT_QUEUE_DEPTH];
    ap_uint<16> head;     // index of the oldest event
    ap_uint<16> count;    // 0..EVENT_QUEUE_DEPTH
    ap_uint<32> overflow; // saturates at 2^32-1
};

struct EspEngineState {
    SaTable sat;
    InboundHash hash;
    GlobalCounters cnt;
    EventQueue evq;
    ap_uint<32> sa_data[ESP_SA_DATA_WORDS]; // staging window (SA_DATA, rw)
    ap_uint<32> sa_read[ESP_SA_READ_WORDS]; // readback window (SA_READ, ro)
    ap_uint<4> sa_error;                    // SA_STATUS.ERROR of the last command
    ap_uint<32> cnt_hi_latch;               // CNT_HI_LATCH
    ap_uint<1> irq_enable;                  // IRQ_ENABLE bit 0
};

// Power-on / SOFT_RESET state: every slot empty and wiped, counters and events zero,
// windows zero, IRQ disabled.
void esp_reset(EspEngineState& st);

uint32_t esp_reg_read(EspEngineState& st, uint32_t addr);
void esp_reg_write(EspEngineState& st, uint32_t addr, uint32_t data);
bool esp_irq(const EspEngineState& st);

// Consumes exactly one packet (beats up to and including last) from in and writes exactly
// one packet or one drop beat to out.
void esp_process_packet(EspEngineState& st, hls::stream<AxisIn>& in, hls::stream<AxisOut>& out);

// Raises an event (queue or overflow count).
void esp_raise_event(EspEngineState& st, unsigned type, unsigned handle);

// The control port's AXI4-Lite channels as the payloads of their valid/ready handshakes
// (docs/interface.md "The HLS top"): AR and AW carry a 12-bit byte address (4 KiB map,
// as the RTL's s_axil_*addr), W data and byte strobes, R data and response, B a response.
struct AxilAddr {
    ap_uint<12> addr;
};
struct AxilWrite {
    ap_uint<32> data;
    ap_uint<4> strb;
};
struct AxilRead {
    ap_uint<32> data;
    ap_uint<2> resp;
};
struct AxilResp {
    ap_uint<2> resp;
};

// One control-port write with byte strobes, as the RTL's register file applies them:
// SA_DATA words merge the strobed bytes; IRQ_ENABLE and DEV_CONTROL need byte 0; SA_CMD
// takes the whole word.
void esp_reg_write_strobed(EspEngineState& st, uint32_t addr, uint32_t data, unsigned strb);

} // namespace esphls

// Vitis top: a free-running kernel (ap_ctrl_none) with the RTL top's ports: the contract's
// register map on the AXI4-Lite channels s_axil_{ar,r,aw,w,b}, packets on s_axis/m_axis
// (tuser sideband), the interrupt line. Each call is one service step on a static engine
// state: a pending write (AW and W), else a pending read (AR), else one packet from s_axis
// if its first beat is there. Register reads keep their side effects (EVT_POP pops,
// counter low words latch CNT_HI_LATCH) because the kernel itself answers AR. It is a
// global function: Vitis HLS's set_top names the top without a namespace.
void esp_kernel(hls::stream<esphls::AxilAddr>& s_axil_ar, hls::stream<esphls::AxilRead>& s_axil_r,
                hls::stream<esphls::AxilAddr>& s_axil_aw, hls::stream<esphls::AxilWrite>& s_axil_w,
                hls::stream<esphls::AxilResp>& s_axil_b, hls::stream<esphls::AxisIn>& s_axis,
                hls::stream<esphls::AxisOut>& m_axis, ap_uint<1>* irq);
