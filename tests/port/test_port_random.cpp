// 100,000 random frames through the card's ports (esp::HlsCard), every frame's fate
// against a reference SPD written here from docs/port.md (it shares no code with
// hls/port): overlapping IPv4/IPv6 policies of mixed priorities with subnets, ranges,
// protocols and port ranges; bypass, block, protect with and without SA (ACQUIRE, rate
// limited); ESP and ESP in UDP with known and unknown SPIs, bad ICVs, replays and
// selector violations; IKE, ARP, VLAN tags, IPv4/IPv6 fragments, runt, oversized and
// garbage frames; policies changed while frames flow. Protected frames are decrypted by
// the OpenSSL-EVP codec (tests/esp/esp_reference.*), per-policy and per-fate counters and
// ACQUIRE records are compared at the end and as they come.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <random>

#include "esp_reference.h"
#include "hls_card.h"
#include "port_test_util.h"

using namespace port_test;
using esp_test::be16;
using esp_test::be32;
using esp_test::SaConfig;

namespace {

// ---- The reference -----------------------------------------------------------------

struct Range {
    Addr lo{}, hi{};
};

struct RefSelector {
    bool v6 = false;
    Range src, dst;
    unsigned proto = 0;
    unsigned sp_lo = 0, sp_hi = 0xFFFF, dp_lo = 0, dp_hi = 0xFFFF;
};

struct RefPolicy {
    std::uint32_t id = 0, prio = 0;
    bool in = false;
    unsigned action = 0; // 0 bypass, 1 block, 2 protect
    int sa = -1;         // protect: outbound SA handle, -1 none
    RefSelector sel;
    std::uint64_t pkts = 0, bytes = 0, drops = 0;
    bool acq = false;
    std::uint32_t acq_time = 0;
};

// What the reference sees in a frame (parsed here, independently of hls/port).
struct RefPacket {
    enum Kind { kRunt, kNonIp, kBad, kIp } kind = kRunt;
    std::size_t l2 = 14, et_off = 12;
    bool v6 = false;
    Addr src{}, dst{};
    unsigned proto = 0;
    std::size_t ip_len = 0, l4 = 0; // l4 relative to the IP header
    bool frag = false, first = true;
    bool has_ports = false;
    unsigned sport = 0, dport = 0;
};

bool addr_in(const Range& r, const Addr& a) { return r.lo <= a && a <= r.hi; } // big-endian arrays

bool ref_matches(const RefSelector& s, const RefPacket& p) {
    if (s.v6 != p.v6 || !addr_in(s.src, p.src) || !addr_in(s.dst, p.dst)) return false;
    if (s.proto != 0 && s.proto != p.proto) return false;
    if (!p.has_ports) return s.sp_lo == 0 && s.sp_hi == 0xFFFF && s.dp_lo == 0 && s.dp_hi == 0xFFFF;
    return p.sport >= s.sp_lo && p.sport <= s.sp_hi && p.dport >= s.dp_lo && p.dport <= s.dp_hi;
}

// Reads an IP packet at b[off ..) of avail bytes into p; false when not well formed.
bool ref_parse_ip(const Bytes& b, std::size_t off, std::size_t avail, RefPacket& p) {
    if (avail < 1) return false;
    const std::uint8_t* ip = b.data() + off;
    p.src = {};
    p.dst = {};
    if ((ip[0] >> 4) == 4) {
        const std::size_t ihl = (ip[0] & 15u) * 4u;
        if (avail < 20 || ihl < 20) return false;
        p.ip_len = be16(ip + 2);
        if (p.ip_len < ihl || p.ip_len > avail) return false;
        p.v6 = false;
        std::copy(ip + 12, ip + 16, p.src.begin());
        std::copy(ip + 16, ip + 20, p.dst.begin());
        p.proto = ip[9];
        const unsigned fo = be16(ip + 6);
        p.frag = (fo & 0x2000u) || (fo & 0x1FFFu);
        p.first = (fo & 0x1FFFu) == 0;
        p.l4 = ihl;
    } else if ((ip[0] >> 4) == 6) {
        if (avail < 40) return false;
        p.ip_len = 40u + be16(ip + 4);
        if (p.ip_len > avail) return false;
        p.v6 = true;
        std::copy(ip + 8, ip + 24, p.src.begin());
        std::copy(ip + 24, ip + 40, p.dst.begin());
        unsigned nh = ip[6];
        std::size_t at = 40;
        p.frag = false;
        p.first = true;
        const auto is_ext = [](unsigned h) { return h == 0 || h == 43 || h == 44 || h == 60; };
        for (int n = 0; is_ext(nh); ++n) {
            if (n == 4 || at + 8 > p.ip_len) return false;
            const unsigned next = ip[at];
            if (nh == 44) {
                p.frag = true;
                p.first = (be16(ip + at + 2) >> 3) == 0;
                at += 8;
            } else {
                at += 8u * (ip[at + 1] + 1u);
            }
            nh = next;
        }
        if (at > p.ip_len) return false;
        p.proto = nh;
        p.l4 = at;
    } else {
        return false;
    }
    p.has_ports = false;
    p.sport = p.dport = 0;
    if (!p.first) return true;
    const std::size_t room = p.ip_len - p.l4;
    const bool icmp = p.v6 ? p.proto == 58 : p.proto == 1;
    if (icmp && room >= 2) {
        p.has_ports = true;
        p.sport = ip[p.l4];
        p.dport = ip[p.l4 + 1];
    } else if ((p.proto == 6 || p.proto == 17 || p.proto == 132) && room >= 4) {
        p.has_ports = true;
        p.sport = be16(ip + p.l4);
        p.dport = be16(ip + p.l4 + 2);
    }
    return true;
}

RefPacket ref_parse_frame(const Bytes& f) {
    RefPacket p;
    if (f.size() < 14) return p;
    if (be16(&f[12]) == kEthVlan) {
        if (f.size() < 18) return p;
        p.l2 = 18;
        p.et_off = 16;
    }
    const unsigned et = be16(&f[p.et_off]);
    if (et != kEthIpv4 && et != kEthIpv6) {
        p.kind = RefPacket::kNonIp;
        return p;
    }
    p.kind = RefPacket::kBad;
    if (!ref_parse_ip(f, p.l2, f.size() - p.l2, p)) return p;
    if ((et == kEthIpv6) != p.v6) return p;
    p.kind = RefPacket::kIp;
    return p;
}

struct OutSa {
    SaConfig cfg;
    bool installed = true;
    std::uint64_t seq = 0; // last sequence number used
};

struct InSa {
    SaConfig cfg;
    std::optional<RefSelector> sel;
    std::uint64_t next = 1;    // next fresh sequence number the peer sends
    std::uint64_t last_ok = 0; // last sequence number the card accepted (0: none)
};

struct Expect {
    Expect(unsigned f = 0, unsigned p = 0xFFFF, unsigned eng = 0) : fate(f), policy(p), engine(eng) {}
    unsigned fate;
    unsigned policy;
    unsigned engine;
    std::optional<std::uint32_t> acquire_slot; // an ACQUIRE record expected
};

class Reference {
public:
    std::map<unsigned, RefPolicy> pol; // by slot
    std::map<unsigned, OutSa> out_sa;  // by handle
    std::map<unsigned, InSa> in_sa;    // by handle
    std::uint32_t default_action = 0;
    std::uint32_t holdoff = 0;
    std::uint32_t mtu = ESP_WIRE_MTU_DEFAULT;
    std::uint64_t fate_count[ESP_PORT_FATE_COUNT] = {};

    std::optional<unsigned> lookup(bool in, const RefPacket& p) const {
        std::optional<unsigned> best;
        for (const auto& [slot, r] : pol) {
            if (r.in != in || !ref_matches(r.sel, p)) continue;
            if (!best || std::make_pair(r.prio, r.id) < std::make_pair(pol.at(*best).prio, pol.at(*best).id))
                best = slot;
        }
        return best;
    }

    // ESP output length by RFC 4303 for an inner packet through SA c (tunnel: whole packet;
    // transport: the IP header stays in front).
    static std::size_t esp_len(const SaConfig& c, std::size_t ip_len, std::size_t hdr) {
        const std::size_t payload = c.transport ? ip_len - hdr : ip_len;
        const std::size_t pad = (4 - (payload + 2) % 4) % 4;
        const std::size_t outer = c.transport ? hdr : (c.ipv6 ? 40 : 20);
        return outer + (c.udp ? 8 : 0) + 8 + 8 + payload + pad + 2 + 16;
    }

    Expect transmit(const Bytes& f, const RefPacket& p, std::uint32_t now) {
        if (f.size() > ESP_MAX_FRAME_BYTES) return {ESP_FATE_DROP_OVERSIZE};
        if (p.kind == RefPacket::kRunt) return {ESP_FATE_DROP_RUNT};
        if (p.kind == RefPacket::kNonIp) return {ESP_FATE_TX_NON_IP};
        if (p.kind == RefPacket::kBad) return {ESP_FATE_DROP_MALFORMED};
        if (p.proto == 17 && p.has_ports && (p.sport == 500 || p.dport == 500 || p.sport == 4500 || p.dport == 4500))
            return {ESP_FATE_TX_IKE};
        const auto slot = lookup(false, p);
        if (!slot) return {default_action & 1u ? ESP_FATE_DROP_NO_POLICY : ESP_FATE_TX_BYPASS};
        RefPolicy& r = pol[*slot];
        Expect e{0, *slot};
        if (r.action == 0) {
            e.fate = ESP_FATE_TX_BYPASS;
        } else if (r.action == 1) {
            e.fate = ESP_FATE_DROP_POLICY_BLOCK;
        } else if (r.sa < 0 || !out_sa[unsigned(r.sa)].installed) {
            e.fate = ESP_FATE_DROP_ACQUIRE;
            if (!r.acq || now - r.acq_time >= holdoff) {
                r.acq = true;
                r.acq_time = now;
                e.acquire_slot = *slot;
            }
        } else {
            const SaConfig& c = out_sa[unsigned(r.sa)].cfg;
            const std::size_t hdr = p.v6 ? 40 : p.l4;
            if (esp_len(c, p.ip_len, hdr) > mtu) {
                e.fate = ESP_FATE_DROP_MTU;
            } else if (c.transport && (p.v6 != c.ipv6 || (!p.v6 && p.frag))) {
                e.fate = ESP_FATE_DROP_ENGINE; // docs/engine.md: transport takes whole datagrams of its family
                e.engine = ESP_DROP_MALFORMED;
            } else {
                e.fate = ESP_FATE_TX_PROTECTED;
            }
        }
        count(e, p);
        return e;
    }

    // inner: what the peer encrypted; corrupt / replay: how the frame was spoiled.
    Expect receive(const Bytes& f, const RefPacket& p, std::optional<unsigned> sa_handle, bool corrupt, bool replay,
                   const Bytes& inner, std::uint64_t seq) {
        if (f.size() > ESP_MAX_FRAME_BYTES) return {ESP_FATE_DROP_OVERSIZE};
        if (p.kind == RefPacket::kRunt) return {ESP_FATE_DROP_RUNT};
        if (p.kind == RefPacket::kNonIp) return {ESP_FATE_RX_NON_IP};
        if (p.kind == RefPacket::kBad) return {ESP_FATE_DROP_MALFORMED};
        if (p.frag && (p.proto == 50 || p.proto == 17)) return {ESP_FATE_RX_FRAGMENT};
        std::size_t esp_at = 0;
        const std::uint8_t* ip = f.data() + p.l2;
        if (p.proto == 50) {
            esp_at = p.l4;
        } else if (p.proto == 17 && p.has_ports && p.dport == 500) {
            return {ESP_FATE_RX_IKE};
        } else if (p.proto == 17 && p.has_ports && p.dport == 4500) {
            if (p.ip_len < p.l4 + 12 || be32(ip + p.l4 + 8) == 0) return {ESP_FATE_RX_IKE};
            esp_at = p.l4 + 8;
        }
        if (esp_at != 0) {
            if (esp_at + 4 > p.ip_len) return {ESP_FATE_DROP_MALFORMED};
            const std::uint32_t spi = be32(ip + esp_at);
            std::optional<unsigned> h;
            for (const auto& [handle, s] : in_sa)
                if (s.cfg.spi == spi && s.cfg.ipv6 == p.v6 && Addr(s.cfg.dst) == p.dst) h = handle;
            if (!h) return {ESP_FATE_RX_UNKNOWN_SPI};
            REQUIRE(sa_handle == h); // the generator only spoils frames of known SAs it means
            InSa& s = in_sa[*h];
            if (replay) return {ESP_FATE_DROP_ENGINE, 0xFFFF, ESP_DROP_REPLAY};
            if (corrupt) return {ESP_FATE_DROP_ENGINE, 0xFFFF, ESP_DROP_AUTH_FAIL};
            s.last_ok = seq;
            if (s.sel) {
                RefPacket q;
                if (!ref_parse_ip(inner, 0, inner.size(), q) || q.ip_len != inner.size() || !ref_matches(*s.sel, q))
                    return {ESP_FATE_DROP_SELECTOR};
            }
            return {ESP_FATE_RX_DECRYPTED};
        }
        const auto slot = lookup(true, p);
        if (!slot) return {default_action & 2u ? ESP_FATE_DROP_NO_POLICY : ESP_FATE_RX_BYPASS};
        Expect e{pol[*slot].action == 0 ? unsigned(ESP_FATE_RX_BYPASS) : unsigned(ESP_FATE_DROP_POLICY_BLOCK), *slot};
        count(e, p);
        return e;
    }

private:
    void count(const Expect& e, const RefPacket& p) {
        RefPolicy& r = pol[e.policy];
        ++r.pkts;
        r.bytes += p.ip_len;
        if (e.fate >= ESP_FATE_DROP_ENGINE) ++r.drops;
    }
};

// ---- Traffic -------------------------------------------------------------------------

Addr v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) { return Addr{a, b, c, d}; }
Addr v6(std::uint16_t g3, std::uint16_t last) {
    Addr x{0x20, 0x01, 0x0d, 0xb8, 0, 0, std::uint8_t(g3 >> 8), std::uint8_t(g3)};
    x[14] = std::uint8_t(last >> 8);
    x[15] = std::uint8_t(last);
    return x;
}

class Gen {
public:
    explicit Gen(std::uint64_t seed) : rng(seed) {}
    std::mt19937_64 rng;

    unsigned pick(unsigned n) { return unsigned(rng() % n); }
    bool chance(unsigned percent) { return pick(100) < percent; }

    // Hosts in a few subnets so that policies overlap and match often.
    Addr host(bool six) {
        return six ? v6(std::uint16_t(1 + pick(3)), std::uint16_t(pick(2) * 0x100 + pick(16)))
                   : v4(10, std::uint8_t(1 + pick(3)), std::uint8_t(pick(2)), std::uint8_t(pick(16)));
    }
    unsigned port() { return chance(15) ? pick(65536) : pick(100); }

    Range range(bool six) {
        Range r;
        if (chance(50)) { // a subnet: prefix of a host
            const Addr a = host(six);
            const unsigned bits = six ? 128 : 32;
            const unsigned plen = six ? 96 + pick(33) : 8 + pick(25);
            r.lo = r.hi = a;
            for (unsigned i = plen; i < bits; ++i) {
                r.lo[i / 8] &= std::uint8_t(~(0x80u >> (i % 8)));
                r.hi[i / 8] |= std::uint8_t(0x80u >> (i % 8));
            }
            if (chance(5)) { // everything
                r.lo = Addr{};
                r.hi = Addr{};
                for (unsigned i = 0; i < bits / 8; ++i) r.hi[i] = 0xFF;
            }
        } else {
            r.lo = host(six);
            r.hi = host(six);
            if (r.hi < r.lo) std::swap(r.lo, r.hi);
        }
        return r;
    }

    RefSelector selector(bool six) {
        RefSelector s;
        s.v6 = six;
        s.src = range(six);
        s.dst = range(six);
        const unsigned protos[] = {0, 0, 0, 6, 17, six ? 58u : 1u, 47};
        s.proto = protos[pick(7)];
        if (chance(40)) {
            s.sp_lo = port();
            s.sp_hi = std::max(s.sp_lo, port());
        }
        if (chance(40)) {
            s.dp_lo = port();
            s.dp_hi = std::max(s.dp_lo, port());
        }
        return s;
    }

    Bytes l4(unsigned proto, unsigned sport, unsigned dport, std::size_t body) {
        Bytes b;
        if (proto == 6) {
            b.assign(20, 0);
            b[12] = 0x50;
        } else if (proto == 17) {
            b.assign(8, 0);
            esp_test::put_be16(b, 4, unsigned(8 + body));
        } else if (proto == 1 || proto == 58) {
            b = {std::uint8_t(sport), std::uint8_t(dport), 0, 0};
        }
        if (proto == 6 || proto == 17 || proto == 132) {
            if (proto == 132) b.assign(12, 0);
            esp_test::put_be16(b, 0, sport);
            esp_test::put_be16(b, 2, dport);
        }
        const Bytes data = esp_test::random_bytes(rng, body);
        b.insert(b.end(), data.begin(), data.end());
        return b;
    }

    // A random IP packet between the given hosts.
    Bytes ip_packet(bool six, const Addr& s, const Addr& d, std::optional<unsigned> proto_in = {},
                    std::size_t max_body = 160) {
        const unsigned protos[] = {6, 17, six ? 58u : 1u, 132, 47};
        const unsigned proto = proto_in ? *proto_in : protos[pick(5)];
        unsigned sport = port(), dport = port();
        if (proto == 1 || proto == 58) {
            sport = pick(256);
            dport = pick(4);
        }
        const Bytes payload = l4(proto, sport, dport, pick(unsigned(max_body)));
        return six ? esp_test::ipv6_packet(s, d, std::uint8_t(proto), payload)
                   : esp_test::ipv4_packet(s, d, std::uint8_t(proto), payload, std::uint16_t(rng()));
    }
};

// IPv4 fragment: MF and/or an offset; a non-first fragment keeps its bytes (no L4 header).
Bytes make_v4_fragment(Bytes p, bool first) {
    const unsigned fo = first ? 0x2000u : (0x2000u * unsigned(p[11] & 1)) | (1 + (p[10] % 100));
    esp_test::put_be16(p, 6, fo);
    esp_test::put_be16(p, 10, 0);
    esp_test::put_be16(p, 10, esp_test::inet_checksum(p.data(), (p[0] & 15u) * 4u));
    return p;
}

// IPv6 with a fragment header (offset 0 or not) in front of the upper layer.
Bytes make_v6_fragment(const Bytes& p, bool first) {
    Bytes q(p.begin(), p.begin() + 40);
    const std::uint8_t nh = p[6];
    q[6] = 44;
    const Bytes fh = {nh, 0, std::uint8_t(first ? 0 : 0x01), std::uint8_t(first ? 0x01 : 0x08), 1, 2, 3, 4};
    q.insert(q.end(), fh.begin(), fh.end());
    q.insert(q.end(), p.begin() + 40, p.end());
    esp_test::put_be16(q, 4, unsigned(q.size() - 40));
    return q;
}

esp_policy_entry entry_of(const RefPolicy& r) {
    esp_policy_entry e{};
    e.ctrl_dir = r.in;
    e.ctrl_ipv6 = r.sel.v6;
    e.ctrl_action = r.action;
    e.ctrl_has_sa = r.sa >= 0;
    e.id = r.id;
    e.prio = r.prio;
    e.proto_sa_proto = r.sel.proto;
    e.proto_sa_sa_handle = r.sa >= 0 ? unsigned(r.sa) : 0;
    addr_words(r.sel.src.lo, e.src_lo);
    addr_words(r.sel.src.hi, e.src_hi);
    addr_words(r.sel.dst.lo, e.dst_lo);
    addr_words(r.sel.dst.hi, e.dst_hi);
    e.sport_lo = r.sel.sp_lo;
    e.sport_hi = r.sel.sp_hi;
    e.dport_lo = r.sel.dp_lo;
    e.dport_hi = r.sel.dp_hi;
    return e;
}

esp_sa_selector selector_of(const RefSelector& s) {
    esp_sa_selector e{};
    e.ctrl_valid = 1;
    e.ctrl_ipv6 = s.v6;
    e.ctrl_proto = s.proto;
    addr_words(s.src.lo, e.src_lo);
    addr_words(s.src.hi, e.src_hi);
    addr_words(s.dst.lo, e.dst_lo);
    addr_words(s.dst.hi, e.dst_hi);
    e.sport_lo = s.sp_lo;
    e.sport_hi = s.sp_hi;
    e.dport_lo = s.dp_lo;
    e.dport_hi = s.dp_hi;
    return e;
}

SaConfig sa_cfg(bool inbound, bool transport, bool outer6, bool udp, std::uint32_t spi, const Addr& src,
                const Addr& dst, std::uint8_t key_byte) {
    SaConfig c;
    c.inbound = inbound;
    c.transport = transport;
    c.ipv6 = outer6;
    c.udp = udp;
    c.spi = spi;
    c.window = 64;
    c.key = Bytes(16, key_byte);
    c.salt = {key_byte, 2, 3, 4};
    c.src = src;
    c.dst = dst;
    if (udp) {
        c.sport = 4500;
        c.dport = 4500;
    }
    return c;
}

std::string fate_name(unsigned f) {
    static const char* const names[] = ESP_FATE_NAMES_INIT;
    return f < ESP_PORT_FATE_COUNT ? names[f] : "?";
}

} // namespace

TEST_CASE("port: 100000 random frames, each fate equal to the reference SPD", "[port]") {
    auto card = std::make_unique<esp::HlsCard>();
    esp::HlsCard& e = *card;
    Gen g(0x5eed9);
    Reference ref;
    std::uint32_t now = 1000;
    e.set_port_time(now);
    ref.holdoff = 20000;
    e.write_reg(ESP_REG_ACQ_HOLDOFF, ref.holdoff);
    ref.mtu = 1200;
    e.write_reg(ESP_REG_WIRE_MTU, ref.mtu);

    // Outbound SAs: tunnel over IPv4, tunnel over IPv6 in UDP, transport IPv4.
    const Addr gw_a = v4(192, 0, 2, 1), gw_b = v4(192, 0, 2, 2);
    const Addr gw6_a = v6(0xff, 1), gw6_b = v6(0xff, 2);
    ref.out_sa[3].cfg = sa_cfg(false, false, false, false, 0x3001, gw_a, gw_b, 0x31);
    ref.out_sa[7].cfg = sa_cfg(false, false, true, true, 0x3002, gw6_a, gw6_b, 0x32);
    ref.out_sa[9].cfg = sa_cfg(false, true, false, false, 0x3003, gw_a, gw_b, 0x33);
    for (const auto& [h, s] : ref.out_sa) REQUIRE(esp_test::program_sa(e, h, s.cfg) == ESP_SA_ERR_NONE);

    // Inbound SAs from the peer, with and without selectors.
    ref.in_sa[20].cfg = sa_cfg(true, false, false, false, 0x4001, gw_b, gw_a, 0x41);
    ref.in_sa[21].cfg = sa_cfg(true, false, true, true, 0x4002, gw6_b, gw6_a, 0x42);
    ref.in_sa[22].cfg = sa_cfg(true, false, false, false, 0x4003, gw_b, gw_a, 0x43);
    ref.in_sa[23].cfg = sa_cfg(true, true, false, false, 0x4004, v4(10, 2, 0, 5), v4(10, 1, 0, 7), 0x44);
    ref.in_sa[20].sel =
        RefSelector{false, {v4(10, 2, 0, 0), v4(10, 2, 255, 255)}, {v4(10, 1, 0, 0), v4(10, 1, 255, 255)}};
    RefSelector s21{true, {v6(2, 0), v6(2, 0xFFFF)}, {v6(1, 0), v6(3, 0xFFFF)}, 17, 0, 0xFFFF, 0, 99};
    ref.in_sa[21].sel = s21;
    ref.in_sa[23].sel = RefSelector{false, {v4(10, 2, 0, 5), v4(10, 2, 0, 5)}, {v4(10, 1, 0, 7), v4(10, 1, 0, 7)}, 6};
    for (const auto& [h, s] : ref.in_sa) {
        if (s.sel) REQUIRE(program_selector(e, h, selector_of(*s.sel)) == ESP_POL_ERR_NONE);
        REQUIRE(esp_test::program_sa(e, h, s.cfg) == ESP_SA_ERR_NONE);
    }

    // Policies in scattered slots; IDs unique, priorities colliding on purpose.
    std::uint32_t next_id = 100;
    const auto random_policy = [&]() {
        RefPolicy r;
        r.id = next_id += 1 + g.pick(5);
        r.prio = g.pick(16);
        r.in = g.chance(30);
        const bool six = g.chance(40);
        r.sel = g.selector(six);
        r.action = g.pick(3);
        if (r.action == 2 && g.chance(75)) { // the card takes only an installed outbound SA
            const unsigned v4_sas[] = {3, 7, 9}, v6_sas[] = {3, 7};
            const unsigned h = six ? v6_sas[g.pick(2)] : v4_sas[g.pick(3)];
            if (ref.out_sa[h].installed) r.sa = int(h);
        }
        return r;
    };
    const auto free_slot = [&]() {
        for (;;) {
            const unsigned s = g.pick(ESP_N_POLICY);
            if (!ref.pol.count(s)) return s;
        }
    };
    for (int i = 0; i < 160; ++i) {
        const unsigned slot = free_slot();
        ref.pol[slot] = random_policy();
        REQUIRE(program_policy(e, ESP_POL_OP_WRITE, slot, entry_of(ref.pol[slot])) == ESP_POL_ERR_NONE);
    }

    const unsigned kFrames = 100000;
    unsigned protected_frames = 0, decrypted = 0, acquires = 0, by_fate[32] = {};
    for (unsigned n = 0; n < kFrames; ++n) {
        now += g.pick(3000);
        e.set_port_time(now);

        // Policies and SAs change while traffic flows (each change is atomic on the card).
        if (n % 500 == 499) {
            const unsigned what = g.pick(6);
            if (what == 0 && !ref.pol.empty()) { // UPDATE keeps counters, restarts the ACQUIRE holdoff
                auto it = std::next(ref.pol.begin(), long(g.pick(unsigned(ref.pol.size()))));
                RefPolicy r = random_policy();
                r.pkts = it->second.pkts;
                r.bytes = it->second.bytes;
                r.drops = it->second.drops;
                it->second = r;
                REQUIRE(program_policy(e, ESP_POL_OP_UPDATE, it->first, entry_of(r)) == ESP_POL_ERR_NONE);
            } else if (what == 1 && !ref.pol.empty()) {
                auto it = std::next(ref.pol.begin(), long(g.pick(unsigned(ref.pol.size()))));
                REQUIRE(pol_command(e, ESP_POL_OP_DELETE, it->first) == ESP_POL_ERR_NONE);
                ref.pol.erase(it);
            } else if (what == 2) {
                const unsigned slot = free_slot();
                ref.pol[slot] = random_policy();
                REQUIRE(program_policy(e, ESP_POL_OP_WRITE, slot, entry_of(ref.pol[slot])) == ESP_POL_ERR_NONE);
            } else if (what == 3) {
                ref.default_action = g.pick(4);
                e.write_reg(ESP_REG_DEFAULT_ACTION, ref.default_action);
            } else { // an outbound SA goes (its policies raise ACQUIRE) or comes back (sequence restarts)
                const unsigned handles[] = {3, 7, 9};
                const unsigned h = handles[g.pick(3)];
                OutSa& s = ref.out_sa[h];
                if (s.installed) {
                    REQUIRE(esp_test::sa_command(e, ESP_SA_OP_DELETE, h) == ESP_SA_ERR_NONE);
                    REQUIRE(esp_test::pop_events(e) ==
                            std::vector<std::uint32_t>{esp_test::event_word(ESP_EVT_SA_DELETED, h)});
                } else {
                    REQUIRE(esp_test::program_sa(e, h, s.cfg) == ESP_SA_ERR_NONE);
                    s.seq = 0;
                }
                s.installed = !s.installed;
            }
        }

        // A frame.
        Bytes frame;
        bool from_wire = g.chance(45);
        std::optional<unsigned> in_handle;
        bool corrupt = false, replay = false;
        Bytes inner;
        std::uint64_t seq = 0;
        const int vlan = g.chance(15) ? int(g.pick(4096)) : -1;
        const unsigned kind = g.pick(1000);
        if (kind < 6) { // runt
            frame = esp_test::random_bytes(g.rng, g.pick(14));
            if (g.chance(50)) frame = Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0x00, 0, 1};
        } else if (kind < 8) { // oversized
            frame = eth_frame(kEthIpv4, esp_test::random_bytes(g.rng, ESP_MAX_FRAME_BYTES - 13 + g.pick(40)), vlan);
        } else if (kind < 30) { // garbage behind an IP EtherType
            frame = eth_frame(g.chance(50) ? kEthIpv4 : kEthIpv6, esp_test::random_bytes(g.rng, g.pick(80)), vlan);
            if (g.chance(30) && frame.size() > 20) frame[frame.size() > 18 && vlan >= 0 ? 18 : 14] = 0x45;
        } else if (kind < 60) { // ARP and other non-IP
            frame = eth_frame(g.chance(70) ? kEthArp : 0x88CC, esp_test::random_bytes(g.rng, 28 + g.pick(20)), vlan);
        } else if (kind < 90) { // IKE
            const bool six = g.chance(40);
            const unsigned ike = g.chance(50) ? 500 : 4500;
            Bytes body = g.l4(17, ike, ike, 0);
            Bytes msg = esp_test::random_bytes(g.rng, g.chance(10) ? 1 : 40 + g.pick(100));
            if (msg.size() == 1)
                msg[0] = 0xFF; // NAT keepalive
            else if (ike == 4500)
                msg[0] = msg[1] = msg[2] = msg[3] = 0; // non-ESP marker
            body.insert(body.end(), msg.begin(), msg.end());
            esp_test::put_be16(body, 4, unsigned(body.size()));
            const Bytes ip = six ? esp_test::ipv6_packet(g.host(true), g.host(true), 17, body)
                                 : esp_test::ipv4_packet(g.host(false), g.host(false), 17, body);
            frame = eth_frame(six ? kEthIpv6 : kEthIpv4, ip, vlan);
        } else if (from_wire && kind < 420) { // ESP from the peer
            const unsigned handles[] = {20, 21, 22, 23};
            const unsigned h = handles[g.pick(4)];
            InSa& s = ref.in_sa[h];
            const bool unknown = g.chance(8);
            if (s.cfg.transport) { // the outer header is the inner one: dst must be the SA's
                const bool inside = g.chance(70);
                inner = g.ip_packet(false, inside ? Addr(s.cfg.src) : g.host(false), Addr(s.cfg.dst),
                                    inside ? std::optional<unsigned>(6) : std::nullopt);
            } else {
                const bool six = g.chance(50);
                const bool inside = g.chance(70);
                if (inside && s.sel) {
                    const RefSelector& sel = *s.sel;
                    const Addr src =
                        sel.v6 ? v6(2, std::uint16_t(g.pick(300))) : v4(10, 2, std::uint8_t(g.pick(256)), 9);
                    const Addr dst =
                        sel.v6 ? v6(std::uint16_t(1 + g.pick(3)), 5) : v4(10, 1, 3, std::uint8_t(g.pick(256)));
                    inner =
                        g.ip_packet(sel.v6, src, dst, sel.proto ? std::optional<unsigned>(sel.proto) : std::nullopt);
                } else {
                    inner = g.ip_packet(six, g.host(six), g.host(six));
                }
            }
            SaConfig cfg = s.cfg;
            if (unknown) cfg.spi = 0x7000 + g.pick(100);
            replay = !unknown && s.last_ok != 0 && g.chance(5);
            corrupt = !unknown && !replay && g.chance(5);
            seq = replay ? s.last_ok : s.next++;
            Bytes outer = esp_test::ref_encrypt(cfg, seq, inner);
            if (corrupt) outer[outer.size() - 1 - g.pick(16)] ^= 0x01;
            if (!unknown) in_handle = h;
            if (g.chance(3)) { // the same, fragmented: goes to the host unreassembled
                outer = make_v4_fragment(outer, g.chance(50));
                if ((outer[0] >> 4) != 4) outer = make_v6_fragment(outer, true);
                in_handle.reset();
                if (!replay && !unknown) --s.next;
            }
            frame = eth_frame((outer[0] >> 4) == 6 ? kEthIpv6 : kEthIpv4, outer, vlan);
        } else { // plain traffic
            const bool six = g.chance(40);
            Bytes ip = g.ip_packet(six, g.host(six), g.host(six), {}, g.chance(3) ? 1400 : 160);
            if (g.chance(4)) ip = six ? make_v6_fragment(ip, g.chance(50)) : make_v4_fragment(ip, g.chance(50));
            frame = eth_frame(six ? kEthIpv6 : kEthIpv4, ip, vlan);
            if (g.chance(5)) frame.resize(frame.size() + 1 + g.pick(20), 0); // Ethernet padding
        }

        const RefPacket p = ref_parse_frame(frame);
        const Expect want =
            from_wire ? ref.receive(frame, p, in_handle, corrupt, replay, inner, seq) : ref.transmit(frame, p, now);
        const auto got = from_wire ? e.frame_from_wire(frame) : e.frame_from_host(frame);
        INFO("frame " << n << (from_wire ? " from wire" : " from host") << ": " << esp_test::to_hex(frame));
        INFO("fate " << fate_name(got.fate) << ", expected " << fate_name(want.fate));
        REQUIRE(unsigned(got.fate) == want.fate);
        REQUIRE(unsigned(got.engine_result) == want.engine);
        if (!from_wire || (want.fate != ESP_FATE_RX_DECRYPTED && want.fate != ESP_FATE_DROP_SELECTOR))
            REQUIRE(unsigned(got.policy) == want.policy);
        ++by_fate[want.fate];
        ++ref.fate_count[want.fate];

        const bool drop = want.fate >= ESP_FATE_DROP_ENGINE;
        REQUIRE(got.to_wire.has_value() == (!drop && !from_wire));
        REQUIRE(got.to_host.has_value() == (!drop && from_wire));
        const Bytes out = drop ? Bytes{} : from_wire ? *got.to_host : *got.to_wire;
        if (want.fate == ESP_FATE_TX_PROTECTED) {
            OutSa& s = ref.out_sa[unsigned(ref.pol[want.policy].sa)];
            const Bytes l3(frame.begin() + long(p.l2), frame.begin() + long(p.l2 + p.ip_len));
            const Bytes esp_pkt(out.begin() + long(p.l2), out.end());
            const auto dec = esp_test::ref_decode(s.cfg, ++s.seq, esp_pkt);
            INFO("decode: " << dec.error);
            REQUIRE(dec.ok);
            REQUIRE(dec.inner == l3);
            REQUIRE(be16(&out[p.et_off]) == (s.cfg.ipv6 ? kEthIpv6 : kEthIpv4));
            REQUIRE(std::equal(frame.begin(), frame.begin() + long(p.et_off), out.begin()));
            ++protected_frames;
        } else if (want.fate == ESP_FATE_RX_DECRYPTED) {
            REQUIRE(Bytes(out.begin() + long(p.l2), out.end()) == inner);
            REQUIRE(be16(&out[p.et_off]) == ((inner[0] >> 4) == 6 ? kEthIpv6 : kEthIpv4));
            REQUIRE(std::equal(frame.begin(), frame.begin() + long(p.et_off), out.begin()));
            ++decrypted;
        } else if (!drop) {
            REQUIRE(out == frame); // passed unchanged
        }

        // ACQUIRE: exactly the expected events, each with its packet's 5-tuple.
        const std::uint32_t pending = e.read_reg(ESP_REG_EVT_COUNT);
        REQUIRE(pending == (want.acquire_slot ? 1u : 0u));
        if (want.acquire_slot) {
            const std::uint32_t w = e.read_reg(ESP_REG_EVT_POP);
            REQUIRE(w == esp_test::event_word(ESP_EVT_ACQUIRE, *want.acquire_slot));
            std::uint32_t words[ESP_ACQ_DATA_WORDS];
            for (unsigned i = 0; i < ESP_ACQ_DATA_WORDS; ++i) words[i] = e.read_reg(ESP_REG_ACQ_DATA + 4 * i);
            esp_acquire_record a;
            esp_acquire_record_unpack(words, &a);
            CHECK(a.policy_id == ref.pol[*want.acquire_slot].id);
            CHECK(a.info_slot == *want.acquire_slot);
            CHECK(a.info_ipv6 == unsigned(p.v6));
            CHECK(a.info_proto == p.proto);
            CHECK(a.ports_sport == (p.has_ports ? p.sport : 0));
            CHECK(a.ports_dport == (p.has_ports ? p.dport : 0));
            std::uint32_t s[4], d[4];
            addr_words(p.src, s);
            addr_words(p.dst, d);
            CHECK(std::equal(s, s + 4, a.src));
            CHECK(std::equal(d, d + 4, a.dst));
            CHECK(a.raised_at == now);
            ++acquires;
        }
    }

    // Counters: per policy and per fate, exactly the reference's.
    for (const auto& [slot, r] : ref.pol) {
        const esp_policy_readback rb = read_policy(e, slot);
        INFO("policy slot " << slot << " id " << r.id);
        CHECK(rb.state_valid == 1);
        CHECK(rb.entry[ESP_POL_W_ID] == r.id);
        CHECK(((std::uint64_t(rb.pkts_hi) << 32) | rb.pkts_lo) == r.pkts);
        CHECK(((std::uint64_t(rb.bytes_hi) << 32) | rb.bytes_lo) == r.bytes);
        CHECK(((std::uint64_t(rb.drops_hi) << 32) | rb.drops_lo) == r.drops);
    }
    for (unsigned f = 0; f < ESP_PORT_FATE_COUNT; ++f) {
        INFO("fate " << fate_name(f));
        CHECK(esp_test::read_counter(e, ESP_REG_PORT_CNT + 4 * f) == ref.fate_count[f]);
    }
    // The mix really exercised every path.
    std::string mix;
    for (unsigned f = 0; f < ESP_PORT_FATE_COUNT; ++f)
        if (by_fate[f]) mix += " " + fate_name(f) + "=" + std::to_string(by_fate[f]);
    WARN("fates:" << mix << "; ACQUIRE records " << acquires);
    for (unsigned f : {ESP_FATE_TX_BYPASS, ESP_FATE_TX_PROTECTED, ESP_FATE_TX_IKE, ESP_FATE_TX_NON_IP,
                       ESP_FATE_RX_DECRYPTED, ESP_FATE_RX_BYPASS, ESP_FATE_RX_IKE, ESP_FATE_RX_NON_IP,
                       ESP_FATE_RX_UNKNOWN_SPI, ESP_FATE_RX_FRAGMENT, ESP_FATE_DROP_RUNT, ESP_FATE_DROP_OVERSIZE,
                       ESP_FATE_DROP_MALFORMED, ESP_FATE_DROP_NO_POLICY, ESP_FATE_DROP_POLICY_BLOCK,
                       ESP_FATE_DROP_ACQUIRE, ESP_FATE_DROP_MTU, ESP_FATE_DROP_SELECTOR, ESP_FATE_DROP_ENGINE}) {
        INFO("fate " << fate_name(f) << " seen " << by_fate[f] << " times");
        CHECK(by_fate[f] > 0);
    }
    CHECK(protected_frames > 2000);
    CHECK(decrypted > 5000);
    CHECK(acquires > 50);
}
