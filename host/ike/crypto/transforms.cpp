#include "transforms.h"

#include <span>

namespace ike::crypto {
namespace {

struct NamedId {
    uint16_t id;
    std::string_view name;
};

constexpr NamedId kEncrNames[] = {
    {1, "DES_IV64"},           {2, "DES_CBC"},         {3, "3DES_CBC"},         {4, "RC5_CBC"},
    {5, "IDEA_CBC"},           {6, "CAST_CBC"},        {7, "BLOWFISH_CBC"},     {8, "3IDEA"},
    {9, "DES_IV32"},           {11, "NULL"},           {12, "AES_CBC"},         {13, "AES_CTR"},
    {14, "AES_CCM_8"},         {15, "AES_CCM_12"},     {16, "AES_CCM_16"},      {18, "AES_GCM_8"},
    {19, "AES_GCM_12"},        {20, "AES_GCM_16"},     {21, "NULL_AES_GMAC"},   {23, "CAMELLIA_CBC"},
    {24, "CAMELLIA_CTR"},      {25, "CAMELLIA_CCM_8"}, {26, "CAMELLIA_CCM_12"}, {27, "CAMELLIA_CCM_16"},
    {28, "CHACHA20_POLY1305"},
};
constexpr NamedId kPrfNames[] = {
    {1, "PRF_HMAC_MD5"},      {2, "PRF_HMAC_SHA1"},     {3, "PRF_HMAC_TIGER"},    {4, "PRF_AES128_XCBC"},
    {5, "PRF_HMAC_SHA2_256"}, {6, "PRF_HMAC_SHA2_384"}, {7, "PRF_HMAC_SHA2_512"}, {8, "PRF_AES128_CMAC"},
};
constexpr NamedId kIntegNames[] = {
    {0, "NONE"},
    {1, "HMAC_MD5_96"},
    {2, "HMAC_SHA1_96"},
    {3, "DES_MAC"},
    {4, "KPDK_MD5"},
    {5, "AES_XCBC_96"},
    {6, "HMAC_MD5_128"},
    {7, "HMAC_SHA1_160"},
    {8, "AES_CMAC_96"},
    {9, "AES_128_GMAC"},
    {10, "AES_192_GMAC"},
    {11, "AES_256_GMAC"},
    {12, "HMAC_SHA2_256_128"},
    {13, "HMAC_SHA2_384_192"},
    {14, "HMAC_SHA2_512_256"},
};
constexpr NamedId kDhNames[] = {
    {0, "MODP_NONE"},   {1, "MODP_768"},     {2, "MODP_1024"},      {5, "MODP_1536"},      {14, "MODP_2048"},
    {15, "MODP_3072"},  {16, "MODP_4096"},   {17, "MODP_6144"},     {18, "MODP_8192"},     {19, "ECP_256"},
    {20, "ECP_384"},    {21, "ECP_521"},     {22, "MODP_1024_160"}, {23, "MODP_2048_224"}, {24, "MODP_2048_256"},
    {25, "ECP_192"},    {26, "ECP_224"},     {27, "ECP_224_BP"},    {28, "ECP_256_BP"},    {29, "ECP_384_BP"},
    {30, "ECP_512_BP"}, {31, "CURVE_25519"}, {32, "CURVE_448"},
};
constexpr NamedId kEsnNames[] = {{0, "NO_EXT_SEQ"}, {1, "EXT_SEQ"}};

std::span<const NamedId> table(TransformType type) {
    switch (type) {
        case TransformType::ENCR:
            return kEncrNames;
        case TransformType::PRF:
            return kPrfNames;
        case TransformType::INTEG:
            return kIntegNames;
        case TransformType::DH:
            return kDhNames;
        case TransformType::ESN:
            return kEsnNames;
    }
    return {};
}

} // namespace

std::string_view transform_type_name(TransformType type) {
    switch (type) {
        case TransformType::ENCR:
            return "ENCR";
        case TransformType::PRF:
            return "PRF";
        case TransformType::INTEG:
            return "INTEG";
        case TransformType::DH:
            return "DH";
        case TransformType::ESN:
            return "ESN";
    }
    return "UNKNOWN";
}

std::string transform_name(TransformType type, uint16_t id) {
    for (const auto& e : table(type))
        if (e.id == id) return std::string(e.name);
    return "UNKNOWN_" + std::to_string(id);
}

std::string transform_name(TransformType type, uint16_t id, uint16_t key_bits) {
    std::string name = transform_name(type, id);
    if (type == TransformType::ENCR && key_bits != 0) {
        // Two appends, not "_" + to_string(): g++ 12 at -O3 warns falsely (-Wrestrict) on the latter.
        name += '_';
        name += std::to_string(key_bits);
    }
    return name;
}

std::optional<uint16_t> transform_from_name(TransformType type, std::string_view name) {
    for (const auto& e : table(type))
        if (e.name == name) return e.id;
    return std::nullopt;
}

bool encr_is_aead(EncrId id) {
    switch (id) {
        case EncrId::AES_CCM_8:
        case EncrId::AES_CCM_12:
        case EncrId::AES_CCM_16:
        case EncrId::AES_GCM_8:
        case EncrId::AES_GCM_12:
        case EncrId::AES_GCM_16:
        case EncrId::NULL_AUTH_AES_GMAC:
        case EncrId::CAMELLIA_CCM_8:
        case EncrId::CAMELLIA_CCM_12:
        case EncrId::CAMELLIA_CCM_16:
        case EncrId::CHACHA20_POLY1305:
            return true;
        default:
            return false;
    }
}

bool encr_needs_key_length(EncrId id) {
    switch (id) {
        case EncrId::AES_CBC:
        case EncrId::AES_CTR:
        case EncrId::AES_CCM_8:
        case EncrId::AES_CCM_12:
        case EncrId::AES_CCM_16:
        case EncrId::AES_GCM_8:
        case EncrId::AES_GCM_12:
        case EncrId::AES_GCM_16:
        case EncrId::NULL_AUTH_AES_GMAC:
        case EncrId::CAMELLIA_CBC:
        case EncrId::CAMELLIA_CTR:
        case EncrId::CAMELLIA_CCM_8:
        case EncrId::CAMELLIA_CCM_12:
        case EncrId::CAMELLIA_CCM_16:
            return true;
        default:
            return false;
    }
}

static bool aes_key_bits_ok(uint16_t bits) { return bits == 128 || bits == 192 || bits == 256; }

bool encr_supported(EncrId id, uint16_t key_bits) {
    switch (id) {
        case EncrId::AES_CBC:
        case EncrId::AES_GCM_16:
            return aes_key_bits_ok(key_bits);
        case EncrId::CHACHA20_POLY1305:
            return key_bits == 0 || key_bits == 256;
        default:
            return false;
    }
}

std::size_t encr_salt_bytes(EncrId id) {
    switch (id) {
        case EncrId::AES_GCM_8:
        case EncrId::AES_GCM_12:
        case EncrId::AES_GCM_16:
        case EncrId::NULL_AUTH_AES_GMAC:
        case EncrId::CHACHA20_POLY1305:
            return 4;
        case EncrId::AES_CCM_8:
        case EncrId::AES_CCM_12:
        case EncrId::AES_CCM_16:
        case EncrId::CAMELLIA_CCM_8:
        case EncrId::CAMELLIA_CCM_12:
        case EncrId::CAMELLIA_CCM_16:
            return 3;
        default:
            return 0;
    }
}

std::optional<std::size_t> encr_keymat_bytes(EncrId id, uint16_t key_bits) {
    if (id == EncrId::CHACHA20_POLY1305) {
        if (key_bits != 0 && key_bits != 256) return std::nullopt;
        return 32 + encr_salt_bytes(id);
    }
    if (id == EncrId::TRIPLE_DES) return 24;
    if (id == EncrId::NULL_ENCR) return 0;
    if (!encr_needs_key_length(id)) return std::nullopt;
    // AES and Camellia both take 128/192/256-bit keys.
    if (!aes_key_bits_ok(key_bits)) return std::nullopt;
    // AES-CTR carries a 4-octet nonce too (RFC 5930), like GCM.
    std::size_t extra = id == EncrId::AES_CTR || id == EncrId::CAMELLIA_CTR ? 4 : encr_salt_bytes(id);
    return key_bits / 8 + extra;
}

std::optional<std::size_t> integ_key_bytes(IntegId id) {
    switch (id) {
        case IntegId::NONE:
            return 0;
        case IntegId::HMAC_MD5_96:
        case IntegId::HMAC_MD5_128:
            return 16;
        case IntegId::HMAC_SHA1_96:
        case IntegId::HMAC_SHA1_160:
            return 20;
        case IntegId::AES_XCBC_96:
        case IntegId::AES_CMAC_96:
            return 16;
        case IntegId::HMAC_SHA2_256_128:
            return 32;
        case IntegId::HMAC_SHA2_384_192:
            return 48;
        case IntegId::HMAC_SHA2_512_256:
            return 64;
        default:
            return std::nullopt;
    }
}

std::optional<std::size_t> integ_icv_bytes(IntegId id) {
    switch (id) {
        case IntegId::NONE:
            return 0;
        case IntegId::HMAC_MD5_96:
        case IntegId::HMAC_SHA1_96:
        case IntegId::AES_XCBC_96:
        case IntegId::AES_CMAC_96:
            return 12;
        case IntegId::HMAC_MD5_128:
            return 16;
        case IntegId::HMAC_SHA1_160:
            return 20;
        case IntegId::HMAC_SHA2_256_128:
            return 16;
        case IntegId::HMAC_SHA2_384_192:
            return 24;
        case IntegId::HMAC_SHA2_512_256:
            return 32;
        default:
            return std::nullopt;
    }
}

bool integ_supported(IntegId id) {
    return id == IntegId::HMAC_SHA1_96 || id == IntegId::HMAC_SHA2_256_128 || id == IntegId::HMAC_SHA2_384_192 ||
           id == IntegId::HMAC_SHA2_512_256;
}

std::optional<std::size_t> prf_output_bytes(PrfId id) {
    switch (id) {
        case PrfId::HMAC_SHA1:
            return 20;
        case PrfId::HMAC_SHA2_256:
            return 32;
        case PrfId::HMAC_SHA2_384:
            return 48;
        case PrfId::HMAC_SHA2_512:
            return 64;
        default:
            return std::nullopt;
    }
}

bool prf_supported(PrfId id) { return prf_output_bytes(id).has_value(); }

} // namespace ike::crypto
