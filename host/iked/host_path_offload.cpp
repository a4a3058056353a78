#include "host_path_offload.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdexcept>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sa/log.h"
#include "udp_io.h"

namespace iked {

using boost::asio::posix::stream_descriptor;
using ike::sa::OffloadSa;

namespace {

// RFC 7296 transform IDs.
constexpr uint16_t kEncrNull = 11, kEncrAesCbc = 12, kEncrAesGcm16 = 20, kEncrChacha = 28;
constexpr uint16_t kAuthSha1_96 = 2, kAuthSha256 = 12, kAuthSha384 = 13, kAuthSha512 = 14;

std::optional<hostpath::Integ> integ_of(uint16_t id) {
    switch (id) {
        case 0:
            return hostpath::Integ::none;
        case kAuthSha1_96:
            return hostpath::Integ::hmac_sha1_96;
        case kAuthSha256:
            return hostpath::Integ::hmac_sha256_128;
        case kAuthSha384:
            return hostpath::Integ::hmac_sha384_192;
        case kAuthSha512:
            return hostpath::Integ::hmac_sha512_256;
    }
    return std::nullopt;
}

std::optional<hostpath::Cipher> cipher_of(uint16_t id) {
    switch (id) {
        case kEncrNull:
            return hostpath::Cipher::null;
        case kEncrAesCbc:
            return hostpath::Cipher::aes_cbc;
        case kEncrAesGcm16:
            return hostpath::Cipher::aes_gcm;
        case kEncrChacha:
            return hostpath::Cipher::chacha20_poly1305;
    }
    return std::nullopt;
}

hostpath::Selector selector_of(const ike::sa::Ts& t) {
    hostpath::Selector s;
    s.v6 = t.v6;
    s.proto = t.proto;
    s.port_lo = t.port_lo;
    s.port_hi = t.port_hi;
    s.lo = t.lo;
    s.hi = t.hi;
    return s;
}

boost::asio::ip::address addr_of(const uint8_t* a, bool v6) {
    if (v6) {
        boost::asio::ip::address_v6::bytes_type b;
        std::memcpy(b.data(), a, 16);
        return boost::asio::ip::address_v6(b);
    }
    boost::asio::ip::address_v4::bytes_type b;
    std::memcpy(b.data(), a, 4);
    return boost::asio::ip::address_v4(b);
}

int open_tun(const std::string& name, unsigned mtu) {
    int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("/dev/net/tun: ") + std::strerror(errno));
    ifreq ifr{};
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (name.empty() || name.size() >= IFNAMSIZ) {
        ::close(fd);
        throw std::runtime_error("TUN device name '" + name + "': 1 to 15 characters");
    }
    std::memcpy(ifr.ifr_name, name.c_str(), name.size());
    if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        ::close(fd);
        throw std::runtime_error("TUNSETIFF " + name + ": " + std::strerror(e));
    }
    int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool ok = s >= 0;
    ifreq req{};
    std::memcpy(req.ifr_name, ifr.ifr_name, IFNAMSIZ);
    req.ifr_mtu = int(mtu);
    ok = ok && ::ioctl(s, SIOCSIFMTU, &req) == 0;
    ok = ok && ::ioctl(s, SIOCGIFFLAGS, &req) == 0;
    req.ifr_flags = short(req.ifr_flags | IFF_UP | IFF_RUNNING);
    ok = ok && ::ioctl(s, SIOCSIFFLAGS, &req) == 0;
    int e = errno;
    if (s >= 0) ::close(s);
    if (!ok) {
        ::close(fd);
        throw std::runtime_error("bringing up " + name + ": " + std::strerror(e));
    }
    return fd;
}

int open_raw(int family) {
    int fd = ::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP);
    if (fd < 0)
        IKE_LOG(warn) << "host path: no raw ESP socket for " << (family == AF_INET ? "IPv4" : "IPv6") << ": "
                      << std::strerror(errno);
    return fd;
}

} // namespace

struct HostPathOffload::Fd {
    stream_descriptor sd;
    bool v6 = false;
    Fd(boost::asio::io_context& io, int fd, bool is_v6) : sd(io, fd), v6(is_v6) {}
};

HostPathOffload::HostPathOffload(boost::asio::io_context& io, UdpIo& udp, const std::string& tun, unsigned mtu)
    : io_(io), udp_(udp), tun_name_(tun), rx_(65536) {
    tun_ = std::make_unique<Fd>(io_, open_tun(tun, mtu), false);
    if (int fd = open_raw(AF_INET); fd >= 0) raw4_ = std::make_unique<Fd>(io_, fd, false);
    if (int fd = open_raw(AF_INET6); fd >= 0) raw6_ = std::make_unique<Fd>(io_, fd, true);
    arm(*tun_);
    if (raw4_) arm(*raw4_);
    if (raw6_) arm(*raw6_);
}

HostPathOffload::~HostPathOffload() = default;

uint64_t HostPathOffload::now_s() {
    return uint64_t(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

void HostPathOffload::arm(Fd& f) {
    f.sd.async_wait(stream_descriptor::wait_read, [this, &f](const boost::system::error_code& ec) {
        if (ec) return;
        if (&f == tun_.get())
            read_tun();
        else
            read_raw(f);
        arm(f);
    });
}

bool HostPathOffload::accepts(const OffloadSa& sa) const {
    auto c = cipher_of(sa.encr);
    auto i = integ_of(sa.integ);
    if (!c || !i) return false;
    bool aead = *c == hostpath::Cipher::aes_gcm || *c == hostpath::Cipher::chacha20_poly1305;
    if (aead != (*i == hostpath::Integ::none)) return false;
    if (sa.transport) return false; // the TUN device carries whole packets: tunnel mode only
    switch (*c) {
        case hostpath::Cipher::null:
            return sa.key_len == 0;
        case hostpath::Cipher::chacha20_poly1305:
            return sa.key_len == 32;
        default:
            return sa.key_len == 16 || sa.key_len == 24 || sa.key_len == 32;
    }
}

std::optional<uint32_t> HostPathOffload::install(const OffloadSa& sa) {
    if (!accepts(sa)) return std::nullopt;
    hostpath::SaSpec spec;
    hostpath::SaParams& p = spec.esp;
    p.inbound = sa.inbound;
    p.tunnel = !sa.transport;
    p.esn = sa.esn;
    p.spi = sa.spi;
    p.cipher = *cipher_of(sa.encr);
    p.integ = *integ_of(sa.integ);
    p.enc_key.assign(sa.key, sa.key + sa.key_len);
    if (p.cipher == hostpath::Cipher::aes_gcm || p.cipher == hostpath::Cipher::chacha20_poly1305)
        p.enc_key.insert(p.enc_key.end(), sa.salt, sa.salt + 4);
    p.integ_key.assign(sa.integ_key, sa.integ_key + sa.integ_key_len);
    p.replay_window = sa.replay_window;
    p.life.soft_bytes = sa.byte_soft;
    p.life.hard_bytes = sa.byte_hard;
    for (const auto& t : sa.ts_local) spec.local.push_back(selector_of(t));
    for (const auto& t : sa.ts_remote) spec.remote.push_back(selector_of(t));
    hostpath::Route& r = spec.route;
    r.v6 = sa.v6;
    std::memcpy(r.local.data(), sa.inbound ? sa.dst : sa.src, 16);
    std::memcpy(r.remote.data(), sa.inbound ? sa.src : sa.dst, 16);
    r.udp_encap = sa.udp_encap;
    r.sport = sa.inbound ? sa.encap_dport : sa.encap_sport;
    r.dport = sa.inbound ? sa.encap_sport : sa.encap_dport;
    std::string err;
    auto h = table_.add(std::move(spec), now_s(), &err); // wipes the key copies
    if (!h) IKE_LOG(warn) << name() << ": SA spi " << std::hex << sa.spi << std::dec << " refused: " << err;
    return h;
}

void HostPathOffload::remove(uint32_t handle) { table_.remove(handle); }

std::optional<ike::sa::OffloadCounters> HostPathOffload::counters(uint32_t handle) {
    auto c = table_.counters(handle);
    if (!c) return std::nullopt;
    ike::sa::OffloadCounters o;
    o.packets = c->packets;
    o.bytes = c->bytes;
    o.seq = c->seq;
    o.drops = c->drops_total();
    for (unsigned d = 1; d < hostpath::kDropCount; ++d)
        if (c->drops[d]) o.drops_by.emplace_back(hostpath::drop_name(hostpath::Drop(d)), c->drops[d]);
    o.disabled = c->disabled;
    return o;
}

std::vector<ike::sa::OffloadEvent> HostPathOffload::poll_events() {
    std::vector<ike::sa::OffloadEvent> out;
    for (const auto& e : table_.poll(now_s())) {
        ike::sa::OffloadEvent o;
        o.handle = e.handle;
        o.type = e.type == hostpath::EventType::soft   ? ike::sa::OffloadEventType::soft
                 : e.type == hostpath::EventType::hard ? ike::sa::OffloadEventType::hard
                                                       : ike::sa::OffloadEventType::seq_exhausted;
        out.push_back(o);
    }
    return out;
}

void HostPathOffload::read_tun() {
    for (int budget = 0; budget < 256; ++budget) {
        ssize_t n = ::read(tun_->sd.native_handle(), rx_.data(), rx_.size());
        if (n <= 0) return;
        const hostpath::Route* route = nullptr;
        uint32_t h = 0;
        auto verdict = table_.outbound(rx_.data(), size_t(n), tx_.data, &route, &h, now_s());
        if (verdict != hostpath::Drop::ok) {
            IKE_LOG(debug) << "host path: TUN packet of " << n << " bytes dropped: " << hostpath::drop_name(verdict);
            continue;
        }
        if (route->udp_encap) {
            tx_.local = {addr_of(route->local.data(), route->v6), route->sport};
            tx_.remote = {addr_of(route->remote.data(), route->v6), route->dport};
            udp_.send_esp(tx_);
            continue;
        }
        Fd* raw = route->v6 ? raw6_.get() : raw4_.get();
        if (!raw) continue;
        sockaddr_storage to{};
        socklen_t len = 0;
        if (route->v6) {
            sockaddr_in6 s6{};
            s6.sin6_family = AF_INET6;
            std::memcpy(&s6.sin6_addr, route->remote.data(), 16);
            std::memcpy(&to, &s6, sizeof s6);
            len = sizeof s6;
        } else {
            sockaddr_in s4{};
            s4.sin_family = AF_INET;
            std::memcpy(&s4.sin_addr, route->remote.data(), 4);
            std::memcpy(&to, &s4, sizeof s4);
            len = sizeof s4;
        }
        if (::sendto(raw->sd.native_handle(), tx_.data.data(), tx_.data.size(), 0,
                     reinterpret_cast<const sockaddr*>(&to), len) < 0)
            IKE_LOG(debug) << "host path: raw ESP send failed: " << std::strerror(errno);
    }
}

void HostPathOffload::read_raw(Fd& f) {
    for (int budget = 0; budget < 256; ++budget) {
        ssize_t n = ::recv(f.sd.native_handle(), rx_.data(), rx_.size(), 0);
        if (n <= 0) return;
        size_t off = 0;
        if (!f.v6) { // IPv4 raw sockets deliver the IP header too
            if (n < 20) continue;
            off = size_t(rx_[0] & 15) * 4;
            if (off < 20 || off > size_t(n)) continue;
        }
        deliver(rx_.data() + off, size_t(n) - off, false);
    }
}

void HostPathOffload::on_udp_esp(const ike::sa::Datagram& d) { deliver(d.data.data(), d.data.size(), true); }

void HostPathOffload::deliver(const uint8_t* esp, size_t len, bool udp) {
    uint32_t h = 0;
    auto verdict = table_.inbound(esp, len, udp, inner_, &h, now_s());
    if (verdict != hostpath::Drop::ok) {
        IKE_LOG(debug) << "host path: ESP of " << len << " bytes dropped: " << hostpath::drop_name(verdict);
        return;
    }
    if (::write(tun_->sd.native_handle(), inner_.data(), inner_.size()) < 0)
        IKE_LOG(debug) << "host path: TUN write failed: " << std::strerror(errno);
}

} // namespace iked
