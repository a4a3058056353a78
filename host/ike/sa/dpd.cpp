// Dead peer detection (FortiOS phase1 `dpd`, RFC 7296 §2.4) and NAT-T
// keepalives (RFC 3948 §2.3).
//
// The peer counts as heard when an authenticated message of it was processed
// (the message IDs moved) or, for offloaded Child SAs, when the card
// decrypted ESP from it. on-idle probes when nothing was heard for
// dpd-retryinterval; on-demand only when the card sent ESP since we last
// heard the peer (traffic out, nothing back). Host-path Child SAs have no
// counters, so on-demand never probes for them. A probe is an empty
// INFORMATIONAL request resent every dpd-retryinterval, dpd-retrycount
// times; no answer -> the IKE SA and its Child SAs are deleted, and
// auto-negotiate tunnels come back through the usual retry.
#include <algorithm>
#include <set>

#include "engine.h"
#include "log.h"

namespace ike::sa {
namespace {

class DpdTask : public Task {
public:
    const char* name() const override { return "DPD"; }
    uint8_t exchange() const override { return INFORMATIONAL; }
    Payloads build(Engine&, IkeSa&) override { return Payloads{}; }
    Result process(Engine&, IkeSa&, const Payloads&) override { return Result::done; }
    void abandon(Engine& e, IkeSa& sa) override {
        if (sa.outstanding.active()) return; // the SA went away for another reason
        IKE_LOG(warn) << sa.label() << " DPD: peer " << sa.remote.str() << " dead";
        e.count_dead_peer();
    }
};

} // namespace

RetransmitPolicy Engine::retransmit_policy(const IkeSa& sa) const {
    if (!sa.active || !dynamic_cast<const DpdTask*>(sa.active.get())) return cfg_.retransmit;
    RetransmitPolicy p;
    p.base = std::chrono::seconds(std::max<uint32_t>(sa.cfg->dpd_interval_s, 1));
    p.factor = 1.0;
    p.max_tries = sa.cfg->dpd_retries + 1; // the probe and its retries
    return p;
}

bool Engine::child_idle(const ChildSa& c) const {
    auto n = child_counters(c);
    return n.kept && n.in.packets == 0 && n.out.packets == 0;
}

void Engine::check_liveness(IkeSa& sa) {
    auto [it, fresh] = liveness_.try_emplace(sa.uid);
    Liveness& l = it->second;
    if (fresh) l.last_heard = l.last_keepalive = now_;

    uint64_t in = 0, out = 0;
    for (const auto& c : sa.children) {
        if (sa.cfg->dpd == DpdMode::disable) break; // card readback only when DPD uses it
        auto n = child_counters(c);
        in += n.in.packets;
        out += n.out.packets;
    }
    // Child SAs come and go (rekeys reset the card counters): only growth counts.
    bool esp_in = in > l.esp_in, esp_out = out > l.esp_out;
    if (sa.next_mid_in != l.mid_in || sa.next_mid_out != l.mid_out || esp_in) {
        l.last_heard = now_;
        l.unanswered_since.reset();
    } else if (esp_out && !l.unanswered_since) {
        l.unanswered_since = now_;
    }
    l.mid_in = sa.next_mid_in;
    l.mid_out = sa.next_mid_out;
    l.esp_in = in;
    l.esp_out = out;

    // NAT-T keepalive: one 0xFF octet to the peer's 4500 while we are behind a NAT.
    auto ka = std::chrono::seconds(sa.cfg->natt_keepalive_s);
    if (sa.nat_here && sa.cfg->natt_keepalive_s && sa.local.port == cfg_.natt_port && now_ - l.last_keepalive >= ka) {
        l.last_keepalive = now_;
        ++stats_.natt_keepalives;
        ++stats_.tx;
        transport_.send(Datagram{sa.local, sa.remote, {0xff}});
    }

    if (sa.cfg->dpd == DpdMode::disable || sa.active || !sa.queue.empty()) return; // an exchange is a probe too
    auto interval = std::chrono::seconds(sa.cfg->dpd_interval_s);
    bool due = sa.cfg->dpd == DpdMode::on_idle ? now_ - l.last_heard >= interval
                                               : l.unanswered_since && now_ - *l.unanswered_since >= interval;
    if (!due) return;
    ++stats_.dpd_probes;
    IKE_LOG(debug) << sa.label() << " DPD: nothing heard for " << sa.cfg->dpd_interval_s << " s, probing";
    // One probe at a time; its retransmissions decide. The answer moves the message IDs.
    l.last_heard = now_;
    l.unanswered_since.reset();
    queue_task(sa, std::make_unique<DpdTask>());
}

void Engine::check_liveness() {
    std::set<uint32_t> present;
    for (const auto& [spi, sa] : sas_) present.insert(sa->uid);
    for (auto it = liveness_.begin(); it != liveness_.end();) // forget SAs that are gone
        it = present.count(it->first) ? std::next(it) : liveness_.erase(it);
    for (auto& [spi, sa] : sas_)
        if (sa->state == IkeState::established) check_liveness(*sa);
}

} // namespace ike::sa
