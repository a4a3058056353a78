// Traffic-triggered negotiation: FortiOS brings a phase2 without
// auto-negotiate up when a packet for its selectors arrives, dropping that
// packet (and the next ones) until the SA is there.
#include <algorithm>

#include "engine.h"
#include "log.h"

namespace ike::sa {
namespace {

bool addr_in(const Ts& ts, const boost::asio::ip::address& a) {
    if (ts.v6 != a.is_v6()) return false;
    std::array<uint8_t, 16> b{};
    if (a.is_v4()) {
        auto v = a.to_v4().to_bytes();
        std::copy(v.begin(), v.end(), b.begin());
    } else {
        b = a.to_v6().to_bytes();
    }
    size_t n = ts.addr_len();
    return !std::lexicographical_compare(b.begin(), b.begin() + n, ts.lo.begin(), ts.lo.begin() + n) &&
           !std::lexicographical_compare(ts.hi.begin(), ts.hi.begin() + n, b.begin(), b.begin() + n);
}

// One side of the packet against one selector; port 0 means not given.
bool side_in(const Ts& ts, const boost::asio::ip::address& a, uint8_t proto, uint16_t port) {
    if (!addr_in(ts, a)) return false;
    if (ts.proto != 0 && proto != 0 && ts.proto != proto) return false;
    if (ts.proto != 0 && proto == 0) return false; // a protocol-specific selector needs the protocol
    return port == 0 || (port >= ts.port_lo && port <= ts.port_hi);
}

bool matches(const ChildCfg& c, const TriggerPacket& p) {
    auto any = [](const std::vector<Ts>& list, auto pred) { return std::any_of(list.begin(), list.end(), pred); };
    return any(c.local_ts, [&](const Ts& t) { return side_in(t, p.src, p.proto, p.sport); }) &&
           any(c.remote_ts, [&](const Ts& t) { return side_in(t, p.dst, p.proto, p.dport); });
}

} // namespace

const char* acquire_result_name(AcquireResult r) {
    switch (r) {
        case AcquireResult::no_match:
            return "no phase2 matches";
        case AcquireResult::up:
            return "up";
        case AcquireResult::pending:
            return "negotiation in progress";
        case AcquireResult::initiated:
            return "negotiating";
    }
    return "?";
}

// Dynamic phase2s (mesh-selector-type subnet) first: they are narrower than
// their template, and only they can be negotiated with a dial-up peer.
std::optional<AcquireResult> Engine::acquire_dynamic(const TriggerPacket& pkt, std::string* phase2) {
    for (auto& [spi, sa] : sas_) {
        if (sa->state != IkeState::established) continue;
        for (const auto& d : sa->dynamic_children) {
            if (!matches(d.cfg, pkt)) continue;
            const std::string name = d.cfg.name;
            if (phase2) *phase2 = name;
            ++stats_.acquires;
            if (sa->child_up(name)) return AcquireResult::up;
            ++stats_.acquire_dropped;
            if (sa->child_pending(name)) return AcquireResult::pending;
            IKE_LOG(info) << "acquire: " << pkt.src.to_string() << " -> " << pkt.dst.to_string() << " triggers "
                          << name;
            initiate_dynamic(name);
            return AcquireResult::initiated;
        }
    }
    return std::nullopt;
}

AcquireResult Engine::acquire(const TriggerPacket& pkt, TimePoint now, std::string* phase2) {
    now_ = now;
    if (auto r = acquire_dynamic(pkt, phase2)) return *r;
    for (const auto& p : peers_)
        for (const auto& c : p->children) {
            if (!matches(c, pkt)) continue;
            if (phase2) *phase2 = c.name;
            ++stats_.acquires;
            bool pending = false;
            for (const auto& [spi, sa] : sas_) {
                if (sa->cfg->name != p->name || sa->state == IkeState::dead) continue;
                for (const auto& ch : sa->children)
                    if (ch.name == c.name && ch.state == ChildState::installed) return AcquireResult::up;
                pending = pending || (sa->active && sa->active->child() == c.name);
                for (const auto& t : sa->queue) pending = pending || t->child() == c.name;
            }
            ++stats_.acquire_dropped; // the triggering packet waits for no SA: dropped
            if (pending) return AcquireResult::pending;
            IKE_LOG(info) << "acquire: " << pkt.src.to_string() << " -> " << pkt.dst.to_string() << " proto "
                          << unsigned(pkt.proto) << " triggers " << c.name;
            initiate(c.name, now);
            return AcquireResult::initiated;
        }
    return AcquireResult::no_match;
}

} // namespace ike::sa
