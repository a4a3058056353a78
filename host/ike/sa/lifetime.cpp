// Volume lifetimes (keylife-type kbs|both, keylifekbs) live in the card:
// each card SA gets a soft byte limit, where the card raises an event and we
// rekey, and a hard one, where the card disables the SA and we delete it.
// Like the time lifetime, the side that created the Child SA reaches its
// soft limit first (90 %, the other side 95 %) so both do not rekey at once.
#include <algorithm>

#include "engine.h"
#include "log.h"
#include "tasks.h"

namespace ike::sa {

void Engine::set_byte_limits(OffloadSa& p, const ChildSa& c) {
    if (c.cfg.lifetime_kb == 0) return;
    uint64_t hard = c.cfg.lifetime_kb * 1024; // <= 2^42: no overflow
    p.byte_hard = hard;
    p.byte_soft = c.we_initiated ? hard / 10 * 9 : hard / 20 * 19;
    if (p.byte_soft == 0) p.byte_soft = 1;
}

void Engine::poll_offload_events() {
    if (!offload_) return;
    auto events = offload_->poll_events();
    // A burst can cross both limits between two polls: the hard events go
    // first, so a disabled SA is deleted rather than rekeyed.
    std::stable_partition(events.begin(), events.end(),
                          [](const OffloadEvent& e) { return e.type != OffloadEventType::soft; });
    for (const auto& ev : events) {
        if (ev.type == OffloadEventType::deleted) continue; // our own SA_DEL
        for (auto& [spi, sa] : sas_) {
            if (sa->state != IkeState::established) continue;
            ChildSa* c = nullptr;
            for (auto& ch : sa->children)
                if (ch.hw_in == ev.handle || ch.hw_out == ev.handle) c = &ch;
            if (!c || c->state != ChildState::installed) continue;
            if (ev.type == OffloadEventType::soft) {
                if (c->rekey_queued) break;
                c->rekey_queued = true;
                IKE_LOG(info) << sa->label() << " CHILD_SA " << c->name << " soft byte limit reached on card SA "
                              << ev.handle << ": rekeying";
                queue_task(*sa, make_child_rekey_task(c->name, c->spi_in));
            } else {
                IKE_LOG(info) << sa->label() << " CHILD_SA " << c->name << " card SA " << ev.handle
                              << (ev.type == OffloadEventType::hard ? " hard byte limit reached"
                                                                    : " sequence numbers exhausted")
                              << ": deleting";
                c->state = ChildState::deleting;
                queue_task(*sa, make_child_delete_task(c->spi_in));
            }
            break;
        }
    }
}

} // namespace ike::sa
