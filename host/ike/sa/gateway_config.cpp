#include "gateway_config.h"

#include <algorithm>

namespace ike::sa {

std::optional<Suite> parse_esp_suite(const std::string& w) {
    Suite s;
    s.prf = 0;
    auto cipher = w.substr(0, w.find('-'));
    auto integ = w.find('-') == std::string::npos ? std::string() : w.substr(w.find('-') + 1);
    if (cipher == "aes128gcm" || cipher == "aes256gcm" || cipher == "aes192gcm") {
        s.encr = ENCR_AES_GCM_16;
        s.key_bits = static_cast<uint16_t>(std::stoi(cipher.substr(3, 3)));
        return integ.empty() ? std::optional<Suite>(s) : std::nullopt;
    }
    if (cipher == "chacha20poly1305") {
        s.encr = ENCR_CHACHA20_POLY1305;
        s.key_bits = 0;
        return integ.empty() ? std::optional<Suite>(s) : std::nullopt;
    }
    if (cipher == "aes128" || cipher == "aes192" || cipher == "aes256") {
        s.encr = ENCR_AES_CBC;
        s.key_bits = static_cast<uint16_t>(std::stoi(cipher.substr(3)));
    } else {
        return std::nullopt;
    }
    if (integ == "sha1")
        s.integ = AUTH_HMAC_SHA1_96;
    else if (integ == "sha256")
        s.integ = AUTH_HMAC_SHA2_256_128;
    else if (integ == "sha384")
        s.integ = AUTH_HMAC_SHA2_384_192;
    else if (integ == "sha512")
        s.integ = AUTH_HMAC_SHA2_512_256;
    else
        return std::nullopt;
    return s;
}

std::optional<Suite> parse_ike_suite(const std::string& w) {
    // AEAD suites name their PRF ("aes256gcm-prfsha384"); others reuse the hash.
    auto dash = w.find('-');
    std::string first = w.substr(0, dash), second = dash == std::string::npos ? "" : w.substr(dash + 1);
    auto prf_of = [](const std::string& h) -> uint16_t {
        if (h == "sha1") return PRF_HMAC_SHA1;
        if (h == "sha256") return PRF_HMAC_SHA2_256;
        if (h == "sha384") return PRF_HMAC_SHA2_384;
        if (h == "sha512") return PRF_HMAC_SHA2_512;
        return 0;
    };
    if (second.rfind("prf", 0) == 0) {
        auto s = parse_esp_suite(first);
        if (!s || !encr_is_aead(s->encr)) return std::nullopt;
        s->prf = prf_of(second.substr(3));
        return s->prf ? s : std::nullopt;
    }
    auto s = parse_esp_suite(w);
    if (!s) return std::nullopt;
    if (encr_is_aead(s->encr))
        s->prf = PRF_HMAC_SHA2_256;
    else
        s->prf = prf_of(second);
    return s;
}

std::vector<Proposal> ike_proposals(const PeerCfg& p, const Bytes& spi) {
    std::vector<Proposal> out;
    uint8_t num = 1;
    for (const auto& s : p.suites) {
        Proposal pr;
        pr.num = num++;
        pr.protocol = PROTO_IKE;
        pr.spi = spi;
        pr.transforms.push_back({TT_ENCR, s.encr, s.key_bits});
        pr.transforms.push_back({TT_PRF, s.prf, 0});
        if (s.integ != AUTH_NONE) pr.transforms.push_back({TT_INTEG, s.integ, 0});
        for (uint16_t g : p.dh_groups) pr.transforms.push_back({TT_DH, g, 0});
        out.push_back(std::move(pr));
    }
    return out;
}

std::vector<Proposal> esp_proposals(const ChildCfg& c, uint32_t spi, bool with_dh) {
    std::vector<Proposal> out;
    uint8_t num = 1;
    Bytes spib{static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16), static_cast<uint8_t>(spi >> 8),
               static_cast<uint8_t>(spi)};
    for (const auto& s : c.suites) {
        Proposal pr;
        pr.num = num++;
        pr.protocol = PROTO_ESP;
        pr.spi = spib;
        pr.transforms.push_back({TT_ENCR, s.encr, s.key_bits});
        if (s.integ != AUTH_NONE) pr.transforms.push_back({TT_INTEG, s.integ, 0});
        if (with_dh && c.pfs)
            for (uint16_t g : c.dh_groups) pr.transforms.push_back({TT_DH, g, 0});
        // replay enable: ESN preferred, plain 32-bit sequence numbers still accepted
        if (c.esn) pr.transforms.push_back({TT_ESN, 1, 0});
        pr.transforms.push_back({TT_ESN, 0, 0});
        out.push_back(std::move(pr));
    }
    return out;
}

Proposal Selected::to_proposal() const {
    Proposal p;
    p.num = num;
    p.protocol = protocol;
    p.spi = spi;
    p.transforms.push_back({TT_ENCR, encr, key_bits});
    if (protocol == PROTO_IKE) p.transforms.push_back({TT_PRF, prf, 0});
    if (integ != AUTH_NONE) p.transforms.push_back({TT_INTEG, integ, 0});
    if (dh) p.transforms.push_back({TT_DH, dh, 0});
    if (protocol != PROTO_IKE) p.transforms.push_back({TT_ESN, static_cast<uint16_t>(esn ? 1 : 0), 0});
    return p;
}

std::string Selected::str() const {
    std::string s = protocol == PROTO_IKE ? "IKE:" : "ESP:";
    s += encr_name(encr, key_bits);
    if (integ != AUTH_NONE) s += "/" + integ_name(integ);
    if (protocol == PROTO_IKE) s += "/" + prf_name(prf);
    if (dh) s += "/" + dh_name(dh);
    if (protocol != PROTO_IKE) s += esn ? "/EXT_SEQ" : "/NO_EXT_SEQ";
    return s;
}

namespace {

std::vector<Transform> of_type(const Proposal& p, uint8_t type) {
    std::vector<Transform> out;
    for (const auto& t : p.transforms)
        if (t.type == type) out.push_back(t);
    return out;
}

// Per type: our first transform that the peer also lists. A type missing on
// one side only matches when the other side lists nothing but "none" (id 0).
bool pick(const Proposal& theirs, const Proposal& ours, uint8_t type, Transform& out) {
    auto t = of_type(theirs, type), o = of_type(ours, type);
    auto only_none = [](const std::vector<Transform>& v) {
        return std::all_of(v.begin(), v.end(), [](const Transform& x) { return x.id == 0; });
    };
    if (t.empty() || o.empty()) {
        if (!only_none(t) || !only_none(o)) return false;
        out = Transform{type, 0, 0};
        return true;
    }
    for (const auto& x : o)
        if (std::find(t.begin(), t.end(), x) != t.end()) {
            out = x;
            return true;
        }
    return false;
}

std::optional<Selected> match(const Proposal& theirs, const Proposal& ours) {
    if (theirs.protocol != ours.protocol) return std::nullopt;
    Selected s;
    s.num = theirs.num;
    s.protocol = theirs.protocol;
    s.spi = theirs.spi;
    Transform t;
    if (!pick(theirs, ours, TT_ENCR, t) || !encr_supported(t.id, t.key_bits)) return std::nullopt;
    s.encr = t.id;
    s.key_bits = t.key_bits;
    if (!pick(theirs, ours, TT_INTEG, t)) return std::nullopt;
    s.integ = t.id;
    if (encr_is_aead(s.encr) != (s.integ == AUTH_NONE)) return std::nullopt;
    if (!pick(theirs, ours, TT_DH, t)) return std::nullopt;
    s.dh = t.id;
    if (s.protocol == PROTO_IKE) {
        if (!pick(theirs, ours, TT_PRF, t) || !prf_supported(t.id)) return std::nullopt;
        s.prf = t.id;
        if (s.dh == 0) return std::nullopt;
    } else {
        if (!pick(theirs, ours, TT_ESN, t)) return std::nullopt;
        s.esn = t.id == 1;
    }
    return s;
}

} // namespace

std::optional<Selected> select_proposal(const std::vector<Proposal>& offered, const std::vector<Proposal>& ours) {
    for (const auto& t : offered)
        for (const auto& o : ours)
            if (auto s = match(t, o)) return s;
    return std::nullopt;
}

std::optional<Selected> accept_proposal(const std::vector<Proposal>& response, const std::vector<Proposal>& ours) {
    if (response.size() != 1) return std::nullopt;
    const auto& r = response[0];
    // Each type must carry exactly one transform, and that one must be ours.
    for (uint8_t type : {TT_ENCR, TT_PRF, TT_INTEG, TT_DH, TT_ESN})
        if (of_type(r, type).size() > 1) return std::nullopt;
    for (const auto& o : ours)
        if (o.num == r.num || ours.size() == 1)
            if (auto s = match(r, o)) return s;
    for (const auto& o : ours)
        if (auto s = match(r, o)) return s;
    return std::nullopt;
}

} // namespace ike::sa
