// The host data path inside iked: Child SAs the card cannot take run here in
// software (host/hostpath, OpenSSL EVP). A TUN device owned by iked carries the
// clear side: packets the host routes into it are matched to an outbound SA by
// the Child SA's selectors, encrypted and sent as raw ESP (IP protocol 50) or
// ESP in UDP 4500 (RFC 3948, through the IKE socket); ESP received on either is
// decrypted, checked against the SA's selectors (RFC 4301 5.2) and written to
// the TUN device. Bad input of any kind is a counted drop.
#pragma once

#include <utility> // before Asio: Boost 1.74 uses std::exchange without it
#include <boost/asio.hpp>
#include <memory>
#include <string>

#include "host_path.h"
#include "sa/datagram.h"
#include "sa/sa_offload.h"

namespace iked {

class UdpIo;

class HostPathOffload : public ike::sa::SaOffload {
public:
    // Opens and brings up TUN device `tun` (MTU `mtu`) and the raw ESP sockets;
    // throws std::runtime_error when the TUN device cannot be had. A missing raw
    // socket (IPv6 off) only limits raw ESP to the other family.
    HostPathOffload(boost::asio::io_context& io, UdpIo& udp, const std::string& tun, unsigned mtu);
    ~HostPathOffload() override;

    bool accepts(const ike::sa::OffloadSa& sa) const override;
    std::optional<uint32_t> install(const ike::sa::OffloadSa& sa) override;
    void remove(uint32_t handle) override;
    std::string name() const override { return "host path (" + tun_name_ + ")"; }
    std::string path(uint32_t) const override { return "host"; }
    std::optional<ike::sa::OffloadCounters> counters(uint32_t handle) override;
    std::vector<ike::sa::OffloadEvent> poll_events() override;

    // ESP that arrived in UDP on the NAT-T port (UdpIo's ESP handler).
    void on_udp_esp(const ike::sa::Datagram& d);
    const hostpath::TableCounters& table_counters() const { return table_.table_counters(); }

private:
    struct Fd;
    void arm(Fd& f);
    void read_tun();
    void read_raw(Fd& f);
    void deliver(const uint8_t* esp, size_t len, bool udp);
    static uint64_t now_s();

    boost::asio::io_context& io_;
    UdpIo& udp_;
    std::string tun_name_;
    hostpath::HostPath table_;
    std::unique_ptr<Fd> tun_, raw4_, raw6_;
    // Buffers reused for every packet.
    std::vector<uint8_t> rx_, inner_;
    ike::sa::Datagram tx_;
};

} // namespace iked
