// Child SA counters come from the card: packets, inner bytes, sequence
// numbers and drops of each direction (SA readback through SaOffload).
#include "engine.h"

namespace ike::sa {

ChildCounters Engine::child_counters(const ChildSa& c) const {
    ChildCounters r;
    if (!offload_ || !c.offloaded()) return r;
    auto in = offload_->counters(*c.hw_in);
    auto out = offload_->counters(*c.hw_out);
    if (!in || !out) return r;
    r.kept = true;
    r.in = *in;
    r.out = *out;
    return r;
}

} // namespace ike::sa
