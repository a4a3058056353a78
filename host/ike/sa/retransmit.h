// Retransmission of an outstanding request (RFC 7296 §2.1): the initiator of
// an exchange resends the same bytes with exponential backoff until the
// response arrives or the tries are used up; the responder never retransmits
// on its own, it answers a repeated request with its stored response.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace ike::sa {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Millis = std::chrono::milliseconds;

struct RetransmitPolicy {
    Millis base{2000};                       // first timeout
    double factor = 2.0;                     // each retry waits factor times longer
    unsigned max_tries = 6;                  // sends in all, the first included
    Millis timeout_for(unsigned sent) const; // timeout after the sent-th send (1-based)
};

// One request in flight: one datagram, or all its fragments (RFC 7383
// 2.6.1: a retransmission resends every fragment).
class Outstanding {
public:
    void start(std::vector<std::vector<uint8_t>> datagrams, TimePoint now, const RetransmitPolicy& p);
    void start(std::vector<uint8_t> bytes, TimePoint now, const RetransmitPolicy& p) {
        start(std::vector<std::vector<uint8_t>>{std::move(bytes)}, now, p);
    }
    void clear() {
        active_ = false;
        datagrams_.clear();
    }
    bool active() const { return active_; }
    enum class Tick { idle, resend, give_up };
    // Called on a timer: tells whether to resend the stored bytes now.
    Tick tick(TimePoint now, const RetransmitPolicy& p);
    const std::vector<std::vector<uint8_t>>& datagrams() const { return datagrams_; }
    std::optional<TimePoint> deadline() const;
    unsigned sends() const { return sent_; }

private:
    bool active_ = false;
    std::vector<std::vector<uint8_t>> datagrams_;
    unsigned sent_ = 0;
    TimePoint due_{};
};

} // namespace ike::sa
