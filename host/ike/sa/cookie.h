// Stateless cookies for IKE_SA_INIT (RFC 7296 §2.6). While more responder IKE
// SAs are half-open than GatewayConfig::cookie_threshold allows, a request
// without a valid COOKIE is answered with one and leaves no state behind:
//   cookie = version (1 octet) | HMAC-SHA-256(secret, Ni | IPi | SPIi)
// The secret is random per process and changes every kRotate; cookies made
// under the previous secret stay valid (the version octet says which).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>

#include "retransmit.h"
#include "secret.h"

namespace ike::sa {

class CookieJar {
public:
    static constexpr std::chrono::minutes kRotate{5};

    Bytes make(const Bytes& ni, const boost::asio::ip::address& ip, uint64_t spi_i, TimePoint now);
    bool valid(const Bytes& cookie, const Bytes& ni, const boost::asio::ip::address& ip, uint64_t spi_i) const;

private:
    Bytes mac(const Secret& key, uint8_t version, const Bytes& ni, const boost::asio::ip::address& ip,
              uint64_t spi_i) const;
    Secret current_, previous_;
    uint8_t version_ = 0;
    TimePoint made_{};
};

} // namespace ike::sa
