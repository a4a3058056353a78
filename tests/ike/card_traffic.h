// Real ESP traffic through model cards for the protocol tests: inner IPv4
// packets are encrypted by one card's outbound SA and the ESP packets
// decrypted by the other card's inbound SA. Kept apart from the engine's
// headers (Asio) because the card's uapi header must not meet them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace espdrv {
class Device;
}

namespace ike_test {

std::shared_ptr<espdrv::Device> open_model_card();

struct Traffic {
    int sent = 0, delivered = 0, dropped_out = 0, dropped_in = 0, mismatched = 0;
    uint64_t inner_bytes = 0; // of the packets the outbound SA took
};

// `count` inner packets of `inner_len` bytes (>= 28) from 10.1.0.5 to
// 10.2.0.5 through card `from` (SA out_handle) and card `to` (SA in_handle).
// With `replay_last`, the last ESP packet is offered twice to the inbound SA.
Traffic push_packets(espdrv::Device& from, uint32_t out_handle, espdrv::Device& to, uint32_t in_handle, int count,
                     size_t inner_len, bool replay_last = false);

} // namespace ike_test
