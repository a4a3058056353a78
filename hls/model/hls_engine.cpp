// HlsEngine: esp_process_packet on the engine state; beats <-> bytes (axis_packet.h).
#include "hls_engine.h"

#include <stdexcept>

#include "axis_packet.h"
#include "esp/esp_engine.h"

namespace esp {

using esphls::AxisIn;
using esphls::AxisOut;

HlsEngine::HlsEngine() : state_(std::make_unique<esphls::EspEngineState>()) { esphls::esp_reset(*state_); }

HlsEngine::~HlsEngine() {
    esphls::esp_reset(*state_); // wipes every key before the memory is freed
}

std::uint32_t HlsEngine::read_reg(std::uint32_t addr) { return esphls::esp_reg_read(*state_, addr); }

void HlsEngine::write_reg(std::uint32_t addr, std::uint32_t data) { esphls::esp_reg_write(*state_, addr, data); }

bool HlsEngine::irq() { return esphls::esp_irq(*state_); }

PacketEngine::PacketResult HlsEngine::process(bool inbound, std::uint16_t sa_handle,
                                              std::span<const std::uint8_t> packet) {
    return process_packet(*state_, inbound, sa_handle, packet);
}

PacketEngine::PacketResult process_packet(esphls::EspEngineState& st, bool inbound, std::uint16_t sa_handle,
                                          std::span<const std::uint8_t> packet) {
    hls::stream<AxisIn> in;
    hls::stream<AxisOut> out;
    write_packet_beats(in, inbound, sa_handle, packet);
    esphls::esp_process_packet(st, in, out);
    PacketEngine::PacketResult r = read_packet_beats(out);
    if (!out.empty()) throw std::logic_error("esp engine: more than one output packet");
    return r;
}

void write_packet_beats(hls::stream<AxisIn>& in, bool inbound, std::uint16_t sa_handle,
                        std::span<const std::uint8_t> packet) {
    ap_uint<ESP_TUSER_IN_WIDTH> user = 0;
    user.range(ESP_TUSER_IN_DIR_LSB, ESP_TUSER_IN_DIR_LSB) = inbound ? 1u : 0u;
    user.range(ESP_TUSER_IN_SA_LSB + ESP_TUSER_IN_SA_WIDTH - 1, ESP_TUSER_IN_SA_LSB) = sa_handle;
    user.range(ESP_TUSER_IN_LEN_LSB + ESP_TUSER_IN_LEN_WIDTH - 1, ESP_TUSER_IN_LEN_LSB) =
        static_cast<unsigned>(packet.size() & 0xFFFFu);
    std::size_t off = 0;
    do {
        const std::size_t n = packet.size() - off < 16 ? packet.size() - off : 16;
        AxisIn beat;
        beat.data = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const int lo = 8 * static_cast<int>(i);
            beat.data.range(lo + 7, lo) = packet[off + i];
        }
        beat.keep = n == 16 ? 0xFFFFu : (1u << n) - 1;
        beat.last = off + n >= packet.size() ? 1 : 0;
        beat.user = user;
        in.write(beat);
        off += n;
    } while (off < packet.size());
}

PacketEngine::PacketResult read_packet_beats(hls::stream<AxisOut>& out) {
    PacketEngine::PacketResult r;
    bool first = true;
    for (;;) {
        if (out.empty()) throw std::logic_error("esp engine: output packet without last beat");
        const AxisOut beat = out.read();
        if (first) {
            r.inbound = beat.user.range(ESP_TUSER_OUT_DIR_LSB, ESP_TUSER_OUT_DIR_LSB) != 0;
            r.sa = static_cast<std::uint16_t>(
                beat.user.range(ESP_TUSER_OUT_SA_LSB + ESP_TUSER_OUT_SA_WIDTH - 1, ESP_TUSER_OUT_SA_LSB).to_uint());
            r.result = static_cast<std::uint8_t>(
                beat.user.range(ESP_TUSER_OUT_RESULT_LSB + ESP_TUSER_OUT_RESULT_WIDTH - 1, ESP_TUSER_OUT_RESULT_LSB)
                    .to_uint());
            first = false;
        }
        const unsigned keep = beat.keep.to_uint();
        for (int i = 0; i < 16; ++i) {
            if ((keep >> i) & 1u)
                r.bytes.push_back(static_cast<std::uint8_t>(beat.data.range(8 * i + 7, 8 * i).to_uint()));
        }
        if (beat.last) break;
    }
    return r;
}

} // namespace esp
