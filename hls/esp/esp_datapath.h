// esp_datapath.h: the per-direction packet transforms behind esp_process_packet.
// Internal to the engine (tests reach them through esp_process_packet).
#pragma once

#include <cstdint>

#include "esp/esp_engine.h"

namespace esphls {

struct PacketVerdict {
    unsigned code;      // drop code (ESP_DROP_*)
    unsigned sa;        // SA that handled the packet, kNoSa when none matched
    unsigned out_len;   // output bytes (OK only)
    unsigned inner_len; // inner (plaintext-side) packet bytes, for the lifetime counter
};

// Outbound: in[0..len) is an inner IPv4/IPv6 packet; on OK out[0..out_len) is the ESP
// packet and the SA's sequence number has advanced. stream_ok is false when the beats
// broke a stream rule or LEN (docs/engine.md "Stream input").
PacketVerdict esp_outbound(EspEngineState& st, unsigned handle, bool stream_ok, const std::uint8_t* in, unsigned len,
                           std::uint8_t* out);

// Inbound: in[0..len) is an outer IPv4/IPv6 packet carrying ESP (decrypted in place); on
// OK out[0..out_len) is the inner / restored packet and the replay window has advanced.
PacketVerdict esp_inbound(EspEngineState& st, bool stream_ok, std::uint8_t* in, unsigned len, std::uint8_t* out);

// IPv4 header checksum over hdr_len bytes at b[off] (the checksum field itself counts as
// whatever it holds: 0 to compute, the received value to verify, where 0 means valid).
unsigned ipv4_header_checksum(const std::uint8_t* b, unsigned off, unsigned hdr_len);

// Transport-mode header rewrite at p[0]: protocol / next header, Total Length (IPv4) or
// Payload Length (IPv6) for a packet of total bytes, and the IPv4 checksum over hdr_len.
// TTL, ID, flags, TOS, addresses and options stay as they are.
void ip_rewrite_header(std::uint8_t* p, bool ipv6, unsigned hdr_len, unsigned proto, unsigned total);

} // namespace esphls
