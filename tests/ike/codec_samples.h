// Sample payloads and messages for the codec tests and the fuzz seed
// corpus: one of every payload type, with realistic contents.
#pragma once

#include <cstdint>
#include <vector>

#include "codec/message.h"

namespace ike_samples {

using namespace ike::codec;

inline Bytes fill(std::size_t n, uint8_t seed) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + 3 * i);
    return out;
}

inline SaPayload sample_sa() {
    Proposal ike;
    ike.number = 1;
    ike.protocol = ProtocolId::IKE;
    ike.transforms = {
        Transform{1, 20, 256, {}},          // ENCR AES_GCM_16 256
        Transform{1, 12, 128, {}},          // ENCR AES_CBC 128
        Transform{2, 6, std::nullopt, {}},  // PRF_HMAC_SHA2_384
        Transform{3, 12, std::nullopt, {}}, // HMAC_SHA2_256_128
        Transform{4, 20, std::nullopt, {}}, // ECP_384
        Transform{4, 31, std::nullopt, {TransformAttribute{77, false, fill(5, 9)}}},
    };
    Proposal esp;
    esp.number = 2;
    esp.protocol = ProtocolId::ESP;
    esp.spi = {0xC0, 0x01, 0xD0, 0x0D};
    esp.transforms = {Transform{1, 28, std::nullopt, {}}, Transform{5, 0, std::nullopt, {}},
                      Transform{5, 1, std::nullopt, {}}};
    return SaPayload{{ike, esp}};
}

inline TrafficSelector v4_selector() { return TrafficSelector{7, 6, 80, 443, {10, 0, 0, 0}, {10, 0, 255, 255}, {}}; }

inline TrafficSelector v6_selector() {
    Bytes lo(16, 0), hi(16, 0xFF);
    lo[0] = 0x20;
    lo[1] = 0x01;
    hi[0] = 0x20;
    hi[1] = 0x01;
    return TrafficSelector{8, 0, 0, 65535, lo, hi, {}};
}

// One payload of every type except SK/SKF (those must be last).
inline std::vector<Payload> every_plain_payload() {
    std::vector<Payload> p;
    p.push_back(sample_sa());
    p.push_back(KePayload{20, fill(96, 1)});
    p.push_back(NoncePayload{fill(32, 2)});
    p.push_back(IdiPayload{{IdType::FQDN, {'g', 'w', '1', '.', 'e', 'x'}}});
    p.push_back(IdrPayload{{IdType::IPV4_ADDR, {192, 0, 2, 7}}});
    p.push_back(CertPayload{{4, fill(40, 3)}});
    p.push_back(CertreqPayload{{4, fill(20, 4)}});
    p.push_back(AuthPayload{AuthMethod::SHARED_KEY_MIC, fill(32, 5)});
    p.push_back(make_notify(NotifyType::NAT_DETECTION_SOURCE_IP, fill(20, 6)));
    p.push_back(make_invalid_ke_notify(19));
    NotifyPayload rekey = make_notify(NotifyType::REKEY_SA);
    rekey.protocol = ProtocolId::ESP;
    rekey.spi = {1, 2, 3, 4};
    p.push_back(rekey);
    p.push_back(DeletePayload{ProtocolId::ESP, 4, {{1, 2, 3, 4}, {5, 6, 7, 8}}});
    p.push_back(DeletePayload{ProtocolId::IKE, 0, {}});
    p.push_back(VendorIdPayload{fill(16, 7)});
    p.push_back(TsiPayload{{{v4_selector(), v6_selector()}}});
    p.push_back(TsrPayload{{{v4_selector(), TrafficSelector{9, 0, 0, 0, {}, {}, fill(6, 8)}}}});
    p.push_back(CpPayload{CfgType::REQUEST, {CpAttribute{1, {}}, CpAttribute{3, fill(4, 9)}}});
    p.push_back(EapPayload{{1, 7, 0, 5, 1}});
    p.push_back(UnknownPayload{60, false, fill(9, 10)});
    return p;
}

inline Header sample_header(ExchangeType x, uint32_t mid) {
    return Header{0x1122334455667788ULL, 0x99AABBCCDDEEFF00ULL, 2, 0, x, FLAG_INITIATOR, mid};
}

inline Message every_payload_message() {
    return Message{sample_header(ExchangeType::IKE_AUTH, 1), every_plain_payload()};
}

inline Message ike_sa_init_request() {
    Message m{sample_header(ExchangeType::IKE_SA_INIT, 0), {}};
    m.header.spi_r = 0;
    m.payloads.push_back(sample_sa());
    m.payloads.push_back(KePayload{31, fill(32, 11)});
    m.payloads.push_back(NoncePayload{fill(32, 12)});
    m.payloads.push_back(make_notify(NotifyType::NAT_DETECTION_SOURCE_IP, fill(20, 13)));
    m.payloads.push_back(make_notify(NotifyType::NAT_DETECTION_DESTINATION_IP, fill(20, 14)));
    m.payloads.push_back(make_notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED));
    m.payloads.push_back(make_notify(NotifyType::SIGNATURE_HASH_ALGORITHMS, {0, 2, 0, 3, 0, 4}));
    return m;
}

inline Message sk_message() {
    Message m{sample_header(ExchangeType::INFORMATIONAL, 7), {}};
    m.payloads.push_back(SkPayload{static_cast<uint8_t>(PayloadType::DELETE), fill(60, 15)});
    return m;
}

inline Message skf_message() {
    Message m{sample_header(ExchangeType::IKE_AUTH, 1), {}};
    m.payloads.push_back(SkfPayload{static_cast<uint8_t>(PayloadType::IDi), 1, 3, fill(48, 16)});
    return m;
}

} // namespace ike_samples
