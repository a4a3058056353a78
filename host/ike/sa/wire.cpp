#include "wire.hpp"

#include <algorithm>

namespace ike::sa {
namespace {

void put16(Bytes& o, uint16_t v) {
    o.push_back(static_cast<uint8_t>(v >> 8));
    o.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes& o, uint32_t v) {
    put16(o, static_cast<uint16_t>(v >> 16));
    put16(o, static_cast<uint16_t>(v));
}
void put64(Bytes& o, uint64_t v) {
    put32(o, static_cast<uint32_t>(v >> 32));
    put32(o, static_cast<uint32_t>(v));
}
void set16(Bytes& o, size_t at, size_t v) {
    o[at] = static_cast<uint8_t>(v >> 8);
    o[at + 1] = static_cast<uint8_t>(v);
}

// Bounds-checked reader over a span; every overrun is INVALID_SYNTAX.
class Reader {
public:
    explicit Reader(std::span<const uint8_t> s) : s_(s) {}
    size_t left() const { return s_.size() - pos_; }
    uint8_t u8() { need(1); return s_[pos_++]; }
    uint16_t u16() { need(2); uint16_t v = static_cast<uint16_t>(s_[pos_] << 8 | s_[pos_ + 1]); pos_ += 2; return v; }
    uint32_t u32() { uint32_t hi = u16(); return hi << 16 | u16(); }
    uint64_t u64() { uint64_t hi = u32(); return hi << 32 | u32(); }
    Bytes bytes(size_t n) { need(n); Bytes b(s_.begin() + static_cast<long>(pos_), s_.begin() + static_cast<long>(pos_ + n)); pos_ += n; return b; }
    std::span<const uint8_t> sub(size_t n) { need(n); auto r = s_.subspan(pos_, n); pos_ += n; return r; }
    void skip(size_t n) { need(n); pos_ += n; }

private:
    void need(size_t n) const { if (left() < n) throw WireError("truncated payload"); }
    std::span<const uint8_t> s_;
    size_t pos_ = 0;
};

void encode_sa(const std::vector<Proposal>& props, Bytes& o) {
    for (size_t i = 0; i < props.size(); ++i) {
        const auto& p = props[i];
        size_t start = o.size();
        o.push_back(i + 1 == props.size() ? 0 : 2);
        o.push_back(0);
        put16(o, 0);
        o.push_back(p.num);
        o.push_back(p.protocol);
        o.push_back(static_cast<uint8_t>(p.spi.size()));
        o.push_back(static_cast<uint8_t>(p.transforms.size()));
        o.insert(o.end(), p.spi.begin(), p.spi.end());
        for (size_t t = 0; t < p.transforms.size(); ++t) {
            const auto& tr = p.transforms[t];
            o.push_back(t + 1 == p.transforms.size() ? 0 : 3);
            o.push_back(0);
            put16(o, tr.key_bits ? 12 : 8);
            o.push_back(tr.type);
            o.push_back(0);
            put16(o, tr.id);
            if (tr.key_bits) {
                put16(o, 0x800e);
                put16(o, tr.key_bits);
            }
        }
        set16(o, start + 2, o.size() - start);
    }
}

std::vector<Proposal> decode_sa(std::span<const uint8_t> body) {
    std::vector<Proposal> out;
    Reader r(body);
    uint8_t more = 2;
    while (more == 2) {
        more = r.u8();
        r.u8();
        uint16_t len = r.u16();
        if (len < 8) throw WireError("proposal too short");
        Reader p(r.sub(len - 4u));
        Proposal prop;
        prop.num = p.u8();
        prop.protocol = p.u8();
        uint8_t spi_size = p.u8();
        uint8_t ntrans = p.u8();
        prop.spi = p.bytes(spi_size);
        for (unsigned t = 0; t < ntrans; ++t) {
            p.u8();
            p.u8();
            uint16_t tlen = p.u16();
            if (tlen < 8) throw WireError("transform too short");
            Reader tr(p.sub(tlen - 4u));
            Transform x;
            x.type = tr.u8();
            tr.u8();
            x.id = tr.u16();
            while (tr.left() >= 4) {
                uint16_t at = tr.u16();
                if (at & 0x8000) {
                    uint16_t val = tr.u16();
                    if ((at & 0x7fff) == 14) x.key_bits = val;
                } else {
                    tr.skip(tr.u16());
                }
            }
            if (tr.left()) throw WireError("transform attribute truncated");
            prop.transforms.push_back(x);
        }
        if (more != 0 && more != 2) throw WireError("bad proposal chaining");
        out.push_back(std::move(prop));
    }
    if (r.left()) throw WireError("trailing bytes in SA payload");
    return out;
}

void encode_ts(const std::vector<Ts>& list, Bytes& o) {
    o.push_back(static_cast<uint8_t>(list.size()));
    o.insert(o.end(), 3, 0);
    for (const auto& t : list) {
        o.push_back(t.v6 ? 8 : 7);
        o.push_back(t.proto);
        put16(o, static_cast<uint16_t>(8 + 2 * t.addr_len()));
        put16(o, t.port_lo);
        put16(o, t.port_hi);
        o.insert(o.end(), t.lo.begin(), t.lo.begin() + static_cast<long>(t.addr_len()));
        o.insert(o.end(), t.hi.begin(), t.hi.begin() + static_cast<long>(t.addr_len()));
    }
}

std::vector<Ts> decode_ts(std::span<const uint8_t> body) {
    Reader r(body);
    unsigned n = r.u8();
    r.skip(3);
    std::vector<Ts> out;
    for (unsigned i = 0; i < n; ++i) {
        uint8_t type = r.u8();
        uint8_t proto = r.u8();
        uint16_t len = r.u16();
        if (len < 8) throw WireError("traffic selector too short");
        Reader t(r.sub(len - 4u));
        Ts ts;
        ts.proto = proto;
        ts.port_lo = t.u16();
        ts.port_hi = t.u16();
        if (type != 7 && type != 8) continue; // unknown TS type: ignored (§3.13.1)
        ts.v6 = type == 8;
        auto lo = t.bytes(ts.addr_len());
        auto hi = t.bytes(ts.addr_len());
        std::copy(lo.begin(), lo.end(), ts.lo.begin());
        std::copy(hi.begin(), hi.end(), ts.hi.begin());
        out.push_back(ts);
    }
    return out;
}

} // namespace

Bytes IdPl::body() const {
    Bytes b{type, 0, 0, 0};
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

const Notify* Payloads::find(uint16_t type) const {
    for (const auto& n : notifies)
        if (n.type == type) return &n;
    return nullptr;
}

const Notify* Payloads::error() const {
    for (const auto& n : notifies)
        if (n.type < 16384) return &n;
    return nullptr;
}

void Payloads::add(uint16_t type, Bytes data, uint8_t protocol, Bytes spi) {
    notifies.push_back(Notify{protocol, std::move(spi), type, std::move(data)});
}

Header decode_header(std::span<const uint8_t> m) {
    if (m.size() < kHeaderLen) throw WireError("message shorter than the IKE header");
    Reader r(m);
    Header h;
    h.spi_i = r.u64();
    h.spi_r = r.u64();
    h.next = r.u8();
    h.version = r.u8();
    h.exchange = r.u8();
    h.flags = r.u8();
    h.mid = r.u32();
    h.length = r.u32();
    if (h.length != m.size()) throw WireError("IKE header length does not match the datagram");
    return h;
}

void encode_header(const Header& h, Bytes& o) {
    put64(o, h.spi_i);
    put64(o, h.spi_r);
    o.push_back(h.next);
    o.push_back(h.version);
    o.push_back(h.exchange);
    o.push_back(h.flags);
    put32(o, h.mid);
    put32(o, h.length);
}

Bytes encode_payloads(const Payloads& p, uint8_t& first) {
    Bytes o;
    size_t prev_next = SIZE_MAX; // index of the previous payload's Next Payload byte
    auto begin = [&](uint8_t type) {
        if (prev_next == SIZE_MAX) first = type;
        else o[prev_next] = type;
        prev_next = o.size();
        o.push_back(0);
        o.push_back(0);
        put16(o, 0);
        return o.size() - 4;
    };
    auto end = [&](size_t start) { set16(o, start + 2, o.size() - start); };
    first = PL_NONE;
    // Notifies that must come first (COOKIE, error notifies) precede the rest.
    auto notify = [&](const Notify& n) {
        size_t s = begin(PL_NOTIFY);
        o.push_back(n.protocol);
        o.push_back(static_cast<uint8_t>(n.spi.size()));
        put16(o, n.type);
        o.insert(o.end(), n.spi.begin(), n.spi.end());
        o.insert(o.end(), n.data.begin(), n.data.end());
        end(s);
    };
    for (const auto& n : p.notifies)
        if (n.type == N_COOKIE) notify(n);
    if (p.idi) { size_t s = begin(PL_IDI); auto b = p.idi->body(); o.insert(o.end(), b.begin(), b.end()); end(s); }
    if (p.idr) { size_t s = begin(PL_IDR); auto b = p.idr->body(); o.insert(o.end(), b.begin(), b.end()); end(s); }
    if (p.auth) {
        size_t s = begin(PL_AUTH);
        o.push_back(p.auth->method);
        o.insert(o.end(), 3, 0);
        o.insert(o.end(), p.auth->data.begin(), p.auth->data.end());
        end(s);
    }
    for (const auto& n : p.notifies) // USE_TRANSPORT_MODE, REKEY_SA... precede SA by convention
        if (n.type != N_COOKIE) notify(n);
    if (p.sa) { size_t s = begin(PL_SA); encode_sa(*p.sa, o); end(s); }
    if (p.nonce) { size_t s = begin(PL_NONCE); o.insert(o.end(), p.nonce->begin(), p.nonce->end()); end(s); }
    if (p.ke) {
        size_t s = begin(PL_KE);
        put16(o, p.ke->group);
        put16(o, 0);
        o.insert(o.end(), p.ke->data.begin(), p.ke->data.end());
        end(s);
    }
    if (p.tsi) { size_t s = begin(PL_TSI); encode_ts(*p.tsi, o); end(s); }
    if (p.tsr) { size_t s = begin(PL_TSR); encode_ts(*p.tsr, o); end(s); }
    for (const auto& d : p.deletes) {
        size_t s = begin(PL_DELETE);
        o.push_back(d.protocol);
        o.push_back(d.protocol == PROTO_IKE ? 0 : 4);
        put16(o, static_cast<uint16_t>(d.spis.size()));
        for (uint32_t spi : d.spis) put32(o, spi);
        end(s);
    }
    return o;
}

Payloads decode_payloads(uint8_t next, std::span<const uint8_t> body) {
    Payloads p;
    Reader r(body);
    while (next != PL_NONE) {
        uint8_t type = next;
        next = r.u8();
        bool critical = r.u8() & 0x80;
        uint16_t len = r.u16();
        if (len < 4) throw WireError("payload length below 4");
        auto b = r.sub(len - 4u);
        Reader pr(b);
        switch (type) {
        case PL_SA: p.sa = decode_sa(b); break;
        case PL_KE: { KePl k; k.group = pr.u16(); pr.skip(2); k.data = pr.bytes(pr.left()); p.ke = k; break; }
        case PL_NONCE:
            if (b.size() < 16 || b.size() > 256) throw WireError("nonce length out of range");
            p.nonce = Bytes(b.begin(), b.end());
            break;
        case PL_IDI:
        case PL_IDR: {
            IdPl id;
            id.type = pr.u8();
            pr.skip(3);
            id.data = pr.bytes(pr.left());
            (type == PL_IDI ? p.idi : p.idr) = id;
            break;
        }
        case PL_AUTH: { AuthPl a; a.method = pr.u8(); pr.skip(3); a.data = pr.bytes(pr.left()); p.auth = a; break; }
        case PL_NOTIFY: {
            Notify n;
            n.protocol = pr.u8();
            uint8_t spi_size = pr.u8();
            n.type = pr.u16();
            n.spi = pr.bytes(spi_size);
            n.data = pr.bytes(pr.left());
            p.notifies.push_back(std::move(n));
            break;
        }
        case PL_DELETE: {
            DeletePl d;
            d.protocol = pr.u8();
            uint8_t spi_size = pr.u8();
            uint16_t n = pr.u16();
            if (d.protocol != PROTO_IKE && spi_size != 4) throw WireError("delete SPI size must be 4");
            for (unsigned i = 0; i < n && d.protocol != PROTO_IKE; ++i) d.spis.push_back(pr.u32());
            p.deletes.push_back(std::move(d));
            break;
        }
        case PL_TSI: p.tsi = decode_ts(b); break;
        case PL_TSR: p.tsr = decode_ts(b); break;
        case PL_SK: throw WireError("encrypted payload inside the encrypted payload");
        default:
            if (critical) throw WireError("unsupported critical payload " + std::to_string(type));
            break; // vendor IDs, CERTREQ, CP...: not used by this daemon
        }
    }
    if (r.left()) throw WireError("bytes after the last payload");
    return p;
}

Bytes encode_plain(Header h, const Payloads& p) {
    Bytes body = encode_payloads(p, h.next);
    h.length = static_cast<uint32_t>(kHeaderLen + body.size());
    Bytes out;
    out.reserve(h.length);
    encode_header(h, out);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

std::string exchange_name(uint8_t e) {
    switch (e) {
    case IKE_SA_INIT: return "IKE_SA_INIT";
    case IKE_AUTH: return "IKE_AUTH";
    case CREATE_CHILD_SA: return "CREATE_CHILD_SA";
    case INFORMATIONAL: return "INFORMATIONAL";
    }
    return "EXCHANGE_" + std::to_string(e);
}

std::string notify_name(uint16_t t) {
    switch (t) {
    case N_UNSUPPORTED_CRITICAL_PAYLOAD: return "UNSUPPORTED_CRITICAL_PAYLOAD";
    case N_INVALID_IKE_SPI: return "INVALID_IKE_SPI";
    case N_INVALID_SYNTAX: return "INVALID_SYNTAX";
    case N_INVALID_MESSAGE_ID: return "INVALID_MESSAGE_ID";
    case N_INVALID_SPI: return "INVALID_SPI";
    case N_NO_PROPOSAL_CHOSEN: return "NO_PROPOSAL_CHOSEN";
    case N_INVALID_KE_PAYLOAD: return "INVALID_KE_PAYLOAD";
    case N_AUTHENTICATION_FAILED: return "AUTHENTICATION_FAILED";
    case N_SINGLE_PAIR_REQUIRED: return "SINGLE_PAIR_REQUIRED";
    case N_NO_ADDITIONAL_SAS: return "NO_ADDITIONAL_SAS";
    case N_TS_UNACCEPTABLE: return "TS_UNACCEPTABLE";
    case N_TEMPORARY_FAILURE: return "TEMPORARY_FAILURE";
    case N_CHILD_SA_NOT_FOUND: return "CHILD_SA_NOT_FOUND";
    case N_COOKIE: return "COOKIE";
    case N_USE_TRANSPORT_MODE: return "USE_TRANSPORT_MODE";
    }
    return "NOTIFY_" + std::to_string(t);
}

} // namespace ike::sa
