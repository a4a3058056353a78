#include "payloads.h"

#include <algorithm>

namespace ike::codec {
namespace {

template <class... Fs>
struct Overloaded : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

constexpr uint8_t t(PayloadType p) { return static_cast<uint8_t>(p); }

} // namespace

uint8_t payload_type(const Payload& p) {
    return std::visit(Overloaded{
                          [](const SaPayload&) { return t(PayloadType::SA); },
                          [](const KePayload&) { return t(PayloadType::KE); },
                          [](const IdiPayload&) { return t(PayloadType::IDi); },
                          [](const IdrPayload&) { return t(PayloadType::IDr); },
                          [](const CertPayload&) { return t(PayloadType::CERT); },
                          [](const CertreqPayload&) { return t(PayloadType::CERTREQ); },
                          [](const AuthPayload&) { return t(PayloadType::AUTH); },
                          [](const NoncePayload&) { return t(PayloadType::NONCE); },
                          [](const NotifyPayload&) { return t(PayloadType::NOTIFY); },
                          [](const DeletePayload&) { return t(PayloadType::DELETE); },
                          [](const VendorIdPayload&) { return t(PayloadType::VENDOR); },
                          [](const TsiPayload&) { return t(PayloadType::TSi); },
                          [](const TsrPayload&) { return t(PayloadType::TSr); },
                          [](const SkPayload&) { return t(PayloadType::SK); },
                          [](const SkfPayload&) { return t(PayloadType::SKF); },
                          [](const CpPayload&) { return t(PayloadType::CP); },
                          [](const EapPayload&) { return t(PayloadType::EAP); },
                          [](const UnknownPayload& u) { return u.type; },
                      },
                      p);
}

NotifyPayload make_notify(NotifyType type, Bytes data) {
    NotifyPayload n;
    n.type = type;
    n.data = std::move(data);
    return n;
}

NotifyPayload make_invalid_ke_notify(uint16_t group) {
    return make_notify(NotifyType::INVALID_KE_PAYLOAD,
                       Bytes{static_cast<uint8_t>(group >> 8), static_cast<uint8_t>(group)});
}

std::optional<uint16_t> invalid_ke_group(const NotifyPayload& n) {
    if (n.type != NotifyType::INVALID_KE_PAYLOAD || n.data.size() != 2) return std::nullopt;
    return static_cast<uint16_t>(n.data[0] << 8 | n.data[1]);
}

Bytes id_body_octets(const IdBody& id) {
    // Sized up front: growing a 4-octet vector trips a GCC 12 -Warray-bounds false positive.
    Bytes out(4 + id.data.size(), 0);
    out[0] = static_cast<uint8_t>(id.id_type);
    std::copy(id.data.begin(), id.data.end(), out.begin() + 4);
    return out;
}

} // namespace ike::codec
