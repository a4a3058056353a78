// phase1 mesh-selector-type subnet on a dial-up hub (FortiOS): the phase2s
// of the dynamic phase1 are templates. When a peer's Child SA request holds
// several source and destination subnets, each (local subnet, remote subnet)
// pair becomes a dynamic phase2 TEMPLATE_N of that peer's IKE SA with the
// template's settings. The peer's request is answered with one pair (§2.9
// narrowing); with auto-negotiate the hub negotiates the other pairs itself
// (CREATE_CHILD_SA, retried every auto_retry like any auto-negotiate tunnel).
#include <algorithm>
#include <set>

#include "log.h"
#include "tasks.h"

namespace ike::sa {
namespace {
// Dynamic phase2s one IKE SA may hold: a peer offering many selectors each
// way must not make the hub negotiate their product without bound.
constexpr size_t max_dynamic_per_sa = 64;
} // namespace

bool Engine::mesh_template(const IkeSa& sa, const ChildCfg& c) {
    if (!sa.cfg->dynamic || sa.cfg->mesh != MeshSelector::subnet) return false;
    // Dynamic phase2s are not in the gateway's phase2 list, templates are.
    return std::any_of(sa.cfg->children.begin(), sa.cfg->children.end(),
                       [&](const ChildCfg& t) { return t.name == c.name; });
}

std::optional<ChildCfg> Engine::mesh_expand(IkeSa& sa, const ChildCfg& tmpl, const std::vector<Ts>& local,
                                            const std::vector<Ts>& remote) {
    // Numbers in use by this template's dynamic phase2s, over every IKE SA,
    // so that TEMPLATE_N names one tunnel in tunnel list.
    std::set<unsigned> used;
    for (const auto& [spi, other] : sas_)
        for (const auto& d : other->dynamic_children)
            if (d.template_name == tmpl.name) used.insert(d.index);
    std::vector<std::string> pairs; // names in (local, remote) order
    size_t left_out = 0;
    for (const auto& l : local)
        for (const auto& r : remote) {
            auto same =
                std::find_if(sa.dynamic_children.begin(), sa.dynamic_children.end(), [&](const DynamicChild& d) {
                    return d.template_name == tmpl.name && d.cfg.local_ts == std::vector<Ts>{l} &&
                           d.cfg.remote_ts == std::vector<Ts>{r};
                });
            if (same != sa.dynamic_children.end()) {
                pairs.push_back(same->cfg.name);
                continue;
            }
            if (sa.dynamic_children.size() >= max_dynamic_per_sa) {
                ++left_out;
                continue;
            }
            unsigned n = 0;
            while (used.count(n)) ++n;
            used.insert(n);
            DynamicChild d;
            d.template_name = tmpl.name;
            d.index = n;
            d.cfg = tmpl;
            d.cfg.name = tmpl.name + "_" + std::to_string(n);
            d.cfg.local_ts = {l};
            d.cfg.remote_ts = {r};
            IKE_LOG(info) << sa.label() << " dynamic phase2 " << d.cfg.name << " " << to_string(l)
                          << " === " << to_string(r);
            pairs.push_back(d.cfg.name);
            sa.dynamic_children.push_back(std::move(d));
        }
    if (left_out)
        IKE_LOG(warn) << sa.label() << " " << tmpl.name << ": " << left_out << " subnet pair(s) left out, at most "
                      << max_dynamic_per_sa << " dynamic phase2s per IKE SA";
    if (pairs.empty()) return std::nullopt;
    // The peer gets the first pair that is not up (all up: the first).
    auto answer = std::find_if(pairs.begin(), pairs.end(), [&](const std::string& n) { return !sa.child_up(n); });
    if (answer == pairs.end()) answer = pairs.begin();
    // The others come up from here. Queued, not sent: the caller answers the
    // peer first, and the engine runs the queue after that response.
    for (const auto& n : pairs) {
        const DynamicChild* d = sa.dynamic_child(n);
        if (n == *answer || !d->cfg.auto_negotiate || held_down_.count(n) || sa.child_up(n) || sa.child_pending(n))
            continue;
        sa.queue.push_back(make_child_create_task(n));
    }
    return sa.dynamic_child(*answer)->cfg;
}

void Engine::retry_dynamic(IkeSa& sa) {
    std::vector<std::string> due;
    for (auto& d : sa.dynamic_children)
        if (d.retry_at && *d.retry_at <= now_) {
            d.retry_at.reset();
            due.push_back(d.cfg.name);
        }
    for (const auto& n : due)
        if (!held_down_.count(n) && !sa.child_up(n) && !sa.child_pending(n)) queue_task(sa, make_child_create_task(n));
}

bool Engine::initiate_dynamic(const std::string& name) {
    for (auto& [spi, sa] : sas_) {
        DynamicChild* d = sa->dynamic_child(name);
        if (!d || sa->state == IkeState::dead) continue;
        held_down_.erase(name);
        d->retry_at.reset();
        if (sa->state == IkeState::established && !sa->child_up(name) && !sa->child_pending(name))
            queue_task(*sa, make_child_create_task(name));
        return true;
    }
    return false;
}

void Engine::add_dynamic_tunnels(std::vector<TunnelInfo>& out, const PeerCfg& p, const ChildCfg& tmpl) const {
    for (const auto& [spi, sa] : sas_) {
        if (sa->cfg->name != p.name || sa->state == IkeState::dead) continue;
        for (const auto& d : sa->dynamic_children) {
            if (d.template_name != tmpl.name) continue;
            bool found = false;
            for (const auto& ch : sa->children) {
                if (ch.name != d.cfg.name || ch.state != ChildState::installed) continue;
                found = true;
                out.push_back(tunnel_info(p.name, *sa, ch));
            }
            if (!found) {
                TunnelInfo t;
                t.name = d.cfg.name;
                t.gateway = p.name;
                t.ts_local = to_string(d.cfg.local_ts);
                t.ts_remote = to_string(d.cfg.remote_ts);
                t.ike_uid = sa->uid;
                out.push_back(t);
            }
        }
    }
}

} // namespace ike::sa
