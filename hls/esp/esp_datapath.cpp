// esp_process_packet: beats in -> buffer -> transform -> beats out, plus the counters,
// lifetimes and events every packet updates. The engine is store-and-forward: a packet is
// buffered whole (inbound must verify the ICV before releasing a byte anyway).
#include "esp/esp_datapath.h"

namespace esphls {
namespace {

// Number of lanes a keep mask enables, and whether it is contiguous from lane 0.
unsigned keep_lanes(unsigned keep, bool& contiguous) {
#pragma HLS INLINE
    unsigned n = 0;
    for (unsigned i = 0; i < 16; ++i) {
#pragma HLS UNROLL
        n += (keep >> i) & 1u;
    }
    contiguous = keep != 0 && (keep & (keep + 1)) == 0;
    return n;
}

ap_uint<ESP_TUSER_OUT_WIDTH> out_user(unsigned dir, unsigned sa, unsigned len, unsigned result) {
#pragma HLS INLINE
    ap_uint<ESP_TUSER_OUT_WIDTH> u = 0;
    u.range(ESP_TUSER_OUT_DIR_LSB + ESP_TUSER_OUT_DIR_WIDTH - 1, ESP_TUSER_OUT_DIR_LSB) = dir;
    u.range(ESP_TUSER_OUT_SA_LSB + ESP_TUSER_OUT_SA_WIDTH - 1, ESP_TUSER_OUT_SA_LSB) = sa;
    u.range(ESP_TUSER_OUT_LEN_LSB + ESP_TUSER_OUT_LEN_WIDTH - 1, ESP_TUSER_OUT_LEN_LSB) = len;
    u.range(ESP_TUSER_OUT_RESULT_LSB + ESP_TUSER_OUT_RESULT_WIDTH - 1, ESP_TUSER_OUT_RESULT_LSB) = result;
    return u;
}

// Lifetime accounting of an OK packet: soft limits raise their event once; reaching a
// hard limit disables the SA (this packet still passes; the next drops SA_DISABLED).
void account_lifetime(EspEngineState& st, unsigned handle, unsigned inner_len) {
    SaSlot& sa = st.sat.slot[handle];
    sa.pkts += 1;
    sa.bytes += inner_len;
    if (sa.byte_soft != 0 && sa.bytes >= sa.byte_soft && !sa.soft_bytes_raised) {
        sa.soft_bytes_raised = true;
        esp_raise_event(st, ESP_EVT_SOFT_BYTES, handle);
    }
    if (sa.pkt_soft != 0 && sa.pkts >= sa.pkt_soft && !sa.soft_pkts_raised) {
        sa.soft_pkts_raised = true;
        esp_raise_event(st, ESP_EVT_SOFT_PACKETS, handle);
    }
    if (sa.byte_hard != 0 && sa.bytes >= sa.byte_hard) {
        sa.disabled = true;
        esp_raise_event(st, ESP_EVT_HARD_BYTES, handle);
    }
    if (sa.pkt_hard != 0 && sa.pkts >= sa.pkt_hard) {
        sa.disabled = true;
        esp_raise_event(st, ESP_EVT_HARD_PACKETS, handle);
    }
}

void write_output(hls::stream<AxisOut>& out, const std::uint8_t* buf, unsigned dir, const PacketVerdict& v) {
    if (v.code != ESP_DROP_OK) {
        AxisOut drop;
        drop.data = 0;
        drop.keep = 0;
        drop.last = 1;
        drop.user = out_user(dir, v.sa, 0, v.code);
        out.write(drop);
        return;
    }
    const ap_uint<ESP_TUSER_OUT_WIDTH> user = out_user(dir, v.sa, v.out_len, ESP_DROP_OK);
    for (unsigned off = 0; off < v.out_len; off += ESP_DATA_BYTES) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 582
        const unsigned n = v.out_len - off < ESP_DATA_BYTES ? v.out_len - off : ESP_DATA_BYTES;
        std::uint64_t lo = 0, hi = 0; // lanes 0..7 and 8..15; unused lanes are zero
        for (unsigned i = 0; i < ESP_DATA_BYTES; ++i) {
#pragma HLS UNROLL
            const std::uint64_t byte = i < n ? buf[off + i] : 0;
            if (i < 8)
                lo |= byte << (8 * i);
            else
                hi |= byte << (8 * (i - 8));
        }
        AxisOut beat;
        beat.data.range(63, 0) = ap_uint<64>(lo);
        beat.data.range(127, 64) = ap_uint<64>(hi);
        beat.keep = n == ESP_DATA_BYTES ? 0xFFFFu : (1u << n) - 1;
        beat.last = off + ESP_DATA_BYTES >= v.out_len ? 1 : 0;
        beat.user = user;
        out.write(beat);
    }
}

} // namespace

void esp_raise_event(EspEngineState& st, unsigned type, unsigned handle) {
    EventQueue& q = st.evq;
    if (q.count == ESP_EVENT_QUEUE_DEPTH) {
        if (q.overflow != 0xFFFFFFFFu) q.overflow += 1;
        return;
    }
    const unsigned idx = (q.head.to_uint() + q.count.to_uint()) % ESP_EVENT_QUEUE_DEPTH;
    q.word[idx] = (std::uint32_t(type & ESP_EVTW_TYPE_MASK) << ESP_EVTW_TYPE_LSB) |
                  ((handle & ESP_EVTW_HANDLE_MASK) << ESP_EVTW_HANDLE_LSB);
    q.count += 1;
}

void esp_process_packet(EspEngineState& st, hls::stream<AxisIn>& in, hls::stream<AxisOut>& out) {
    std::uint8_t ibuf[kInBufBytes];
    std::uint8_t obuf[kOutBufBytes];
#pragma HLS ARRAY_PARTITION variable = ibuf cyclic factor = 16
#pragma HLS ARRAY_PARTITION variable = obuf cyclic factor = 16

    // Store the packet; check the stream rules on the way (docs/engine.md "Stream input").
    ap_uint<ESP_TUSER_IN_WIDTH> user = 0;
    std::uint32_t nbytes = 0;
    bool stream_ok = true;
    bool first = true;
    AxisIn beat;
    do {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 576
        beat = in.read();
        if (first) user = beat.user; // tuser is sampled on the first beat
        first = false;
        bool contiguous = false;
        const unsigned n = keep_lanes(beat.keep.to_uint(), contiguous);
        if (!contiguous || (!beat.last && n != ESP_DATA_BYTES)) stream_ok = false;
        const std::uint64_t lo = beat.data.range(63, 0).to_uint64();
        const std::uint64_t hi = beat.data.range(127, 64).to_uint64();
        for (unsigned i = 0; i < ESP_DATA_BYTES; ++i) {
#pragma HLS UNROLL
            const std::uint64_t lane = i < 8 ? lo >> (8 * i) : hi >> (8 * (i - 8));
            if (i < n && nbytes + i < kInBufBytes) ibuf[nbytes + i] = std::uint8_t(lane);
        }
        if (nbytes < 0x7FFFFFFFu) nbytes += n; // saturates far above MAX_PACKET_BYTES
    } while (!beat.last);

    const unsigned dir = user.range(ESP_TUSER_IN_DIR_LSB + ESP_TUSER_IN_DIR_WIDTH - 1, ESP_TUSER_IN_DIR_LSB);
    const unsigned handle = user.range(ESP_TUSER_IN_SA_LSB + ESP_TUSER_IN_SA_WIDTH - 1, ESP_TUSER_IN_SA_LSB);
    const unsigned len_field = user.range(ESP_TUSER_IN_LEN_LSB + ESP_TUSER_IN_LEN_WIDTH - 1, ESP_TUSER_IN_LEN_LSB);
    if (nbytes > ESP_MAX_PACKET_BYTES || nbytes != len_field) stream_ok = false;
    const unsigned len = nbytes > ESP_MAX_PACKET_BYTES ? ESP_MAX_PACKET_BYTES : nbytes;

    st.cnt.pkts_in += 1;
    st.cnt.bytes_in += nbytes;
    const PacketVerdict v =
        dir ? esp_inbound(st, stream_ok, ibuf, len, obuf) : esp_outbound(st, handle, stream_ok, ibuf, len, obuf);
    if (v.code == ESP_DROP_OK) {
        st.cnt.pkts_out += 1;
        st.cnt.bytes_out += v.out_len;
        account_lifetime(st, v.sa, v.inner_len);
    } else {
        st.cnt.drops[v.code] += 1;
        if (v.sa != kNoSa) st.sat.slot[v.sa].drops[v.code] += 1;
    }
    write_output(out, obuf, dir, v);
}

} // namespace esphls
