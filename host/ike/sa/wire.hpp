// The IKEv2 message model the protocol logic works on (RFC 7296 §3), with
// encode/decode of the payload chain. Kept deliberately small: the payloads
// this daemon sends or must understand; others are skipped (or rejected when
// flagged critical). Errors are reported as WireError, never as a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "traffic_selector.hpp"

namespace ike::sa {

using Bytes = std::vector<uint8_t>;

enum Exchange : uint8_t { IKE_SA_INIT = 34, IKE_AUTH = 35, CREATE_CHILD_SA = 36, INFORMATIONAL = 37 };
enum PayloadType : uint8_t {
    PL_NONE = 0, PL_SA = 33, PL_KE = 34, PL_IDI = 35, PL_IDR = 36, PL_CERT = 37, PL_CERTREQ = 38, PL_AUTH = 39,
    PL_NONCE = 40, PL_NOTIFY = 41, PL_DELETE = 42, PL_VENDOR = 43, PL_TSI = 44, PL_TSR = 45, PL_SK = 46,
};
enum Flags : uint8_t { F_INITIATOR = 0x08, F_RESPONSE = 0x20 };
enum ProtocolId : uint8_t { PROTO_IKE = 1, PROTO_AH = 2, PROTO_ESP = 3 };
enum TransformType : uint8_t { TT_ENCR = 1, TT_PRF = 2, TT_INTEG = 3, TT_DH = 4, TT_ESN = 5 };
enum EncrId : uint16_t { ENCR_AES_CBC = 12, ENCR_AES_GCM_16 = 20, ENCR_CHACHA20_POLY1305 = 28 };
enum PrfId : uint16_t { PRF_HMAC_SHA1 = 2, PRF_HMAC_SHA2_256 = 5, PRF_HMAC_SHA2_384 = 6, PRF_HMAC_SHA2_512 = 7 };
enum IntegId : uint16_t {
    AUTH_NONE = 0, AUTH_HMAC_SHA1_96 = 2, AUTH_HMAC_SHA2_256_128 = 12, AUTH_HMAC_SHA2_384_192 = 13,
    AUTH_HMAC_SHA2_512_256 = 14,
};
enum AuthMethod : uint8_t { AUTH_PSK = 2 };
enum IdType : uint8_t { ID_IPV4_ADDR = 1, ID_FQDN = 2, ID_RFC822_ADDR = 3, ID_IPV6_ADDR = 5, ID_KEY_ID = 11 };
enum NotifyType : uint16_t {
    N_UNSUPPORTED_CRITICAL_PAYLOAD = 1, N_INVALID_IKE_SPI = 4, N_INVALID_MAJOR_VERSION = 5, N_INVALID_SYNTAX = 7,
    N_INVALID_MESSAGE_ID = 9, N_INVALID_SPI = 11, N_NO_PROPOSAL_CHOSEN = 14, N_INVALID_KE_PAYLOAD = 17,
    N_AUTHENTICATION_FAILED = 24, N_SINGLE_PAIR_REQUIRED = 34, N_NO_ADDITIONAL_SAS = 35,
    N_INTERNAL_ADDRESS_FAILURE = 36, N_FAILED_CP_REQUIRED = 37, N_TS_UNACCEPTABLE = 38,
    N_INVALID_SELECTORS = 39, N_TEMPORARY_FAILURE = 43, N_CHILD_SA_NOT_FOUND = 44,
    N_INITIAL_CONTACT = 16384, N_SET_WINDOW_SIZE = 16385, N_ADDITIONAL_TS_POSSIBLE = 16386,
    N_IPCOMP_SUPPORTED = 16387, N_NAT_DETECTION_SOURCE_IP = 16388, N_NAT_DETECTION_DESTINATION_IP = 16389,
    N_COOKIE = 16390, N_USE_TRANSPORT_MODE = 16391, N_REKEY_SA = 16393, N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
    N_NON_FIRST_FRAGMENTS_ALSO = 16395, N_MOBIKE_SUPPORTED = 16396, N_SIGNATURE_HASH_ALGORITHMS = 16431,
};
std::string notify_name(uint16_t type);
std::string exchange_name(uint8_t exch);

struct WireError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

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
    std::vector<Notify> notifies;
    std::vector<DeletePl> deletes;
    std::optional<std::vector<Ts>> tsi, tsr;

    const Notify* find(uint16_t type) const;
    bool has(uint16_t type) const { return find(type) != nullptr; }
    // First notify of error type (< 16384), or nullptr.
    const Notify* error() const;
    void add(uint16_t type, Bytes data = {}, uint8_t protocol = 0, Bytes spi = {});
};

struct Header {
    uint64_t spi_i = 0, spi_r = 0;
    uint8_t next = 0;
    uint8_t version = 0x20;
    uint8_t exchange = 0;
    uint8_t flags = 0;
    uint32_t mid = 0;
    uint32_t length = 0;
    bool is_response() const { return flags & F_RESPONSE; }
    bool from_initiator() const { return flags & F_INITIATOR; }
};
constexpr size_t kHeaderLen = 28;

Header decode_header(std::span<const uint8_t> msg); // throws WireError
void encode_header(const Header& h, Bytes& out);     // 28 bytes appended
// Payload chain: returns the bytes and sets `first` to the first payload type.
Bytes encode_payloads(const Payloads& p, uint8_t& first);
Payloads decode_payloads(uint8_t first, std::span<const uint8_t> body); // throws WireError
// A whole unencrypted message (IKE_SA_INIT).
Bytes encode_plain(Header h, const Payloads& p);

} // namespace ike::sa
