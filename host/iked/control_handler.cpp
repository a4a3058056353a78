#include "control_handler.h"

#include <algorithm>
#include <chrono>
#include <set>

namespace iked {

using namespace ike::sa;
namespace ctl = ike::control;

namespace {

ike::config::TrafficSelector to_cfg_ts(const Ts& t) {
    ike::config::TrafficSelector s;
    s.ts_type =
        t.v6 ? ike::config::TrafficSelector::TS_IPV6_ADDR_RANGE : ike::config::TrafficSelector::TS_IPV4_ADDR_RANGE;
    s.ip_proto = t.proto;
    s.start_port = t.port_lo;
    s.end_port = t.port_hi;
    s.start_addr = t.lo;
    s.end_addr = t.hi;
    return s;
}

std::vector<ike::config::TrafficSelector> to_cfg_ts(const std::vector<Ts>& v) {
    std::vector<ike::config::TrafficSelector> out;
    for (const auto& t : v) out.push_back(to_cfg_ts(t));
    return out;
}

ike::config::IpAddress to_cfg_addr(const boost::asio::ip::address& a) {
    ike::config::IpAddress r;
    r.v6 = a.is_v6();
    if (r.v6)
        r.bytes = a.to_v6().to_bytes();
    else {
        auto b = a.to_v4().to_bytes();
        std::copy(b.begin(), b.end(), r.bytes.begin());
    }
    return r;
}

std::string hash_word(uint16_t integ) {
    switch (integ) {
        case AUTH_HMAC_SHA1_96:
            return "sha1";
        case AUTH_HMAC_SHA2_256_128:
            return "sha256";
        case AUTH_HMAC_SHA2_384_192:
            return "sha384";
        case AUTH_HMAC_SHA2_512_256:
            return "sha512";
    }
    return "integ" + std::to_string(integ);
}

uint64_t seconds(std::chrono::steady_clock::duration d) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

} // namespace

std::string EngineControl::esp_word(const Selected& s) {
    if (s.encr == ENCR_CHACHA20_POLY1305) return "chacha20poly1305";
    std::string aes = "aes" + std::to_string(s.key_bits);
    if (s.encr == ENCR_AES_GCM_16) return aes + "gcm";
    return aes + "-" + hash_word(s.integ);
}

std::string EngineControl::ike_word(const Selected& s) {
    std::string prf = s.prf == PRF_HMAC_SHA1       ? "sha1"
                      : s.prf == PRF_HMAC_SHA2_256 ? "sha256"
                      : s.prf == PRF_HMAC_SHA2_384 ? "sha384"
                                                   : "sha512";
    if (encr_is_aead(s.encr)) return esp_word(s) + "-prf" + prf;
    return esp_word(s);
}

namespace {
// Left of a limit: 0 once it is used up.
uint64_t left_of(uint64_t limit, uint64_t used) { return used < limit ? limit - used : 0; }
} // namespace

std::vector<ctl::ChildSaStatus> EngineControl::list_tunnels() {
    std::vector<ctl::ChildSaStatus> out;
    auto now = now_();
    std::set<std::string> seen;
    for (const auto& t : engine_.tunnels()) {
        if (!seen.insert(t.name).second) continue; // one entry per phase2, all its SAs below
        bool found = false;
        for (const auto& [spi, sa] : engine_.sas())
            for (const auto& c : sa->children) {
                if (c.name != t.name) continue;
                found = true;
                ctl::ChildSaStatus s;
                s.tunnel = c.name;
                s.phase1 = sa->cfg->name;
                s.local_ts = to_cfg_ts(c.ts_local);
                s.remote_ts = to_cfg_ts(c.ts_remote);
                s.spi_in = c.spi_in;
                s.spi_out = c.spi_out;
                s.proposal = esp_word(c.proposal);
                s.esn = c.proposal.esn;
                s.replay_window = c.cfg.replay_window;
                if (c.cfg.lifetime_s) {
                    s.lifetime_s = c.cfg.lifetime_s;
                    s.lifetime_left_s = left_of(c.cfg.lifetime_s, seconds(now - c.installed_at));
                }
                if (c.cfg.lifetime_kb) s.lifetime_kb = c.cfg.lifetime_kb;
                if (c.cfg.add_route) s.routes = ts_prefixes(c.ts_remote);
                // The card or the host path counts the SAs it runs; "path" says which.
                if (c.offloaded() && engine_.offload()->path(*c.hw_in) == "host") {
                    s.host_path = true;
                } else if (c.offloaded()) {
                    s.offload_handle = c.hw_in;
                    s.offload_handle_out = c.hw_out;
                }
                auto n = engine_.child_counters(c);
                if (n.kept) {
                    s.counters_kept = true;
                    s.packets_in = n.in.packets;
                    s.bytes_in = n.in.bytes;
                    s.replay_top_in = n.in.seq;
                    s.drops_in = n.in.drops;
                    s.packets_out = n.out.packets;
                    s.bytes_out = n.out.bytes;
                    s.seq_out = n.out.seq;
                    s.drops_out = n.out.drops;
                    s.drops_in_by = n.in.drops_by;
                    s.drops_out_by = n.out.drops_by;
                    // Each direction has the volume limit; the busier one ends first.
                    if (c.cfg.lifetime_kb)
                        s.lifetime_left_kb = left_of(c.cfg.lifetime_kb, std::max(n.in.bytes, n.out.bytes) / 1024);
                }
                s.state = c.state == ChildState::installed ? ctl::ChildSaState::established
                          : c.state == ChildState::rekeyed ? ctl::ChildSaState::rekeying
                                                           : ctl::ChildSaState::deleting;
                out.push_back(std::move(s));
            }
        if (!found) {
            ctl::ChildSaStatus s;
            s.tunnel = t.name;
            s.phase1 = t.gateway;
            // A negotiation in flight shows as connecting.
            for (const auto& [spi, sa] : engine_.sas())
                if (sa->cfg->name == t.gateway && sa->state == IkeState::connecting)
                    s.state = ctl::ChildSaState::connecting;
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::vector<ctl::IkeSaStatus> EngineControl::list_gateways() {
    std::vector<ctl::IkeSaStatus> out;
    auto now = now_();
    for (const auto& [spi, sa] : engine_.sas()) {
        ctl::IkeSaStatus g;
        g.name = sa->cfg->name;
        g.local_addr = to_cfg_addr(sa->local.addr);
        g.peer_addr = to_cfg_addr(sa->remote.addr);
        g.local_port = sa->local.port;
        g.peer_port = sa->remote.port;
        g.spi_i = sa->spi_i;
        g.spi_r = sa->spi_r;
        g.initiator = sa->initiator;
        if (sa->state != IkeState::connecting) {
            g.proposal = ike_word(sa->proposal);
            g.dh_group = sa->proposal.dh;
        }
        g.state = sa->state == IkeState::connecting    ? ctl::IkeSaState::connecting
                  : sa->state == IkeState::established ? ctl::IkeSaState::established
                                                       : ctl::IkeSaState::deleting;
        g.age_s = seconds(now - sa->created);
        g.nat_detected = sa->nat_here || sa->nat_there;
        g.child_sas = static_cast<uint32_t>(sa->children.size());
        out.push_back(std::move(g));
    }
    return out;
}

ctl::ActionResult EngineControl::tunnel_up(const std::string& phase2) {
    if (!engine_.initiate(phase2, now_())) return {false, "no phase2-interface named '" + phase2 + "'"};
    return {true, "negotiating " + phase2};
}

ctl::ActionResult EngineControl::tunnel_down(const std::string& phase2) {
    if (!engine_.terminate_child(phase2, now_())) return {false, "tunnel '" + phase2 + "' has no Child SA"};
    return {true, "deleting the Child SA of " + phase2};
}

ctl::ActionResult EngineControl::tunnel_trigger(const ctl::Trigger& t) {
    TriggerPacket pkt;
    boost::system::error_code e1, e2;
    pkt.src = boost::asio::ip::make_address(t.src, e1);
    pkt.dst = boost::asio::ip::make_address(t.dst, e2);
    if (e1 || e2 || pkt.src.is_v4() != pkt.dst.is_v4()) return {false, "bad addresses '" + t.src + "' '" + t.dst + "'"};
    pkt.proto = t.proto;
    pkt.sport = t.sport;
    pkt.dport = t.dport;
    std::string phase2;
    AcquireResult r = engine_.acquire(pkt, now_(), &phase2);
    if (r == AcquireResult::no_match) return {false, "no phase2 selectors match " + t.src + " -> " + t.dst};
    std::string what = phase2 + ": " + acquire_result_name(r);
    return {true, r == AcquireResult::up ? what : what + " (triggering packet dropped)"};
}

ctl::CheckResult EngineControl::reload() {
    ctl::CheckResult r;
    auto cfg = load_(r.diagnostics);
    if (!cfg) return r;
    engine_.reload(std::move(*cfg), now_());
    r.ok = true;
    return r;
}

ctl::CheckResult EngineControl::check_config() {
    ctl::CheckResult r;
    r.ok = load_(r.diagnostics).has_value();
    return r;
}

} // namespace iked
