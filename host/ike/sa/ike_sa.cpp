#include "ike_sa.hpp"

#include <openssl/evp.h>

namespace ike::sa {

const char* state_name(IkeState s) {
    switch (s) {
    case IkeState::connecting: return "CONNECTING";
    case IkeState::established: return "ESTABLISHED";
    case IkeState::deleting: return "DELETING";
    case IkeState::dead: return "DEAD";
    }
    return "?";
}

std::string IkeSa::label() const { return (cfg ? cfg->name : std::string("?")) + "[" + std::to_string(uid) + "]"; }

ChildSa* IkeSa::child_by_spi_in(uint32_t spi) {
    for (auto& c : children)
        if (c.spi_in == spi) return &c;
    return nullptr;
}
ChildSa* IkeSa::child_by_spi_out(uint32_t spi) {
    for (auto& c : children)
        if (c.spi_out == spi) return &c;
    return nullptr;
}

namespace {
Bytes be64(uint64_t v) {
    Bytes b(8);
    for (int i = 7; i >= 0; --i, v >>= 8) b[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
    return b;
}
Bytes cat(std::initializer_list<const Bytes*> parts) {
    Bytes out;
    for (const auto* p : parts) out.insert(out.end(), p->begin(), p->end());
    return out;
}
} // namespace

void IkeSa::derive_keys(const Secret& shared, const IkeSa* old) {
    Prf prf(proposal.prf);
    Bytes nonces = cat({&ni, &nr});
    Secret skeyseed;
    if (old) {
        Bytes in = shared.bytes();
        in.insert(in.end(), nonces.begin(), nonces.end());
        skeyseed = Secret(Prf(old->proposal.prf)(old->sk_d.bytes(), in));
        OPENSSL_cleanse(in.data(), in.size());
    } else {
        skeyseed = Secret(prf(nonces, shared.bytes()));
    }
    Bytes spis = be64(spi_i);
    Bytes r = be64(spi_r);
    spis.insert(spis.end(), r.begin(), r.end());
    Bytes seed = cat({&nonces, &spis});
    size_t lp = prf.out_len(), li = integ_key_len(proposal.integ), le = encr_key_len(proposal.encr, proposal.key_bits);
    Secret km(prf.plus(skeyseed.bytes(), seed, lp * 3 + li * 2 + le * 2));
    const Bytes& k = km.bytes();
    size_t off = 0;
    auto take = [&](size_t n) {
        Secret s(Bytes(k.begin() + static_cast<long>(off), k.begin() + static_cast<long>(off + n)));
        off += n;
        return s;
    };
    sk_d = take(lp);
    sk_ai = take(li);
    sk_ar = take(li);
    sk_ei = take(le);
    sk_er = take(le);
    sk_pi = take(lp);
    sk_pr = take(lp);
    const Secret& e_out = initiator ? sk_ei : sk_er;
    const Secret& e_in = initiator ? sk_er : sk_ei;
    const Secret& a_out = initiator ? sk_ai : sk_ar;
    const Secret& a_in = initiator ? sk_ar : sk_ai;
    sk_out.emplace(proposal.encr, proposal.key_bits, proposal.integ, e_out, a_out);
    sk_in.emplace(proposal.encr, proposal.key_bits, proposal.integ, e_in, a_in);
}

Bytes IkeSa::psk_auth(bool ours, const IdPl& id) const {
    // Signed octets: the sender's IKE_SA_INIT message, the other side's
    // nonce, and prf(SK_p of the sender, ID payload body).
    bool signer_is_initiator = ours == initiator;
    Prf prf(proposal.prf);
    const Bytes& msg = signer_is_initiator ? init_request : init_response;
    const Bytes& nonce = signer_is_initiator ? nr : ni;
    const Secret& skp = signer_is_initiator ? sk_pi : sk_pr;
    Bytes octets = msg;
    octets.insert(octets.end(), nonce.begin(), nonce.end());
    Bytes maced = prf(skp.bytes(), id.body());
    octets.insert(octets.end(), maced.begin(), maced.end());
    static const std::string pad = "Key Pad for IKEv2";
    Secret inner(prf(cfg->psk.bytes(), Bytes(pad.begin(), pad.end())));
    return prf(inner.bytes(), octets);
}

Bytes IkeSa::nat_hash(uint64_t spi_i, uint64_t spi_r, const Endpoint& ep) {
    Bytes data = be64(spi_i);
    Bytes r = be64(spi_r);
    data.insert(data.end(), r.begin(), r.end());
    if (ep.addr.is_v4()) {
        auto a = ep.addr.to_v4().to_bytes();
        data.insert(data.end(), a.begin(), a.end());
    } else {
        auto a = ep.addr.to_v6().to_bytes();
        data.insert(data.end(), a.begin(), a.end());
    }
    data.push_back(static_cast<uint8_t>(ep.port >> 8));
    data.push_back(static_cast<uint8_t>(ep.port));
    Bytes out(20);
    unsigned len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha1(), nullptr);
    return out;
}

void IkeSa::child_keys(ChildSa& c, const Secret* shared, const Bytes& nonce_i, const Bytes& nonce_r) const {
    Prf prf(proposal.prf);
    Bytes seed;
    if (shared) seed = shared->bytes();
    seed.insert(seed.end(), nonce_i.begin(), nonce_i.end());
    seed.insert(seed.end(), nonce_r.begin(), nonce_r.end());
    size_t le = encr_key_len(c.proposal.encr, c.proposal.key_bits), li = integ_key_len(c.proposal.integ);
    Secret km(prf.plus(sk_d.bytes(), seed, 2 * (le + li)));
    if (!seed.empty()) OPENSSL_cleanse(seed.data(), seed.size());
    const Bytes& k = km.bytes();
    auto part = [&](size_t off, size_t n) {
        return Secret(Bytes(k.begin() + static_cast<long>(off), k.begin() + static_cast<long>(off + n)));
    };
    Secret ei = part(0, le), ai = part(le, li), er = part(le + li, le), ar = part(2 * le + li, li);
    // The exchange initiator sends with the i->r keys.
    c.encr_out = c.we_initiated ? ei : er;
    c.integ_out = c.we_initiated ? ai : ar;
    c.encr_in = c.we_initiated ? er : ei;
    c.integ_in = c.we_initiated ? ar : ai;
}

} // namespace ike::sa
