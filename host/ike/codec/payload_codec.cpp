// Payload bodies other than SA and TS (RFC 7296 3.4-3.16, RFC 7383 2.5).
#include "payload_codec.h"

namespace ike::codec::detail {
namespace {

constexpr std::size_t kNonceMin = 16, kNonceMax = 256;

template <class T>
Result<Payload> wrap(Result<T> r) {
    if (!r) return r.error();
    return Payload(std::move(r.value()));
}

template <class Id>
Result<Payload> decode_id(Reader b) {
    Id id;
    uint8_t type = 0;
    if (!b.u8(type) || !b.skip(3)) return b.truncated("ID payload");
    id.id_type = static_cast<IdType>(type);
    id.data = b.rest();
    return Payload(std::move(id));
}

template <class Cert>
Result<Payload> decode_cert(Reader b) {
    Cert c;
    if (!b.u8(c.encoding)) return b.truncated("CERT payload");
    c.data = b.rest();
    return Payload(std::move(c));
}

template <class Ts>
Result<Payload> decode_ts_as(Reader b) {
    auto ts = decode_ts(b);
    if (!ts) return ts.error();
    Ts out;
    static_cast<TsBody&>(out) = std::move(ts.value());
    return Payload(std::move(out));
}

Result<Payload> decode_notify(Reader b) {
    NotifyPayload n;
    uint8_t protocol = 0, spi_size = 0;
    uint16_t type = 0;
    if (!b.u8(protocol) || !b.u8(spi_size) || !b.u16(type)) return b.truncated("Notify payload");
    n.protocol = static_cast<ProtocolId>(protocol);
    n.type = static_cast<NotifyType>(type);
    if (!b.bytes(spi_size, n.spi)) return b.truncated("Notify SPI");
    n.data = b.rest();
    return Payload(std::move(n));
}

Result<Payload> decode_delete(Reader b) {
    DeletePayload d;
    uint8_t protocol = 0;
    uint16_t count = 0;
    if (!b.u8(protocol) || !b.u8(d.spi_size) || !b.u16(count)) return b.truncated("Delete payload");
    d.protocol = static_cast<ProtocolId>(protocol);
    if (b.remaining() != static_cast<std::size_t>(d.spi_size) * count)
        return b.error(DecodeErrorKind::BadLength, "Delete payload size != SPI size * count");
    for (unsigned i = 0; i < count; ++i) {
        Bytes spi;
        b.bytes(d.spi_size, spi);
        d.spis.push_back(std::move(spi));
    }
    return Payload(std::move(d));
}

Result<Payload> decode_cp(Reader b) {
    CpPayload cp;
    uint8_t type = 0;
    if (!b.u8(type) || !b.skip(3)) return b.truncated("CP payload");
    cp.cfg_type = static_cast<CfgType>(type);
    while (!b.empty()) {
        CpAttribute a;
        uint16_t len = 0;
        if (!b.u16(a.type) || !b.u16(len)) return b.truncated("CP attribute");
        a.type &= 0x7FFF;
        if (!b.bytes(len, a.value)) return b.truncated("CP attribute value");
        cp.attributes.push_back(std::move(a));
    }
    return Payload(std::move(cp));
}

Result<Payload> decode_skf(Reader b) {
    SkfPayload f;
    if (!b.u16(f.fragment_number) || !b.u16(f.total_fragments)) return b.truncated("SKF payload");
    if (f.fragment_number == 0 || f.total_fragments == 0 || f.fragment_number > f.total_fragments)
        return b.error(DecodeErrorKind::InvalidSyntax, "SKF fragment number out of range");
    f.body = b.rest();
    return Payload(std::move(f));
}

} // namespace

Result<Payload> decode_body(uint8_t type, bool critical, Reader b) {
    switch (static_cast<PayloadType>(type)) {
        case PayloadType::SA:
            return wrap(decode_sa(b));
        case PayloadType::KE: {
            KePayload ke;
            if (!b.u16(ke.group) || !b.skip(2)) return b.truncated("KE payload");
            ke.data = b.rest();
            return Payload(std::move(ke));
        }
        case PayloadType::IDi:
            return decode_id<IdiPayload>(b);
        case PayloadType::IDr:
            return decode_id<IdrPayload>(b);
        case PayloadType::CERT:
            return decode_cert<CertPayload>(b);
        case PayloadType::CERTREQ:
            return decode_cert<CertreqPayload>(b);
        case PayloadType::AUTH: {
            AuthPayload a;
            uint8_t method = 0;
            if (!b.u8(method) || !b.skip(3)) return b.truncated("AUTH payload");
            a.method = static_cast<AuthMethod>(method);
            a.data = b.rest();
            return Payload(std::move(a));
        }
        case PayloadType::NONCE: {
            if (b.remaining() < kNonceMin || b.remaining() > kNonceMax)
                return b.error(DecodeErrorKind::InvalidSyntax, "nonce not 16..256 octets");
            return Payload(NoncePayload{b.rest()});
        }
        case PayloadType::NOTIFY:
            return decode_notify(b);
        case PayloadType::DELETE:
            return decode_delete(b);
        case PayloadType::VENDOR:
            return Payload(VendorIdPayload{b.rest()});
        case PayloadType::TSi:
            return decode_ts_as<TsiPayload>(b);
        case PayloadType::TSr:
            return decode_ts_as<TsrPayload>(b);
        case PayloadType::SK:
            return Payload(SkPayload{0, b.rest()});
        case PayloadType::SKF:
            return decode_skf(b);
        case PayloadType::CP:
            return decode_cp(b);
        case PayloadType::EAP:
            return Payload(EapPayload{b.rest()});
        default:
            break;
    }
    if (critical) {
        DecodeError e = b.error(DecodeErrorKind::UnsupportedCritical,
                                "unknown payload type " + std::to_string(type) + " marked critical");
        e.payload_type = type;
        return e;
    }
    return Payload(UnknownPayload{type, false, b.rest()});
}

namespace {

struct BodyEncoder {
    Writer& w;

    std::optional<DecodeError> operator()(const SaPayload& p) { return encode_sa(p, w); }
    std::optional<DecodeError> operator()(const KePayload& p) {
        w.u16(p.group);
        w.u16(0);
        w.bytes(p.data);
        return std::nullopt;
    }
    std::optional<DecodeError> id(const IdBody& p) {
        w.u8(static_cast<uint8_t>(p.id_type));
        w.zeros(3);
        w.bytes(p.data);
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const IdiPayload& p) { return id(p); }
    std::optional<DecodeError> operator()(const IdrPayload& p) { return id(p); }
    std::optional<DecodeError> cert(const CertBody& p) {
        w.u8(p.encoding);
        w.bytes(p.data);
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const CertPayload& p) { return cert(p); }
    std::optional<DecodeError> operator()(const CertreqPayload& p) { return cert(p); }
    std::optional<DecodeError> operator()(const AuthPayload& p) {
        w.u8(static_cast<uint8_t>(p.method));
        w.zeros(3);
        w.bytes(p.data);
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const NoncePayload& p) {
        w.bytes(p.data);
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const NotifyPayload& p) {
        if (p.spi.size() > 255) return encode_error("notify SPI too long");
        w.u8(static_cast<uint8_t>(p.protocol));
        w.u8(static_cast<uint8_t>(p.spi.size()));
        w.u16(static_cast<uint16_t>(p.type));
        w.bytes(p.spi);
        w.bytes(p.data);
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const DeletePayload& p) {
        if (p.spis.size() > 0xFFFF) return encode_error("too many SPIs in Delete");
        w.u8(static_cast<uint8_t>(p.protocol));
        w.u8(p.spi_size);
        w.u16(static_cast<uint16_t>(p.spis.size()));
        for (const auto& spi : p.spis) {
            if (spi.size() != p.spi_size) return encode_error("Delete SPI of the wrong size");
            w.bytes(spi);
        }
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const VendorIdPayload& p) {
        w.bytes(p.data);
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const TsiPayload& p) { return encode_ts(p, w); }
    std::optional<DecodeError> operator()(const TsrPayload& p) { return encode_ts(p, w); }
    std::optional<DecodeError> operator()(const SkPayload& p) {
        w.bytes(p.body);
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const SkfPayload& p) {
        w.u16(p.fragment_number);
        w.u16(p.total_fragments);
        w.bytes(p.body);
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const CpPayload& p) {
        w.u8(static_cast<uint8_t>(p.cfg_type));
        w.zeros(3);
        for (const auto& a : p.attributes) {
            if (a.type > 0x7FFF || a.value.size() > 0xFFFF) return encode_error("CP attribute does not fit");
            w.u16(a.type);
            w.u16(static_cast<uint16_t>(a.value.size()));
            w.bytes(a.value);
        }
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const EapPayload& p) {
        w.bytes(p.data);
        return std::nullopt;
    }
    std::optional<DecodeError> operator()(const UnknownPayload& p) {
        w.bytes(p.data);
        return std::nullopt;
    }
};

} // namespace

std::optional<DecodeError> encode_body(const Payload& p, Writer& w) { return std::visit(BodyEncoder{w}, p); }

} // namespace ike::codec::detail
