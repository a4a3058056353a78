// HlsTopEngine: the AXI4-Lite and AXI4-Stream transactions of esp_kernel's ports.
#include "hls_top_engine.h"

#include <stdexcept>

#include "axis_packet.h"
#include "esp/esp_engine.h"

namespace esp {

namespace {
bool g_top_in_use = false;
}

struct HlsTopEngine::Ports {
    hls::stream<esphls::AxilAddr> ar, aw;
    hls::stream<esphls::AxilRead> r;
    hls::stream<esphls::AxilWrite> w;
    hls::stream<esphls::AxilResp> b;
    hls::stream<esphls::AxisIn> s_axis;
    hls::stream<esphls::AxisOut> m_axis;
};

HlsTopEngine::HlsTopEngine() : ports_(std::make_unique<Ports>()) {
    if (g_top_in_use) throw std::logic_error("HlsTopEngine: esp_kernel's engine is already in use");
    g_top_in_use = true;
    write_reg(ESP_REG_DEV_CONTROL, 1u << ESP_REG_DEV_CONTROL_SOFT_RESET_LSB);
}

HlsTopEngine::~HlsTopEngine() {
    write_reg(ESP_REG_DEV_CONTROL, 1u << ESP_REG_DEV_CONTROL_SOFT_RESET_LSB); // wipes every key
    g_top_in_use = false;
}

void HlsTopEngine::step() {
    ap_uint<1> irq = 0;
    ::esp_kernel(ports_->ar, ports_->r, ports_->aw, ports_->w, ports_->b, ports_->s_axis, ports_->m_axis, &irq);
    irq_ = irq != 0;
}

std::uint32_t HlsTopEngine::read_reg(std::uint32_t addr) {
    esphls::AxilAddr ar;
    ar.addr = addr & 0xFFFu; // the port decodes 12 address bits, as the RTL's
    ports_->ar.write(ar);
    step();
    if (ports_->r.empty()) throw std::logic_error("HlsTopEngine: no R beat for a read");
    const esphls::AxilRead r = ports_->r.read();
    if (r.resp != 0) throw std::runtime_error("HlsTopEngine: read error response");
    return r.data.to_uint();
}

void HlsTopEngine::write_reg_strobed(std::uint32_t addr, std::uint32_t data, unsigned strb) {
    esphls::AxilAddr aw;
    aw.addr = addr & 0xFFFu;
    esphls::AxilWrite w;
    w.data = data;
    w.strb = strb & 0xFu;
    ports_->aw.write(aw);
    ports_->w.write(w);
    step();
    if (ports_->b.empty()) throw std::logic_error("HlsTopEngine: no B beat for a write");
    if (ports_->b.read().resp != 0) throw std::runtime_error("HlsTopEngine: write error response");
}

PacketEngine::PacketResult HlsTopEngine::process(bool inbound, std::uint16_t sa_handle,
                                                 std::span<const std::uint8_t> packet) {
    write_packet_beats(ports_->s_axis, inbound, sa_handle, packet);
    step();
    if (!ports_->s_axis.empty()) throw std::logic_error("HlsTopEngine: input beats left after the packet");
    PacketResult r = read_packet_beats(ports_->m_axis);
    if (!ports_->m_axis.empty()) throw std::logic_error("HlsTopEngine: more than one output packet");
    return r;
}

} // namespace esp
