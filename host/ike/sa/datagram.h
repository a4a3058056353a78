// An IKE datagram as the protocol logic sees it: addresses and ports on both
// ends, and the IKE message bytes without the RFC 3948 non-ESP marker (the
// transport adds and strips it on port 4500).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace ike::sa {

struct Endpoint {
    boost::asio::ip::address addr;
    uint16_t port = 0;
    bool operator==(const Endpoint&) const = default;
    std::string str() const {
        return (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(port);
    }
};

struct Datagram {
    Endpoint local;
    Endpoint remote;
    std::vector<uint8_t> data;
};

// Where the protocol logic sends its messages (UDP sockets or a test link).
class Transport {
public:
    virtual ~Transport() = default;
    virtual void send(const Datagram& d) = 0;
};

} // namespace ike::sa
