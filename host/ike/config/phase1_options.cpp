#include "config/options.h"

namespace ike::config {

namespace {

std::optional<Phase1Type> read_type(ValueReader& r) {
    const Token* t = r.single("one word");
    if (!t) return std::nullopt;
    if (t->text == "ddns") {
        r.error(t->pos, "type ddns is not supported (iked has no DNS resolver); valid: static dynamic");
        return std::nullopt;
    }
    return r.word<Phase1Type>(*t);
}

std::optional<unsigned> read_ike_version(ValueReader& r) {
    const Token* t = r.single("2");
    if (!t) return std::nullopt;
    if (t->text == "2") return 2u;
    if (t->text == "1")
        r.error(t->pos, "IKEv1 is not supported: ike-version must be 2");
    else
        r.unknown_value(*t, "2");
    return std::nullopt;
}

std::optional<AuthMethod> read_authmethod(ValueReader& r) {
    const Token* t = r.single("one word");
    if (!t) return std::nullopt;
    return r.word<AuthMethod>(*t);
}

std::optional<PeerType> read_peertype(ValueReader& r) {
    const Token* t = r.single("one word");
    if (!t) return std::nullopt;
    if (t->text == "dialup" || t->text == "peergrp") {
        r.error(t->pos, "peertype " + t->text + " (user groups) is not supported; valid: any one peer");
        return std::nullopt;
    }
    return r.word<PeerType>(*t);
}

// `set certificate "a" ["b" ...]`: local certificate names, order kept.
std::optional<std::vector<std::string>> read_names(ValueReader& r) {
    if (!r.some("one or more certificate names")) return std::nullopt;
    std::vector<std::string> names;
    for (const Token& t : r.values()) names.push_back(t.text);
    return names;
}

// The secret never appears in a message, whatever is wrong with it.
std::optional<Secret> read_psk(ValueReader& r) {
    if (!r.values().empty() && r.values()[0].text == "ENC" && !r.values()[0].quoted) {
        r.error(r.values()[0].pos,
                "psksecret is encrypted (ENC ...) by a FortiGate and cannot be read here; set it in clear text");
        return std::nullopt;
    }
    const Token* t = r.single("one string", true);
    if (!t) return std::nullopt;
    if (t->text.size() < 6 || t->text.size() > 128) {
        r.error(t->pos, "psksecret must be 6 to 128 characters long (got " + std::to_string(t->text.size()) + ")");
        return std::nullopt;
    }
    return Secret(t->text);
}

std::vector<OptionSpec<Phase1>> make_table() {
    using P = Phase1;
    return {
        option<P>("type", &P::type, read_type),
        option<P>("interface", &P::interface, text()),
        option<P>("ike-version", &P::ike_version, read_ike_version),
        option<P>("ip-version", &P::ip_version, enum_value<IpVersion>()),
        option<P>("local-gw", &P::local_gw, address(false)),
        option<P>("local-gw6", &P::local_gw6, address(true)),
        option<P>("remote-gw", &P::remote_gw, address(false)),
        option<P>("remote-gw6", &P::remote_gw6, address(true)),
        option<P>("authmethod", &P::authmethod, read_authmethod),
        option<P>("psksecret", &P::psksecret, read_psk),
        option<P>("certificate", &P::certificate, read_names),
        option<P>("peertype", &P::peertype, read_peertype),
        option<P>("peer", &P::peer, text()),
        option<P>("digital-signature-auth", &P::digital_signature_auth, enable_disable()),
        option<P>("rsa-signature-format", &P::rsa_signature_format, enum_value<RsaSignatureFormat>()),
        option<P>("localid", &P::localid, text()),
        option<P>("localid-type", &P::localid_type, enum_value<LocalIdType>()),
        option<P>("peerid", &P::peerid, text()),
        option<P>(
            "proposal", &P::proposal,
            [](ValueReader& r) { return read_word_list<IkeProposal>(r, find_ike_proposal, ike_proposal_names()); }),
        option<P>("dhgrp", &P::dhgrp, read_dh_groups),
        option<P>("keylife", &P::keylife, number_in<uint32_t>(120, 172800)),
        option<P>("dpd", &P::dpd, enum_value<DpdMode>()),
        option<P>("dpd-retryinterval", &P::dpd_retryinterval, number_in<uint32_t>(1, 3600)),
        option<P>("dpd-retrycount", &P::dpd_retrycount, number_in<uint32_t>(0, 10)),
        option<P>("nattraversal", &P::nattraversal, enum_value<NatTraversal>()),
        option<P>("keepalive", &P::keepalive, number_in<uint32_t>(10, 900)),
        option<P>("fragmentation", &P::fragmentation, enable_disable()),
        option<P>("fragmentation-mtu", &P::fragmentation_mtu, number_in<uint32_t>(500, 16000)),
        option<P>("negotiate-timeout", &P::negotiate_timeout, number_in<uint32_t>(1, 300)),
        option<P>("add-gw-route", &P::add_gw_route, enable_disable()),
        option<P>("mode-cfg", &P::mode_cfg, enable_disable()),
        option<P>("assign-ip", &P::assign_ip, enable_disable()),
        option<P>("ipv4-start-ip", &P::ipv4_start_ip, address(false)),
        option<P>("ipv4-end-ip", &P::ipv4_end_ip, address(false)),
        option<P>("net-device", &P::net_device, enable_disable()),
        option<P>("mesh-selector-type", &P::mesh_selector_type, enum_value<MeshSelectorType>()),
        option<P>("comments", &P::comments, text()),
    };
}

} // namespace

std::span<const OptionSpec<Phase1>> phase1_options() {
    static const std::vector<OptionSpec<Phase1>> table = make_table();
    return table;
}

} // namespace ike::config
