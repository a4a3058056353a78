// Inbound (decrypt) transform: outer IPv4/IPv6 packet with ESP (or ESP in UDP 4500) ->
// inner packet (tunnel) or restored packet (transport). Decisions: docs/engine.md "Inbound".
#include "esp/esp_bytes.h"
#include "esp/esp_datapath.h"
#include "esp/esp_framing.h"

namespace esphls {
namespace {

constexpr unsigned kProtoUdp = 17;
constexpr unsigned kProtoEsp = 50;
constexpr unsigned kUdpBytes = 8;

struct OuterHeader {
    bool ipv6;
    unsigned ip_len;  // outer IP header bytes (IPv4 with options: IHL * 4)
    unsigned esp_off; // first ESP byte (after UDP when encapsulated)
    bool udp;
    ap_uint<32> dst[4];
};

// Parses and checks the outer headers; false means MALFORMED.
bool parse_outer(const std::uint8_t* in, unsigned len, OuterHeader& h) {
    const unsigned version = in[0] >> 4;
    unsigned proto = 0;
    for (unsigned i = 0; i < 4; ++i) h.dst[i] = 0;
    if (version == 4) {
        const unsigned ihl = (in[0] & 15u) * 4;
        if (len < 20 || ihl < 20 || ihl > len || get16(in, 2) != len) return false;
        if (ipv4_header_checksum(in, 0, ihl) != 0) return false; // verified: it carries the lookup key
        if ((get16(in, 6) & 0x3FFFu) != 0) return false;         // fragments: reassemble first
        h.ipv6 = false;
        h.ip_len = ihl;
        proto = in[9];
        h.dst[0] = get32(in, 16);
    } else if (version == 6) {
        if (len < 40 || get16(in, 4) + 40 != len) return false;
        h.ipv6 = true;
        h.ip_len = 40;
        proto = in[6]; // extension headers ahead of ESP are not parsed: MALFORMED below
        for (unsigned i = 0; i < 4; ++i) h.dst[i] = get32(in, 24 + 4 * i);
    } else {
        return false;
    }
    h.esp_off = h.ip_len;
    h.udp = false;
    if (proto == kProtoUdp) {
        if (len < h.ip_len + kUdpBytes) return false;
        if (get16(in, h.ip_len + 2) != ESP_UDP_ENCAP_PORT) return false;
        if (get16(in, h.ip_len + 4) != len - h.ip_len) return false;
        h.udp = true;
        h.esp_off += kUdpBytes;
    } else if (proto != kProtoEsp) {
        return false;
    }
    return true;
}

// Tunnel mode: length of the inner packet at p (plen bytes decrypted), or 0 when it is
// inconsistent. Bytes after the inner packet's own length are TFC padding (RFC 4303 2.7)
// and are dropped.
unsigned tunnel_inner_len(const std::uint8_t* p, unsigned plen, unsigned next_header) {
    if (next_header == 4) {
        if (plen < 20 || (p[0] >> 4) != 4) return 0;
        const unsigned ihl = (p[0] & 15u) * 4;
        const unsigned tot = get16(p, 2);
        if (ihl < 20 || tot < ihl || tot > plen) return 0;
        return tot;
    }
    if (next_header == 41) {
        if (plen < 40 || (p[0] >> 4) != 6) return 0;
        const unsigned tot = get16(p, 4) + 40;
        return tot > plen ? 0 : tot;
    }
    return 0; // includes 59 (dummy packet): not an inner IP packet
}

} // namespace

PacketVerdict esp_inbound(EspEngineState& st, bool stream_ok, std::uint8_t* in, unsigned len, std::uint8_t* out) {
    PacketVerdict v{ESP_DROP_MALFORMED, kNoSa, 0, 0};
    if (!stream_ok || len == 0) return v;
    OuterHeader oh;
    if (!parse_outer(in, len, oh)) return v;
    const unsigned esp_len = len - oh.esp_off;
    if (esp_len < kEspHeaderBytes) return v;
    const std::uint32_t spi = get32(in, oh.esp_off);
    // RFC 3948 non-ESP marker (four zero octets): IKE on port 4500, not for the engine.
    if (oh.udp && spi == 0) return v;

    const int handle = hash_lookup(st.hash, spi, oh.dst, oh.ipv6);
    if (handle < 0) {
        v.code = ESP_DROP_NO_SA;
        return v;
    }
    v.sa = unsigned(handle);
    SaSlot& sa = st.sat.slot[handle];
    if (sa_udp(sa.ctrl) != oh.udp) return v; // encapsulation differs from the SA's
    if (sa.disabled) {
        v.code = ESP_DROP_SA_DISABLED;
        return v;
    }
    if (esp_len < kEspMinBytes) return v;

    ReplayState& rs = st.sat.replay[handle];
    const bool esn = sa_esn(sa.ctrl);
    const ap_uint<64> seq = replay_infer_seq(rs, ap_uint<32>(get32(in, oh.esp_off + 4)), esn);
    if (!replay_check(rs, seq)) {
        v.code = ESP_DROP_REPLAY;
        return v;
    }
    unsigned plen = 0, next_header = 0;
    v.code = esp_open(in, oh.esp_off, esp_len, seq, esn, st.sat.key[handle], sa.salt, plen, next_header);
    if (v.code != ESP_DROP_OK) return v;

    const unsigned pay = oh.esp_off + kEspHeaderBytes + kEspIvBytes;
    unsigned out_len = 0;
    if (!sa_transport(sa.ctrl)) {
        out_len = tunnel_inner_len(in + pay, plen, next_header);
        if (out_len == 0) {
            v.code = ESP_DROP_MALFORMED;
            return v;
        }
        copy_bytes(out, 0, in, pay, out_len);
    } else {
        // Transport: the outer IP header again, now carrying the ESP next header.
        copy_bytes(out, 0, in, 0, oh.ip_len);
        copy_bytes(out, oh.ip_len, in, pay, plen);
        out_len = oh.ip_len + plen;
        ip_rewrite_header(out, oh.ipv6, oh.ip_len, next_header, out_len);
    }
    replay_update(rs, seq); // only now: the packet verified and is delivered
    v.code = ESP_DROP_OK;
    v.out_len = out_len;
    v.inner_len = out_len;
    return v;
}

} // namespace esphls
