// The IKE SA: SPIs, negotiated algorithms, derived keys, message-ID state
// (window size 1 each way), the task queue of exchanges it still has to
// initiate, and its Child SAs.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_sa.h"
#include "crypto/dh.h"
#include "crypto/sk_cipher.h"
#include "datagram.h"
#include "fragments.h"
#include "gateway_config.h"
#include "retransmit.h"

namespace ike::sa {

class Engine;
class IkeSa;

// One exchange this SA initiates (strongSwan's task): builds the request,
// then digests the response.
class Task {
public:
    enum class Result { done, retry, failed };
    virtual ~Task() = default;
    virtual const char* name() const = 0;
    virtual uint8_t exchange() const = 0;
    virtual Payloads build(Engine& e, IkeSa& sa) = 0;
    virtual Result process(Engine& e, IkeSa& sa, const Payloads& response) = 0;
    // Called when the exchange is abandoned (no response, SA deleted).
    virtual void abandon(Engine&, IkeSa&) {}
    // The phase2 this task brings up, if any (avoids duplicate requests).
    virtual std::string child() const { return {}; }
};

// A dynamic phase2 (mesh-selector-type subnet on a dial-up hub): one
// (local subnet, remote subnet) pair of a template phase2 the peer offered,
// named TEMPLATE_N; it belongs to that peer's IKE SA and goes with it.
struct DynamicChild {
    std::string template_name;
    unsigned index = 0;                // the N of TEMPLATE_N
    ChildCfg cfg;                      // the template's settings; name TEMPLATE_N, one selector each side
    std::optional<TimePoint> retry_at; // auto-negotiate: next attempt while down
};

enum class IkeState { connecting, established, deleting, dead };
const char* state_name(IkeState s);

class IkeSa {
public:
    uint32_t uid = 0;
    std::shared_ptr<const PeerCfg> cfg;
    bool initiator = false; // original initiator of this IKE SA
    uint64_t spi_i = 0, spi_r = 0;
    Endpoint local, remote;
    IkeState state = IkeState::connecting;
    Selected proposal;
    std::unique_ptr<crypto::DhGroup> dh;
    Bytes ni, nr, cookie;
    Bytes init_request, init_response; // the IKE_SA_INIT messages, signed in AUTH
    Secret sk_d, sk_pi, sk_pr, sk_ai, sk_ar, sk_ei, sk_er;
    std::unique_ptr<crypto::SkCipher> sk_out, sk_in; // what we send / what we receive
    bool nat_here = false, nat_there = false;        // a NAT in front of us / of the peer
    bool peer_natt = false;                          // peer sent NAT_DETECTION notifies
    std::vector<uint16_t> peer_hashes;               // its SIGNATURE_HASH_ALGORITHMS (RFC 7427)
    std::vector<Bytes> peer_certreqs;                // its CERTREQ CA hashes
    bool peer_fragmentation = false;                 // peer sent IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383)
    FragmentBuffer frag_request, frag_response;      // the peer's fragments in reassembly (fragments.cpp)

    uint32_t next_mid_out = 0;                       // our next request
    uint32_t next_mid_in = 0;                        // peer's next request
    std::optional<std::vector<Bytes>> last_response; // answer to next_mid_in - 1 (its fragments, or one datagram)
    Outstanding outstanding;
    std::unique_ptr<Task> active;
    bool in_process = false; // a response is being digested: the next request waits for its message ID
    std::deque<std::unique_ptr<Task>> queue;

    bool rekey_queued = false; // an IKE SA rekey of ours is queued or in flight
    uint32_t rekeyed_into = 0; // uid of the IKE SA that took over its Child SAs (rekey)
    std::vector<ChildSa> children;
    std::vector<DynamicChild> dynamic_children; // mesh-selector-type subnet (mesh.cpp)
    TimePoint created{}, established_at{};
    std::string peer_id_text;

    uint64_t local_spi() const { return initiator ? spi_i : spi_r; }
    std::string label() const; // "name[uid]" for logs
    ChildSa* child_by_spi_in(uint32_t spi);
    ChildSa* child_by_spi_out(uint32_t spi);
    DynamicChild* dynamic_child(const std::string& name);
    const DynamicChild* dynamic_child(const std::string& name) const;
    // An installed Child SA of the phase2 `name` (or one being negotiated by us).
    bool child_up(const std::string& name) const;
    bool child_pending(const std::string& name) const;

    // SKEYSEED and SK_* from the DH secret and nonces (RFC 7296 §2.14).
    // For a rekeyed IKE SA (§2.18): SKEYSEED = prf_old(SK_d old, g^ir | Ni | Nr).
    // Throws std::runtime_error when ike_crypto refuses (unsupported algorithm).
    void derive_keys(std::span<const uint8_t> shared, const IkeSa* rekeyed_from = nullptr);
    // AUTH for PSK (RFC 7296 §2.15); `ours` selects our octets or the peer's.
    Bytes psk_auth(bool ours, const IdPl& id) const;
    // NAT_DETECTION hash of SPIs, address and port (RFC 7296 §2.23).
    static Bytes nat_hash(uint64_t spi_i, uint64_t spi_r, const Endpoint& ep);
    // KEYMAT for a Child SA (§2.17): i->r then r->i, encryption then integrity.
    void child_keys(ChildSa& c, std::span<const uint8_t> shared, const Bytes& nonce_i, const Bytes& nonce_r) const;
};

} // namespace ike::sa
