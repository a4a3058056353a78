// Vitis HLS top of the ESP engine. The engine state lives in a static (BRAM/URAM in
// hardware); each call performs one control access or one packet, so C-simulation and
// co-simulation drive the same state machine the register map describes. The contract's
// AXI4-Lite register decoder is the RTL's; here op/addr/wdata/rdata are its s_axilite
// stand-in.
#include "esp/esp_engine.h"

namespace esphls {

void esp_kernel(hls::stream<AxisIn>& s_in, hls::stream<AxisOut>& m_out, ap_uint<2> op,
                ap_uint<32> addr, ap_uint<32> wdata, ap_uint<32>* rdata, ap_uint<1>* irq) {
#pragma HLS INTERFACE mode = axis port = s_in
#pragma HLS INTERFACE mode = axis port = m_out
#pragma HLS INTERFACE mode = s_axilite port = op bundle = control
#pragma HLS INTERFACE mode = s_axilite port = addr bundle = control
#pragma HLS INTERFACE mode = s_axilite port = wdata bundle = control
#pragma HLS INTERFACE mode = s_axilite port = rdata bundle = control
#pragma HLS INTERFACE mode = ap_none port = irq
#pragma HLS INTERFACE mode = s_axilite port = return bundle = control
  static EspEngineState state;
  static bool initialised = false;
  if (!initialised) {
    esp_reset(state);
    initialised = true;
  }
  *rdata = 0;
  switch (op.to_uint()) {
    case 1: *rdata = esp_reg_read(state, addr.to_uint()); break;
    case 2: esp_reg_write(state, addr.to_uint(), wdata.to_uint()); break;
    case 3: esp_process_packet(state, s_in, m_out); break;
    default: break;
  }
  *irq = esp_irq(state) ? 1 : 0;
}

}  // namespace esphls
