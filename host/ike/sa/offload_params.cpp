#include "offload_params.h"

#include <cstring>
#include <openssl/crypto.h>

namespace ike::sa {

void OffloadSa::wipe() {
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(salt, sizeof salt);
    OPENSSL_cleanse(integ_key, sizeof integ_key);
}

esp_sa_params to_esp_sa_params(const OffloadSa& sa) {
    esp_sa_params p{};
    p.alg = ESP_ALG_AES_GCM_16;
    p.dir = sa.inbound ? ESP_DIR_IN : ESP_DIR_OUT;
    p.mode = sa.transport ? ESP_MODE_TRANSPORT : ESP_MODE_TUNNEL;
    p.family = sa.v6 ? ESP_FAMILY_IPV6 : ESP_FAMILY_IPV4;
    p.key_len = sa.key_len;
    p.flags = (sa.esn ? ESP_SA_F_ESN : 0u) | (sa.udp_encap ? ESP_SA_F_UDP_ENCAP : 0u);
    p.spi = sa.spi;
    p.replay_window = sa.inbound ? sa.replay_window : 0;
    std::memcpy(p.key, sa.key, sa.key_len);
    std::memcpy(p.salt, sa.salt, 4);
    std::memcpy(p.src, sa.src, 16);
    std::memcpy(p.dst, sa.dst, 16);
    p.byte_soft = sa.byte_soft;
    p.byte_hard = sa.byte_hard;
    if (sa.udp_encap) {
        p.encap_sport = sa.encap_sport;
        p.encap_dport = sa.encap_dport;
    }
    return p;
}

} // namespace ike::sa
