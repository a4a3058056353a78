// SA payload: proposals, transforms, attributes (RFC 7296 3.3).
#include "payload_codec.h"

namespace ike::codec::detail {
namespace {

constexpr uint8_t kMoreProposals = 2;
constexpr uint8_t kMoreTransforms = 3;
constexpr uint16_t kAttrFormatTv = 0x8000;
constexpr uint16_t kKeyLength = 14;

Result<Transform> decode_transform(Reader t) {
    Transform tr;
    uint16_t id = 0;
    if (!t.skip(4) || !t.u8(tr.type) || !t.skip(1) || !t.u16(id)) return t.truncated("transform");
    tr.id = id;
    while (!t.empty()) {
        uint16_t af_type = 0;
        if (!t.u16(af_type)) return t.truncated("transform attribute");
        TransformAttribute a;
        a.type = af_type & 0x7FFF;
        a.tv = (af_type & kAttrFormatTv) != 0;
        if (a.tv) {
            if (!t.bytes(2, a.value)) return t.truncated("transform attribute value");
        } else {
            uint16_t len = 0;
            if (!t.u16(len) || !t.bytes(len, a.value)) return t.truncated("transform attribute value");
        }
        if (a.tv && a.type == kKeyLength && !tr.key_length)
            tr.key_length = static_cast<uint16_t>(a.value[0] << 8 | a.value[1]);
        else
            tr.other_attributes.push_back(std::move(a));
    }
    return tr;
}

Result<Proposal> decode_proposal(Reader p, uint8_t& last) {
    Proposal pr;
    uint8_t protocol = 0, spi_size = 0, num_transforms = 0;
    uint16_t len = 0;
    if (!p.u8(last) || !p.skip(1) || !p.u16(len) || !p.u8(pr.number) || !p.u8(protocol) || !p.u8(spi_size) ||
        !p.u8(num_transforms))
        return p.truncated("proposal");
    pr.protocol = static_cast<ProtocolId>(protocol);
    if (!p.bytes(spi_size, pr.spi)) return p.truncated("proposal SPI");
    for (unsigned i = 0; i < num_transforms; ++i) {
        const std::size_t at = p.offset();
        uint8_t t_last = 0;
        uint16_t t_len = 0;
        Reader peek = p;
        if (!peek.u8(t_last) || !peek.skip(1) || !peek.u16(t_len)) return p.truncated("transform header");
        if (t_len < 8) return DecodeError{at, "transform length below 8", DecodeErrorKind::BadLength, 0};
        Reader t({}, 0);
        if (!p.sub(t_len, t)) return p.truncated("transform");
        const bool is_last = i + 1 == num_transforms;
        if (t_last != (is_last ? 0 : kMoreTransforms))
            return DecodeError{at, "transform 'last' marker disagrees with count", DecodeErrorKind::InvalidSyntax, 0};
        auto tr = decode_transform(t);
        if (!tr) return tr.error();
        pr.transforms.push_back(std::move(tr.value()));
    }
    if (!p.empty()) return p.error(DecodeErrorKind::BadLength, "proposal longer than its transforms");
    return pr;
}

} // namespace

Result<SaPayload> decode_sa(Reader body) {
    SaPayload sa;
    if (body.empty()) return body.error(DecodeErrorKind::InvalidSyntax, "SA payload without proposals");
    while (!body.empty()) {
        const std::size_t at = body.offset();
        Reader peek = body;
        uint8_t last_peek = 0;
        uint16_t len = 0;
        if (!peek.u8(last_peek) || !peek.skip(1) || !peek.u16(len)) return body.truncated("proposal header");
        if (len < 8) return DecodeError{at, "proposal length below 8", DecodeErrorKind::BadLength, 0};
        Reader p({}, 0);
        if (!body.sub(len, p)) return body.truncated("proposal");
        uint8_t last = 0;
        auto pr = decode_proposal(p, last);
        if (!pr) return pr.error();
        if (last != (body.empty() ? 0 : kMoreProposals))
            return DecodeError{at, "proposal 'last' marker disagrees with SA length", DecodeErrorKind::InvalidSyntax,
                               0};
        sa.proposals.push_back(std::move(pr.value()));
    }
    return sa;
}

namespace {

std::optional<DecodeError> encode_transform(const Transform& t, bool last, Writer& w) {
    const std::size_t start = w.out.size();
    w.u8(last ? 0 : kMoreTransforms);
    w.u8(0);
    w.u16(0);
    w.u8(t.type);
    w.u8(0);
    w.u16(t.id);
    if (t.key_length) {
        w.u16(kAttrFormatTv | kKeyLength);
        w.u16(*t.key_length);
    }
    for (const auto& a : t.other_attributes) {
        if (a.type > 0x7FFF) return encode_error("attribute type over 15 bits");
        if (a.tv) {
            if (a.value.size() != 2) return encode_error("TV attribute value must be 2 octets");
            w.u16(kAttrFormatTv | a.type);
        } else {
            if (a.value.size() > 0xFFFF) return encode_error("TLV attribute too long");
            w.u16(a.type);
            w.u16(static_cast<uint16_t>(a.value.size()));
        }
        w.bytes(a.value);
    }
    if (!w.patch16(start + 2, w.out.size() - start)) return encode_error("transform too long");
    return std::nullopt;
}

} // namespace

std::optional<DecodeError> encode_sa(const SaPayload& sa, Writer& w) {
    if (sa.proposals.empty()) return encode_error("SA payload without proposals");
    for (std::size_t i = 0; i < sa.proposals.size(); ++i) {
        const Proposal& p = sa.proposals[i];
        if (p.spi.size() > 255 || p.transforms.size() > 255)
            return encode_error("proposal SPI or transform count too big");
        const std::size_t start = w.out.size();
        w.u8(i + 1 == sa.proposals.size() ? 0 : kMoreProposals);
        w.u8(0);
        w.u16(0);
        w.u8(p.number);
        w.u8(static_cast<uint8_t>(p.protocol));
        w.u8(static_cast<uint8_t>(p.spi.size()));
        w.u8(static_cast<uint8_t>(p.transforms.size()));
        w.bytes(p.spi);
        for (std::size_t t = 0; t < p.transforms.size(); ++t)
            if (auto err = encode_transform(p.transforms[t], t + 1 == p.transforms.size(), w)) return err;
        if (!w.patch16(start + 2, w.out.size() - start)) return encode_error("proposal too long");
    }
    return std::nullopt;
}

} // namespace ike::codec::detail
