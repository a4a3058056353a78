// UDP sockets of the daemon: IKE on port 500 and 4500 (NAT-T), IPv4 and IPv6.
// On 4500 an IKE message carries the 4-byte non-ESP marker (RFC 3948 §2.2);
// datagrams without it are ESP, one-byte 0xFF datagrams are NAT-T keepalives.
// The destination address of each datagram comes from IP_PKTINFO, so replies
// and NAT detection use the address the peer actually reached.
#pragma once

#include <utility> // before Asio: Boost 1.74 uses std::exchange without it
#include <boost/asio.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "sa/datagram.h"

namespace iked {

class UdpIo : public ike::sa::Transport {
public:
    using IkeHandler = std::function<void(ike::sa::Datagram&&)>;
    using EspHandler = std::function<void(ike::sa::Datagram&&)>;

    // Binds ike_port and natt_port on 0.0.0.0 and [::]; throws on failure
    // (an address family without any address is skipped).
    UdpIo(boost::asio::io_context& io, uint16_t ike_port, uint16_t natt_port, IkeHandler on_ike, EspHandler on_esp);
    ~UdpIo() override;

    void send(const ike::sa::Datagram& d) override;
    // ESP in UDP (RFC 3948) from the host path: sent as is, no non-ESP marker.
    void send_esp(const ike::sa::Datagram& d) { send_on(d, false); }
    uint64_t esp_received() const { return esp_received_; }

private:
    struct Sock;
    void arm(Sock& s);
    void read_ready(Sock& s);
    void send_on(const ike::sa::Datagram& d, bool ike);

    boost::asio::io_context& io_;
    uint16_t natt_port_;
    IkeHandler on_ike_;
    EspHandler on_esp_;
    std::vector<std::unique_ptr<Sock>> socks_;
    uint64_t esp_received_ = 0;
};

} // namespace iked
