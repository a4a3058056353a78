// HlsCard: bytes <-> beats around port_frame and esp_process_packet.
#include "hls_card.h"

#include <chrono>
#include <stdexcept>

#include "hls_engine.h"
#include "port/port_engine.h"

namespace esp {
namespace {

std::uint64_t steady_ns() {
    return std::uint64_t(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

void to_beats(std::span<const std::uint8_t> bytes, hls::stream<esphls::AxisFrame>& s) {
    std::size_t off = 0;
    do {
        const std::size_t n = bytes.size() - off < 16 ? bytes.size() - off : 16;
        esphls::AxisFrame beat;
        beat.data = 0;
        for (std::size_t i = 0; i < n; ++i) beat.data.range(8 * int(i) + 7, 8 * int(i)) = bytes[off + i];
        beat.keep = n == 16 ? 0xFFFFu : (1u << n) - 1;
        beat.last = off + n >= bytes.size() ? 1 : 0;
        s.write(beat);
        off += n;
    } while (off < bytes.size());
}

std::optional<std::vector<std::uint8_t>> from_beats(hls::stream<esphls::AxisFrame>& s) {
    if (s.empty()) return std::nullopt;
    std::vector<std::uint8_t> out;
    for (;;) {
        if (s.empty()) throw std::logic_error("HlsCard: output frame without last beat");
        const esphls::AxisFrame beat = s.read();
        const unsigned keep = beat.keep.to_uint();
        for (int i = 0; i < 16; ++i)
            if ((keep >> i) & 1u) out.push_back(std::uint8_t(beat.data.range(8 * i + 7, 8 * i).to_uint()));
        if (beat.last) break;
    }
    if (!s.empty()) throw std::logic_error("HlsCard: more than one output frame");
    return out;
}

} // namespace

HlsCard::HlsCard() : state_(std::make_unique<esphls::PortState>()), start_ns_(steady_ns()) {
    esphls::port_reset(*state_);
}

HlsCard::~HlsCard() {
    esphls::port_reset(*state_); // wipes every key before the memory is freed
}

std::uint32_t HlsCard::read_reg(std::uint32_t addr) { return esphls::port_reg_read(*state_, addr); }

void HlsCard::write_reg(std::uint32_t addr, std::uint32_t data) { esphls::port_reg_write(*state_, addr, data); }

bool HlsCard::irq() { return esphls::esp_irq(state_->esp); }

PacketEngine::PacketResult HlsCard::process(bool inbound, std::uint16_t sa_handle,
                                            std::span<const std::uint8_t> packet) {
    return process_packet(state_->esp, inbound, sa_handle, packet);
}

std::uint32_t HlsCard::now_us() const {
    if (fixed_time_) return *fixed_time_;
    return std::uint32_t((steady_ns() - start_ns_) / 1000u);
}

PortEngine::FrameResult HlsCard::frame(bool from_wire, std::span<const std::uint8_t> bytes) {
    hls::stream<esphls::AxisFrame> in, to_wire, to_host;
    to_beats(bytes, in);
    const esphls::PortVerdict v = esphls::port_frame(*state_, from_wire, now_us(), in, to_wire, to_host);
    FrameResult r;
    r.fate = std::uint8_t(v.fate);
    r.policy = std::uint16_t(v.policy);
    r.sa = std::uint16_t(v.sa);
    r.engine_result = std::uint8_t(v.engine_result);
    r.to_wire = from_beats(to_wire);
    r.to_host = from_beats(to_host);
    return r;
}

PortEngine::FrameResult HlsCard::frame_from_host(std::span<const std::uint8_t> f) { return frame(false, f); }

PortEngine::FrameResult HlsCard::frame_from_wire(std::span<const std::uint8_t> f) { return frame(true, f); }

} // namespace esp
