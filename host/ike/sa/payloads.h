// The protocol's view of an IKEv2 message (RFC 7296 §3): the payloads the
// exchanges read and write, by kind. The wire format is ike_codec's: this
// view is converted to and from codec::Payload lists, and ike_codec encodes,
// decodes and protects (SK payload) them. Numbers come from ike_codec and
// ike_crypto; the short names here are for the task code.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "codec/message.h"
#include "crypto/sk_cipher.h"
#include "crypto/transforms.h"
#include "secret.h"
#include "traffic_selector.h"

namespace ike::sa {

namespace detail {
template <class E>
constexpr auto num(E e) {
    return static_cast<std::underlying_type_t<E>>(e);
}
} // namespace detail

enum Exchange : uint8_t {
    IKE_SA_INIT = detail::num(codec::ExchangeType::IKE_SA_INIT),
    IKE_AUTH = detail::num(codec::ExchangeType::IKE_AUTH),
    CREATE_CHILD_SA = detail::num(codec::ExchangeType::CREATE_CHILD_SA),
    INFORMATIONAL = detail::num(codec::ExchangeType::INFORMATIONAL),
};
enum Flags : uint8_t { F_INITIATOR = codec::FLAG_INITIATOR, F_RESPONSE = codec::FLAG_RESPONSE };
enum ProtocolId : uint8_t {
    PROTO_IKE = detail::num(codec::ProtocolId::IKE),
    PROTO_AH = detail::num(codec::ProtocolId::AH),
    PROTO_ESP = detail::num(codec::ProtocolId::ESP),
};
enum TransformType : uint8_t {
    TT_ENCR = detail::num(crypto::TransformType::ENCR),
    TT_PRF = detail::num(crypto::TransformType::PRF),
    TT_INTEG = detail::num(crypto::TransformType::INTEG),
    TT_DH = detail::num(crypto::TransformType::DH),
    TT_ESN = detail::num(crypto::TransformType::ESN),
};
enum EncrId : uint16_t {
    ENCR_AES_CBC = detail::num(crypto::EncrId::AES_CBC),
    ENCR_AES_GCM_16 = detail::num(crypto::EncrId::AES_GCM_16),
    ENCR_CHACHA20_POLY1305 = detail::num(crypto::EncrId::CHACHA20_POLY1305),
};
enum PrfId : uint16_t {
    PRF_HMAC_SHA1 = detail::num(crypto::PrfId::HMAC_SHA1),
    PRF_HMAC_SHA2_256 = detail::num(crypto::PrfId::HMAC_SHA2_256),
    PRF_HMAC_SHA2_384 = detail::num(crypto::PrfId::HMAC_SHA2_384),
    PRF_HMAC_SHA2_512 = detail::num(crypto::PrfId::HMAC_SHA2_512),
};
enum IntegId : uint16_t {
    AUTH_NONE = detail::num(crypto::IntegId::NONE),
    AUTH_HMAC_SHA1_96 = detail::num(crypto::IntegId::HMAC_SHA1_96),
    AUTH_HMAC_SHA2_256_128 = detail::num(crypto::IntegId::HMAC_SHA2_256_128),
    AUTH_HMAC_SHA2_384_192 = detail::num(crypto::IntegId::HMAC_SHA2_384_192),
    AUTH_HMAC_SHA2_512_256 = detail::num(crypto::IntegId::HMAC_SHA2_512_256),
};
enum AuthMethod : uint8_t { AUTH_PSK = detail::num(codec::AuthMethod::SHARED_KEY_MIC) };
enum CertEncoding : uint8_t { CERT_X509_SIGNATURE = detail::num(codec::CertEncoding::X509_SIGNATURE) };
enum IdType : uint8_t {
    ID_IPV4_ADDR = detail::num(codec::IdType::IPV4_ADDR),
    ID_FQDN = detail::num(codec::IdType::FQDN),
    ID_RFC822_ADDR = detail::num(codec::IdType::RFC822_ADDR),
    ID_IPV6_ADDR = detail::num(codec::IdType::IPV6_ADDR),
    ID_KEY_ID = detail::num(codec::IdType::KEY_ID),
    ID_DER_ASN1_DN = detail::num(codec::IdType::DER_ASN1_DN),
};
#define IKE_SA_NOTIFY(name) N_##name = detail::num(codec::NotifyType::name)
enum NotifyType : uint16_t {
    IKE_SA_NOTIFY(UNSUPPORTED_CRITICAL_PAYLOAD),
    IKE_SA_NOTIFY(INVALID_IKE_SPI),
    IKE_SA_NOTIFY(INVALID_MAJOR_VERSION),
    IKE_SA_NOTIFY(INVALID_SYNTAX),
    IKE_SA_NOTIFY(INVALID_MESSAGE_ID),
    IKE_SA_NOTIFY(INVALID_SPI),
    IKE_SA_NOTIFY(NO_PROPOSAL_CHOSEN),
    IKE_SA_NOTIFY(INVALID_KE_PAYLOAD),
    IKE_SA_NOTIFY(AUTHENTICATION_FAILED),
    IKE_SA_NOTIFY(SINGLE_PAIR_REQUIRED),
    IKE_SA_NOTIFY(NO_ADDITIONAL_SAS),
    IKE_SA_NOTIFY(INTERNAL_ADDRESS_FAILURE),
    IKE_SA_NOTIFY(FAILED_CP_REQUIRED),
    IKE_SA_NOTIFY(TS_UNACCEPTABLE),
    IKE_SA_NOTIFY(INVALID_SELECTORS),
    IKE_SA_NOTIFY(TEMPORARY_FAILURE),
    IKE_SA_NOTIFY(CHILD_SA_NOT_FOUND),
    IKE_SA_NOTIFY(INITIAL_CONTACT),
    IKE_SA_NOTIFY(SET_WINDOW_SIZE),
    IKE_SA_NOTIFY(ADDITIONAL_TS_POSSIBLE),
    IKE_SA_NOTIFY(IPCOMP_SUPPORTED),
    IKE_SA_NOTIFY(NAT_DETECTION_SOURCE_IP),
    IKE_SA_NOTIFY(NAT_DETECTION_DESTINATION_IP),
    IKE_SA_NOTIFY(COOKIE),
    IKE_SA_NOTIFY(USE_TRANSPORT_MODE),
    IKE_SA_NOTIFY(REKEY_SA),
    IKE_SA_NOTIFY(ESP_TFC_PADDING_NOT_SUPPORTED),
    IKE_SA_NOTIFY(NON_FIRST_FRAGMENTS_ALSO),
    IKE_SA_NOTIFY(MOBIKE_SUPPORTED),
    IKE_SA_NOTIFY(SIGNATURE_HASH_ALGORITHMS),
    IKE_SA_NOTIFY(IKEV2_FRAGMENTATION_SUPPORTED),
};
#undef IKE_SA_NOTIFY
enum PayloadType : uint8_t { PL_NOTIFY = detail::num(codec::PayloadType::NOTIFY) };

inline std::string notify_name(uint16_t type) { return codec::notify_name(static_cast<codec::NotifyType>(type)); }
inline std::string exchange_name(uint8_t exch) { return codec::exchange_name(static_cast<codec::ExchangeType>(exch)); }

// A message that does not decode (or does not verify). `notify` is what a
// responder answers with; integrity failures are dropped silently instead.
struct WireError : std::runtime_error {
    WireError(const std::string& what, codec::DecodeErrorKind k = codec::DecodeErrorKind::InvalidSyntax,
              uint16_t n = N_INVALID_SYNTAX)
        : std::runtime_error(what), kind(k), notify(n) {}
    codec::DecodeErrorKind kind;
    uint16_t notify;
    bool integrity() const {
        return kind == codec::DecodeErrorKind::IntegrityCheckFailed || kind == codec::DecodeErrorKind::CryptoFailure;
    }
};

// The WireError of a codec decode error.
WireError wire_error(const codec::DecodeError& e);

// Proposal selection works on these (unknown transform attributes dropped).
struct Transform {
    uint8_t type = 0;
    uint16_t id = 0;
    uint16_t key_bits = 0; // Key Length attribute; 0 = absent
    bool operator==(const Transform&) const = default;
};

struct Proposal {
    uint8_t num = 1;
    uint8_t protocol = PROTO_IKE;
    Bytes spi;
    std::vector<Transform> transforms;
};

struct Notify {
    uint8_t protocol = 0;
    Bytes spi;
    uint16_t type = 0;
    Bytes data;
};

struct DeletePl {
    uint8_t protocol = PROTO_IKE;
    std::vector<uint32_t> spis; // ESP/AH SPIs (empty for IKE)
};

struct IdPl {
    uint8_t type = ID_IPV4_ADDR;
    Bytes data;
    Bytes body() const; // IDType | RESERVED(3) | data, as signed in AUTH
};

struct AuthPl {
    uint8_t method = AUTH_PSK;
    Bytes data;
};

// CERT (RFC 7296 3.6) and CERTREQ (3.7; data: SHA-1 hashes of CA keys).
struct CertPl {
    uint8_t encoding = CERT_X509_SIGNATURE;
    Bytes data;
};

struct KePl {
    uint16_t group = 0;
    Bytes data;
};

struct Payloads {
    std::optional<std::vector<Proposal>> sa;
    std::optional<KePl> ke;
    std::optional<Bytes> nonce;
    std::optional<IdPl> idi, idr;
    std::optional<AuthPl> auth;
    std::vector<CertPl> certs, certreqs;
    std::vector<Notify> notifies;
    std::vector<DeletePl> deletes;
    std::optional<std::vector<Ts>> tsi, tsr;

    const Notify* find(uint16_t type) const;
    bool has(uint16_t type) const { return find(type) != nullptr; }
    // First notify of error type (< 16384), or nullptr.
    const Notify* error() const;
    void add(uint16_t type, Bytes data = {}, uint8_t protocol = 0, Bytes spi = {});
};

// The header fields the protocol reads (ike_codec's header, short names).
struct Header {
    uint64_t spi_i = 0, spi_r = 0;
    uint8_t version = 0x20;
    uint8_t exchange = 0;
    uint8_t flags = 0;
    uint32_t mid = 0;
    bool is_response() const { return flags & F_RESPONSE; }
    bool from_initiator() const { return flags & F_INITIATOR; }
};

// Conversions to ike_codec's payload list (in the order RFC 7296 shows them;
// a COOKIE notify first, §2.6) and back (throws WireError).
std::vector<codec::Payload> to_codec(const Payloads& p);
Payloads from_codec(const std::vector<codec::Payload>& list);

Header decode_header(std::span<const uint8_t> msg); // throws WireError
// A whole unencrypted message (IKE_SA_INIT) and its payloads.
Bytes encode_plain(const Header& h, const Payloads& p);
Payloads decode_plain(std::span<const uint8_t> msg); // throws WireError
// An SK-protected message (RFC 7296 §3.14) under one direction's cipher.
Bytes seal(crypto::SkCipher& out, const Header& h, const Payloads& p);   // throws WireError
Payloads open(const crypto::SkCipher& in, std::span<const uint8_t> msg); // throws WireError
// The same message as SKF fragments of at most max_datagram octets each
// (RFC 7383 2.5), each sealed on its own (fresh IV, own ICV). Throws WireError.
std::vector<Bytes> seal_fragments(crypto::SkCipher& out, const Header& h, const Payloads& p, std::size_t max_datagram);
// True when the message's first payload is an Encrypted Fragment (SKF).
bool is_fragment(std::span<const uint8_t> msg);

} // namespace ike::sa
