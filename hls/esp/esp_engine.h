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
// data[8*(i%16)+7 : 8*(i%16)] of beat i/16.
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

// Largest output: a MAX_PACKET_BYTES inner packet plus outer IPv6 (40), UDP (8), ESP
// header and IV (16), at most 3 pad bytes, pad length and next header (2), ICV (16).
constexpr unsigned kMaxOverhead = 40 + 8 + 16 + 3 + 2 + ESP_ICV_BYTES;
constexpr unsigned kInBufBytes = ESP_MAX_PACKET_BYTES;
constexpr unsigned kOutBufBytes = ESP_MAX_PACKET_BYTES + kMaxOverhead;
constexpr unsigned kNoSa = 0xFFFF;  // tuser SA of a packet no SA matched

// Global counters (64-bit; the register port shows low words + CNT_HI_LATCH).
struct GlobalCounters {
  ap_uint<64> pkts_in;
  ap_uint<64> pkts_out;
  ap_uint<64> bytes_in;
  ap_uint<64> bytes_out;
  ap_uint<64> drops[ESP_DROP_COUNT];  // index 0 stays 0
};

// FIFO of event words; EVT_OVERFLOW counts events lost while it was full.
struct EventQueue {
  ap_uint<32> word[ESP_EVENT_QUEUE_DEPTH];
  ap_uint<16> head;   // index of the oldest event
  ap_uint<16> count;  // 0..EVENT_QUEUE_DEPTH
  ap_uint<32> overflow;  // saturates at 2^32-1
};

struct EspEngineState {
  SaTable sat;
  InboundHash hash;
  GlobalCounters cnt;
  EventQueue evq;
  ap_uint<32> sa_data[ESP_SA_DATA_WORDS];  // staging window (SA_DATA, rw)
  ap_uint<32> sa_read[ESP_SA_READ_WORDS];  // readback window (SA_READ, ro)
  ap_uint<4> sa_error;                     // SA_STATUS.ERROR of the last command
  ap_uint<32> cnt_hi_latch;                // CNT_HI_LATCH
  ap_uint<1> irq_enable;                   // IRQ_ENABLE bit 0
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

// Vitis top: one call does one control access or one packet on a static engine state.
//   op 0: nothing; 1: register read (addr -> *rdata); 2: register write (addr, wdata);
//   3: process one packet from s_in to m_out. *irq is the interrupt line after the call.
void esp_kernel(hls::stream<AxisIn>& s_in, hls::stream<AxisOut>& m_out, ap_uint<2> op,
                ap_uint<32> addr, ap_uint<32> wdata, ap_uint<32>* rdata, ap_uint<1>* irq);

}  // namespace esphls
