// libpcap wrappers (see pcap_io.h).
#include "pcap_io.h"

#include <cstring>

namespace esphost {

namespace {

constexpr std::size_t kEthHeader = 14;
constexpr std::size_t kVlanTag = 4;
constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86DD;
constexpr int kSnapLen = 262144;

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

bool is_vlan(std::uint16_t type) { return type == 0x8100 || type == 0x88A8; }

// Offset of the IP packet in an Ethernet frame (after up to two VLAN tags), or npos.
std::size_t ethernet_ip_offset(const std::vector<std::uint8_t>& f) {
    std::size_t type_at = 12;
    for (int tags = 0; tags <= 2; ++tags) {
        if (f.size() < type_at + 2) return CapturedPacket::npos;
        const std::uint16_t type = be16(&f[type_at]);
        if (type == kEtherIpv4 || type == kEtherIpv6) return type_at + 2;
        if (!is_vlan(type) || tags == 2) return CapturedPacket::npos;
        type_at += kVlanTag;
    }
    return CapturedPacket::npos;
}

} // namespace

int output_link_type(int input_link_type) { return input_link_type == DLT_EN10MB ? DLT_EN10MB : DLT_RAW; }

PcapReader::PcapReader(const std::string& path) {
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_ = pcap_open_offline(path.c_str(), err);
    if (!pcap_) throw PcapError(path + ": " + err);
    dlt_ = pcap_datalink(pcap_);
    if (dlt_ != DLT_RAW && dlt_ != DLT_IPV4 && dlt_ != DLT_IPV6 && dlt_ != DLT_EN10MB) {
        const char* name = pcap_datalink_val_to_name(dlt_);
        pcap_close(pcap_);
        pcap_ = nullptr;
        throw PcapError(path + ": link type " + std::to_string(dlt_) + " (" + (name ? name : "?") +
                        ") is not supported (raw IP or Ethernet)");
    }
}

PcapReader::~PcapReader() {
    if (pcap_) pcap_close(pcap_);
}

bool PcapReader::next(CapturedPacket& out) {
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    const int r = pcap_next_ex(pcap_, &hdr, &data);
    if (r == PCAP_ERROR_BREAK) return false;
    if (r != 1) throw PcapError(std::string("reading packets: ") + pcap_geterr(pcap_));
    out.ts = hdr->ts;
    out.frame.assign(data, data + hdr->caplen);
    out.ip_offset = dlt_ == DLT_EN10MB ? ethernet_ip_offset(out.frame) : 0;
    return true;
}

PcapWriter::PcapWriter(const std::string& path, int link_type) : dlt_(link_type) {
    pcap_ = pcap_open_dead(link_type, kSnapLen);
    if (!pcap_) throw PcapError(path + ": cannot create a capture of link type " + std::to_string(link_type));
    dumper_ = pcap_dump_open(pcap_, path.c_str());
    if (!dumper_) {
        const std::string msg = pcap_geterr(pcap_);
        pcap_close(pcap_);
        pcap_ = nullptr;
        throw PcapError(path + ": " + msg);
    }
}

PcapWriter::~PcapWriter() {
    if (dumper_) pcap_dump_close(dumper_);
    if (pcap_) pcap_close(pcap_);
}

void PcapWriter::write(const timeval& ts, std::span<const std::uint8_t> frame) {
    pcap_pkthdr hdr{};
    hdr.ts = ts;
    hdr.caplen = static_cast<bpf_u_int32>(frame.size());
    hdr.len = hdr.caplen;
    pcap_dump(reinterpret_cast<u_char*>(dumper_), &hdr, frame.data());
}

void PcapWriter::write_ip(const CapturedPacket& like, std::span<const std::uint8_t> ip_packet) {
    if (dlt_ != DLT_EN10MB || !like.is_ip() || like.ip_offset < kEthHeader) {
        write(like.ts, ip_packet);
        return;
    }
    std::vector<std::uint8_t> frame(like.frame.begin(), like.frame.begin() + static_cast<long>(like.ip_offset));
    const std::uint16_t type = !ip_packet.empty() && (ip_packet[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4;
    frame[like.ip_offset - 2] = static_cast<std::uint8_t>(type >> 8);
    frame[like.ip_offset - 1] = static_cast<std::uint8_t>(type);
    frame.insert(frame.end(), ip_packet.begin(), ip_packet.end());
    write(like.ts, frame);
}

void PcapWriter::close() {
    if (!dumper_) return;
    const bool ok = pcap_dump_flush(dumper_) == 0;
    pcap_dump_close(dumper_);
    dumper_ = nullptr;
    pcap_close(pcap_);
    pcap_ = nullptr;
    if (!ok) throw PcapError("flushing the output capture failed");
}

} // namespace esphost
