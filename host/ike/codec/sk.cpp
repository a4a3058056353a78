// SK (RFC 7296 3.14) and SKF (RFC 7383 2.5) protection.
#include "sk.h"

#include "payload_codec.h"

namespace ike::codec {
namespace {

constexpr uint8_t kSk = static_cast<uint8_t>(PayloadType::SK);
constexpr uint8_t kSkf = static_cast<uint8_t>(PayloadType::SKF);
constexpr std::size_t kSkfFieldsBytes = 4; // Fragment Number, Total Fragments

DecodeError failure(DecodeErrorKind kind, std::string what, std::size_t offset = 0) {
    return DecodeError{offset, std::move(what), kind, 0};
}

// content | zero padding | pad length, a multiple of block octets.
std::vector<uint8_t> pad(std::span<const uint8_t> content, std::size_t block) {
    const std::size_t pad_len = (block - (content.size() + 1) % block) % block;
    std::vector<uint8_t> out(content.begin(), content.end());
    out.insert(out.end(), pad_len, 0);
    out.push_back(static_cast<uint8_t>(pad_len));
    return out;
}

// Writes header | encrypted payload header [| fragment fields] with final
// lengths, seals `content` and appends the body.
Result<std::vector<uint8_t>> seal_datagram(const Header& h, uint8_t outer_type, uint8_t first_inner,
                                           const uint16_t* fragment_fields, std::span<const uint8_t> content,
                                           crypto::SkCipher& cipher, std::span<const uint8_t> fixed_iv) {
    const std::vector<uint8_t> padded = pad(content, cipher.block_bytes());
    const std::size_t extra = fragment_fields ? kSkfFieldsBytes : 0;
    const std::size_t payload_len =
        GENERIC_PAYLOAD_HEADER_BYTES + extra + cipher.iv_bytes() + padded.size() + cipher.icv_bytes();
    if (payload_len > 0xFFFF) return failure(DecodeErrorKind::EncodeFailure, "encrypted payload over 65535 octets");
    std::vector<uint8_t> out;
    detail::Writer w{out};
    detail::write_header(h, outer_type, static_cast<uint32_t>(IKE_HEADER_BYTES + payload_len), w);
    w.u8(first_inner);
    w.u8(0);
    w.u16(static_cast<uint16_t>(payload_len));
    if (fragment_fields) {
        w.u16(fragment_fields[0]);
        w.u16(fragment_fields[1]);
    }
    auto body = fixed_iv.empty() ? cipher.seal(out, padded) : cipher.seal_with_iv(out, fixed_iv, padded);
    if (!body || body->size() != cipher.iv_bytes() + padded.size() + cipher.icv_bytes())
        return failure(DecodeErrorKind::CryptoFailure, "cipher refused to seal");
    w.bytes(*body);
    return out;
}

// Verifies and decrypts the body of the last payload; returns the content
// without padding. body_size is the size of that body at the datagram's end.
Result<std::vector<uint8_t>> open_body(std::span<const uint8_t> wire, std::size_t body_size,
                                       const crypto::SkCipher& cipher) {
    const std::size_t prefix_len = wire.size() - body_size;
    auto plain = cipher.open(wire.first(prefix_len), wire.subspan(prefix_len));
    if (!plain) return failure(DecodeErrorKind::IntegrityCheckFailed, "ICV check or decryption failed", prefix_len);
    if (plain->empty()) return failure(DecodeErrorKind::InvalidSyntax, "no pad length octet", prefix_len);
    const std::size_t pad_len = plain->back();
    if (pad_len + 1 > plain->size())
        return failure(DecodeErrorKind::InvalidSyntax, "pad length beyond the plaintext", prefix_len);
    return std::vector<uint8_t>(plain->begin(), plain->end() - static_cast<std::ptrdiff_t>(pad_len + 1));
}

Result<std::vector<uint8_t>> protect_impl(const Header& header, std::span<const Payload> inner,
                                          crypto::SkCipher& cipher, std::span<const uint8_t> iv) {
    uint8_t first = 0;
    auto content = encode_payload_chain(inner, first);
    if (!content) return content.error();
    return seal_datagram(header, kSk, first, nullptr, content.value(), cipher, iv);
}

} // namespace

Result<std::vector<uint8_t>> protect(const Header& header, std::span<const Payload> inner, crypto::SkCipher& cipher) {
    return protect_impl(header, inner, cipher, {});
}

Result<std::vector<uint8_t>> protect_with_iv(const Header& header, std::span<const Payload> inner,
                                             crypto::SkCipher& cipher, std::span<const uint8_t> iv) {
    if (iv.size() != cipher.iv_bytes()) return failure(DecodeErrorKind::EncodeFailure, "IV of the wrong size");
    return protect_impl(header, inner, cipher, iv);
}

Result<Message> unprotect(std::span<const uint8_t> wire, const crypto::SkCipher& cipher) {
    auto outer = decode(wire);
    if (!outer) return outer.error();
    Message& m = outer.value();
    const SkPayload* sk = m.payloads.empty() ? nullptr : std::get_if<SkPayload>(&m.payloads.back());
    if (sk == nullptr) return failure(DecodeErrorKind::MissingPayload, "no SK payload");
    const std::size_t body_offset = wire.size() - sk->body.size();
    auto content = open_body(wire, sk->body.size(), cipher);
    if (!content) return content.error();
    auto inner = decode_payload_chain(sk->first_inner, content.value(), body_offset + cipher.iv_bytes());
    if (!inner) return inner.error();
    m.payloads.pop_back();
    for (auto& p : inner.value()) m.payloads.push_back(std::move(p));
    return std::move(outer.value());
}

Result<std::vector<std::vector<uint8_t>>> protect_fragments(const Header& header, std::span<const Payload> inner,
                                                            crypto::SkCipher& cipher, std::size_t max_datagram) {
    uint8_t first = 0;
    auto content = encode_payload_chain(inner, first);
    if (!content) return content.error();
    const std::size_t fixed =
        IKE_HEADER_BYTES + GENERIC_PAYLOAD_HEADER_BYTES + kSkfFieldsBytes + cipher.iv_bytes() + cipher.icv_bytes();
    const std::size_t block = cipher.block_bytes();
    if (max_datagram < fixed + 2 * block) return failure(DecodeErrorKind::EncodeFailure, "fragment size too small");
    // Largest chunk whose padded form (chunk | pad | pad length) fits.
    const std::size_t chunk = (max_datagram - fixed) / block * block - 1;
    const std::vector<uint8_t>& plain = content.value();
    const std::size_t total = plain.empty() ? 1 : (plain.size() + chunk - 1) / chunk;
    if (total > 0xFFFF) return failure(DecodeErrorKind::EncodeFailure, "too many fragments");
    std::vector<std::vector<uint8_t>> out;
    for (std::size_t i = 0; i < total; ++i) {
        const std::size_t begin = i * chunk;
        const std::size_t len = std::min(chunk, plain.size() - std::min(begin, plain.size()));
        auto dgram =
            protect_fragment(header, i == 0 ? first : 0, static_cast<uint16_t>(i + 1), static_cast<uint16_t>(total),
                             std::span<const uint8_t>(plain).subspan(std::min(begin, plain.size()), len), cipher);
        if (!dgram) return dgram.error();
        out.push_back(std::move(dgram.value()));
    }
    return out;
}

Result<std::vector<uint8_t>> protect_fragment(const Header& header, uint8_t first_inner, uint16_t number,
                                              uint16_t total, std::span<const uint8_t> content,
                                              crypto::SkCipher& cipher) {
    const uint16_t fields[2] = {number, total};
    return seal_datagram(header, kSkf, first_inner, fields, content, cipher, {});
}

Result<Fragment> unprotect_fragment(std::span<const uint8_t> wire, const crypto::SkCipher& cipher) {
    auto outer = decode(wire);
    if (!outer) return outer.error();
    const Message& m = outer.value();
    const SkfPayload* skf = m.payloads.empty() ? nullptr : std::get_if<SkfPayload>(&m.payloads.back());
    if (skf == nullptr) return failure(DecodeErrorKind::MissingPayload, "no SKF payload");
    auto content = open_body(wire, skf->body.size(), cipher);
    if (!content) return content.error();
    return Fragment{m.header, skf->first_inner, skf->fragment_number, skf->total_fragments, std::move(content.value())};
}

FragmentReassembler::Add FragmentReassembler::add(Fragment f) {
    if (f.number == 0 || f.total == 0 || f.number > f.total) return Add::bad_number;
    Add result = Add::stored;
    if (!parts_.empty()) {
        if (f.header.message_id != header_.message_id || f.header.spi_i != header_.spi_i ||
            f.header.spi_r != header_.spi_r || f.header.exchange != header_.exchange)
            return Add::other_message;
        // A retransmission split for a smaller path MTU has more fragments:
        // it replaces what is held; one with fewer is stale.
        if (f.total < total_) return Add::fewer_total;
        if (f.total > total_) {
            clear();
            result = Add::restarted;
        } else if (parts_.count(f.number)) {
            return Add::duplicate;
        }
    }
    if (parts_.empty()) {
        header_ = f.header;
        total_ = f.total;
    }
    if (f.number == 1) first_inner_ = f.first_inner;
    bytes_ += f.content.size();
    parts_.emplace(f.number, std::move(f.content));
    return result;
}

void FragmentReassembler::clear() {
    parts_.clear();
    total_ = 0;
    first_inner_ = 0;
    bytes_ = 0;
}

bool FragmentReassembler::complete() const { return total_ != 0 && parts_.size() == total_; }

Result<Message> FragmentReassembler::message() const {
    if (!complete()) return failure(DecodeErrorKind::MissingPayload, "fragments missing");
    std::vector<uint8_t> joined;
    for (const auto& [n, part] : parts_) joined.insert(joined.end(), part.begin(), part.end());
    auto inner = decode_payload_chain(first_inner_, joined, 0);
    if (!inner) return inner.error();
    return Message{header_, std::move(inner.value())};
}

} // namespace ike::codec
