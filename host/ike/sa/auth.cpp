#include "auth.h"

#include <stdexcept>

#include "auth/credentials.h"
#include "crypto/key_derivation.h"
#include "crypto/secure_bytes.h"
#include "log.h"

namespace ike::sa {
namespace {

// The octets a signer signs (2.15): its IKE_SA_INIT message, the other
// side's nonce, prf(SK_p of the signer, ID payload body).
Bytes signed_octets(const IkeSa& sa, bool ours, const IdPl& id) {
    bool signer_is_initiator = ours == sa.initiator;
    const Bytes& msg = signer_is_initiator ? sa.init_request : sa.init_response;
    const Bytes& nonce = signer_is_initiator ? sa.nr : sa.ni;
    const Secret& skp = signer_is_initiator ? sa.sk_pi : sa.sk_pr;
    auto octets = crypto::signed_octets(prf_id(sa.proposal.prf), msg, nonce, skp.span(), id.body());
    if (!octets) throw std::runtime_error("AUTH octets refused by ike_crypto");
    return std::move(*octets);
}

std::string method_name(uint8_t m) {
    switch (m) {
        case AUTH_PSK:
            return "pre-shared key";
        case auth::M_RSA_SHA1:
            return "RSA signature";
        case auth::M_ECDSA_P256_SHA256:
            return "ECDSA P-256";
        case auth::M_ECDSA_P384_SHA384:
            return "ECDSA P-384";
        case auth::M_ECDSA_P521_SHA512:
            return "ECDSA P-521";
        case auth::M_DIGITAL_SIGNATURE:
            return "digital signature (RFC 7427)";
        default:
            return "method " + std::to_string(m);
    }
}

std::optional<std::string> certificate_error(IkeSa& sa, const auth::Credentials& cr, const Payloads& p,
                                             const IdPl& id) {
    std::vector<auth::X509Ptr> certs;
    for (const auto& c : p.certs) {
        if (c.encoding != CERT_X509_SIGNATURE) continue; // other encodings are not ours to use
        auto x = auth::cert_from_der(c.data);
        if (!x) return std::string("malformed X.509 certificate in CERT payload");
        certs.push_back(std::move(x));
    }
    if (certs.empty()) return std::string("peer sent no X.509 certificate (CERT payload)");
    X509* leaf = certs.front().get();
    sa.peer_id_text = auth::subject_text(leaf);
    std::vector<auth::X509Ptr> intermediates;
    for (size_t k = 1; k < certs.size(); ++k) intermediates.push_back(std::move(certs[k]));
    if (auto why = cr.trust->verify(leaf, intermediates)) return "certificate " + sa.peer_id_text + ": " + *why;
    if (auto why = auth::id_matches_cert(id.type, id.data, leaf)) return why;
    if (!cr.peer_cn.empty() && auth::common_name(leaf) != cr.peer_cn)
        return "certificate CN '" + auth::common_name(leaf) + "' is not the configured peer's '" + cr.peer_cn + "'";
    EVP_PKEY* key = X509_get0_pubkey(leaf);
    if (!key) return std::string("certificate public key does not decode");
    if (auto why = auth::verify_auth(key, p.auth->method, p.auth->data, signed_octets(sa, false, id)))
        return method_name(p.auth->method) + ": " + *why;
    IKE_LOG(info) << sa.label() << " peer " << auth::id_text(id.type, id.data) << " authenticated with certificate "
                  << sa.peer_id_text << ", " << auth::describe_auth(p.auth->method, p.auth->data);
    return std::nullopt;
}

} // namespace

void add_init_auth_payloads(const IkeSa& sa, Payloads& p, bool responder) {
    const auto& cr = sa.cfg->credentials;
    if (!cr) return;
    if (cr->policy.digital_signature)
        p.add(N_SIGNATURE_HASH_ALGORITHMS, auth::hash_notify_data(auth::supported_hashes()));
    if (responder) p.certreqs.push_back(CertPl{CERT_X509_SIGNATURE, cr->trust->certreq()});
}

void note_init_auth_payloads(IkeSa& sa, const Payloads& p) {
    if (const Notify* n = p.find(N_SIGNATURE_HASH_ALGORITHMS)) sa.peer_hashes = auth::parse_hash_notify(n->data);
    for (const auto& c : p.certreqs)
        if (c.encoding == CERT_X509_SIGNATURE) sa.peer_certreqs.push_back(c.data);
}

void add_own_auth(const IkeSa& sa, Payloads& p, const IdPl& id, bool request) {
    const auto& cr = sa.cfg->credentials;
    if (!cr) {
        p.auth = AuthPl{AUTH_PSK, sa.psk_auth(true, id)};
        return;
    }
    // Our chain goes whether or not the peer asked: a peer without our CA
    // hash in its CERTREQ may still hold a copy of it (a trust anchor shared
    // out of band), and charon sends CERTREQ only for CAs it has.
    for (const auto& c : cr->chain) p.certs.push_back(CertPl{CERT_X509_SIGNATURE, auth::cert_der(c.get())});
    if (request) p.certreqs.push_back(CertPl{CERT_X509_SIGNATURE, cr->trust->certreq()});
    std::string error;
    auto v = auth::sign_auth(cr->key.get(), cr->policy, sa.peer_hashes, signed_octets(sa, true, id), error);
    if (!v) throw std::runtime_error("cannot sign AUTH: " + error);
    IKE_LOG(info) << sa.label() << " signing as " << auth::id_text(id.type, id.data) << " with "
                  << auth::describe_auth(v->method, v->data);
    p.auth = AuthPl{v->method, std::move(v->data)};
}

std::optional<std::string> peer_auth_error(IkeSa& sa, const Payloads& p, const IdPl& id) {
    if (!p.auth) return std::string("no AUTH payload");
    const auto& cr = sa.cfg->credentials;
    if (!cr) {
        if (p.auth->method != AUTH_PSK)
            return "peer authenticates with " + method_name(p.auth->method) + ", phase1 has authmethod psk";
        if (!crypto::equal_ct(sa.psk_auth(false, id), p.auth->data))
            return std::string("pre-shared key AUTH does not match");
        return std::nullopt;
    }
    if (!auth::is_signature_method(p.auth->method))
        return "peer authenticates with " + method_name(p.auth->method) + ", phase1 has authmethod signature";
    return certificate_error(sa, *cr, p, id);
}

} // namespace ike::sa
