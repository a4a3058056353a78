#include "path_router.h"

namespace iked {

using ike::sa::OffloadSa;

PathRouter::PathRouter(std::unique_ptr<ike::sa::SaOffload> card, std::unique_ptr<ike::sa::SaOffload> host)
    : card_(std::move(card)), host_(std::move(host)) {}

bool PathRouter::accepts(const OffloadSa& sa) const {
    return (card_ && card_->accepts(sa)) || (host_ && host_->accepts(sa));
}

std::optional<uint32_t> PathRouter::install(const OffloadSa& sa) {
    if (card_ && card_->accepts(sa)) {
        auto h = card_->install(sa);
        if (h && (*h & kHostBit) == 0) return h;
        if (h) card_->remove(*h); // a handle we cannot tell from ours: not used
    }
    if (host_ && host_->accepts(sa)) { // no card, no room on it, or a transform it lacks
        auto h = host_->install(sa);
        if (h && (*h & kHostBit) == 0) return *h | kHostBit;
        if (h) host_->remove(*h);
    }
    return std::nullopt;
}

void PathRouter::remove(uint32_t handle) {
    if (handle & kHostBit) {
        if (host_) host_->remove(handle & ~kHostBit);
    } else if (card_) {
        card_->remove(handle);
    }
}

std::string PathRouter::name() const {
    if (card_ && host_) return card_->name() + " + " + host_->name();
    return card_ ? card_->name() : host_ ? host_->name() : "none";
}

std::string PathRouter::path(uint32_t handle) const { return handle & kHostBit ? "host" : "offload"; }

std::optional<ike::sa::OffloadCounters> PathRouter::counters(uint32_t handle) {
    if (handle & kHostBit) return host_ ? host_->counters(handle & ~kHostBit) : std::nullopt;
    return card_ ? card_->counters(handle) : std::nullopt;
}

std::vector<ike::sa::OffloadEvent> PathRouter::poll_events() {
    std::vector<ike::sa::OffloadEvent> out;
    if (card_) out = card_->poll_events();
    if (host_)
        for (auto ev : host_->poll_events()) {
            ev.handle |= kHostBit;
            out.push_back(ev);
        }
    return out;
}

} // namespace iked
