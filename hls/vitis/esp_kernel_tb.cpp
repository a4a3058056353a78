// C-simulation test bench of the Vitis top esp_kernel (run by esp_kernel_hls.tcl under
// Vitis HLS, and here with g++ as the ctest hls_vitis_tb): through the AXI4-Lite channels
// and the packet streams only, it identifies the card, installs an outbound and an
// inbound SA with the same key, sends a packet out and its ESP packet back in, requires
// the original bytes, deletes an SA and pops its event. Returns 0 when all holds.
#include <cstdio>
#include <vector>

#include "esp/esp_engine.h"

namespace {

using namespace esphls;

hls::stream<AxilAddr> ar, aw;
hls::stream<AxilRead> r;
hls::stream<AxilWrite> w;
hls::stream<AxilResp> b;
hls::stream<AxisIn> s_axis;
hls::stream<AxisOut> m_axis;
ap_uint<1> irq;
int failures = 0;

void step() { esp_kernel(ar, r, aw, w, b, s_axis, m_axis, &irq); }

unsigned reg_read(unsigned addr) {
    AxilAddr a;
    a.addr = addr;
    ar.write(a);
    step();
    return r.read().data.to_uint();
}

void reg_write(unsigned addr, unsigned data) {
    AxilAddr a;
    a.addr = addr;
    AxilWrite d;
    d.data = data;
    d.strb = 0xF;
    aw.write(a);
    w.write(d);
    step();
    b.read();
}

void expect(bool ok, const char* what) {
    if (!ok) {
        std::printf("FAIL: %s\n", what);
        ++failures;
    }
}

unsigned sa_command(unsigned op, unsigned handle) {
    reg_write(ESP_REG_SA_CMD, (op << ESP_REG_SA_CMD_OP_LSB) | handle);
    return (reg_read(ESP_REG_SA_STATUS) >> ESP_REG_SA_STATUS_ERROR_LSB) & ESP_REG_SA_STATUS_ERROR_MASK;
}

// IPv4 tunnel SA 192.0.2.1 -> 192.0.2.2, SPI 0x3000, AES-128 key 0x00..0x0F.
unsigned install(unsigned handle, bool inbound) {
    for (unsigned i = 0; i < ESP_SA_DATA_WORDS; ++i) reg_write(ESP_REG_SA_DATA + 4 * i, 0);
    reg_write(ESP_REG_SA_DATA + 4 * ESP_SA_W_CTRL, inbound ? 1u << ESP_SA_W_CTRL_DIR_LSB : 0u);
    reg_write(ESP_REG_SA_DATA + 4 * ESP_SA_W_SPI, 0x3000);
    reg_write(ESP_REG_SA_DATA + 4 * ESP_SA_W_REPLAY_WINDOW, inbound ? 64 : 0);
    reg_write(ESP_REG_SA_DATA + 4 * ESP_SA_W_SALT, 0xA1B2C3D4);
    for (unsigned i = 0; i < 4; ++i) reg_write(ESP_REG_SA_DATA + 4 * (ESP_SA_W_KEY + i), 0x00010203u + 0x04040404u * i);
    reg_write(ESP_REG_SA_DATA + 4 * ESP_SA_W_SRC_ADDR, 0xC0000201);
    reg_write(ESP_REG_SA_DATA + 4 * ESP_SA_W_DST_ADDR, 0xC0000202);
    return sa_command(ESP_SA_OP_WRITE, handle);
}

// Sends one packet; returns the output bytes, or sets *result to its drop code.
std::vector<unsigned char> send(const std::vector<unsigned char>& p, bool inbound, unsigned sa, unsigned* result) {
    for (std::size_t off = 0; off < p.size(); off += 16) {
        const std::size_t n = p.size() - off < 16 ? p.size() - off : 16;
        AxisIn beat;
        beat.data = 0;
        for (std::size_t i = 0; i < n; ++i) beat.data.range(8 * i + 7, 8 * i) = p[off + i];
        beat.keep = n == 16 ? 0xFFFFu : (1u << n) - 1;
        beat.last = off + n >= p.size() ? 1 : 0;
        beat.user = 0;
        beat.user.range(ESP_TUSER_IN_DIR_LSB, ESP_TUSER_IN_DIR_LSB) = inbound ? 1 : 0;
        beat.user.range(ESP_TUSER_IN_SA_LSB + 15, ESP_TUSER_IN_SA_LSB) = sa;
        beat.user.range(ESP_TUSER_IN_LEN_LSB + 15, ESP_TUSER_IN_LEN_LSB) = static_cast<unsigned>(p.size());
        s_axis.write(beat);
    }
    step();
    std::vector<unsigned char> out;
    for (bool first = true;; first = false) {
        const AxisOut beat = m_axis.read();
        if (first)
            *result =
                beat.user.range(ESP_TUSER_OUT_RESULT_LSB + ESP_TUSER_OUT_RESULT_WIDTH - 1, ESP_TUSER_OUT_RESULT_LSB)
                    .to_uint();
        for (int i = 0; i < 16; ++i)
            if (beat.keep[i]) out.push_back(static_cast<unsigned char>(beat.data.range(8 * i + 7, 8 * i).to_uint()));
        if (beat.last) break;
    }
    return out;
}

// A 100-byte IPv4/UDP packet 10.1.0.5 -> 10.2.0.9 with a correct header checksum.
std::vector<unsigned char> inner_packet() {
    std::vector<unsigned char> p(100);
    const unsigned char hdr[20] = {0x45, 0, 0, 100, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 10, 1, 0, 5, 10, 2, 0, 9};
    for (int i = 0; i < 20; ++i) p[i] = hdr[i];
    unsigned sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (p[i] << 8) | p[i + 1];
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    p[10] = static_cast<unsigned char>(~sum >> 8);
    p[11] = static_cast<unsigned char>(~sum);
    p[20] = 0x30, p[21] = 0x39, p[22] = 0x00, p[23] = 0x35, p[24] = 0, p[25] = 80;
    for (int i = 28; i < 100; ++i) p[i] = static_cast<unsigned char>(i * 7);
    return p;
}

} // namespace

int main() {
    expect(reg_read(ESP_REG_DEV_ID) == ESP_DEV_ID_VALUE, "DEV_ID");
    expect(reg_read(ESP_REG_DEV_SA_SLOTS) == ESP_N_SA, "DEV_SA_SLOTS");
    expect(install(5, false) == ESP_SA_ERR_NONE, "outbound SA installed");
    expect(install(9, true) == ESP_SA_ERR_NONE, "inbound SA installed");
    expect(install(9, true) == ESP_SA_ERR_SLOT_IN_USE, "second WRITE to a slot refused");

    const std::vector<unsigned char> inner = inner_packet();
    unsigned result = 99;
    const std::vector<unsigned char> esp = send(inner, false, 5, &result);
    expect(result == ESP_DROP_OK && esp.size() > inner.size(), "outbound packet encrypted");
    const std::vector<unsigned char> back = send(esp, true, 0, &result);
    expect(result == ESP_DROP_OK && back == inner, "inbound packet decrypted to the original");
    send(esp, true, 0, &result);
    expect(result == ESP_DROP_REPLAY, "replayed packet dropped");

    expect(reg_read(ESP_REG_CNT_PKTS_IN) == 3, "CNT_PKTS_IN");
    expect(reg_read(ESP_REG_CNT_DROPS + 4 * ESP_DROP_REPLAY) == 1, "CNT_DROPS[REPLAY]");
    reg_write(ESP_REG_IRQ_ENABLE, 1);
    expect(sa_command(ESP_SA_OP_DELETE, 5) == ESP_SA_ERR_NONE, "DELETE");
    expect(irq == 1, "irq raised by the SA_DELETED event");
    expect(reg_read(ESP_REG_EVT_POP) == ((ESP_EVT_SA_DELETED << ESP_EVTW_TYPE_LSB) | 5), "EVT_POP");
    expect(reg_read(ESP_REG_EVT_COUNT) == 0, "EVT_POP removed the event");
    std::printf("%s: %d failures\n", failures == 0 ? "PASS" : "FAIL", failures);
    return failures == 0 ? 0 : 1;
}
