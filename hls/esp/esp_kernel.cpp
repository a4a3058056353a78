// Vitis HLS top of the ESP engine (docs/interface.md "The HLS top"). The engine state
// lives in a static (BRAM/URAM in hardware). With ap_ctrl_none the kernel restarts as soon
// as a step ends, so each call serves one register access or one packet; C-simulation
// calls it once per step. The AXI4-Lite slave is written out here rather than left to
// s_axilite, whose registers sit at tool-chosen offsets and cannot see reads: the
// contract's map needs DEV_ID at 0x000 and side effects on reads (EVT_POP, CNT_HI_LATCH).
#include "esp/esp_engine.h"

namespace esphls {

void esp_reg_write_strobed(EspEngineState& st, uint32_t addr, uint32_t data, unsigned strb) {
    std::uint32_t mask = 0;
    for (unsigned b = 0; b < 4; ++b)
        if ((strb >> b) & 1u) mask |= 0xFFu << (8 * b);
    if (addr >= ESP_REG_SA_DATA && addr < ESP_REG_SA_DATA + 4 * ESP_REG_SA_DATA_COUNT) {
        data = (esp_reg_read(st, addr & ~3u) & ~mask) | (data & mask); // SA_DATA reads have no side effect
    } else if ((addr == ESP_REG_IRQ_ENABLE || addr == ESP_REG_DEV_CONTROL) && (strb & 1u) == 0) {
        return;
    }
    esp_reg_write(st, addr, data);
}

} // namespace esphls

using namespace esphls;

void esp_kernel(hls::stream<AxilAddr>& s_axil_ar, hls::stream<AxilRead>& s_axil_r, hls::stream<AxilAddr>& s_axil_aw,
                hls::stream<AxilWrite>& s_axil_w, hls::stream<AxilResp>& s_axil_b, hls::stream<AxisIn>& s_axis,
                hls::stream<AxisOut>& m_axis, ap_uint<1>* irq) {
#pragma HLS INTERFACE mode = ap_ctrl_none port = return
#pragma HLS INTERFACE mode = axis register_mode = both port = s_axil_ar
#pragma HLS INTERFACE mode = axis register_mode = both port = s_axil_r
#pragma HLS INTERFACE mode = axis register_mode = both port = s_axil_aw
#pragma HLS INTERFACE mode = axis register_mode = both port = s_axil_w
#pragma HLS INTERFACE mode = axis register_mode = both port = s_axil_b
#pragma HLS INTERFACE mode = axis register_mode = both port = s_axis
#pragma HLS INTERFACE mode = axis register_mode = both port = m_axis
#pragma HLS INTERFACE mode = ap_none port = irq
    static EspEngineState state;
    static bool initialised = false;
    if (!initialised) { // power-on: the same sweep as SOFT_RESET
        esp_reset(state);
        initialised = true;
    }
    if (!s_axil_aw.empty() && !s_axil_w.empty()) {
        const AxilAddr aw = s_axil_aw.read();
        const AxilWrite w = s_axil_w.read();
        esp_reg_write_strobed(state, aw.addr.to_uint(), w.data.to_uint(), w.strb.to_uint());
        AxilResp b;
        b.resp = 0; // OKAY: unmapped and read-only offsets ignore writes, as in the RTL
        s_axil_b.write(b);
    } else if (!s_axil_ar.empty()) {
        const AxilAddr ar = s_axil_ar.read();
        AxilRead r;
        r.data = esp_reg_read(state, ar.addr.to_uint());
        r.resp = 0;
        s_axil_r.write(r);
    } else if (!s_axis.empty()) {
        esp_process_packet(state, s_axis, m_axis);
    }
    *irq = esp_irq(state) ? 1 : 0;
}
