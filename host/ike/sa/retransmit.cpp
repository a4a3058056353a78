#include "retransmit.h"

#include <cmath>

namespace ike::sa {

Millis RetransmitPolicy::timeout_for(unsigned sent) const {
    double ms = static_cast<double>(base.count()) * std::pow(factor, sent > 0 ? sent - 1 : 0);
    return Millis(static_cast<int64_t>(ms));
}

void Outstanding::start(std::vector<std::vector<uint8_t>> datagrams, TimePoint now, const RetransmitPolicy& p) {
    datagrams_ = std::move(datagrams);
    active_ = true;
    sent_ = 1;
    due_ = now + p.timeout_for(1);
}

Outstanding::Tick Outstanding::tick(TimePoint now, const RetransmitPolicy& p) {
    if (!active_ || now < due_) return Tick::idle;
    if (sent_ >= p.max_tries) {
        active_ = false;
        return Tick::give_up;
    }
    ++sent_;
    due_ = now + p.timeout_for(sent_);
    return Tick::resend;
}

std::optional<TimePoint> Outstanding::deadline() const {
    if (!active_) return std::nullopt;
    return due_;
}

} // namespace ike::sa
