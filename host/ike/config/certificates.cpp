#include "config/certificates.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "config/options.h"

namespace ike::config {

namespace {

// FortiOS stores an encrypted key with `set password ENC ...`; iked reads
// only clear keys (file permissions protect them).
std::optional<std::string> refuse_password(ValueReader& r) {
    r.error(r.values().empty() ? SourcePos{} : r.values()[0].pos,
            "encrypted private keys (password) are not supported; give the key unencrypted");
    return std::nullopt;
}

std::optional<Secret> read_secret_text(ValueReader& r) {
    const Token* t = r.single("PEM text or a file path", true);
    return t ? std::optional<Secret>(Secret(t->text)) : std::nullopt;
}

bool is_pem(const std::string& v) { return v.find("-----BEGIN ") != std::string::npos; }

// The PEM of a value: the value itself, or the file it names (relative
// paths from the configuration file's directory).
std::optional<std::string> read_pem(const std::string& value, const Reporter& report, std::string& error) {
    if (is_pem(value)) return value;
    std::string path = value;
    const std::string& file = report.file();
    if (!path.empty() && path[0] != '/' && file.find('/') != std::string::npos)
        path = file.substr(0, file.rfind('/') + 1) + path;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "neither PEM text (-----BEGIN ...) nor a readable file: '" + path + "'";
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

void validate_local(LocalCertificate& c, Reporter& report) {
    const Origin& o = c.origin;
    std::string who = "vpn certificate local " + quoted(c.name);
    if (c.certificate.empty() || c.private_key.empty()) {
        report.error(o.defined_at, who + ": certificate and private-key are required");
        return;
    }
    std::string error;
    auto cert_pem = read_pem(c.certificate, report, error);
    std::vector<auth::X509Ptr> chain;
    if (cert_pem) chain = auth::certs_from_pem(*cert_pem, error);
    if (chain.empty()) {
        report.error(o.where("certificate"), who + ": certificate: " + error);
        return;
    }
    auto key_pem = read_pem(c.private_key.reveal(), report, error);
    auth::PkeyPtr key = key_pem ? auth::key_from_pem(*key_pem, error) : nullptr;
    if (!key) {
        report.error(o.where("private-key"), who + ": private-key: " + error);
        return;
    }
    if (!auth::key_matches(chain.front().get(), key.get())) {
        report.error(o.where("private-key"), who + ": private-key does not belong to the certificate " +
                                                 auth::subject_text(chain.front().get()));
        return;
    }
    c.certificate_pem = std::move(*cert_pem);
    c.private_key_pem = Secret(std::move(*key_pem));
}

void validate_ca(CaCertificate& c, Reporter& report) {
    std::string who = "vpn certificate ca " + quoted(c.name);
    if (c.ca.empty()) {
        report.error(c.origin.defined_at, who + ": ca is required");
        return;
    }
    std::string error;
    auto pem = read_pem(c.ca, report, error);
    if (pem && !auth::certs_from_pem(*pem, error).empty())
        c.ca_pem = std::move(*pem);
    else
        report.error(c.origin.where("ca"), who + ": ca: " + error);
}

void validate_signature_phase1(const Config& config, const Phase1& p, Reporter& report) {
    const Origin& o = p.origin;
    std::string who = "phase1-interface " + quoted(p.name);
    if (p.authmethod != AuthMethod::signature) {
        return;
    }
    if (p.certificate.empty())
        report.error(o.where("authmethod"), who + ": authmethod signature needs certificate (a vpn certificate local)");
    for (const auto& name : p.certificate)
        if (!config.find_local_certificate(name))
            report.error(o.where("certificate"),
                         who + ": certificate " + quoted(name) + " is not in config vpn certificate local");
    if (p.peertype == PeerType::one && p.peerid.empty())
        report.error(o.where("peertype"), who + ": peertype one needs peerid");
    if (p.peertype == PeerType::peer) {
        if (p.peer.empty())
            report.error(o.where("peertype"), who + ": peertype peer needs peer (a config user peer)");
        else if (!config.find_user_peer(p.peer))
            report.error(o.where("peer"), who + ": peer " + quoted(p.peer) + " is not in config user peer");
    } else if (config.ca_certificates.empty()) {
        report.error(o.where("authmethod"), who +
                                                ": authmethod signature needs a config vpn certificate ca entry "
                                                "to verify the peer's certificate");
    }
    std::string error;
    if (p.localid_type == LocalIdType::asn1dn && !auth::parse_dn(p.localid, error))
        report.error(o.where("localid"), who + ": localid is not a DN: " + error);
}

std::vector<OptionSpec<LocalCertificate>> make_local_table() {
    using L = LocalCertificate;
    return {
        option<L>("certificate", &L::certificate, text()),
        option<L>("private-key", &L::private_key, read_secret_text),
        option<L>("comments", &L::comments, text()),
        {"password", [](L&, ValueReader& r) { return refuse_password(r).has_value(); }, [](L&) {}},
    };
}

std::vector<OptionSpec<CaCertificate>> make_ca_table() {
    using C = CaCertificate;
    return {option<C>("ca", &C::ca, text()), option<C>("comments", &C::comments, text())};
}

std::vector<OptionSpec<UserPeer>> make_peer_table() {
    using U = UserPeer;
    return {option<U>("ca", &U::ca, text()), option<U>("cn", &U::cn, text())};
}

template <class T>
const T* find_named(const std::vector<T>& list, std::string_view name) {
    for (const auto& e : list)
        if (e.name == name) return &e;
    return nullptr;
}

} // namespace

std::span<const OptionSpec<LocalCertificate>> local_certificate_options() {
    static const auto table = make_local_table();
    return table;
}
std::span<const OptionSpec<CaCertificate>> ca_certificate_options() {
    static const auto table = make_ca_table();
    return table;
}
std::span<const OptionSpec<UserPeer>> user_peer_options() {
    static const auto table = make_peer_table();
    return table;
}

const LocalCertificate* Config::find_local_certificate(std::string_view name) const {
    return find_named(local_certificates, name);
}
const CaCertificate* Config::find_ca_certificate(std::string_view name) const {
    return find_named(ca_certificates, name);
}
const UserPeer* Config::find_user_peer(std::string_view name) const { return find_named(user_peers, name); }

void validate_certificates(Config& config, Reporter& report) {
    for (auto& c : config.local_certificates) validate_local(c, report);
    for (auto& c : config.ca_certificates) validate_ca(c, report);
    for (const auto& u : config.user_peers) {
        if (u.ca.empty())
            report.error(u.origin.defined_at, "user peer " + quoted(u.name) + ": ca is required");
        else if (!config.find_ca_certificate(u.ca))
            report.error(u.origin.where("ca"), "user peer " + quoted(u.name) + ": ca " + quoted(u.ca) +
                                                   " is not in config vpn certificate ca");
    }
    for (const auto& p : config.phase1) validate_signature_phase1(config, p, report);
}

std::shared_ptr<auth::Credentials> load_credentials(const Config& config, const Phase1& p1) {
    auto cr = std::make_shared<auth::Credentials>();
    std::string error;
    const LocalCertificate* local = p1.certificate.empty() ? nullptr : config.find_local_certificate(p1.certificate[0]);
    if (!local || local->certificate_pem.empty()) throw std::runtime_error(p1.name + ": certificate not loaded");
    cr->chain = auth::certs_from_pem(local->certificate_pem, error);
    cr->key = auth::key_from_pem(local->private_key_pem.reveal(), error);
    if (cr->chain.empty() || !cr->key) throw std::runtime_error(p1.name + ": " + error);
    auto trust = std::make_shared<auth::TrustStore>();
    auto add_ca = [&](const CaCertificate& ca) {
        for (auto& x : auth::certs_from_pem(ca.ca_pem, error)) trust->add(std::move(x));
    };
    if (p1.peertype == PeerType::peer) {
        const UserPeer* peer = config.find_user_peer(p1.peer);
        const CaCertificate* ca = peer ? config.find_ca_certificate(peer->ca) : nullptr;
        if (!ca) throw std::runtime_error(p1.name + ": peer CA not found");
        add_ca(*ca);
        cr->peer_cn = peer->cn;
    } else {
        for (const auto& ca : config.ca_certificates) add_ca(ca);
    }
    cr->trust = std::move(trust);
    cr->policy.digital_signature = p1.digital_signature_auth;
    cr->policy.rsa_pss = p1.rsa_signature_format == RsaSignatureFormat::pss;
    return cr;
}

} // namespace ike::config
