#include "cookie.h"

#include <algorithm>

#include "crypto/prf.h"
#include "engine.h"
#include "log.h"

namespace ike::sa {

Bytes CookieJar::mac(const Secret& key, uint8_t version, const Bytes& ni, const boost::asio::ip::address& ip,
                     uint64_t spi_i) const {
    Bytes data = ni;
    if (ip.is_v4()) {
        auto a = ip.to_v4().to_bytes();
        data.insert(data.end(), a.begin(), a.end());
    } else {
        auto a = ip.to_v6().to_bytes();
        data.insert(data.end(), a.begin(), a.end());
    }
    for (int i = 7; i >= 0; --i) data.push_back(static_cast<uint8_t>(spi_i >> (8 * i)));
    auto h = crypto::prf(crypto::PrfId::HMAC_SHA2_256, key.span(), data);
    if (!h) throw std::runtime_error("cookie HMAC failed");
    Bytes out(1 + h->size());
    out[0] = version;
    std::copy(h->begin(), h->end(), out.begin() + 1);
    return out;
}

Bytes CookieJar::make(const Bytes& ni, const boost::asio::ip::address& ip, uint64_t spi_i, TimePoint now) {
    if (current_.empty() || now - made_ >= kRotate) {
        previous_ = std::move(current_);
        current_ = Secret(random_bytes(32));
        ++version_;
        made_ = now;
    }
    return mac(current_, version_, ni, ip, spi_i);
}

bool CookieJar::valid(const Bytes& cookie, const Bytes& ni, const boost::asio::ip::address& ip, uint64_t spi_i) const {
    if (cookie.empty()) return false;
    if (cookie[0] != version_ && cookie[0] != uint8_t(version_ - 1)) return false;
    const Secret& key = cookie[0] == version_ ? current_ : previous_;
    if (key.empty()) return false;
    return crypto::equal_ct(mac(key, cookie[0], ni, ip, spi_i), cookie);
}

bool Engine::admit_init_request(const Header& h, const Datagram& d, const Payloads& req) {
    size_t half_open = 0;
    for (const auto& [spi, sa] : sas_)
        if (!sa->initiator && sa->state == IkeState::connecting) ++half_open;
    if (half_open < cfg_.cookie_threshold || !req.nonce) return true; // no nonce: refused as INVALID_SYNTAX later
    if (const Notify* c = req.find(N_COOKIE); c && cookies_.valid(c->data, *req.nonce, d.remote.addr, h.spi_i))
        return true;
    IKE_LOG(info) << half_open << " half-open IKE SAs: asking " << d.remote.str() << " for a COOKIE";
    send_plain_error(d, h, N_COOKIE, cookies_.make(*req.nonce, d.remote.addr, h.spi_i, now_));
    return false;
}

} // namespace ike::sa
