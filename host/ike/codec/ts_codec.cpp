// Traffic selector payloads (RFC 7296 3.13).
#include "payload_codec.h"

namespace ike::codec::detail {
namespace {

std::size_t address_bytes(uint8_t ts_type) {
    switch (static_cast<TsType>(ts_type)) {
        case TsType::IPV4_ADDR_RANGE:
            return 4;
        case TsType::IPV6_ADDR_RANGE:
            return 16;
    }
    return 0;
}

} // namespace

Result<TsBody> decode_ts(Reader body) {
    TsBody ts;
    uint8_t count = 0;
    if (!body.u8(count) || !body.skip(3)) return body.truncated("TS payload");
    for (unsigned i = 0; i < count; ++i) {
        const std::size_t at = body.offset();
        TrafficSelector s;
        uint16_t len = 0;
        Reader peek = body;
        if (!peek.u8(s.ts_type) || !peek.u8(s.ip_protocol) || !peek.u16(len)) return body.truncated("traffic selector");
        const std::size_t addr = address_bytes(s.ts_type);
        const std::size_t want = addr ? 8 + 2 * addr : 0;
        if (len < 4 || (want && len != want))
            return DecodeError{at, "traffic selector length does not match its type", DecodeErrorKind::BadLength, 0};
        Reader sel({}, 0);
        if (!body.sub(len, sel)) return body.truncated("traffic selector");
        sel.skip(4);
        if (addr) {
            sel.u16(s.start_port);
            sel.u16(s.end_port);
            sel.bytes(addr, s.start_address);
            sel.bytes(addr, s.end_address);
        } else {
            s.start_port = s.end_port = 0;
            s.opaque = sel.rest();
        }
        ts.selectors.push_back(std::move(s));
    }
    if (!body.empty()) return body.error(DecodeErrorKind::BadLength, "TS payload longer than its selectors");
    return ts;
}

std::optional<DecodeError> encode_ts(const TsBody& ts, Writer& w) {
    if (ts.selectors.size() > 255) return encode_error("more than 255 traffic selectors");
    w.u8(static_cast<uint8_t>(ts.selectors.size()));
    w.zeros(3);
    for (const auto& s : ts.selectors) {
        const std::size_t addr = address_bytes(s.ts_type);
        const std::size_t start = w.out.size();
        w.u8(s.ts_type);
        w.u8(s.ip_protocol);
        w.u16(0);
        if (addr) {
            if (s.start_address.size() != addr || s.end_address.size() != addr)
                return encode_error("traffic selector address size does not match its type");
            w.u16(s.start_port);
            w.u16(s.end_port);
            w.bytes(s.start_address);
            w.bytes(s.end_address);
        } else {
            w.bytes(s.opaque);
        }
        if (!w.patch16(start + 2, w.out.size() - start)) return encode_error("traffic selector too long");
    }
    return std::nullopt;
}

} // namespace ike::codec::detail
