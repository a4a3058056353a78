// Transmit (host -> wire) and receive (wire -> host) actions of the port layer.
// Decisions: docs/port.md "Transmit" and "Receive".
#include "esp/esp_bytes.h"
#include "esp/esp_framing.h"
#include "port/port_engine.h"

namespace esphls {
namespace {

constexpr unsigned kIkePort = 500;
constexpr unsigned kUdpHeaderBytes = 8;
constexpr unsigned kFrameBufBytes = ESP_MAX_FRAME_BYTES + kMaxOverhead;

// Reads one frame into buf; returns its length, or a length above MAX_FRAME_BYTES when it
// was longer (the excess is consumed and not kept).
unsigned read_frame(hls::stream<AxisFrame>& in, std::uint8_t* buf) {
    unsigned len = 0;
    for (;;) {
#pragma HLS PIPELINE II = 1
        const AxisFrame beat = in.read();
        const unsigned keep = beat.keep.to_uint();
        for (unsigned i = 0; i < 16; ++i) {
            if (((keep >> i) & 1u) == 0) continue;
            if (len < ESP_MAX_FRAME_BYTES) buf[len] = std::uint8_t(beat.data.range(8 * i + 7, 8 * i).to_uint());
            ++len;
        }
        if (beat.last) break;
    }
    return len;
}

// The beat carrying buf[off .. min(off + 16, len)) (data, keep, last; an empty packet is
// one beat with keep 0).
template <class Beat>
Beat beat_at(const std::uint8_t* buf, unsigned off, unsigned len) {
#pragma HLS INLINE
    const unsigned n = len - off < 16 ? len - off : 16;
    Beat beat;
    beat.data = 0;
    for (unsigned i = 0; i < n; ++i) beat.data.range(8 * i + 7, 8 * i) = buf[off + i];
    beat.keep = n == 16 ? 0xFFFFu : (1u << n) - 1;
    beat.last = off + n >= len ? 1 : 0;
    return beat;
}

void write_frame(hls::stream<AxisFrame>& out, const std::uint8_t* buf, unsigned len) {
    unsigned off = 0;
    do {
#pragma HLS PIPELINE II = 1
        out.write(beat_at<AxisFrame>(buf, off, len));
        off += 16;
    } while (off < len);
}

// Runs pkt[0 .. len) through the ESP engine; on OK out[0 .. *out_len) is its output.
// Returns the engine's drop code and sets *sa to the tuser SA.
unsigned run_engine(EspEngineState& esp, bool inbound, unsigned handle, const std::uint8_t* pkt, unsigned len,
                    std::uint8_t* out, unsigned& out_len, unsigned& sa) {
    hls::stream<AxisIn> s_in;
    hls::stream<AxisOut> s_out;
    ap_uint<ESP_TUSER_IN_WIDTH> user = 0;
    user.range(ESP_TUSER_IN_DIR_LSB, ESP_TUSER_IN_DIR_LSB) = inbound ? 1u : 0u;
    user.range(ESP_TUSER_IN_SA_LSB + ESP_TUSER_IN_SA_WIDTH - 1, ESP_TUSER_IN_SA_LSB) = handle;
    user.range(ESP_TUSER_IN_LEN_LSB + ESP_TUSER_IN_LEN_WIDTH - 1, ESP_TUSER_IN_LEN_LSB) = len;
    unsigned off = 0;
    do {
        AxisIn beat = beat_at<AxisIn>(pkt, off, len);
        beat.user = user;
        s_in.write(beat);
        off += 16;
    } while (off < len);
    esp_process_packet(esp, s_in, s_out);
    out_len = 0;
    unsigned result = ESP_DROP_OK;
    bool first = true;
    for (;;) {
        const AxisOut beat = s_out.read();
        if (first) {
            result =
                beat.user.range(ESP_TUSER_OUT_RESULT_LSB + ESP_TUSER_OUT_RESULT_WIDTH - 1, ESP_TUSER_OUT_RESULT_LSB)
                    .to_uint();
            sa = beat.user.range(ESP_TUSER_OUT_SA_LSB + ESP_TUSER_OUT_SA_WIDTH - 1, ESP_TUSER_OUT_SA_LSB).to_uint();
            first = false;
        }
        const unsigned keep = beat.keep.to_uint();
        for (unsigned i = 0; i < 16; ++i)
            if ((keep >> i) & 1u) out[out_len++] = std::uint8_t(beat.data.range(8 * i + 7, 8 * i).to_uint());
        if (beat.last) break;
    }
    return result;
}

PortVerdict verdict(unsigned fate, unsigned policy = kNoPolicy, unsigned sa = kNoSa, unsigned engine = ESP_DROP_OK) {
    return PortVerdict{fate, policy, sa, engine};
}

bool is_drop(unsigned fate) { return fate >= ESP_FATE_DROP_ENGINE; }

// Raises ACQUIRE for policy slot p unless one was raised within ACQ_HOLDOFF. The event and
// its record go in together, so EVT_POP and the ACQUIRE queue stay in step.
void raise_acquire(PortState& st, unsigned p, const FlowKey& k, std::uint32_t now) {
    PolicySlot& pol = st.spd.slot[p];
    if (pol.acq_raised && std::uint32_t(now - pol.acq_time) < st.acq_holdoff) return;
    if (st.esp.evq.count >= ESP_EVENT_QUEUE_DEPTH || st.acq.count >= ESP_ACQ_QUEUE_DEPTH) {
        if (st.acq_lost != 0xFFFFFFFFu) ++st.acq_lost;
        return; // not marked raised: the next packet of the flow tries again
    }
    struct esp_acquire_record r {};
    r.info_ipv6 = k.ipv6;
    r.info_proto = k.proto;
    r.info_slot = p;
    r.policy_id = pol.id;
    r.ports_sport = k.ports_known ? k.sport : 0;
    r.ports_dport = k.ports_known ? k.dport : 0;
    for (unsigned i = 0; i < 4; ++i) {
        r.src[i] = k.src[i];
        r.dst[i] = k.dst[i];
    }
    r.raised_at = now;
    esp_acquire_record_pack(&r, st.acq.rec[(st.acq.head + st.acq.count) % ESP_ACQ_QUEUE_DEPTH]);
    ++st.acq.count;
    esp_raise_event(st.esp, ESP_EVT_ACQUIRE, p);
    pol.acq_raised = true;
    pol.acq_time = now;
}

// The L2 header of frame f in front of an IP packet: EtherType from its version nibble.
unsigned relabel(std::uint8_t* out, const std::uint8_t* frame, const FrameInfo& f, const std::uint8_t* ip,
                 unsigned ip_len) {
    copy_bytes(out, 0, frame, 0, f.l2_len);
    put16(out, f.ethertype_off, (ip[0] >> 4) == 6 ? kEtherTypeIpv6 : kEtherTypeIpv4);
    copy_bytes(out, f.l2_len, ip, 0, ip_len);
    return f.l2_len + ip_len;
}

PortVerdict transmit(PortState& st, std::uint32_t now, const std::uint8_t* frame, unsigned len, const FrameInfo& f,
                     std::uint8_t* out, unsigned& out_len) {
    if (f.kind == L3Kind::kNonIp) return verdict(ESP_FATE_TX_NON_IP);
    if (f.kind != L3Kind::kIp) return verdict(ESP_FATE_DROP_MALFORMED);
    const FlowKey& k = f.key;
    if (k.proto == kProtoUdp && k.ports_known &&
        (k.sport == kIkePort || k.dport == kIkePort || k.sport == ESP_UDP_ENCAP_PORT || k.dport == ESP_UDP_ENCAP_PORT))
        return verdict(ESP_FATE_TX_IKE);
    const unsigned p = spd_lookup(st.spd, false, k);
    if (p == kNoPolicy) {
        const bool block = (st.default_action >> ESP_REG_DEFAULT_ACTION_OUT_BLOCK_LSB) & 1u;
        return verdict(block ? ESP_FATE_DROP_NO_POLICY : ESP_FATE_TX_BYPASS);
    }
    PolicySlot& pol = st.spd.slot[p];
    if (pol.action == ESP_POL_ACT_BYPASS) return verdict(ESP_FATE_TX_BYPASS, p);
    if (pol.action == ESP_POL_ACT_BLOCK) return verdict(ESP_FATE_DROP_POLICY_BLOCK, p);
    const SaSlot* sa = pol.has_sa ? &st.esp.sat.slot[pol.sa] : nullptr;
    if (sa == nullptr || !sa->valid || sa_inbound(sa->ctrl)) {
        raise_acquire(st, p, k, now);
        return verdict(ESP_FATE_DROP_ACQUIRE, p);
    }
    if (esp_output_length(*sa, f.ip_len, f.l4_off - f.l3_off) > st.wire_mtu)
        return verdict(ESP_FATE_DROP_MTU, p, pol.sa);
    std::uint8_t esp_out[kFrameBufBytes];
    unsigned esp_len = 0, used_sa = kNoSa;
    const unsigned r = run_engine(st.esp, false, pol.sa, frame + f.l3_off, f.ip_len, esp_out, esp_len, used_sa);
    if (r != ESP_DROP_OK) return verdict(ESP_FATE_DROP_ENGINE, p, pol.sa, r);
    out_len = relabel(out, frame, f, esp_out, esp_len);
    (void)len;
    return verdict(ESP_FATE_TX_PROTECTED, p, pol.sa);
}

// SPI of an ESP packet at pkt[off ..) inside an IP packet of ip_len, or false when short.
bool read_spi(const std::uint8_t* pkt, unsigned off, unsigned ip_len, std::uint32_t& spi) {
    if (off + 4 > ip_len) return false;
    spi = get32(pkt, off);
    return true;
}

PortVerdict receive_esp(PortState& st, const std::uint8_t* frame, const FrameInfo& f, unsigned esp_off,
                        std::uint8_t* out, unsigned& out_len) {
    const std::uint8_t* ip = frame + f.l3_off;
    std::uint32_t spi = 0;
    if (!read_spi(ip, esp_off, f.ip_len, spi)) return verdict(ESP_FATE_DROP_MALFORMED);
    ap_uint<32> dst[4];
    for (unsigned i = 0; i < 4; ++i) dst[i] = f.key.dst[i];
    if (hash_lookup(st.esp.hash, spi, dst, f.key.ipv6) < 0) return verdict(ESP_FATE_RX_UNKNOWN_SPI);
    std::uint8_t inner[kFrameBufBytes];
    unsigned inner_len = 0, sa = kNoSa;
    const unsigned r = run_engine(st.esp, true, 0, ip, f.ip_len, inner, inner_len, sa);
    if (r != ESP_DROP_OK) return verdict(ESP_FATE_DROP_ENGINE, kNoPolicy, sa, r);
    const SaSelector& s = st.sel[sa < ESP_N_SA ? sa : 0];
    if (s.valid) {
        FlowKey k;
        unsigned ilen = 0, l4 = 0;
        bool frag = false;
        if (!parse_ip(inner, inner_len, k, ilen, l4, frag) || ilen != inner_len || !selector_matches(s.sel, k))
            return verdict(ESP_FATE_DROP_SELECTOR, kNoPolicy, sa);
    }
    out_len = relabel(out, frame, f, inner, inner_len);
    return verdict(ESP_FATE_RX_DECRYPTED, kNoPolicy, sa);
}

PortVerdict receive(PortState& st, const std::uint8_t* frame, const FrameInfo& f, std::uint8_t* out,
                    unsigned& out_len) {
    if (f.kind == L3Kind::kNonIp) return verdict(ESP_FATE_RX_NON_IP);
    if (f.kind != L3Kind::kIp) return verdict(ESP_FATE_DROP_MALFORMED);
    const FlowKey& k = f.key;
    const std::uint8_t* ip = frame + f.l3_off;
    const unsigned l4 = f.l4_off - f.l3_off;
    if (f.fragment && (k.proto == kProtoEsp || k.proto == kProtoUdp)) return verdict(ESP_FATE_RX_FRAGMENT);
    if (k.proto == kProtoEsp) return receive_esp(st, frame, f, l4, out, out_len);
    if (k.proto == kProtoUdp && k.ports_known) {
        if (k.dport == kIkePort) return verdict(ESP_FATE_RX_IKE);
        if (k.dport == ESP_UDP_ENCAP_PORT) {
            const unsigned payload = l4 + kUdpHeaderBytes;
            std::uint32_t marker = 0;
            // Shorter than a marker (the 1-byte NAT keepalive) or the zero non-ESP marker: IKE.
            if (!read_spi(ip, payload, f.ip_len, marker) || marker == 0) return verdict(ESP_FATE_RX_IKE);
            return receive_esp(st, frame, f, payload, out, out_len);
        }
    }
    const unsigned p = spd_lookup(st.spd, true, k);
    if (p == kNoPolicy) {
        const bool block = (st.default_action >> ESP_REG_DEFAULT_ACTION_IN_BLOCK_LSB) & 1u;
        return verdict(block ? ESP_FATE_DROP_NO_POLICY : ESP_FATE_RX_BYPASS);
    }
    if (st.spd.slot[p].action == ESP_POL_ACT_BYPASS) return verdict(ESP_FATE_RX_BYPASS, p);
    return verdict(ESP_FATE_DROP_POLICY_BLOCK, p); // block, or protect traffic that came in clear
}

} // namespace

unsigned esp_output_length(const SaSlot& sa, unsigned ip_len, unsigned hdr_len) {
    const unsigned udp = sa_udp(sa.ctrl) ? kUdpHeaderBytes : 0;
    const unsigned esp_fixed = 16 + 2 + ESP_ICV_BYTES; // header + IV, trailer, ICV
    if (sa_transport(sa.ctrl)) {
        const unsigned payload = ip_len - hdr_len;
        return hdr_len + udp + esp_fixed + payload + esp_pad_length(payload);
    }
    const unsigned outer = sa_ipv6(sa.ctrl) ? 40 : 20;
    return outer + udp + esp_fixed + ip_len + esp_pad_length(ip_len);
}

PortVerdict port_frame(PortState& st, bool from_wire, std::uint32_t now_us, hls::stream<AxisFrame>& in,
                       hls::stream<AxisFrame>& to_wire, hls::stream<AxisFrame>& to_host) {
    std::uint8_t frame[ESP_MAX_FRAME_BYTES];
    std::uint8_t out[kFrameBufBytes];
    st.time_us = now_us;
    const unsigned len = read_frame(in, frame);
    unsigned out_len = 0;
    PortVerdict v;
    FrameInfo f{};
    if (len > ESP_MAX_FRAME_BYTES) {
        v = verdict(ESP_FATE_DROP_OVERSIZE);
    } else {
        f = parse_frame(frame, len);
        if (f.kind == L3Kind::kRunt)
            v = verdict(ESP_FATE_DROP_RUNT);
        else
            v = from_wire ? receive(st, frame, f, out, out_len) : transmit(st, now_us, frame, len, f, out, out_len);
    }
    ++st.cnt[v.fate];
    if (v.policy != kNoPolicy) {
        PolicySlot& pol = st.spd.slot[v.policy];
        ++pol.pkts;
        pol.bytes += f.ip_len;
        if (is_drop(v.fate)) ++pol.drops;
    }
    if (is_drop(v.fate)) return v;
    hls::stream<AxisFrame>& dest = from_wire ? to_host : to_wire;
    if (out_len != 0)
        write_frame(dest, out, out_len);
    else
        write_frame(dest, frame, len); // passed unchanged
    return v;
}

} // namespace esphls
