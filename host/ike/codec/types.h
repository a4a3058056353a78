// IKEv2 numbers (RFC 7296 3 and IANA "IKEv2 Parameters") and their names.
#pragma once

#include <cstdint>
#include <string>

namespace ike::codec {

enum class PayloadType : uint8_t {
    NONE = 0,
    SA = 33,
    KE = 34,
    IDi = 35,
    IDr = 36,
    CERT = 37,
    CERTREQ = 38,
    AUTH = 39,
    NONCE = 40,
    NOTIFY = 41,
    DELETE = 42,
    VENDOR = 43,
    TSi = 44,
    TSr = 45,
    SK = 46,
    CP = 47,
    EAP = 48,
    GSPM = 49,
    SKF = 53,
};

enum class ExchangeType : uint8_t {
    IKE_SA_INIT = 34,
    IKE_AUTH = 35,
    CREATE_CHILD_SA = 36,
    INFORMATIONAL = 37,
    IKE_SESSION_RESUME = 38,
    IKE_INTERMEDIATE = 43,
};

// IKE header flags (RFC 7296 3.1).
inline constexpr uint8_t FLAG_INITIATOR = 0x08;
inline constexpr uint8_t FLAG_VERSION = 0x10;
inline constexpr uint8_t FLAG_RESPONSE = 0x20;

// Security protocol IDs in proposals, notifies and deletes.
enum class ProtocolId : uint8_t { NONE = 0, IKE = 1, AH = 2, ESP = 3 };

enum class IdType : uint8_t {
    IPV4_ADDR = 1,
    FQDN = 2,
    RFC822_ADDR = 3,
    IPV6_ADDR = 5,
    DER_ASN1_DN = 9,
    DER_ASN1_GN = 10,
    KEY_ID = 11,
    FC_NAME = 12,
    NULL_ID = 13,
};

enum class AuthMethod : uint8_t {
    RSA_SIG = 1,
    SHARED_KEY_MIC = 2,
    DSS_SIG = 3,
    ECDSA_SHA256_P256 = 9,
    ECDSA_SHA384_P384 = 10,
    ECDSA_SHA512_P521 = 11,
    GENERIC_SECURE_PASSWORD = 12,
    NULL_AUTH = 13,
    DIGITAL_SIGNATURE = 14,
};

enum class TsType : uint8_t { IPV4_ADDR_RANGE = 7, IPV6_ADDR_RANGE = 8 };

enum class CfgType : uint8_t { REQUEST = 1, REPLY = 2, SET = 3, ACK = 4 };

enum class CertEncoding : uint8_t {
    PKCS7_X509 = 1,
    PGP = 2,
    DNS_SIGNED_KEY = 3,
    X509_SIGNATURE = 4,
    KERBEROS_TOKEN = 6,
    CRL = 7,
    ARL = 8,
    SPKI = 9,
    X509_ATTRIBUTE = 10,
    HASH_URL_X509_CERT = 12,
    HASH_URL_X509_BUNDLE = 13,
};

// Notify message types (RFC 7296 3.10.1 and later RFCs). Values < 16384 are
// errors, the rest status. The enum holds any 16-bit value.
enum class NotifyType : uint16_t {
    UNSUPPORTED_CRITICAL_PAYLOAD = 1,
    INVALID_IKE_SPI = 4,
    INVALID_MAJOR_VERSION = 5,
    INVALID_SYNTAX = 7,
    INVALID_MESSAGE_ID = 9,
    INVALID_SPI = 11,
    NO_PROPOSAL_CHOSEN = 14,
    INVALID_KE_PAYLOAD = 17,
    AUTHENTICATION_FAILED = 24,
    SINGLE_PAIR_REQUIRED = 34,
    NO_ADDITIONAL_SAS = 35,
    INTERNAL_ADDRESS_FAILURE = 36,
    FAILED_CP_REQUIRED = 37,
    TS_UNACCEPTABLE = 38,
    INVALID_SELECTORS = 39,
    UNACCEPTABLE_ADDRESSES = 40,
    UNEXPECTED_NAT_DETECTED = 41,
    USE_ASSIGNED_HoA = 42,
    TEMPORARY_FAILURE = 43,
    CHILD_SA_NOT_FOUND = 44,
    INVALID_GROUP_ID = 45,
    AUTHORIZATION_FAILED = 46,
    STATE_NOT_FOUND = 47,
    INITIAL_CONTACT = 16384,
    SET_WINDOW_SIZE = 16385,
    ADDITIONAL_TS_POSSIBLE = 16386,
    IPCOMP_SUPPORTED = 16387,
    NAT_DETECTION_SOURCE_IP = 16388,
    NAT_DETECTION_DESTINATION_IP = 16389,
    COOKIE = 16390,
    USE_TRANSPORT_MODE = 16391,
    HTTP_CERT_LOOKUP_SUPPORTED = 16392,
    REKEY_SA = 16393,
    ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
    NON_FIRST_FRAGMENTS_ALSO = 16395,
    MOBIKE_SUPPORTED = 16396,
    ADDITIONAL_IP4_ADDRESS = 16397,
    ADDITIONAL_IP6_ADDRESS = 16398,
    NO_ADDITIONAL_ADDRESSES = 16399,
    UPDATE_SA_ADDRESSES = 16400,
    COOKIE2 = 16401,
    NO_NATS_ALLOWED = 16402,
    AUTH_LIFETIME = 16403,
    MULTIPLE_AUTH_SUPPORTED = 16404,
    ANOTHER_AUTH_FOLLOWS = 16405,
    REDIRECT_SUPPORTED = 16406,
    REDIRECT = 16407,
    REDIRECTED_FROM = 16408,
    TICKET_LT_OPAQUE = 16409,
    TICKET_REQUEST = 16410,
    TICKET_ACK = 16411,
    TICKET_NACK = 16412,
    TICKET_OPAQUE = 16413,
    LINK_ID = 16414,
    USE_WESP_MODE = 16415,
    ROHC_SUPPORTED = 16416,
    EAP_ONLY_AUTHENTICATION = 16417,
    CHILDLESS_IKEV2_SUPPORTED = 16418,
    QUICK_CRASH_DETECTION = 16419,
    IKEV2_MESSAGE_ID_SYNC_SUPPORTED = 16420,
    IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED = 16421,
    IKEV2_MESSAGE_ID_SYNC = 16422,
    IPSEC_REPLAY_COUNTER_SYNC = 16423,
    SECURE_PASSWORD_METHODS = 16424,
    PSK_PERSIST = 16425,
    PSK_CONFIRM = 16426,
    ERX_SUPPORTED = 16427,
    IFOM_CAPABILITY = 16428,
    SENDER_REQUEST_ID = 16429,
    IKEV2_FRAGMENTATION_SUPPORTED = 16430,
    SIGNATURE_HASH_ALGORITHMS = 16431,
    CLONE_IKE_SA_SUPPORTED = 16432,
    CLONE_IKE_SA = 16433,
    PUZZLE = 16434,
    USE_PPK = 16435,
    PPK_IDENTITY = 16436,
    NO_PPK_AUTH = 16437,
    INTERMEDIATE_EXCHANGE_SUPPORTED = 16438,
};

inline bool is_error_notify(NotifyType t) { return static_cast<uint16_t>(t) < 16384; }

// Names ("NO_PROPOSAL_CHOSEN", "SK", "IKE_AUTH"); "UNKNOWN_<n>" otherwise.
std::string notify_name(NotifyType t);
std::string payload_name(PayloadType t);
std::string exchange_name(ExchangeType t);
// True for the payload types this codec parses (others are unknown payloads).
bool is_known_payload(uint8_t type);

} // namespace ike::codec
