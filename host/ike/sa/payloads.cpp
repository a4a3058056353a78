#include "payloads.h"

#include <algorithm>

#include "codec/sk.h"
#include "crypto/secure_bytes.h"

namespace ike::sa {
namespace {

using namespace ike::codec;

Bytes be32(uint32_t v) {
    return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
            static_cast<uint8_t>(v)};
}

WireError error_of(const DecodeError& e) {
    return WireError(std::string(kind_name(e.kind)) + ": " + e.what, e.kind,
                     static_cast<uint16_t>(error_notify(e).type));
}

codec::Header to_codec(const Header& h) {
    codec::Header c;
    c.spi_i = h.spi_i;
    c.spi_r = h.spi_r;
    c.exchange = static_cast<ExchangeType>(h.exchange);
    c.flags = h.flags;
    c.message_id = h.mid;
    return c;
}

Header from_codec(const codec::Header& c) {
    Header h;
    h.spi_i = c.spi_i;
    h.spi_r = c.spi_r;
    h.version = static_cast<uint8_t>(c.major_version << 4 | (c.minor_version & 0x0F));
    h.exchange = static_cast<uint8_t>(c.exchange);
    h.flags = c.flags;
    h.mid = c.message_id;
    return h;
}

SaPayload sa_to_codec(const std::vector<Proposal>& props) {
    SaPayload sa;
    for (const auto& p : props) {
        codec::Proposal c;
        c.number = p.num;
        c.protocol = static_cast<codec::ProtocolId>(p.protocol);
        c.spi = p.spi;
        for (const auto& t : p.transforms) {
            codec::Transform x;
            x.type = t.type;
            x.id = t.id;
            if (t.key_bits) x.key_length = t.key_bits;
            c.transforms.push_back(std::move(x));
        }
        sa.proposals.push_back(std::move(c));
    }
    return sa;
}

std::vector<Proposal> sa_from_codec(const SaPayload& sa) {
    std::vector<Proposal> out;
    for (const auto& c : sa.proposals) {
        Proposal p;
        p.num = c.number;
        p.protocol = static_cast<uint8_t>(c.protocol);
        p.spi = c.spi;
        for (const auto& t : c.transforms) p.transforms.push_back({t.type, t.id, t.key_length.value_or(0)});
        out.push_back(std::move(p));
    }
    return out;
}

TsBody ts_to_codec(const std::vector<Ts>& list) {
    TsBody body;
    for (const auto& t : list) {
        TrafficSelector s;
        s.ts_type = static_cast<uint8_t>(t.v6 ? TsType::IPV6_ADDR_RANGE : TsType::IPV4_ADDR_RANGE);
        s.ip_protocol = t.proto;
        s.start_port = t.port_lo;
        s.end_port = t.port_hi;
        s.start_address.assign(t.lo.begin(), t.lo.begin() + static_cast<long>(t.addr_len()));
        s.end_address.assign(t.hi.begin(), t.hi.begin() + static_cast<long>(t.addr_len()));
        body.selectors.push_back(std::move(s));
    }
    return body;
}

std::vector<Ts> ts_from_codec(const TsBody& body) {
    std::vector<Ts> out;
    for (const auto& s : body.selectors) {
        if (s.start_address.empty()) continue; // a TS type we do not know: ignored (§3.13.1)
        Ts t;
        t.v6 = s.ts_type == static_cast<uint8_t>(TsType::IPV6_ADDR_RANGE);
        t.proto = s.ip_protocol;
        t.port_lo = s.start_port;
        t.port_hi = s.end_port;
        std::copy(s.start_address.begin(), s.start_address.end(), t.lo.begin());
        std::copy(s.end_address.begin(), s.end_address.end(), t.hi.begin());
        out.push_back(t);
    }
    return out;
}

NotifyPayload notify_to_codec(const Notify& n) {
    NotifyPayload c;
    c.protocol = static_cast<codec::ProtocolId>(n.protocol);
    c.spi = n.spi;
    c.type = static_cast<codec::NotifyType>(n.type);
    c.data = n.data;
    return c;
}

template <class IdP>
IdP id_to_codec(const IdPl& id) {
    IdP c;
    c.id_type = static_cast<codec::IdType>(id.type);
    c.data = id.data;
    return c;
}

IdPl id_from_codec(const IdBody& c) { return IdPl{static_cast<uint8_t>(c.id_type), c.data}; }

} // namespace

Bytes IdPl::body() const {
    IdBody b;
    b.id_type = static_cast<codec::IdType>(type);
    b.data = data;
    return id_body_octets(b);
}

const Notify* Payloads::find(uint16_t type) const {
    for (const auto& n : notifies)
        if (n.type == type) return &n;
    return nullptr;
}

const Notify* Payloads::error() const {
    for (const auto& n : notifies)
        if (is_error_notify(static_cast<codec::NotifyType>(n.type))) return &n;
    return nullptr;
}

void Payloads::add(uint16_t type, Bytes data, uint8_t protocol, Bytes spi) {
    notifies.push_back(Notify{protocol, std::move(spi), type, std::move(data)});
}

std::vector<codec::Payload> to_codec(const Payloads& p) {
    std::vector<codec::Payload> out;
    for (const auto& n : p.notifies)
        if (n.type == N_COOKIE) out.emplace_back(notify_to_codec(n));
    // IDi, CERT, CERTREQ, IDr, AUTH (initiator); IDr, CERT, AUTH (responder).
    auto certs = [&] {
        for (const auto& c : p.certs) out.emplace_back(CertPayload{{c.encoding, c.data}});
    };
    auto certreqs = [&] {
        for (const auto& c : p.certreqs) out.emplace_back(CertreqPayload{{c.encoding, c.data}});
    };
    if (p.idi) {
        out.emplace_back(id_to_codec<IdiPayload>(*p.idi));
        certs();
        certreqs();
    }
    if (p.idr) out.emplace_back(id_to_codec<IdrPayload>(*p.idr));
    if (!p.idi) certs();
    if (p.auth) out.emplace_back(AuthPayload{static_cast<codec::AuthMethod>(p.auth->method), p.auth->data});
    for (const auto& n : p.notifies) // USE_TRANSPORT_MODE, REKEY_SA... before SA by convention
        if (n.type != N_COOKIE) out.emplace_back(notify_to_codec(n));
    if (p.sa) out.emplace_back(sa_to_codec(*p.sa));
    if (p.ke) out.emplace_back(KePayload{p.ke->group, p.ke->data});
    if (p.nonce) out.emplace_back(NoncePayload{*p.nonce});
    if (!p.idi) certreqs(); // IKE_SA_INIT response: after Nr
    if (p.tsi) {
        TsiPayload t;
        static_cast<TsBody&>(t) = ts_to_codec(*p.tsi);
        out.emplace_back(std::move(t));
    }
    if (p.tsr) {
        TsrPayload t;
        static_cast<TsBody&>(t) = ts_to_codec(*p.tsr);
        out.emplace_back(std::move(t));
    }
    for (const auto& d : p.deletes) {
        DeletePayload c;
        c.protocol = static_cast<codec::ProtocolId>(d.protocol);
        c.spi_size = d.protocol == PROTO_IKE ? 0 : 4;
        for (uint32_t spi : d.spis) c.spis.push_back(be32(spi));
        out.emplace_back(std::move(c));
    }
    return out;
}

Payloads from_codec(const std::vector<codec::Payload>& list) {
    Payloads p;
    for (const auto& pl : list) {
        if (auto* sa = std::get_if<SaPayload>(&pl))
            p.sa = sa_from_codec(*sa);
        else if (auto* ke = std::get_if<KePayload>(&pl))
            p.ke = KePl{ke->group, ke->data};
        else if (auto* no = std::get_if<NoncePayload>(&pl))
            p.nonce = no->data;
        else if (auto* idi = std::get_if<IdiPayload>(&pl))
            p.idi = id_from_codec(*idi);
        else if (auto* idr = std::get_if<IdrPayload>(&pl))
            p.idr = id_from_codec(*idr);
        else if (auto* au = std::get_if<AuthPayload>(&pl))
            p.auth = AuthPl{static_cast<uint8_t>(au->method), au->data};
        else if (auto* ce = std::get_if<CertPayload>(&pl))
            p.certs.push_back(CertPl{ce->encoding, ce->data});
        else if (auto* cr = std::get_if<CertreqPayload>(&pl))
            p.certreqs.push_back(CertPl{cr->encoding, cr->data});
        else if (auto* n = std::get_if<NotifyPayload>(&pl))
            p.notifies.push_back(
                Notify{static_cast<uint8_t>(n->protocol), n->spi, static_cast<uint16_t>(n->type), n->data});
        else if (auto* d = std::get_if<DeletePayload>(&pl)) {
            DeletePl del;
            del.protocol = static_cast<uint8_t>(d->protocol);
            if (del.protocol != PROTO_IKE) {
                if (d->spi_size != 4) throw WireError("delete SPI size must be 4");
                for (const auto& s : d->spis)
                    del.spis.push_back(uint32_t(s[0]) << 24 | uint32_t(s[1]) << 16 | uint32_t(s[2]) << 8 | s[3]);
            }
            p.deletes.push_back(std::move(del));
        } else if (auto* tsi = std::get_if<TsiPayload>(&pl))
            p.tsi = ts_from_codec(*tsi);
        else if (auto* tsr = std::get_if<TsrPayload>(&pl))
            p.tsr = ts_from_codec(*tsr);
        else if (std::holds_alternative<SkPayload>(pl) || std::holds_alternative<SkfPayload>(pl))
            throw WireError("unexpected encrypted payload");
        // vendor IDs, CP, unknown non-critical payloads: not used here
    }
    return p;
}

Header decode_header(std::span<const uint8_t> msg) {
    auto h = codec::decode_header(msg);
    if (!h) throw error_of(h.error());
    return from_codec(h.value());
}

Bytes encode_plain(const Header& h, const Payloads& p) {
    auto out = codec::encode_checked(Message{to_codec(h), to_codec(p)});
    if (!out) throw error_of(out.error());
    return std::move(out.value());
}

Payloads decode_plain(std::span<const uint8_t> msg) {
    auto m = codec::decode(msg);
    if (!m) throw error_of(m.error());
    return from_codec(m->payloads);
}

Bytes seal(crypto::SkCipher& out, const Header& h, const Payloads& p) {
    auto inner = to_codec(p);
    auto msg = codec::protect(to_codec(h), inner, out);
    if (!msg) throw error_of(msg.error());
    return std::move(msg.value());
}

WireError wire_error(const codec::DecodeError& e) { return error_of(e); }

std::vector<Bytes> seal_fragments(crypto::SkCipher& out, const Header& h, const Payloads& p, std::size_t max_datagram) {
    auto inner = to_codec(p);
    auto frags = codec::protect_fragments(to_codec(h), inner, out, max_datagram);
    if (!frags) throw error_of(frags.error());
    return std::move(frags.value());
}

bool is_fragment(std::span<const uint8_t> msg) {
    return msg.size() > 16 && msg[16] == static_cast<uint8_t>(codec::PayloadType::SKF);
}

Payloads open(const crypto::SkCipher& in, std::span<const uint8_t> msg) {
    auto m = codec::unprotect(msg, in);
    if (!m) throw error_of(m.error());
    return from_codec(m->payloads);
}

} // namespace ike::sa
