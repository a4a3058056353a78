#include "udp_io.h"

#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sa/log.h"

namespace iked {

using boost::asio::ip::udp;
using ike::sa::Datagram;
using ike::sa::Endpoint;

struct UdpIo::Sock {
    udp::socket sock;
    uint16_t port;
    bool v6;
    Sock(boost::asio::io_context& io, uint16_t p, bool is_v6) : sock(io), port(p), v6(is_v6) {}
};

UdpIo::UdpIo(boost::asio::io_context& io, uint16_t ike_port, uint16_t natt_port, IkeHandler on_ike, EspHandler on_esp)
    : io_(io), natt_port_(natt_port), on_ike_(std::move(on_ike)), on_esp_(std::move(on_esp)) {
    for (bool v6 : {false, true}) {
        for (uint16_t port : {ike_port, natt_port}) {
            auto s = std::make_unique<Sock>(io_, port, v6);
            boost::system::error_code ec;
            s->sock.open(v6 ? udp::v6() : udp::v4(), ec);
            if (ec) {
                IKE_LOG(warn) << "no " << (v6 ? "IPv6" : "IPv4") << " UDP socket: " << ec.message();
                continue;
            }
            int one = 1;
            if (v6) {
                s->sock.set_option(boost::asio::ip::v6_only(true));
                ::setsockopt(s->sock.native_handle(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
            } else {
                ::setsockopt(s->sock.native_handle(), IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
            }
            s->sock.set_option(udp::socket::reuse_address(true));
            auto any = v6 ? boost::asio::ip::address(boost::asio::ip::address_v6::any())
                          : boost::asio::ip::address(boost::asio::ip::address_v4::any());
            s->sock.bind(udp::endpoint(any, port), ec);
            if (ec) {
                if (v6 && ec.value() == EADDRNOTAVAIL) continue;
                throw std::runtime_error("cannot bind UDP port " + std::to_string(port) + ": " + ec.message());
            }
            arm(*s);
            socks_.push_back(std::move(s));
        }
    }
    if (socks_.empty()) throw std::runtime_error("no UDP socket could be opened");
}

UdpIo::~UdpIo() = default;

void UdpIo::arm(Sock& s) {
    s.sock.async_wait(udp::socket::wait_read, [this, &s](const boost::system::error_code& ec) {
        if (ec) return;
        read_ready(s);
        arm(s);
    });
}

// recvmsg with IP_PKTINFO: the only way to learn which local address a
// datagram reached on a wildcard socket.
void UdpIo::read_ready(Sock& s) {
    for (int budget = 0; budget < 64; ++budget) {
        std::vector<uint8_t> buf(65536);
        sockaddr_storage from{};
        alignas(cmsghdr) char ctrl[256];
        iovec iov{buf.data(), buf.size()};
        msghdr mh{};
        mh.msg_name = &from;
        mh.msg_namelen = sizeof from;
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = ctrl;
        mh.msg_controllen = sizeof ctrl;
        ssize_t n = ::recvmsg(s.sock.native_handle(), &mh, MSG_DONTWAIT);
        if (n < 0) return;
        buf.resize(static_cast<size_t>(n));
        Datagram d;
        d.local.port = s.port;
        for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                in_pktinfo pi;
                std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
                boost::asio::ip::address_v4::bytes_type b;
                std::memcpy(b.data(), &pi.ipi_addr, 4);
                d.local.addr = boost::asio::ip::address_v4(b);
            } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                in6_pktinfo pi;
                std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
                boost::asio::ip::address_v6::bytes_type b;
                std::memcpy(b.data(), &pi.ipi6_addr, 16);
                d.local.addr = boost::asio::ip::address_v6(b);
            }
        }
        if (from.ss_family == AF_INET) {
            sockaddr_in sin;
            std::memcpy(&sin, &from, sizeof sin);
            boost::asio::ip::address_v4::bytes_type b;
            std::memcpy(b.data(), &sin.sin_addr, 4);
            d.remote = Endpoint{boost::asio::ip::address_v4(b), ntohs(sin.sin_port)};
        } else if (from.ss_family == AF_INET6) {
            sockaddr_in6 sin6;
            std::memcpy(&sin6, &from, sizeof sin6);
            boost::asio::ip::address_v6::bytes_type b;
            std::memcpy(b.data(), &sin6.sin6_addr, 16);
            d.remote = Endpoint{boost::asio::ip::address_v6(b), ntohs(sin6.sin6_port)};
        } else {
            continue;
        }
        if (s.port == natt_port_) {
            if (buf.size() == 1 && buf[0] == 0xff) continue; // NAT-T keepalive
            if (buf.size() >= 4 && buf[0] == 0 && buf[1] == 0 && buf[2] == 0 && buf[3] == 0) {
                buf.erase(buf.begin(), buf.begin() + 4);
            } else {
                ++esp_received_;
                d.data = std::move(buf);
                if (on_esp_) on_esp_(std::move(d));
                continue;
            }
        }
        d.data = std::move(buf);
        on_ike_(std::move(d));
    }
}

void UdpIo::send(const Datagram& d) { send_on(d, true); }

void UdpIo::send_on(const Datagram& d, bool ike) {
    for (auto& s : socks_) {
        if (s->v6 != d.local.addr.is_v6() || s->port != d.local.port) continue;
        // IKE on 4500 carries the non-ESP marker; a NAT-T keepalive (one 0xFF) and ESP do not.
        bool keepalive = d.data.size() == 1 && d.data[0] == 0xff;
        uint8_t marker[4] = {};
        iovec iov[2] = {{marker, 4}, {const_cast<uint8_t*>(d.data.data()), d.data.size()}};
        bool with_marker = ike && s->port == natt_port_ && !keepalive;
        // Send from the address the SA uses (IP_PKTINFO / IPV6_PKTINFO).
        alignas(cmsghdr) char ctrl[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
        sockaddr_storage to{};
        socklen_t tolen = 0;
        msghdr mh{};
        mh.msg_iov = with_marker ? iov : iov + 1;
        mh.msg_iovlen = with_marker ? 2 : 1;
        mh.msg_control = ctrl;
        if (d.remote.addr.is_v4()) {
            sockaddr_in sin{};
            sin.sin_family = AF_INET;
            sin.sin_port = htons(d.remote.port);
            auto b = d.remote.addr.to_v4().to_bytes();
            std::memcpy(&sin.sin_addr, b.data(), 4);
            std::memcpy(&to, &sin, sizeof sin);
            tolen = sizeof sin;
            mh.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
            cmsghdr* c = CMSG_FIRSTHDR(&mh);
            c->cmsg_level = IPPROTO_IP;
            c->cmsg_type = IP_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
            in_pktinfo pi{};
            if (!d.local.addr.is_unspecified()) {
                auto lb = d.local.addr.to_v4().to_bytes();
                std::memcpy(&pi.ipi_spec_dst, lb.data(), 4);
            }
            std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
        } else {
            sockaddr_in6 sin6{};
            sin6.sin6_family = AF_INET6;
            sin6.sin6_port = htons(d.remote.port);
            auto b = d.remote.addr.to_v6().to_bytes();
            std::memcpy(&sin6.sin6_addr, b.data(), 16);
            std::memcpy(&to, &sin6, sizeof sin6);
            tolen = sizeof sin6;
            mh.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
            cmsghdr* c = CMSG_FIRSTHDR(&mh);
            c->cmsg_level = IPPROTO_IPV6;
            c->cmsg_type = IPV6_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
            in6_pktinfo pi{};
            if (!d.local.addr.is_unspecified()) {
                auto lb = d.local.addr.to_v6().to_bytes();
                std::memcpy(&pi.ipi6_addr, lb.data(), 16);
            }
            std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
        }
        mh.msg_name = &to;
        mh.msg_namelen = tolen;
        if (::sendmsg(s->sock.native_handle(), &mh, 0) < 0)
            IKE_LOG(warn) << "send to " << d.remote.str() << " failed: " << std::strerror(errno);
        return;
    }
    IKE_LOG(warn) << "no socket for local " << d.local.str();
}

} // namespace iked
