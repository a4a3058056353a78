// pcap_io.h: reading and writing capture files through libpcap, reduced to IP packets.
//
// Link types read: DLT_RAW (LINKTYPE_RAW 101 and the old DLT_RAW 12/14, libpcap maps them),
// DLT_IPV4, DLT_IPV6 and DLT_EN10MB. On Ethernet the 14-octet header and up to two VLAN
// tags (0x8100 / 0x88a8) are taken off and kept, so a packet written back gets the same
// MACs and tags with the EtherType of its own IP version. Frames that carry no IPv4/IPv6
// (ARP, LLDP...) are returned with ip_offset = npos: callers pass them through.
//
// Output link type: Ethernet input gives Ethernet output, every raw type gives DLT_RAW
// (a DLT_IPV4 file could not hold the IPv6 packets that decryption may produce).
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace esphost {

struct CapturedPacket {
    timeval ts{};
    std::vector<std::uint8_t> frame; // as captured (link header included)
    std::size_t ip_offset = 0;       // where the IP packet starts; npos: not IP

    bool is_ip() const { return ip_offset != npos; }
    std::span<const std::uint8_t> ip() const {
        return std::span<const std::uint8_t>(frame).subspan(is_ip() ? ip_offset : frame.size());
    }
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

class PcapError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class PcapReader {
public:
    explicit PcapReader(const std::string& path); // throws PcapError
    ~PcapReader();
    PcapReader(const PcapReader&) = delete;
    PcapReader& operator=(const PcapReader&) = delete;

    int link_type() const { return dlt_; }
    bool ethernet() const { return dlt_ == DLT_EN10MB; }
    // The next packet, false at the end of the file; throws PcapError on a read error.
    // Frames cut short by the capture's snap length are read as captured.
    bool next(CapturedPacket& out);

private:
    pcap_t* pcap_ = nullptr;
    int dlt_ = 0;
};

class PcapWriter {
public:
    // link_type: DLT_RAW or DLT_EN10MB. Throws PcapError.
    PcapWriter(const std::string& path, int link_type);
    ~PcapWriter();
    PcapWriter(const PcapWriter&) = delete;
    PcapWriter& operator=(const PcapWriter&) = delete;

    int link_type() const { return dlt_; }
    void write(const timeval& ts, std::span<const std::uint8_t> frame);
    // Writes an IP packet with the link header of `like` (Ethernet: its MACs and VLAN tags,
    // EtherType set from the packet's IP version).
    void write_ip(const CapturedPacket& like, std::span<const std::uint8_t> ip_packet);
    void close(); // flushes; throws PcapError if that fails

private:
    pcap_t* pcap_ = nullptr;
    pcap_dumper_t* dumper_ = nullptr;
    int dlt_ = 0;
};

// The output link type for an input one (see the top of this file).
int output_link_type(int input_link_type);

} // namespace esphost
