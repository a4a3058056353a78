#include "ike_sa.h"

#include <stdexcept>

#include "crypto/key_derivation.h"

namespace ike::sa {

const char* state_name(IkeState s) {
    switch (s) {
        case IkeState::connecting:
            return "CONNECTING";
        case IkeState::established:
            return "ESTABLISHED";
        case IkeState::deleting:
            return "DELETING";
        case IkeState::dead:
            return "DEAD";
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

DynamicChild* IkeSa::dynamic_child(const std::string& name) {
    for (auto& d : dynamic_children)
        if (d.cfg.name == name) return &d;
    return nullptr;
}
const DynamicChild* IkeSa::dynamic_child(const std::string& name) const {
    return const_cast<IkeSa*>(this)->dynamic_child(name);
}

bool IkeSa::child_up(const std::string& name) const {
    for (const auto& c : children)
        if (c.name == name && c.state == ChildState::installed) return true;
    return false;
}

bool IkeSa::child_pending(const std::string& name) const {
    if (active && active->child() == name) return true;
    for (const auto& t : queue)
        if (t->child() == name) return true;
    return false;
}

namespace {
crypto::IkeAlgorithms ike_algorithms(const Selected& p) {
    return crypto::IkeAlgorithms{encr_id(p.encr), p.key_bits, prf_id(p.prf), integ_id(p.integ)};
}
[[noreturn]] void refused(const char* what) { throw std::runtime_error(std::string(what) + " refused by ike_crypto"); }
} // namespace

void IkeSa::derive_keys(std::span<const uint8_t> shared, const IkeSa* old) {
    std::optional<crypto::secure_bytes> skeyseed =
        old ? crypto::skeyseed_rekey(prf_id(old->proposal.prf), old->sk_d.span(), shared, ni, nr)
            : crypto::skeyseed(prf_id(proposal.prf), ni, nr, shared);
    if (!skeyseed) refused("SKEYSEED");
    auto keys = crypto::derive_ike_keys(ike_algorithms(proposal), *skeyseed, ni, nr, spi_i, spi_r);
    if (!keys) refused("IKE SA key derivation");
    sk_d = Secret(std::move(keys->sk_d));
    sk_ai = Secret(std::move(keys->sk_ai));
    sk_ar = Secret(std::move(keys->sk_ar));
    sk_ei = Secret(std::move(keys->sk_ei));
    sk_er = Secret(std::move(keys->sk_er));
    sk_pi = Secret(std::move(keys->sk_pi));
    sk_pr = Secret(std::move(keys->sk_pr));
    const Secret& e_out = initiator ? sk_ei : sk_er;
    const Secret& e_in = initiator ? sk_er : sk_ei;
    const Secret& a_out = initiator ? sk_ai : sk_ar;
    const Secret& a_in = initiator ? sk_ar : sk_ai;
    sk_out = crypto::make_sk_cipher(encr_id(proposal.encr), proposal.key_bits, integ_id(proposal.integ), e_out.span(),
                                    a_out.span());
    sk_in = crypto::make_sk_cipher(encr_id(proposal.encr), proposal.key_bits, integ_id(proposal.integ), e_in.span(),
                                   a_in.span());
    if (!sk_out || !sk_in) refused("SK cipher");
}

Bytes IkeSa::psk_auth(bool ours, const IdPl& id) const {
    // Signed octets: the sender's IKE_SA_INIT message, the other side's
    // nonce, and prf(SK_p of the sender, ID payload body).
    bool signer_is_initiator = ours == initiator;
    const Bytes& msg = signer_is_initiator ? init_request : init_response;
    const Bytes& nonce = signer_is_initiator ? nr : ni;
    const Secret& skp = signer_is_initiator ? sk_pi : sk_pr;
    auto auth = crypto::psk_auth(prf_id(proposal.prf), cfg->psk.span(), msg, nonce, skp.span(), id.body());
    if (!auth) refused("AUTH");
    return Bytes(auth->begin(), auth->end());
}

Bytes IkeSa::nat_hash(uint64_t spi_i, uint64_t spi_r, const Endpoint& ep) {
    if (ep.addr.is_v4()) {
        auto a = ep.addr.to_v4().to_bytes();
        return crypto::nat_detection_hash(spi_i, spi_r, a, ep.port);
    }
    auto a = ep.addr.to_v6().to_bytes();
    return crypto::nat_detection_hash(spi_i, spi_r, a, ep.port);
}

void IkeSa::child_keys(ChildSa& c, std::span<const uint8_t> shared, const Bytes& nonce_i, const Bytes& nonce_r) const {
    crypto::ChildAlgorithms alg{encr_id(c.proposal.encr), c.proposal.key_bits, integ_id(c.proposal.integ)};
    auto k = crypto::derive_child_keys(prf_id(proposal.prf), sk_d.span(), alg, shared, nonce_i, nonce_r);
    if (!k) refused("Child SA key derivation");
    // The exchange initiator sends with the i->r keys.
    c.encr_out = Secret(std::move(c.we_initiated ? k->encr_i : k->encr_r));
    c.integ_out = Secret(std::move(c.we_initiated ? k->integ_i : k->integ_r));
    c.encr_in = Secret(std::move(c.we_initiated ? k->encr_r : k->encr_i));
    c.integ_in = Secret(std::move(c.we_initiated ? k->integ_r : k->integ_i));
}

Bytes random_bytes(size_t n) {
    Bytes b(n);
    if (!crypto::random_bytes(b)) throw std::runtime_error("the random generator failed");
    return b;
}

} // namespace ike::sa
