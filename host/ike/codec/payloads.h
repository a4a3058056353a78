// Payload value types (RFC 7296 3.2-3.16, RFC 7383 2.5). Each struct holds
// the payload body; the generic header (next payload, critical bit, length)
// is produced by encode() from the position in Message::payloads.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "types.h"

namespace ike::codec {

using Bytes = std::vector<uint8_t>;

// Transform attribute (3.3.5). TV form (AF=1) carries exactly 2 value octets.
struct TransformAttribute {
    uint16_t type = 0; // without the AF bit
    bool tv = true;
    Bytes value;
    bool operator==(const TransformAttribute&) const = default;
};

struct Transform {
    uint8_t type = 0; // ike::crypto::TransformType
    uint16_t id = 0;
    std::optional<uint16_t> key_length; // Key Length attribute (type 14), bits
    std::vector<TransformAttribute> other_attributes;
    bool operator==(const Transform&) const = default;
};

struct Proposal {
    uint8_t number = 1; // starts at 1, increments by one
    ProtocolId protocol = ProtocolId::IKE;
    Bytes spi; // empty in IKE_SA_INIT, 8 for IKE rekey, 4 for ESP/AH
    std::vector<Transform> transforms;
    bool operator==(const Proposal&) const = default;
};

struct SaPayload {
    std::vector<Proposal> proposals;
    bool operator==(const SaPayload&) const = default;
};

struct KePayload {
    uint16_t group = 0;
    Bytes data;
    bool operator==(const KePayload&) const = default;
};

struct IdBody {
    IdType id_type = IdType::FQDN;
    Bytes data;
    bool operator==(const IdBody&) const = default;
};
struct IdiPayload : IdBody {};
struct IdrPayload : IdBody {};

struct CertBody {
    uint8_t encoding = 4; // CertEncoding
    Bytes data;
    bool operator==(const CertBody&) const = default;
};
struct CertPayload : CertBody {};
struct CertreqPayload : CertBody {};

struct AuthPayload {
    AuthMethod method = AuthMethod::SHARED_KEY_MIC;
    Bytes data;
    bool operator==(const AuthPayload&) const = default;
};

struct NoncePayload {
    Bytes data; // 16..256 octets (checked on decode)
    bool operator==(const NoncePayload&) const = default;
};

struct NotifyPayload {
    ProtocolId protocol = ProtocolId::NONE;
    Bytes spi;
    NotifyType type = NotifyType::INITIAL_CONTACT;
    Bytes data;
    bool operator==(const NotifyPayload&) const = default;
};

struct DeletePayload {
    ProtocolId protocol = ProtocolId::ESP;
    uint8_t spi_size = 4;    // 0 for IKE, 4 for ESP/AH
    std::vector<Bytes> spis; // each spi_size octets
    bool operator==(const DeletePayload&) const = default;
};

struct VendorIdPayload {
    Bytes data;
    bool operator==(const VendorIdPayload&) const = default;
};

// One traffic selector (3.13.1). For types 7/8 the addresses are 4/16
// octets. Other TS types are kept as `opaque` (the octets after the
// selector length) and the remaining fields are unused.
struct TrafficSelector {
    uint8_t ts_type = static_cast<uint8_t>(TsType::IPV4_ADDR_RANGE);
    uint8_t ip_protocol = 0; // 0 = any
    uint16_t start_port = 0;
    uint16_t end_port = 65535;
    Bytes start_address;
    Bytes end_address;
    Bytes opaque;
    bool operator==(const TrafficSelector&) const = default;
};

struct TsBody {
    std::vector<TrafficSelector> selectors;
    bool operator==(const TsBody&) const = default;
};
struct TsiPayload : TsBody {};
struct TsrPayload : TsBody {};

// Encrypted payload as on the wire: first_inner is the Next Payload field
// (type of the first inner payload), body = IV || ciphertext || ICV.
struct SkPayload {
    uint8_t first_inner = 0;
    Bytes body;
    bool operator==(const SkPayload&) const = default;
};

// Encrypted fragment (RFC 7383 2.5). first_inner is non-zero only in
// fragment 1. body = IV || ciphertext || ICV.
struct SkfPayload {
    uint8_t first_inner = 0;
    uint16_t fragment_number = 1;
    uint16_t total_fragments = 1;
    Bytes body;
    bool operator==(const SkfPayload&) const = default;
};

struct CpAttribute {
    uint16_t type = 0; // without the reserved bit
    Bytes value;
    bool operator==(const CpAttribute&) const = default;
};

struct CpPayload {
    CfgType cfg_type = CfgType::REQUEST;
    std::vector<CpAttribute> attributes;
    bool operator==(const CpPayload&) const = default;
};

struct EapPayload {
    Bytes data; // the whole EAP message, opaque
    bool operator==(const EapPayload&) const = default;
};

// A payload type this codec does not know, without the critical bit (kept
// so a message can be re-encoded; the protocol layer ignores it).
struct UnknownPayload {
    uint8_t type = 0;
    bool critical = false;
    Bytes data;
    bool operator==(const UnknownPayload&) const = default;
};

using Payload = std::variant<SaPayload, KePayload, IdiPayload, IdrPayload, CertPayload, CertreqPayload, AuthPayload,
                             NoncePayload, NotifyPayload, DeletePayload, VendorIdPayload, TsiPayload, TsrPayload,
                             SkPayload, SkfPayload, CpPayload, EapPayload, UnknownPayload>;

// The wire type of a payload value.
uint8_t payload_type(const Payload& p);

// Convenience constructors.
NotifyPayload make_notify(NotifyType type, Bytes data = {});
// INVALID_KE_PAYLOAD carries the accepted group as 2 octets (3.10.1).
NotifyPayload make_invalid_ke_notify(uint16_t group);
// The group inside an INVALID_KE_PAYLOAD notify, nullopt if malformed.
std::optional<uint16_t> invalid_ke_group(const NotifyPayload& n);

// ID payload body octets (ID type | 3 reserved | data) as used in AUTH
// (RestOfIDPayload, RFC 7296 2.15).
Bytes id_body_octets(const IdBody& id);

} // namespace ike::codec
