// The IKE daemon's protocol core, independent of sockets and clocks: it is
// fed datagrams and timer ticks and answers through a Transport. It owns the
// IKE SAs, runs each SA's task queue (one exchange in flight per direction),
// retransmits, dispatches requests to the responder side of each exchange,
// installs Child SAs (accelerator offload, key export) and serves control.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cookie.h"
#include "gateway_config.h"
#include "ike_sa.h"
#include "key_export.h"
#include "routes.h"
#include "sa_offload.h"

namespace ike::sa {

struct TunnelInfo {
    std::string name, gateway;
    bool up = false;
    uint32_t spi_in = 0, spi_out = 0;
    std::string proposal;
    std::string ts_local, ts_remote;
    std::string path; // "offload handles in/out" or "host"
    bool transport = false, esn = false, udp_encap = false;
    uint32_t ike_uid = 0;
};

struct GatewayInfo {
    std::string name;
    uint32_t uid = 0;
    std::string state, role, local, remote, proposal;
    uint64_t spi_i = 0, spi_r = 0;
    size_t children = 0;
    bool nat_here = false, nat_there = false;
};

// A Child SA's traffic as the card counts it; `kept` is false for host-path
// SAs (no host data path yet, so nothing counts their packets).
struct ChildCounters {
    bool kept = false;
    OffloadCounters in, out;
};

// The packet that triggers an acquire (kernel ACQUIRE in strongSwan terms):
// its addresses and, when known, protocol and ports (0: not given).
struct TriggerPacket {
    boost::asio::ip::address src, dst;
    uint8_t proto = 0;
    uint16_t sport = 0, dport = 0;
};
enum class AcquireResult { no_match, up, pending, initiated };
const char* acquire_result_name(AcquireResult r);

struct EngineStats {
    uint64_t rx = 0, tx = 0, retransmits = 0, dropped = 0, auth_failures = 0;
    uint64_t ike_established = 0, ike_failed = 0, children_installed = 0;
    uint64_t dpd_probes = 0, dead_peers = 0, natt_keepalives = 0;
    uint64_t acquires = 0, acquire_dropped = 0;
};

class Engine {
public:
    Engine(GatewayConfig cfg, Transport& transport, SaOffload* offload = nullptr, const KeyExport* keys = nullptr);
    ~Engine();

    void start(TimePoint now); // brings up auto-negotiate tunnels
    void on_datagram(const Datagram& d, TimePoint now);
    void on_timer(TimePoint now); // retransmits, retries; call every ~100 ms
    std::optional<TimePoint> next_deadline() const;

    // Control: phase2 names; false when unknown or nothing to do.
    bool initiate(const std::string& child, TimePoint now);
    // A new IKE SA for the phase2 even if one is up (load generation).
    bool initiate_fresh(const std::string& child, TimePoint now);
    bool terminate_child(const std::string& child, TimePoint now);
    // A packet with no SA to carry it: the phase2 whose selectors match is
    // negotiated (auto-negotiate disable tunnels come up on traffic); the
    // packet itself is dropped and counted unless its SA is up (acquire.cpp).
    AcquireResult acquire(const TriggerPacket& pkt, TimePoint now, std::string* phase2 = nullptr);
    bool terminate_ike(const std::string& peer, TimePoint now);
    void reload(GatewayConfig cfg, TimePoint now);

    std::vector<TunnelInfo> tunnels() const;
    std::vector<GatewayInfo> gateways() const;
    const EngineStats& stats() const { return stats_; }
    const FragmentStats& fragment_stats() const { return fragments_.stats; }
    SaOffload* offload() const { return offload_; }
    // add-route: where routes go (nullptr: computed and shown, not applied).
    void set_route_hook(RouteHook* hook) { route_hook_ = hook; }
    // Reads the card's counters of both directions (counters.cpp).
    ChildCounters child_counters(const ChildSa& c) const;
    const std::map<uint64_t, std::unique_ptr<IkeSa>>& sas() const { return sas_; }
    IkeSa* find_established(const std::string& peer);

    // --- used by the tasks ---
    TimePoint now() const { return now_; }
    uint32_t alloc_child_spi();
    // Runs ChildSa through offload and key export, logs it, keeps it.
    void install_child(IkeSa& sa, ChildSa child);
    void remove_child(IkeSa& sa, uint32_t spi_in, const char* why);
    void established(IkeSa& sa);
    void kill(IkeSa& sa, const char* why); // removes at the end of the current event
    void count_dead_peer() { ++stats_.dead_peers; }
    // The IKE SA that replaces `old` after a rekey: takes over its Child SAs.
    IkeSa& adopt_rekeyed(IkeSa& old, std::unique_ptr<IkeSa> fresh);
    // Where the Child SAs of `sa` live now: the IKE SA it was rekeyed into
    // (an exchange of ours may still finish on the old SA), else `sa`.
    IkeSa& child_home(IkeSa& sa);
    // A local IKE SPI not in use.
    uint64_t alloc_ike_spi() const;
    void queue_task(IkeSa& sa, std::unique_ptr<Task> t);
    // Remembers child configs that should come up and have no SA yet.
    void child_failed(const std::string& child);
    const GatewayConfig& config() const { return cfg_; }
    std::shared_ptr<const PeerCfg> peer(const std::string& name) const;
    const ChildCfg* child_cfg(const PeerCfg& p, const std::string& name) const;
    // The phase2 `name` as the IKE SA knows it: one of its dynamic phase2s, else the config's.
    const ChildCfg* child_cfg(const IkeSa& sa, const std::string& name) const;
    // True when `c` of `sa`'s gateway is a template for dynamic phase2s
    // (dial-up gateway with mesh-selector-type subnet; mesh.cpp).
    static bool mesh_template(const IkeSa& sa, const ChildCfg& c);
    // The peer negotiates the template `tmpl` with narrowed selectors `local`
    // and `remote`: the dynamic phase2 of each (local, remote) pair is made
    // if new; the one returned (first pair not up) answers the peer, the
    // others not up are queued as CREATE_CHILD_SA with auto-negotiate.
    // nullopt: no room for another dynamic phase2 on this IKE SA.
    std::optional<ChildCfg> mesh_expand(IkeSa& sa, const ChildCfg& tmpl, const std::vector<Ts>& local,
                                        const std::vector<Ts>& remote);
    IdPl own_id(const IkeSa& sa) const;
    bool peer_id_ok(const IkeSa& sa, const IdPl& id) const;
    void float_to_natt(IkeSa& sa);
    void send_plain_error(const Datagram& req, const Header& h, uint16_t notify, const Bytes& data);

private:
    void handle_request(IkeSa& sa, const Header& h, const Datagram& d);
    void handle_response(IkeSa& sa, const Header& h, const Datagram& d);
    void handle_init_request(const Header& h, const Datagram& d);
    // COOKIE check while too many responder SAs are half-open (cookie.cpp);
    // false: the request was answered with a COOKIE and creates no SA.
    bool admit_init_request(const Header& h, const Datagram& d, const Payloads& req);
    void send_request(IkeSa& sa);
    void send_response(IkeSa& sa, const Header& req, const Payloads& p);
    void transmit(const IkeSa& sa, const Bytes& bytes);
    void transmit(const IkeSa& sa, const std::vector<Bytes>& datagrams);
    void run_queue(IkeSa& sa);
    void expire_children(IkeSa& sa);
    // Dynamic phase2s of `sa` due for an auto-negotiate retry (mesh.cpp).
    void retry_dynamic(IkeSa& sa);
    // `tunnel up` / acquire of a dynamic phase2: CREATE_CHILD_SA over its IKE SA.
    bool initiate_dynamic(const std::string& name);
    // The first dynamic phase2 whose selectors hold the packet (acquire).
    std::optional<AcquireResult> acquire_dynamic(const TriggerPacket& pkt, std::string* phase2);
    static TunnelInfo tunnel_info(const std::string& gateway, const IkeSa& sa, const ChildSa& ch);
    void add_dynamic_tunnels(std::vector<TunnelInfo>& out, const PeerCfg& p, const ChildCfg& tmpl) const;
    void rekey_ike_if_due(IkeSa& sa); // task_ike_rekey.cpp
    // Byte lifetimes (keylifekbs) for a card SA, and the card's lifetime
    // events: soft -> rekey, hard -> delete (lifetime.cpp).
    static void set_byte_limits(OffloadSa& p, const ChildSa& c);
    void poll_offload_events();
    // Dead peer detection, NAT-T keepalives (dpd.cpp).
    void check_liveness();
    void check_liveness(IkeSa& sa);
    RetransmitPolicy retransmit_policy(const IkeSa& sa) const;
    // No packet passed the card's SAs of an offloaded Child SA (host path: unknown, false).
    bool child_idle(const ChildSa& c) const;
    // add-route bookkeeping for a Child SA coming up / going away (routes.cpp).
    void add_routes(const IkeSa& sa, const ChildSa& c);
    void drop_routes(const IkeSa& sa, const ChildSa& c);
    void reap();
    IkeSa& new_sa(std::shared_ptr<const PeerCfg> cfg, bool initiator);
    void start_ike(std::shared_ptr<const PeerCfg> cfg, const std::string& first_child);

    GatewayConfig cfg_;
    std::vector<std::shared_ptr<const PeerCfg>> peers_;
    Transport& transport_;
    SaOffload* offload_;
    const KeyExport* keys_;
    FragmentPool fragments_;                         // before sas_: their reassembly buffers give memory back to it
    std::map<uint64_t, std::unique_ptr<IkeSa>> sas_; // by our SPI
    std::map<std::string, TimePoint> retry_at_;      // auto-negotiate children that are down
    std::set<std::string> held_down_;                // taken down by the administrator
    // What dead peer detection last saw of an IKE SA (by uid).
    struct Liveness {
        uint32_t mid_in = 0, mid_out = 0; // message IDs: they move when the peer answered or asked
        uint64_t esp_in = 0, esp_out = 0; // card packets of its Child SAs
        TimePoint last_heard{}, last_keepalive{};
        std::optional<TimePoint> unanswered_since; // on-demand: ESP went out, nothing came back
    };
    std::map<uint32_t, Liveness> liveness_;
    RouteHook* route_hook_ = nullptr;
    std::map<std::string, int> routes_; // prefix -> Child SAs that need it
    TimePoint now_{};
    uint32_t next_uid_ = 1, next_child_uid_ = 1;
    EngineStats stats_;
    CookieJar cookies_;
};

} // namespace ike::sa
