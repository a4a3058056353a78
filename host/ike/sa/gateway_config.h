// The configuration as the protocol logic uses it: one PeerCfg per FortiOS
// phase1-interface, one ChildCfg per phase2-interface, with proposals
// already expanded into IKEv2 transforms. Built from the ike_config model
// (config_adapter) or directly by tests.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms.h"
#include "auth/credentials.h"
#include "datagram.h"
#include "fragments.h"
#include "retransmit.h"
#include "traffic_selector.h"
#include "payloads.h"
#include "secret.h"

namespace ike::sa {

// One cipher suite: the encryption transform with its key size, and for
// non-AEAD suites the integrity transform; IKE suites also carry the PRF.
struct Suite {
    uint16_t encr = ENCR_AES_GCM_16;
    uint16_t key_bits = 128;
    uint16_t integ = AUTH_NONE;
    uint16_t prf = PRF_HMAC_SHA2_256; // IKE only
    bool operator==(const Suite&) const = default;
};

// FortiOS proposal keywords: "aes128gcm", "aes256-sha256" (phase2) and
// "aes256gcm-prfsha384", "aes128-sha256" (phase1). nullopt if unknown.
std::optional<Suite> parse_esp_suite(const std::string& word);
std::optional<Suite> parse_ike_suite(const std::string& word);

struct ChildCfg {
    std::string name;
    std::vector<Suite> suites;
    bool pfs = false;
    std::vector<uint16_t> dh_groups; // for PFS in CREATE_CHILD_SA
    bool esn = true;                 // replay enable: offer EXT_SEQ first
    uint32_t replay_window = 64;     // for the accelerator's inbound SA; 0: off
    bool auto_negotiate = false;
    bool transport = false;
    std::vector<Ts> local_ts, remote_ts;
    uint32_t lifetime_s = 43200; // 0: no time limit (keylife-type kbs)
    uint64_t lifetime_kb = 0;    // 0: no volume limit (keylife-type seconds); card byte limits
    bool keepalive = false;      // phase2 keepalive: rekey at expiry even when idle
    bool add_route = false;      // routes to the remote selectors (add-route)
};

// phase1 mesh-selector-type of a dial-up gateway: `subnet` makes each phase2
// a template from which one dynamic phase2 per (local subnet, remote subnet)
// pair the peer offers is made (mesh.cpp); `host` is not implemented (as disable).
enum class MeshSelector { disable, subnet, host };

// Dead peer detection (phase1 dpd): FortiOS modes.
enum class DpdMode { disable, on_idle, on_demand };

struct PeerCfg {
    std::string name;
    bool dynamic = false; // dial-up: accept any remote address
    std::optional<boost::asio::ip::address> remote_addr;
    std::optional<boost::asio::ip::address> local_addr;
    uint16_t remote_port = 500;
    Secret psk;
    // authmethod signature: certificates and keys (null: pre-shared key).
    std::shared_ptr<const auth::Credentials> credentials;
    std::vector<Suite> suites;
    std::vector<uint16_t> dh_groups;
    std::string local_id, peer_id;   // empty: own address (certificates: its subject DN) / accept any
    bool local_id_dn = false;        // local_id is a DN (localid-type asn1dn)
    uint32_t ike_lifetime_s = 86400; // phase1 keylife: IKE SA rekey at 90 % (95 % on the responder); 0: none
    DpdMode dpd = DpdMode::on_demand;
    uint32_t dpd_interval_s = 20, dpd_retries = 3;
    uint32_t natt_keepalive_s = 10;            // NAT-T keepalive when behind a NAT; 0: off
    MeshSelector mesh = MeshSelector::disable; // type dynamic only
    bool fragmentation = true;                 // RFC 7383: announce, send and accept SKF fragments
    uint32_t fragmentation_mtu = 1200;         // IP packet size above which a protected message is fragmented
    uint32_t negotiate_timeout_s = 30;         // an IKE SA not established by then is dropped (both roles)
    bool natt_forced = false;                  // nattraversal forced: UDP encapsulation as if behind a NAT
    std::vector<ChildCfg> children;
};

struct GatewayConfig {
    std::vector<PeerCfg> peers;
    RetransmitPolicy retransmit;
    Millis auto_retry{5000}; // FortiOS auto-negotiate: retry every 5 s
    uint16_t ike_port = 500, natt_port = 4500;
    // Half-open responder IKE SAs above which IKE_SA_INIT needs a COOKIE
    // (RFC 7296 §2.6; strongSwan's default is 10, iked's is higher so that a
    // busy but honest gateway does not pay the extra round trip).
    size_t cookie_threshold = 30;
    // Memory the peers' fragments may hold (fragments.h).
    FragmentLimits fragment_limits;
};

// Proposals offered on the wire.
std::vector<Proposal> ike_proposals(const PeerCfg& p, const Bytes& spi = {});
std::vector<Proposal> esp_proposals(const ChildCfg& c, uint32_t spi, bool with_dh);

// The outcome of proposal selection: one transform of each type.
struct Selected {
    uint8_t num = 1;
    uint8_t protocol = PROTO_IKE;
    Bytes spi;
    uint16_t encr = 0, key_bits = 0, prf = 0, integ = AUTH_NONE, dh = 0;
    bool esn = false;
    Proposal to_proposal() const;
    std::string str() const;
};

// Responder choice (RFC 7296 §2.7): the first of the peer's proposals that one
// of ours accepts; within it, per transform type, our most preferred value.
std::optional<Selected> select_proposal(const std::vector<Proposal>& offered, const std::vector<Proposal>& ours);
// Initiator check of the responder's single proposal against what we offered.
std::optional<Selected> accept_proposal(const std::vector<Proposal>& response, const std::vector<Proposal>& ours);

} // namespace ike::sa
