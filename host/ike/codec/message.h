// IKEv2 message: header + ordered payloads, and its wire encoding.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "payloads.h"
#include "result.h"

namespace ike::codec {

inline constexpr std::size_t IKE_HEADER_BYTES = 28;
inline constexpr std::size_t GENERIC_PAYLOAD_HEADER_BYTES = 4;

struct Header {
    uint64_t spi_i = 0; // numeric value of the 8 big-endian octets
    uint64_t spi_r = 0;
    uint8_t major_version = 2;
    uint8_t minor_version = 0;
    ExchangeType exchange = ExchangeType::IKE_SA_INIT;
    uint8_t flags = 0; // FLAG_INITIATOR | FLAG_RESPONSE | ...
    uint32_t message_id = 0;

    bool is_initiator() const { return (flags & FLAG_INITIATOR) != 0; }
    bool is_response() const { return (flags & FLAG_RESPONSE) != 0; }
    bool operator==(const Header&) const = default;
};

struct Message {
    Header header;
    std::vector<Payload> payloads;

    // First payload of type T, or nullptr.
    template <class T>
    const T* find() const {
        for (const auto& p : payloads)
            if (auto* v = std::get_if<T>(&p)) return v;
        return nullptr;
    }
    template <class T>
    std::vector<const T*> find_all() const {
        std::vector<const T*> out;
        for (const auto& p : payloads)
            if (auto* v = std::get_if<T>(&p)) out.push_back(v);
        return out;
    }
    // First notify of the given type, or nullptr.
    const NotifyPayload* find_notify(NotifyType t) const;
    bool operator==(const Message&) const = default;
};

// Wire encoding. Next Payload, lengths, "last" markers are computed here.
// An SK/SKF payload, if present, must be last (its first_inner is written
// as its Next Payload). Returns an error only if a value cannot be
// represented (a payload over 65535 octets, more than 255 proposals, an SK
// payload not last, an address of the wrong size in a TS of type 7/8).
Result<std::vector<uint8_t>> encode_checked(const Message& m);
// Same, returning an empty vector where encode_checked() fails.
std::vector<uint8_t> encode(const Message& m);

// Parses a whole datagram (without the non-ESP marker). Checks: header
// length equals the input size, major version 2, every payload length,
// every inner structure; unknown payloads with the critical bit give
// UnsupportedCritical (-> UNSUPPORTED_CRITICAL_PAYLOAD), unknown
// non-critical ones become UnknownPayload. The SK/SKF payload, if any, must
// be the last one and is kept encrypted (see sk.h).
Result<Message> decode(std::span<const uint8_t> wire);

// Only the 28-octet header (for SA lookup before full parsing); checks the
// length field against the input size too.
Result<Header> decode_header(std::span<const uint8_t> wire);

// Payload chain parsing from a given first type (used for SK contents).
// base_offset is added to error offsets.
Result<std::vector<Payload>> decode_payload_chain(uint8_t first_type, std::span<const uint8_t> bytes,
                                                  std::size_t base_offset = 0);
// Encodes payloads as a chain (Next Payload of the last one = 0) and
// returns the type of the first one via first_type.
Result<std::vector<uint8_t>> encode_payload_chain(std::span<const Payload> payloads, uint8_t& first_type);

// The notify a responder sends for a decode error: UNSUPPORTED_CRITICAL_
// PAYLOAD (data = the payload type), INVALID_MAJOR_VERSION or INVALID_SYNTAX.
NotifyPayload error_notify(const DecodeError& e);

} // namespace ike::codec
