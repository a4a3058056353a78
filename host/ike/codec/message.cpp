// Message framing: IKE header (RFC 7296 3.1) and generic payload headers
// (3.2). Payload bodies are in payload_codec.cpp / sa_codec.cpp / ts_codec.cpp.
#include "message.h"

#include "payload_codec.h"

namespace ike::codec {
namespace {

constexpr uint8_t kCriticalBit = 0x80;

bool is_encrypted(uint8_t type) {
    return type == static_cast<uint8_t>(PayloadType::SK) || type == static_cast<uint8_t>(PayloadType::SKF);
}

// Parses payloads starting at `first`. In an outer message an SK/SKF must
// end the chain; inside SK (allow_encrypted = false) it may not appear.
Result<std::vector<Payload>> parse_chain(uint8_t first, detail::Reader r, bool allow_encrypted) {
    std::vector<Payload> out;
    uint8_t type = first;
    while (type != 0) {
        const std::size_t at = r.offset();
        uint8_t next = 0, flags = 0;
        uint16_t len = 0;
        if (!r.u8(next) || !r.u8(flags) || !r.u16(len)) return r.truncated("payload header");
        if (len < GENERIC_PAYLOAD_HEADER_BYTES)
            return DecodeError{at, "payload length below 4", DecodeErrorKind::BadLength, type};
        detail::Reader body({}, 0);
        if (!r.sub(len - GENERIC_PAYLOAD_HEADER_BYTES, body))
            return DecodeError{at, "payload length beyond the message", DecodeErrorKind::Truncated, type};
        if (is_encrypted(type) && !allow_encrypted)
            return DecodeError{at, "encrypted payload inside an encrypted payload", DecodeErrorKind::InvalidSyntax,
                               type};
        auto p = detail::decode_body(type, (flags & kCriticalBit) != 0, body);
        if (!p) return p.error();
        if (is_encrypted(type)) {
            // Its Next Payload names the first inner payload; nothing may follow.
            if (auto* sk = std::get_if<SkPayload>(&p.value())) sk->first_inner = next;
            if (auto* skf = std::get_if<SkfPayload>(&p.value())) skf->first_inner = next;
            out.push_back(std::move(p.value()));
            if (!r.empty()) return r.error(DecodeErrorKind::TrailingData, "octets after the encrypted payload");
            return out;
        }
        out.push_back(std::move(p.value()));
        type = next;
    }
    if (!r.empty()) return r.error(DecodeErrorKind::TrailingData, "octets after the last payload");
    return out;
}

Result<std::vector<uint8_t>> write_chain(std::span<const Payload> payloads, detail::Writer& w) {
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        const Payload& p = payloads[i];
        const uint8_t type = payload_type(p);
        uint8_t next = i + 1 < payloads.size() ? payload_type(payloads[i + 1]) : 0;
        uint8_t flags = 0;
        if (auto* sk = std::get_if<SkPayload>(&p)) next = sk->first_inner;
        if (auto* skf = std::get_if<SkfPayload>(&p)) next = skf->first_inner;
        if (is_encrypted(type) && i + 1 != payloads.size())
            return detail::encode_error("encrypted payload must be the last payload");
        if (auto* u = std::get_if<UnknownPayload>(&p)) {
            if (is_known_payload(u->type) || u->type == 0)
                return detail::encode_error("UnknownPayload with a known type");
            flags = u->critical ? kCriticalBit : 0;
        }
        const std::size_t start = w.out.size();
        w.u8(next);
        w.u8(flags);
        w.u16(0);
        if (auto err = detail::encode_body(p, w)) return *err;
        if (!w.patch16(start + 2, w.out.size() - start)) return detail::encode_error("payload over 65535 octets");
    }
    return std::vector<uint8_t>{};
}

Result<Header> read_header(std::span<const uint8_t> wire, uint8_t& first) {
    detail::Reader r(wire, 0);
    Header h;
    uint8_t version = 0, exchange = 0;
    uint32_t length = 0;
    if (!r.u64(h.spi_i) || !r.u64(h.spi_r) || !r.u8(first) || !r.u8(version) || !r.u8(exchange) || !r.u8(h.flags) ||
        !r.u32(h.message_id) || !r.u32(length))
        return DecodeError{wire.size(), "shorter than the 28-octet IKE header", DecodeErrorKind::Truncated, 0};
    h.major_version = version >> 4;
    h.minor_version = version & 0x0F;
    h.exchange = static_cast<ExchangeType>(exchange);
    if (h.major_version != 2)
        return DecodeError{17, "IKE major version " + std::to_string(h.major_version),
                           DecodeErrorKind::InvalidMajorVersion, 0};
    if (length < IKE_HEADER_BYTES) return DecodeError{24, "IKE header length below 28", DecodeErrorKind::BadLength, 0};
    if (length > wire.size())
        return DecodeError{24, "IKE header length beyond the datagram", DecodeErrorKind::Truncated, 0};
    if (length < wire.size())
        return DecodeError{length, "octets after the IKE header length", DecodeErrorKind::TrailingData, 0};
    return h;
}

} // namespace

void detail::write_header(const Header& h, uint8_t first, uint32_t length, Writer& w) {
    w.u64(h.spi_i);
    w.u64(h.spi_r);
    w.u8(first);
    w.u8(static_cast<uint8_t>(h.major_version << 4 | (h.minor_version & 0x0F)));
    w.u8(static_cast<uint8_t>(h.exchange));
    w.u8(h.flags);
    w.u32(h.message_id);
    w.u32(length);
}

Result<std::vector<uint8_t>> encode_payload_chain(std::span<const Payload> payloads, uint8_t& first_type) {
    std::vector<uint8_t> out;
    detail::Writer w{out};
    auto r = write_chain(payloads, w);
    if (!r) return r.error();
    first_type = payloads.empty() ? 0 : payload_type(payloads.front());
    return out;
}

Result<std::vector<uint8_t>> encode_checked(const Message& m) {
    std::vector<uint8_t> out;
    detail::Writer w{out};
    // The length is patched once the payloads are written.
    detail::write_header(m.header, m.payloads.empty() ? 0 : payload_type(m.payloads.front()), 0, w);
    auto r = write_chain(m.payloads, w);
    if (!r) return r.error();
    if (out.size() > 0xFFFFFFFFu) return detail::encode_error("message too long");
    const auto len = static_cast<uint32_t>(out.size());
    for (int i = 0; i < 4; ++i) out[24 + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
    return out;
}

std::vector<uint8_t> encode(const Message& m) {
    auto r = encode_checked(m);
    return r ? std::move(r.value()) : std::vector<uint8_t>{};
}

Result<Header> decode_header(std::span<const uint8_t> wire) {
    uint8_t first = 0;
    return read_header(wire, first);
}

Result<Message> decode(std::span<const uint8_t> wire) {
    uint8_t first = 0;
    auto h = read_header(wire, first);
    if (!h) return h.error();
    auto payloads = parse_chain(first, detail::Reader(wire.subspan(IKE_HEADER_BYTES), IKE_HEADER_BYTES), true);
    if (!payloads) return payloads.error();
    return Message{h.value(), std::move(payloads.value())};
}

Result<std::vector<Payload>> decode_payload_chain(uint8_t first_type, std::span<const uint8_t> bytes,
                                                  std::size_t base_offset) {
    return parse_chain(first_type, detail::Reader(bytes, base_offset), false);
}

const NotifyPayload* Message::find_notify(NotifyType t) const {
    for (const auto& p : payloads)
        if (auto* n = std::get_if<NotifyPayload>(&p); n && n->type == t) return n;
    return nullptr;
}

NotifyPayload error_notify(const DecodeError& e) {
    switch (e.kind) {
        case DecodeErrorKind::UnsupportedCritical:
            return make_notify(NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD, Bytes{e.payload_type});
        case DecodeErrorKind::InvalidMajorVersion:
            // Our version goes in the reply's header, the notify has no data (2.5).
            return make_notify(NotifyType::INVALID_MAJOR_VERSION);
        default:
            return make_notify(NotifyType::INVALID_SYNTAX);
    }
}

} // namespace ike::codec
