#include "config/proposals.h"

#include <array>

namespace ike::config {

namespace {

using namespace transform;

constexpr std::array ike_table{
    IkeProposal{"aes128gcm-prfsha1", ENCR_AES_GCM_16, 128, AUTH_NONE, PRF_HMAC_SHA1},
    IkeProposal{"aes128gcm-prfsha256", ENCR_AES_GCM_16, 128, AUTH_NONE, PRF_HMAC_SHA2_256},
    IkeProposal{"aes128gcm-prfsha384", ENCR_AES_GCM_16, 128, AUTH_NONE, PRF_HMAC_SHA2_384},
    IkeProposal{"aes128gcm-prfsha512", ENCR_AES_GCM_16, 128, AUTH_NONE, PRF_HMAC_SHA2_512},
    IkeProposal{"aes256gcm-prfsha1", ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA1},
    IkeProposal{"aes256gcm-prfsha256", ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_256},
    IkeProposal{"aes256gcm-prfsha384", ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_384},
    IkeProposal{"aes256gcm-prfsha512", ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_512},
    IkeProposal{"chacha20poly1305-prfsha1", ENCR_CHACHA20_POLY1305, 0, AUTH_NONE, PRF_HMAC_SHA1},
    IkeProposal{"chacha20poly1305-prfsha256", ENCR_CHACHA20_POLY1305, 0, AUTH_NONE, PRF_HMAC_SHA2_256},
    IkeProposal{"chacha20poly1305-prfsha384", ENCR_CHACHA20_POLY1305, 0, AUTH_NONE, PRF_HMAC_SHA2_384},
    IkeProposal{"chacha20poly1305-prfsha512", ENCR_CHACHA20_POLY1305, 0, AUTH_NONE, PRF_HMAC_SHA2_512},
    IkeProposal{"aes128-sha1", ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1},
    IkeProposal{"aes128-sha256", ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256},
    IkeProposal{"aes128-sha384", ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384},
    IkeProposal{"aes128-sha512", ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_512_256, PRF_HMAC_SHA2_512},
    IkeProposal{"aes192-sha1", ENCR_AES_CBC, 192, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1},
    IkeProposal{"aes192-sha256", ENCR_AES_CBC, 192, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256},
    IkeProposal{"aes192-sha384", ENCR_AES_CBC, 192, AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384},
    IkeProposal{"aes192-sha512", ENCR_AES_CBC, 192, AUTH_HMAC_SHA2_512_256, PRF_HMAC_SHA2_512},
    IkeProposal{"aes256-sha1", ENCR_AES_CBC, 256, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1},
    IkeProposal{"aes256-sha256", ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256},
    IkeProposal{"aes256-sha384", ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384},
    IkeProposal{"aes256-sha512", ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_512_256, PRF_HMAC_SHA2_512},
};

constexpr std::array esp_table{
    EspProposal{"aes128gcm", ENCR_AES_GCM_16, 128, AUTH_NONE},
    EspProposal{"aes256gcm", ENCR_AES_GCM_16, 256, AUTH_NONE},
    EspProposal{"chacha20poly1305", ENCR_CHACHA20_POLY1305, 0, AUTH_NONE},
    EspProposal{"aes128-sha1", ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96},
    EspProposal{"aes128-sha256", ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128},
    EspProposal{"aes128-sha384", ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_384_192},
    EspProposal{"aes128-sha512", ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_512_256},
    EspProposal{"aes192-sha1", ENCR_AES_CBC, 192, AUTH_HMAC_SHA1_96},
    EspProposal{"aes192-sha256", ENCR_AES_CBC, 192, AUTH_HMAC_SHA2_256_128},
    EspProposal{"aes192-sha384", ENCR_AES_CBC, 192, AUTH_HMAC_SHA2_384_192},
    EspProposal{"aes192-sha512", ENCR_AES_CBC, 192, AUTH_HMAC_SHA2_512_256},
    EspProposal{"aes256-sha1", ENCR_AES_CBC, 256, AUTH_HMAC_SHA1_96},
    EspProposal{"aes256-sha256", ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128},
    EspProposal{"aes256-sha384", ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_384_192},
    EspProposal{"aes256-sha512", ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_512_256},
    EspProposal{"null-sha1", ENCR_NULL, 0, AUTH_HMAC_SHA1_96},
    EspProposal{"null-sha256", ENCR_NULL, 0, AUTH_HMAC_SHA2_256_128},
    EspProposal{"null-sha384", ENCR_NULL, 0, AUTH_HMAC_SHA2_384_192},
    EspProposal{"null-sha512", ENCR_NULL, 0, AUTH_HMAC_SHA2_512_256},
};

template <class Table>
const typename Table::value_type* find_in(const Table& t, std::string_view name) {
    for (const auto& p : t)
        if (p.name == name) return &p;
    return nullptr;
}

template <class Table>
std::string names_of(const Table& t) {
    std::string s;
    for (const auto& p : t) {
        if (!s.empty()) s += ' ';
        s += p.name;
    }
    return s;
}

} // namespace

std::span<const IkeProposal> ike_proposals() { return ike_table; }
std::span<const EspProposal> esp_proposals() { return esp_table; }
const IkeProposal* find_ike_proposal(std::string_view name) { return find_in(ike_table, name); }
const EspProposal* find_esp_proposal(std::string_view name) { return find_in(esp_table, name); }
std::string ike_proposal_names() { return names_of(ike_table); }
std::string esp_proposal_names() { return names_of(esp_table); }

bool dh_group_supported(unsigned group) {
    return group == 1 || group == 2 || group == 5 || (group >= 14 && group <= 32);
}

std::string dh_group_names() {
    std::string s = "1 2 5";
    for (unsigned g = 14; g <= 32; ++g) s += " " + std::to_string(g);
    return s;
}

} // namespace ike::config
