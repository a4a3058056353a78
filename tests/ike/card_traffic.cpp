#include "card_traffic.h"

#include <vector>

#include "device.h"
#include "esp_contract.h"

namespace ike_test {

std::shared_ptr<espdrv::Device> open_model_card() { return espdrv::open_device("model:"); }

namespace {
// An IPv4/UDP packet with a correct header checksum and a counting payload.
std::vector<uint8_t> inner_packet(size_t len, int n) {
    std::vector<uint8_t> p(len, 0);
    p[0] = 0x45;
    p[2] = static_cast<uint8_t>(len >> 8);
    p[3] = static_cast<uint8_t>(len);
    p[8] = 64;
    p[9] = 17;
    const uint8_t src[4] = {10, 1, 0, 5}, dst[4] = {10, 2, 0, 5};
    for (int i = 0; i < 4; ++i) {
        p[12 + i] = src[i];
        p[16 + i] = dst[i];
    }
    uint32_t sum = 0;
    for (size_t i = 0; i < 20; i += 2) sum += uint32_t(p[i]) << 8 | p[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    p[10] = static_cast<uint8_t>(~sum >> 8);
    p[11] = static_cast<uint8_t>(~sum);
    p[20] = 0x30;
    p[21] = 0x39; // UDP 12345 -> 80
    p[23] = 80;
    p[24] = static_cast<uint8_t>((len - 20) >> 8);
    p[25] = static_cast<uint8_t>(len - 20);
    for (size_t i = 28; i < len; ++i) p[i] = static_cast<uint8_t>(i * 7 + n);
    return p;
}
} // namespace

Traffic push_packets(espdrv::Device& from, uint32_t out_handle, espdrv::Device& to, uint32_t in_handle, int count,
                     size_t inner_len, bool replay_last) {
    Traffic t;
    std::vector<uint8_t> last;
    for (int n = 0; n < count; ++n) {
        auto inner = inner_packet(inner_len, n);
        ++t.sent;
        auto enc = from.inject(false, static_cast<uint16_t>(out_handle), inner);
        if (enc.result != ESP_DROP_OK) {
            ++t.dropped_out;
            continue;
        }
        t.inner_bytes += inner.size();
        auto dec = to.inject(true, static_cast<uint16_t>(in_handle), enc.bytes);
        if (dec.result != ESP_DROP_OK)
            ++t.dropped_in;
        else if (dec.bytes != inner)
            ++t.mismatched;
        else
            ++t.delivered;
        last = enc.bytes;
    }
    if (replay_last && !last.empty() && to.inject(true, static_cast<uint16_t>(in_handle), last).result != ESP_DROP_OK)
        ++t.dropped_in;
    return t;
}

} // namespace ike_test
