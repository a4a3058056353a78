// The typed configuration of iked, as read from a FortiOS-syntax file:
//   config vpn ipsec phase1-interface   -> Phase1 (one IKE SA definition each)
//   config vpn ipsec phase2-interface   -> Phase2 (one Child SA / tunnel each)
//   config firewall address / address6  -> FirewallAddress (for name/name6 selectors)
//   config system iked                  -> product settings (control socket)
//   config vpn certificate local / ca    -> LocalCertificate / CaCertificate
//   config user peer                     -> UserPeer (peertype peer)
// Every default below is FortiOS's own (its CLI reference for these tables);
// product decisions are marked PRODUCT.
// A Config returned by parse_config() without errors is fully checked
// (references resolve, ranges hold, traffic selectors are filled in).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/ip_address.h"
#include "config/proposals.h"
#include "config/secret.h"
#include "config/traffic_selector.h"

namespace ike::config {

enum class Phase1Type { static_gw, dynamic }; // "ddns" is rejected (no resolver)
enum class IpVersion { v4, v6 };
enum class AuthMethod { psk, signature };
enum class PeerType { any, one, peer }; // FortiOS dialup and peergrp are rejected
enum class RsaSignatureFormat { pkcs1, pss };
enum class LocalIdType { auto_, fqdn, user_fqdn, keyid, address, asn1dn };
enum class DpdMode { disable, on_idle, on_demand };
enum class NatTraversal { enable, disable, forced };
enum class MeshSelectorType { disable, subnet, host };
enum class AddRoute { phase1, enable, disable };
enum class KeylifeType { seconds, kbs, both };
enum class Encapsulation { tunnel_mode, transport_mode };
enum class AddrType { subnet, range, ip, name, subnet6, range6, ip6, name6 };
enum class RouteOverlap { use_old, use_new, allow };

// The CLI word of each enumerator ("on-demand", "tunnel-mode", ...), in the
// order the valid-value lists show them.
template <class E>
struct EnumWord {
    std::string_view word;
    E value;
};
template <class E>
std::span<const EnumWord<E>> enum_words();
template <class E>
std::string_view to_string(E value) {
    for (const auto& w : enum_words<E>())
        if (w.value == value) return w.word;
    return "?";
}
bool is_ipv6(AddrType t);

// Positions of an edit block and of each option set in it, for diagnostics.
struct Origin {
    SourcePos defined_at;                                 // the name after `edit`
    std::map<std::string, SourcePos, std::less<>> set_at; // option -> its first value
    SourcePos where(std::string_view option) const;       // set_at or else defined_at
    bool is_set(std::string_view option) const { return set_at.count(option) != 0; }
};

struct Phase1 {
    std::string name;
    Phase1Type type = Phase1Type::static_gw;
    std::string interface;    // required
    unsigned ike_version = 2; // only 2 accepted (PRODUCT)
    IpVersion ip_version = IpVersion::v4;
    std::optional<IpAddress> local_gw, local_gw6;   // unset: any local address
    std::optional<IpAddress> remote_gw, remote_gw6; // required for type static
    AuthMethod authmethod = AuthMethod::psk;
    Secret psksecret;                     // required for authmethod psk; never printed
    std::vector<std::string> certificate; // authmethod signature: local certificate names
    PeerType peertype = PeerType::any;    // any: a chain to any configured CA
    std::string peer;                     // peertype peer: a `config user peer` entry
    // PRODUCT: enable. RFC 7427 signatures (SHA-2) when the peer announces
    // them, classic RSA/ECDSA methods otherwise (FortiOS: disable).
    bool digital_signature_auth = true;
    RsaSignatureFormat rsa_signature_format = RsaSignatureFormat::pkcs1;
    std::string localid, peerid;
    LocalIdType localid_type = LocalIdType::auto_;
    std::vector<IkeProposal> proposal;  // required, order kept
    std::vector<uint16_t> dhgrp{14, 5}; // order kept
    uint32_t keylife = 86400;           // s, 120..172800
    DpdMode dpd = DpdMode::on_demand;
    uint32_t dpd_retryinterval = 20; // s, 1..3600
    uint32_t dpd_retrycount = 3;     // 0..10
    NatTraversal nattraversal = NatTraversal::enable;
    uint32_t keepalive = 10;           // NAT-T keepalive s, 10..900
    bool fragmentation = true;         // RFC 7383
    uint32_t fragmentation_mtu = 1200; // IP packet size, 500..16000 (FortiOS CLI reference)
    uint32_t negotiate_timeout = 30;   // s, 1..300
    bool add_gw_route = false;
    bool mode_cfg = false; // dial-up (type dynamic) only
    bool assign_ip = true;
    std::optional<IpAddress> ipv4_start_ip, ipv4_end_ip;
    bool net_device = false;
    MeshSelectorType mesh_selector_type = MeshSelectorType::disable; // type dynamic only
    std::string comments;
    Origin origin;

    // The gateway addresses of the configured ip-version.
    const std::optional<IpAddress>& local_gateway() const { return ip_version == IpVersion::v6 ? local_gw6 : local_gw; }
    const std::optional<IpAddress>& remote_gateway() const {
        return ip_version == IpVersion::v6 ? remote_gw6 : remote_gw;
    }
};

// One side (src = local, dst = remote) of a phase2 as written.
struct SelectorSpec {
    AddrType type = AddrType::subnet;
    Prefix subnet{IpAddress{}, 0};               // 0.0.0.0 0.0.0.0
    Prefix subnet6{IpAddress{true, {}}, 0};      // ::/0
    std::optional<IpAddress> start_ip, end_ip;   // range (both) and ip (start only)
    std::optional<IpAddress> start_ip6, end_ip6; // range6 and ip6
    std::string name, name6;                     // firewall address / address6
    uint16_t port = 0;                           // 0: any
};

struct Phase2 {
    static constexpr uint32_t default_replay_window = 1024;

    std::string name;
    std::string phase1name; // required, must name a Phase1
    std::vector<EspProposal> proposal = default_proposals();
    bool pfs = true;
    std::vector<uint16_t> dhgrp{14, 5}; // used when pfs is enabled
    bool replay = true;
    // PRODUCT: `set replay-window N`, 32..4096 (the accelerator's
    // MAX_REPLAY_WINDOW). FortiOS has no such option.
    uint32_t replay_window = default_replay_window;
    bool keepalive = false;
    bool auto_negotiate = false;
    AddRoute add_route = AddRoute::phase1;
    KeylifeType keylife_type = KeylifeType::seconds;
    uint32_t keylifeseconds = 43200; // 120..172800
    uint64_t keylifekbs = 5120;      // 5120..4294967295
    Encapsulation encapsulation = Encapsulation::tunnel_mode;
    uint8_t protocol = 0; // 0: any
    SelectorSpec src, dst;
    bool initiator_ts_narrow = false;
    bool dhcp_ipsec = false; // only "disable" accepted
    bool single_source = false;
    RouteOverlap route_overlap = RouteOverlap::use_new;
    bool ipv4_df = false;
    std::string comments;
    Origin origin;

    // Filled by parse_config() once the configuration has no errors.
    TrafficSelector local_ts, remote_ts;

    // The window the accelerator gets: 0 turns anti-replay off.
    uint32_t effective_replay_window() const { return replay ? replay_window : 0; }
    bool uses_seconds() const { return keylife_type != KeylifeType::kbs; }
    bool uses_kbs() const { return keylife_type != KeylifeType::seconds; }
    static std::vector<EspProposal> default_proposals();
};

// `config firewall address` (type ipmask|iprange) and `config firewall
// address6` (type ipprefix|iprange): just enough for name/name6 selectors.
struct FirewallAddress {
    enum class Kind { subnet, range };
    std::string name;
    bool v6 = false;
    Kind kind = Kind::subnet;
    Prefix subnet;                             // ipmask / ipprefix
    std::optional<IpAddress> start_ip, end_ip; // iprange
    std::string comment;
    Origin origin;

    FirewallAddress() = default;
    explicit FirewallAddress(bool is_v6) : v6(is_v6), subnet{IpAddress{is_v6, {}}, 0} {}
};

// `config vpn certificate local`: our certificate and key. The values are
// PEM text as FortiOS stores it or, as an extension, a PEM file path
// (relative to the configuration file).
struct LocalCertificate {
    std::string name;
    std::string certificate; // PEM or path; may hold intermediates after the leaf
    Secret private_key;      // PEM or path (unencrypted); never printed
    std::string comments;
    Origin origin;
    // Filled by parse_config(): the PEM text read.
    std::string certificate_pem;
    Secret private_key_pem;
};

// `config vpn certificate ca`: a trust anchor.
struct CaCertificate {
    std::string name;
    std::string ca; // PEM or path
    std::string comments;
    Origin origin;
    std::string ca_pem; // filled by parse_config()
};

// `config user peer`: which peer certificates a phase1 with peertype peer accepts.
struct UserPeer {
    std::string name;
    std::string ca; // required, a `config vpn certificate ca` name
    std::string cn; // subject CN the certificate must have; empty: any
    Origin origin;
};

struct Config {
    static constexpr const char* default_control_socket = "/run/iked.sock";

    std::vector<Phase1> phase1;
    std::vector<Phase2> phase2;
    std::vector<FirewallAddress> addresses; // address (v4) and address6 (v6)
    std::vector<LocalCertificate> local_certificates;
    std::vector<CaCertificate> ca_certificates;
    std::vector<UserPeer> user_peers;
    std::string control_socket = default_control_socket; // `config system iked` / `set control-socket`

    const Phase1* find_phase1(std::string_view name) const;
    const Phase2* find_phase2(std::string_view name) const;
    const FirewallAddress* find_address(std::string_view name, bool v6) const;
    const LocalCertificate* find_local_certificate(std::string_view name) const;
    const CaCertificate* find_ca_certificate(std::string_view name) const;
    const UserPeer* find_user_peer(std::string_view name) const;
    std::vector<const Phase2*> phase2_of(std::string_view phase1name) const;
};

} // namespace ike::config
