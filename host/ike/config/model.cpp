#include "config/model.h"

namespace ike::config {

// One table per enumeration; the macro only spares writing the specialisation.
#define IKE_ENUM_WORDS(E, ...)                            \
    template <>                                           \
    std::span<const EnumWord<E>> enum_words<E>() {        \
        static const EnumWord<E> table[] = {__VA_ARGS__}; \
        return table;                                     \
    }

using enum Phase1Type;
IKE_ENUM_WORDS(Phase1Type, {"static", static_gw}, {"dynamic", dynamic})
IKE_ENUM_WORDS(IpVersion, {"4", IpVersion::v4}, {"6", IpVersion::v6})
IKE_ENUM_WORDS(AuthMethod, {"psk", AuthMethod::psk}, {"signature", AuthMethod::signature})
IKE_ENUM_WORDS(PeerType, {"any", PeerType::any}, {"one", PeerType::one}, {"peer", PeerType::peer})
IKE_ENUM_WORDS(RsaSignatureFormat, {"pkcs1", RsaSignatureFormat::pkcs1}, {"pss", RsaSignatureFormat::pss})
IKE_ENUM_WORDS(LocalIdType, {"auto", LocalIdType::auto_}, {"fqdn", LocalIdType::fqdn},
               {"user-fqdn", LocalIdType::user_fqdn}, {"keyid", LocalIdType::keyid}, {"address", LocalIdType::address},
               {"asn1dn", LocalIdType::asn1dn})
IKE_ENUM_WORDS(DpdMode, {"disable", DpdMode::disable}, {"on-idle", DpdMode::on_idle}, {"on-demand", DpdMode::on_demand})
IKE_ENUM_WORDS(NatTraversal, {"enable", NatTraversal::enable}, {"disable", NatTraversal::disable},
               {"forced", NatTraversal::forced})
IKE_ENUM_WORDS(MeshSelectorType, {"disable", MeshSelectorType::disable}, {"subnet", MeshSelectorType::subnet},
               {"host", MeshSelectorType::host})
IKE_ENUM_WORDS(AddRoute, {"phase1", AddRoute::phase1}, {"enable", AddRoute::enable}, {"disable", AddRoute::disable})
IKE_ENUM_WORDS(KeylifeType, {"seconds", KeylifeType::seconds}, {"kbs", KeylifeType::kbs}, {"both", KeylifeType::both})
IKE_ENUM_WORDS(Encapsulation, {"tunnel-mode", Encapsulation::tunnel_mode},
               {"transport-mode", Encapsulation::transport_mode})
IKE_ENUM_WORDS(AddrType, {"subnet", AddrType::subnet}, {"range", AddrType::range}, {"ip", AddrType::ip},
               {"name", AddrType::name}, {"subnet6", AddrType::subnet6}, {"range6", AddrType::range6},
               {"ip6", AddrType::ip6}, {"name6", AddrType::name6})
IKE_ENUM_WORDS(RouteOverlap, {"use-old", RouteOverlap::use_old}, {"use-new", RouteOverlap::use_new},
               {"allow", RouteOverlap::allow})
#undef IKE_ENUM_WORDS

bool is_ipv6(AddrType t) {
    return t == AddrType::subnet6 || t == AddrType::range6 || t == AddrType::ip6 || t == AddrType::name6;
}

SourcePos Origin::where(std::string_view option) const {
    auto it = set_at.find(option);
    return it == set_at.end() ? defined_at : it->second;
}

std::vector<EspProposal> Phase2::default_proposals() {
    std::vector<EspProposal> list;
    for (std::string_view n : {"aes128-sha256", "aes256-sha256", "aes128gcm", "aes256gcm", "chacha20poly1305"})
        list.push_back(*find_esp_proposal(n));
    return list;
}

const Phase1* Config::find_phase1(std::string_view name) const {
    for (const auto& p : phase1)
        if (p.name == name) return &p;
    return nullptr;
}

const Phase2* Config::find_phase2(std::string_view name) const {
    for (const auto& p : phase2)
        if (p.name == name) return &p;
    return nullptr;
}

const FirewallAddress* Config::find_address(std::string_view name, bool v6) const {
    for (const auto& a : addresses)
        if (a.name == name && a.v6 == v6) return &a;
    return nullptr;
}

std::vector<const Phase2*> Config::phase2_of(std::string_view phase1name) const {
    std::vector<const Phase2*> list;
    for (const auto& p : phase2)
        if (p.phase1name == phase1name) list.push_back(&p);
    return list;
}

} // namespace ike::config
