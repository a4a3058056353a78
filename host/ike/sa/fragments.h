// IKE message fragmentation (RFC 7383) in the engine: when a protected
// message leaves as SKF fragments, and reassembly of the peer's fragments
// with the memory they hold bounded per message and for all IKE SAs
// together (an attacker holding many half-open IKE SAs must not make the
// daemon grow without limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "codec/sk.h"
#include "payloads.h"

namespace ike::sa {

class IkeSa;

struct FragmentLimits {
    uint16_t max_fragments = 64;               // Total Fragments accepted for one message
    std::size_t message_bytes = 64 * 1024;     // held for one message in reassembly
    std::size_t total_bytes = 4 * 1024 * 1024; // held for all IKE SAs together
};

struct FragmentStats {
    uint64_t sent = 0;        // SKF datagrams sent, retransmissions included
    uint64_t received = 0;    // SKF datagrams whose ICV verified
    uint64_t reassembled = 0; // messages completed from fragments
    uint64_t dropped = 0;     // bad number or total, duplicate, failed ICV, unexpected, over a limit
    uint64_t over_limit = 0;  // of those, dropped for a memory limit (with what the message held)
    std::size_t held_bytes = 0, peak_bytes = 0;
};

// The engine-wide account of reassembly memory.
class FragmentPool {
public:
    FragmentLimits limits;
    FragmentStats stats;
    bool reserve(std::size_t n);
    void release(std::size_t n);
};

// One message of the peer in reassembly; an IKE SA has one for requests and
// one for responses (window size 1). What it holds is charged to the pool it
// was filled from, and given back when it completes, is dropped or dies.
class FragmentBuffer {
public:
    FragmentBuffer() = default;
    FragmentBuffer(const FragmentBuffer&) = delete;
    FragmentBuffer& operator=(const FragmentBuffer&) = delete;
    ~FragmentBuffer() { clear(); }

    enum class Outcome { held, complete, dropped };
    // f has passed its ICV check.
    Outcome add(codec::Fragment f, FragmentPool& pool);
    // The joined message after add() said complete; the buffer is emptied.
    codec::Result<codec::Message> take();
    void clear();
    std::size_t charged() const { return charged_; }

private:
    codec::FragmentReassembler parts_;
    FragmentPool* pool_ = nullptr;
    std::size_t charged_ = 0;
};

// The datagrams of a protected message: one SK message, or SKF fragments
// when both sides announced IKEV2_FRAGMENTATION_SUPPORTED and the SK message
// would not fit the phase1's fragmentation-mtu (an IP packet size: the IP
// and UDP headers and, on the NAT-T port, the non-ESP marker count).
std::vector<Bytes> seal_message(IkeSa& sa, const Header& h, const Payloads& p, bool natt_marker, FragmentStats& stats);

// A protected message of the peer: an SK message is opened whole (throws
// WireError like open()); an SKF fragment is verified and decrypted on its
// own and held until its message is complete. nullopt: a fragment was held
// or dropped (counted in the pool's stats).
std::optional<Payloads> open_message(IkeSa& sa, bool response, std::span<const uint8_t> wire, FragmentPool& pool);

// For a retransmitted request: answer again unless it is a fragment other
// than number 1 (RFC 7383 2.6.1: only fragment 1 triggers a retransmission).
bool answers_retransmission(std::span<const uint8_t> wire);

} // namespace ike::sa
