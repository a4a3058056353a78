// tb_esp_encap: checks rtl/esp/esp_encap against the HLS C++ model's outbound transform
// (esphls::esp_outbound, the reference for the whole engine) on random inner IPv4/IPv6
// packets (IPv4 options, header-only packets) over all 32 outbound SA shapes (AES-128/256 x
// ESN x tunnel/transport x IPv4/IPv6 x UDP or not), including malformed inner headers and
// transport refusals (family, fragments, IPv6 extension headers), with random input
// bubbles and output back-pressure; then measures cycles per packet for every shape.
#include <array>
#include <cstdio>
#include <deque>
#include <memory>

#include "Vesp_encap.h"
#include "esp/esp_datapath.h"
#include "esp/esp_engine.h"
#include "primitives/gcm.h"
#include "tb_common.h"

namespace {

struct SaConfig {
    unsigned handle = 0;
    bool transport = false, ipv6 = false, udp = false, esn = false, key256 = false;
    std::uint32_t spi = 0, salt = 0;
    tbc::Bytes key; // 32 bytes, AES-128 uses the first 16
    std::uint32_t src[4] = {}, dst[4] = {};
    std::uint16_t sport = 0, dport = 0;
    std::uint64_t seq = 0; // this packet's sequence number
};

struct InBeat {
    tbc::Bytes data;
    bool last = false, first = false;
    std::size_t pkt = 0; // index into Bench::inputs
};

struct Expected {
    tbc::Bytes bytes; // empty: a drop beat
    std::uint64_t user = 0;
    unsigned shape = 0;
    std::size_t inner_len = 0;
};

// shape bits: 0 key256, 1 esn, 2 transport, 3 ipv6, 4 udp.
const char* shape_name(unsigned shape) {
    static char buf[64];
    std::snprintf(buf, sizeof buf, "AES-%s%s %s %s%s", shape & 1 ? "256" : "128", shape & 2 ? " ESN" : "",
                  shape & 4 ? "transport" : "tunnel", shape & 8 ? "IPv6" : "IPv4", shape & 16 ? " UDP" : "");
    return buf;
}

std::uint64_t out_user(unsigned result, unsigned len, unsigned sa) {
    return (static_cast<std::uint64_t>(result) << ESP_TUSER_OUT_RESULT_LSB) |
           (static_cast<std::uint64_t>(len) << ESP_TUSER_OUT_LEN_LSB) |
           (static_cast<std::uint64_t>(sa) << ESP_TUSER_OUT_SA_LSB);
}

// The model's verdict and bytes for one packet on an SA configured as cfg.
Expected reference(esphls::EspEngineState& st, const SaConfig& cfg, const tbc::Bytes& inner) {
    esphls::SaSlot& s = st.sat.slot[cfg.handle];
    s.valid = true;
    s.disabled = false;
    unsigned ctrl = (cfg.transport << ESP_SA_W_CTRL_TRANSPORT_LSB) | (cfg.ipv6 << ESP_SA_W_CTRL_IPV6_LSB) |
                    (cfg.esn << ESP_SA_W_CTRL_ESN_LSB) | (cfg.udp << ESP_SA_W_CTRL_UDP_ENCAP_LSB) |
                    (cfg.key256 << ESP_SA_W_CTRL_KEY256_LSB);
    s.ctrl = ctrl;
    s.spi = cfg.spi;
    s.salt = cfg.salt;
    for (int i = 0; i < 4; ++i) {
        s.src[i] = cfg.src[i];
        s.dst[i] = cfg.dst[i];
    }
    s.sport = cfg.sport;
    s.dport = cfg.dport;
    s.seq = cfg.seq - 1; // the slot holds the last number sent
    ap_uint<256> key = 0;
    for (int i = 0; i < 32; ++i)
        key.set_range(255 - 8 * i, 248 - 8 * i, ap_uint<8>(cfg.key[static_cast<std::size_t>(i)]));
    esphls::aes_expand_key(key, cfg.key256, st.sat.key[cfg.handle].ks);
    st.sat.key[cfg.handle].h = esphls::gcm_hash_subkey(st.sat.key[cfg.handle].ks);

    tbc::Bytes out(inner.size() + 256);
    esphls::PacketVerdict v =
        esphls::esp_outbound(st, cfg.handle, true, inner.data(), static_cast<unsigned>(inner.size()), out.data());
    Expected e;
    if (v.code == ESP_DROP_OK) {
        out.resize(v.out_len);
        e.bytes = out;
    }
    e.user = out_user(v.code, v.code == ESP_DROP_OK ? v.out_len : 0, v.sa);
    e.shape = unsigned(cfg.key256) | unsigned(cfg.esn) << 1 | unsigned(cfg.transport) << 2 | unsigned(cfg.ipv6) << 3 |
              unsigned(cfg.udp) << 4;
    e.inner_len = inner.size();
    return e;
}

// An inner packet of the given family: IPv4 with 0..40 option bytes, sizes from the bare
// header up; a transport SA's family unless `foreign`.
tbc::Bytes make_inner(std::mt19937_64& rng, bool v6, std::size_t len, unsigned ihl) {
    tbc::Bytes p = tbc::random_bytes(rng, len);
    if (v6) {
        p[0] = static_cast<std::uint8_t>(0x60 | (p[0] & 15));
        p[4] = static_cast<std::uint8_t>((len - 40) >> 8);
        p[5] = static_cast<std::uint8_t>(len - 40);
        while (p[6] == 0 || p[6] == 43 || p[6] == 44) p[6] = static_cast<std::uint8_t>(rng());
    } else {
        p[0] = static_cast<std::uint8_t>(0x40 | ihl);
        p[2] = static_cast<std::uint8_t>(len >> 8);
        p[3] = static_cast<std::uint8_t>(len);
        p[6] = static_cast<std::uint8_t>(p[6] & 0x40); // DF may be set; not a fragment
        p[7] = 0;
    }
    return p;
}

tbc::Bytes random_inner(std::mt19937_64& rng, const SaConfig& sa, bool malformed) {
    bool v6 = sa.transport ? sa.ipv6 : rng() % 2;
    unsigned ihl = rng() % 3 ? 5 : 5 + static_cast<unsigned>(rng() % 11);
    std::size_t hl = v6 ? 40 : 4 * ihl;
    std::size_t len = hl + (rng() % 8 == 0 ? rng() % 40 : rng() % (2001 - hl));
    tbc::Bytes p = make_inner(rng, v6, len, ihl);
    if (malformed) {
        switch (rng() % 4) {
            case 0:
                p[0] = static_cast<std::uint8_t>(0x50 | (p[0] & 15));
                break; // version 5
            case 1:
                p[v6 ? 5 : 3] ^= 1;
                break; // length field
            case 2:
                if (!v6)
                    p[0] = 0x44;
                else
                    p[5] ^= 2;
                break; // IHL 4 / length
            default:   // transport refusals (tunnel carries these)
                if (!sa.transport)
                    p = make_inner(rng, !v6, v6 ? 20 + len % 100 : 40 + len % 100, 5);
                else if (v6)
                    p[6] = std::array<std::uint8_t, 3>{0, 43, 44}[rng() % 3];
                else
                    p[6 + rng() % 2] |= rng() % 2 ? 0x20 : 0x01; // MF or offset
                break;
        }
    }
    return p;
}

// shape bits: 0 key256, 1 esn, 2 transport, 3 ipv6, 4 udp.
SaConfig random_sa(std::mt19937_64& rng, unsigned shape) {
    SaConfig c;
    c.handle = static_cast<unsigned>(rng() % ESP_N_SA);
    c.key256 = shape & 1;
    c.esn = shape >> 1 & 1;
    c.transport = shape >> 2 & 1;
    c.ipv6 = shape >> 3 & 1;
    c.udp = shape >> 4 & 1;
    c.spi = static_cast<std::uint32_t>(rng());
    c.salt = static_cast<std::uint32_t>(rng());
    c.key = tbc::random_bytes(rng, 32);
    if (!c.key256) std::fill(c.key.begin() + 16, c.key.end(), 0);
    for (int i = 0; i < 4; ++i) {
        c.src[i] = c.ipv6 || i == 0 ? static_cast<std::uint32_t>(rng()) : 0;
        c.dst[i] = c.ipv6 || i == 0 ? static_cast<std::uint32_t>(rng()) : 0;
    }
    c.sport = static_cast<std::uint16_t>(rng());
    c.dport = static_cast<std::uint16_t>(rng());
    c.seq = c.esn ? 1 + rng() % 0xFFFFFFFFFFFFFFFEULL : 1 + rng() % 0xFFFFFFFEULL;
    return c;
}

void put_addr(VlWide<4>& port, const std::uint32_t a[4]) {
    for (int i = 0; i < 4; ++i) port[static_cast<std::size_t>(3 - i)] = a[i];
}

struct Bench {
    VerilatedContext ctx;
    Vesp_encap top{&ctx};
    std::mt19937_64 rng{0xE5Au};
    std::unique_ptr<esphls::EspEngineState> st = std::make_unique<esphls::EspEngineState>();
    std::deque<SaConfig> sas; // per queued packet
    std::deque<InBeat> in_q;
    std::deque<Expected> out_q;
    tbc::Bytes got; // output bytes of the packet being received
    std::uint64_t cycle = 0, in_beats = 0, out_beats = 0, packets = 0, drops = 0;
    std::size_t first_pkt = 0; // index of sas.front()
    unsigned bubble_pct = 0, stall_pct = 0;

    Bench() { esphls::esp_reset(*st); }

    void reset() {
        top.s_valid = 0;
        top.m_ready = 0;
        tbc::reset_model(top);
    }

    void add(const SaConfig& sa, const tbc::Bytes& inner) {
        out_q.push_back(reference(*st, sa, inner));
        std::size_t idx = first_pkt + sas.size();
        sas.push_back(sa);
        for (std::size_t off = 0; off < inner.size(); off += 16) {
            InBeat b;
            b.data.assign(inner.begin() + static_cast<long>(off),
                          inner.begin() + static_cast<long>(std::min(off + 16, inner.size())));
            b.first = off == 0;
            b.last = off + 16 >= inner.size();
            b.pkt = idx;
            in_q.push_back(std::move(b));
        }
    }

    void drive() {
        if (in_q.empty() || (bubble_pct && rng() % 100 < bubble_pct)) {
            top.s_valid = 0;
            return;
        }
        const InBeat& b = in_q.front();
        const SaConfig& c = sas[b.pkt - first_pkt];
        top.s_valid = 1;
        tbc::Bytes lanes = tbc::random_bytes(rng, 16); // bytes past the end are garbage
        std::copy(b.data.begin(), b.data.end(), lanes.begin());
        for (int w = 0; w < 4; ++w) {
            top.s_data[static_cast<std::size_t>(w)] = 0;
            for (int i = 0; i < 4; ++i)
                top.s_data[static_cast<std::size_t>(w)] |=
                    static_cast<EData>(lanes[static_cast<std::size_t>(4 * w + i)]) << (8 * i);
        }
        top.s_last = b.last;
        std::size_t len = 0;
        for (const auto& x : in_q) { // length of this packet: its beats are contiguous
            if (x.pkt != b.pkt) break;
            len += x.data.size();
        }
        // Sideband is meaningful on the first beat (len counts the remaining beats only there).
        top.s_len = static_cast<SData>(b.first ? len : rng());
        top.s_sa = static_cast<SData>(c.handle);
        top.s_transport = c.transport;
        top.s_outer_ipv6 = c.ipv6;
        top.s_udp = c.udp;
        top.s_esn = c.esn;
        top.s_key256 = c.key256;
        top.s_spi = c.spi;
        top.s_salt = c.salt;
        tbc::put_be(top.s_key, c.key.data(), 32, 32);
        put_addr(top.s_src, c.src);
        put_addr(top.s_dst, c.dst);
        top.s_sport = c.sport;
        top.s_dport = c.dport;
        top.s_seq = c.seq;
    }

    void receive() {
        ++out_beats;
        unsigned keep = top.m_keep;
        for (int i = 0; i < 16; ++i)
            if (keep >> i & 1)
                got.push_back(static_cast<std::uint8_t>(top.m_data[static_cast<std::size_t>(i / 4)] >> (8 * (i % 4))));
        if (!top.m_last) {
            tbc::check(keep == 0xFFFF, "partial beat before the last");
            return;
        }
        if (out_q.empty()) {
            tbc::check(false, "unexpected output packet");
            return;
        }
        Expected e = out_q.front();
        out_q.pop_front();
        std::string where = "packet " + std::to_string(packets) + " (" + shape_name(e.shape) + ", inner " +
                            std::to_string(e.inner_len) + " B)";
        std::size_t diff = 0;
        while (diff < got.size() && diff < e.bytes.size() && got[diff] == e.bytes[diff]) ++diff;
        tbc::check(got == e.bytes, where + ": bytes differ (" + std::to_string(got.size()) + " vs " +
                                       std::to_string(e.bytes.size()) + ", first at " + std::to_string(diff) + ")");
        tbc::check(top.m_user == e.user,
                   where + ": tuser " + std::to_string(top.m_user) + " want " + std::to_string(e.user));
        if (e.bytes.empty()) ++drops;
        ++packets;
        got.clear();
    }

    void cycle_once() {
        top.clk = 0;
        drive();
        top.m_ready = !(stall_pct && rng() % 100 < stall_pct);
        top.eval();
        bool in_fire = top.s_valid && top.s_ready;
        if (top.m_valid && top.m_ready) receive();
        top.clk = 1;
        top.eval();
        ++cycle;
        if (in_fire) {
            bool last = in_q.front().last;
            in_q.pop_front();
            ++in_beats;
            if (last) {
                sas.pop_front();
                ++first_pkt;
            }
        }
    }

    void run_all() {
        std::uint64_t limit = cycle + 2000 + 30 * (in_q.size() + 200 * out_q.size());
        while ((!in_q.empty() || !out_q.empty()) && cycle < limit) cycle_once();
        tbc::check(in_q.empty() && out_q.empty(), "encap stalled");
        for (int i = 0; i < 40; ++i) cycle_once();
    }
};

void random_traffic(Bench& b, int n, unsigned bubble, unsigned stall) {
    b.bubble_pct = bubble;
    b.stall_pct = stall;
    for (int i = 0; i < n; ++i) {
        SaConfig sa = random_sa(b.rng, static_cast<unsigned>(b.rng() % 32));
        b.add(sa, random_inner(b.rng, sa, b.rng() % 20 == 0));
    }
    b.run_all();
}

// UDP over IPv6: a computed checksum of 0 goes out as 0xFFFF (RFC 8200 8.1). Search, with
// the model, two inner bytes that make the sum come out so (about 1 in 65536), per mode.
void udp6_zero_checksum(Bench& b) {
    b.bubble_pct = 20;
    b.stall_pct = 20;
    for (unsigned shape : {8u | 16u, 4u | 8u | 16u}) {
        SaConfig c = random_sa(b.rng, shape);
        tbc::Bytes inner = make_inner(b.rng, true, 100, 5);
        bool found = false;
        for (unsigned v = 0; v < 0x40000 && !found; ++v) {
            inner[98] = static_cast<std::uint8_t>(v >> 8);
            inner[99] = static_cast<std::uint8_t>(v);
            if ((v & 0xFFFF) == 0xFFFF) ++c.seq;
            Expected e = reference(*b.st, c, inner); // sets the slot up afresh each time
            found = e.bytes.size() > 47 && e.bytes[46] == 0xFF && e.bytes[47] == 0xFF;
        }
        tbc::check(found, std::string(shape_name(shape)) + ": no inner packet found with UDP checksum 0");
        if (found) b.add(c, inner);
    }
    b.run_all();
}

// Back-to-back packets of one shape and inner size. Steady state: cycles per packet
// between the first packet's last output beat and the last one's, against the output
// bound (output beats per packet); latency: first input beat to first packet's last beat.
struct Rate {
    double cycles = 0, bound = 0;
    std::uint64_t latency = 0;
};

Rate throughput(Bench& b, unsigned shape, std::size_t len, int n) {
    b.bubble_pct = 0;
    b.stall_pct = 0;
    SaConfig c = random_sa(b.rng, shape);
    c.seq = 1 + b.rng() % 1000000;
    for (int i = 0; i < n; ++i) {
        b.add(c, make_inner(b.rng, c.ipv6, len, 5));
        ++c.seq;
    }
    std::uint64_t in0 = b.in_beats, p0 = b.packets, first_in = 0, first_out = 0, out1 = 0;
    while (!(b.in_q.empty() && b.out_q.empty())) {
        std::uint64_t now = b.cycle;
        b.cycle_once();
        if (b.in_beats == in0 + 1 && first_in == 0) first_in = now;
        if (b.packets == p0 + 1 && first_out == 0) {
            first_out = now;
            out1 = b.out_beats;
        }
    }
    Rate r;
    r.cycles = static_cast<double>(b.cycle - 1 - first_out) / (n - 1);
    r.bound = static_cast<double>(b.out_beats - out1) / (n - 1);
    r.latency = first_out - first_in + 1;
    std::printf("esp_encap: %-30s %4zu B: %6.2f cycles/packet, output bound %5.2f (+%.2f), latency %llu\n",
                shape_name(shape), len, r.cycles, r.bound, r.cycles - r.bound,
                static_cast<unsigned long long>(r.latency));
    return r;
}

} // namespace

int main(int argc, char** argv) {
    Bench b;
    b.ctx.commandArgs(argc, argv);
    b.reset();
    random_traffic(b, 300, 0, 0);
    random_traffic(b, 300, 30, 30);
    random_traffic(b, 100, 60, 70);
    udp6_zero_checksum(b);
    std::printf("esp_encap: %llu packets (%llu drops) identical to the HLS model\n",
                static_cast<unsigned long long>(b.packets), static_cast<unsigned long long>(b.drops));
    tbc::check(b.drops > 0 && b.packets > b.drops, "traffic mix lacks drops or good packets");
    // Every shape back to back at the output bound (issue #4 asks for bound + 1: the header's
    // tail rides on the first ciphertext chunk, and packets follow without a gap).
    for (unsigned shape = 0; shape < 32; ++shape) {
        Rate small = throughput(b, shape, 64, 100);
        tbc::check(small.cycles <= small.bound + 0.01,
                   std::string(shape_name(shape)) + ": 64-byte packets over the bound");
        Rate large = throughput(b, shape, 1400, 40);
        tbc::check(large.cycles <= large.bound + 0.01,
                   std::string(shape_name(shape)) + ": 1400-byte packets over the bound");
    }
    return tbc::finish("tb_esp_encap");
}
