#include "result.h"
#include "types.h"

#include <string_view>

namespace ike::codec {
namespace {

struct Name {
    uint16_t value;
    std::string_view name;
};

constexpr Name kNotifyNames[] = {
    {1, "UNSUPPORTED_CRITICAL_PAYLOAD"},
    {4, "INVALID_IKE_SPI"},
    {5, "INVALID_MAJOR_VERSION"},
    {7, "INVALID_SYNTAX"},
    {9, "INVALID_MESSAGE_ID"},
    {11, "INVALID_SPI"},
    {14, "NO_PROPOSAL_CHOSEN"},
    {17, "INVALID_KE_PAYLOAD"},
    {24, "AUTHENTICATION_FAILED"},
    {34, "SINGLE_PAIR_REQUIRED"},
    {35, "NO_ADDITIONAL_SAS"},
    {36, "INTERNAL_ADDRESS_FAILURE"},
    {37, "FAILED_CP_REQUIRED"},
    {38, "TS_UNACCEPTABLE"},
    {39, "INVALID_SELECTORS"},
    {40, "UNACCEPTABLE_ADDRESSES"},
    {41, "UNEXPECTED_NAT_DETECTED"},
    {42, "USE_ASSIGNED_HoA"},
    {43, "TEMPORARY_FAILURE"},
    {44, "CHILD_SA_NOT_FOUND"},
    {45, "INVALID_GROUP_ID"},
    {46, "AUTHORIZATION_FAILED"},
    {47, "STATE_NOT_FOUND"},
    {16384, "INITIAL_CONTACT"},
    {16385, "SET_WINDOW_SIZE"},
    {16386, "ADDITIONAL_TS_POSSIBLE"},
    {16387, "IPCOMP_SUPPORTED"},
    {16388, "NAT_DETECTION_SOURCE_IP"},
    {16389, "NAT_DETECTION_DESTINATION_IP"},
    {16390, "COOKIE"},
    {16391, "USE_TRANSPORT_MODE"},
    {16392, "HTTP_CERT_LOOKUP_SUPPORTED"},
    {16393, "REKEY_SA"},
    {16394, "ESP_TFC_PADDING_NOT_SUPPORTED"},
    {16395, "NON_FIRST_FRAGMENTS_ALSO"},
    {16396, "MOBIKE_SUPPORTED"},
    {16397, "ADDITIONAL_IP4_ADDRESS"},
    {16398, "ADDITIONAL_IP6_ADDRESS"},
    {16399, "NO_ADDITIONAL_ADDRESSES"},
    {16400, "UPDATE_SA_ADDRESSES"},
    {16401, "COOKIE2"},
    {16402, "NO_NATS_ALLOWED"},
    {16403, "AUTH_LIFETIME"},
    {16404, "MULTIPLE_AUTH_SUPPORTED"},
    {16405, "ANOTHER_AUTH_FOLLOWS"},
    {16406, "REDIRECT_SUPPORTED"},
    {16407, "REDIRECT"},
    {16408, "REDIRECTED_FROM"},
    {16409, "TICKET_LT_OPAQUE"},
    {16410, "TICKET_REQUEST"},
    {16411, "TICKET_ACK"},
    {16412, "TICKET_NACK"},
    {16413, "TICKET_OPAQUE"},
    {16414, "LINK_ID"},
    {16415, "USE_WESP_MODE"},
    {16416, "ROHC_SUPPORTED"},
    {16417, "EAP_ONLY_AUTHENTICATION"},
    {16418, "CHILDLESS_IKEV2_SUPPORTED"},
    {16419, "QUICK_CRASH_DETECTION"},
    {16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"},
    {16421, "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED"},
    {16422, "IKEV2_MESSAGE_ID_SYNC"},
    {16423, "IPSEC_REPLAY_COUNTER_SYNC"},
    {16424, "SECURE_PASSWORD_METHODS"},
    {16425, "PSK_PERSIST"},
    {16426, "PSK_CONFIRM"},
    {16427, "ERX_SUPPORTED"},
    {16428, "IFOM_CAPABILITY"},
    {16429, "SENDER_REQUEST_ID"},
    {16430, "IKEV2_FRAGMENTATION_SUPPORTED"},
    {16431, "SIGNATURE_HASH_ALGORITHMS"},
    {16432, "CLONE_IKE_SA_SUPPORTED"},
    {16433, "CLONE_IKE_SA"},
    {16434, "PUZZLE"},
    {16435, "USE_PPK"},
    {16436, "PPK_IDENTITY"},
    {16437, "NO_PPK_AUTH"},
    {16438, "INTERMEDIATE_EXCHANGE_SUPPORTED"},
};

constexpr Name kPayloadNames[] = {
    {0, "NONE"},  {33, "SA"}, {34, "KE"},  {35, "IDi"},  {36, "IDr"}, {37, "CERT"}, {38, "CERTREQ"},
    {39, "AUTH"}, {40, "No"}, {41, "N"},   {42, "D"},    {43, "V"},   {44, "TSi"},  {45, "TSr"},
    {46, "SK"},   {47, "CP"}, {48, "EAP"}, {49, "GSPM"}, {53, "SKF"},
};

constexpr Name kExchangeNames[] = {
    {34, "IKE_SA_INIT"},   {35, "IKE_AUTH"},           {36, "CREATE_CHILD_SA"},
    {37, "INFORMATIONAL"}, {38, "IKE_SESSION_RESUME"}, {43, "IKE_INTERMEDIATE"},
};

template <std::size_t N>
std::string lookup(const Name (&table)[N], uint16_t value) {
    for (const auto& e : table)
        if (e.value == value) return std::string(e.name);
    return "UNKNOWN_" + std::to_string(value);
}

} // namespace

std::string notify_name(NotifyType t) { return lookup(kNotifyNames, static_cast<uint16_t>(t)); }
std::string payload_name(PayloadType t) { return lookup(kPayloadNames, static_cast<uint8_t>(t)); }
std::string exchange_name(ExchangeType t) { return lookup(kExchangeNames, static_cast<uint8_t>(t)); }

bool is_known_payload(uint8_t type) {
    return (type >= 33 && type <= 48) || type == static_cast<uint8_t>(PayloadType::SKF);
}

const char* kind_name(DecodeErrorKind kind) {
    switch (kind) {
        case DecodeErrorKind::Truncated:
            return "truncated";
        case DecodeErrorKind::BadLength:
            return "bad length";
        case DecodeErrorKind::InvalidSyntax:
            return "invalid syntax";
        case DecodeErrorKind::UnsupportedCritical:
            return "unsupported critical payload";
        case DecodeErrorKind::InvalidMajorVersion:
            return "invalid major version";
        case DecodeErrorKind::TrailingData:
            return "trailing data";
        case DecodeErrorKind::MissingPayload:
            return "missing payload";
        case DecodeErrorKind::IntegrityCheckFailed:
            return "integrity check failed";
        case DecodeErrorKind::CryptoFailure:
            return "crypto failure";
        case DecodeErrorKind::EncodeFailure:
            return "encode failure";
    }
    return "unknown";
}

} // namespace ike::codec
