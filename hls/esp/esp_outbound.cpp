// Outbound (encrypt) transform: inner IPv4/IPv6 packet -> ESP packet, tunnel or transport,
// optionally in UDP (RFC 4303, RFC 4106, RFC 3948). Decisions: docs/engine.md "Outbound".
#include "esp/esp_bytes.h"
#include "esp/esp_datapath.h"
#include "esp/esp_framing.h"

namespace esphls {
namespace {

constexpr unsigned kProtoUdp = 17;
constexpr unsigned kProtoEsp = 50;
constexpr unsigned kNhIpv4 = 4;
constexpr unsigned kNhIpv6 = 41;

// IPv6 headers that must stay in clear ahead of ESP; transport mode does not move them,
// so such packets are refused (hop-by-hop 0, routing 43, fragment 44).
bool ipv6_needs_clear_ext(unsigned nh) { return nh == 0 || nh == 43 || nh == 44; }

void put_addr(std::uint8_t* b, unsigned off, const ap_uint<32> addr[4], unsigned words) {
    for (unsigned i = 0; i < words; ++i) put32(b, off + 4 * i, addr[i].to_uint());
}

// Outer IPv4 header of a tunnel packet: IHL 5, TOS 0, ID = low 16 bits of the sequence
// number, no flags (DF clear), TTL OUTER_TTL.
void build_outer_ipv4(std::uint8_t* out, const SaSlot& sa, unsigned total, unsigned proto, const ap_uint<64>& seq) {
    out[0] = 0x45;
    out[1] = 0;
    put16(out, 2, total);
    put16(out, 4, unsigned(seq.range(15, 0)));
    put16(out, 6, 0);
    out[8] = ESP_OUTER_TTL;
    out[9] = std::uint8_t(proto);
    put16(out, 10, 0);
    put_addr(out, 12, sa.src, 1);
    put_addr(out, 16, sa.dst, 1);
    put16(out, 10, ipv4_header_checksum(out, 0, 20));
}

// Outer IPv6 header: traffic class 0, flow label 0, hop limit OUTER_TTL.
void build_outer_ipv6(std::uint8_t* out, const SaSlot& sa, unsigned total, unsigned proto) {
    out[0] = 0x60;
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
    put16(out, 4, total - 40);
    out[6] = std::uint8_t(proto);
    out[7] = ESP_OUTER_TTL;
    put_addr(out, 8, sa.src, 4);
    put_addr(out, 24, sa.dst, 4);
}

// RFC 3948 UDP header. IPv4: checksum 0 (RFC 3948 2.1, as Linux sends it). IPv6: a real
// checksum, since RFC 8200 8.1 forbids zero (Linux computes it too); 0 is sent as 0xFFFF.
void build_udp(std::uint8_t* out, unsigned udp_off, const SaSlot& sa, unsigned udp_len, bool ipv6) {
    put16(out, udp_off, sa.sport.to_uint());
    put16(out, udp_off + 2, sa.dport.to_uint());
    put16(out, udp_off + 4, udp_len);
    put16(out, udp_off + 6, 0);
    if (!ipv6) return;
    std::uint32_t acc = csum_add(0, out, 8, 32); // source and destination addresses
    acc += udp_len + kProtoUdp;
    acc = csum_add(acc, out, udp_off, udp_len);
    unsigned sum = 0xFFFFu & ~csum_fold(acc);
    if (sum == 0) sum = 0xFFFF;
    put16(out, udp_off + 6, sum);
}

} // namespace

unsigned ipv4_header_checksum(const std::uint8_t* b, unsigned off, unsigned hdr_len) {
    return 0xFFFFu & ~csum_fold(csum_add(0, b, off, hdr_len));
}

void ip_rewrite_header(std::uint8_t* p, bool ipv6, unsigned hdr_len, unsigned proto, unsigned total) {
    if (ipv6) {
        p[6] = std::uint8_t(proto);
        put16(p, 4, total - 40);
        return;
    }
    p[9] = std::uint8_t(proto);
    put16(p, 2, total);
    put16(p, 10, 0);
    put16(p, 10, ipv4_header_checksum(p, 0, hdr_len));
}

PacketVerdict esp_outbound(EspEngineState& st, unsigned handle, bool stream_ok, const std::uint8_t* in, unsigned len,
                           std::uint8_t* out) {
    PacketVerdict v{ESP_DROP_NO_SA, kNoSa, 0, 0};
    if (handle >= ESP_N_SA) return v;
    SaSlot& sa = st.sat.slot[handle];
    if (!sa.valid || sa_inbound(sa.ctrl)) return v;
    v.sa = handle;
    if (sa.disabled) {
        v.code = ESP_DROP_SA_DISABLED;
        return v;
    }

    // Inner packet checks: version, header length, length field == LEN exactly.
    v.code = ESP_DROP_MALFORMED;
    if (!stream_ok || len == 0) return v;
    const bool transport = sa_transport(sa.ctrl);
    const bool outer6 = sa_ipv6(sa.ctrl);
    const unsigned version = in[0] >> 4;
    unsigned clear_len = 0; // leading inner bytes kept in clear (transport: the IP header)
    unsigned next_header = 0;
    if (version == 4) {
        const unsigned ihl = (in[0] & 15u) * 4;
        if (len < 20 || ihl < 20 || ihl > len || get16(in, 2) != len) return v;
        if (transport) {
            // RFC 4303 3.1.1: transport mode applies to whole datagrams only.
            if (outer6 || (get16(in, 6) & 0x3FFFu) != 0) return v;
            clear_len = ihl;
            next_header = in[9];
        } else {
            next_header = kNhIpv4;
        }
    } else if (version == 6) {
        if (len < 40 || get16(in, 4) + 40 != len) return v;
        if (transport) {
            if (!outer6 || ipv6_needs_clear_ext(in[6])) return v;
            clear_len = 40;
            next_header = in[6];
        } else {
            next_header = kNhIpv6;
        }
    } else {
        return v;
    }

    // Sequence number: never wraps; the SA stops instead (event raised once, then the SA
    // is disabled and later packets drop SA_DISABLED).
    const bool esn = sa_esn(sa.ctrl);
    const ap_uint<64> last_allowed = esn ? ~ap_uint<64>(0) : ap_uint<64>(0xFFFFFFFFu);
    if (sa.seq >= last_allowed) {
        sa.disabled = true;
        esp_raise_event(st, ESP_EVT_SEQ_EXHAUSTED, handle);
        v.code = ESP_DROP_SEQ_EXHAUSTED;
        return v;
    }
    const ap_uint<64> seq = sa.seq + 1;

    const bool udp = sa_udp(sa.ctrl);
    const unsigned ip_len = transport ? clear_len : (outer6 ? 40u : 20u);
    const unsigned esp_off = ip_len + (udp ? 8u : 0u);
    const unsigned payload_len = len - clear_len;
    copy_bytes(out, esp_off + kEspHeaderBytes + kEspIvBytes, in, clear_len, payload_len);
    // The IV is the 64-bit sequence number: unique per key because seq never repeats.
    const unsigned esp_len =
        esp_seal(out, esp_off, payload_len, next_header, sa.spi, seq, esn, seq, st.sat.key[handle], sa.salt);
    const unsigned total = esp_off + esp_len;
    const unsigned proto = udp ? kProtoUdp : kProtoEsp;

    if (transport) {
        copy_bytes(out, 0, in, 0, clear_len);
        ip_rewrite_header(out, version == 6, clear_len, proto, total);
    } else if (outer6) {
        build_outer_ipv6(out, sa, total, proto);
    } else {
        build_outer_ipv4(out, sa, total, proto, seq);
    }
    if (udp) build_udp(out, ip_len, sa, total - ip_len, outer6);

    sa.seq = seq;
    v.code = ESP_DROP_OK;
    v.out_len = total;
    v.inner_len = len;
    return v;
}

} // namespace esphls
