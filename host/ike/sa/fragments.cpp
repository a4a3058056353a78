#include "fragments.h"

#include "ike_sa.h"
#include "log.h"

namespace ike::sa {
namespace {

// What a held fragment costs besides its content (map node, vector header).
constexpr std::size_t kPerFragmentOverhead = 64;

constexpr std::size_t kUdpHeader = 8, kNonEspMarker = 4;

std::size_t ip_header_bytes(const IkeSa& sa) { return sa.local.addr.is_v6() ? 40 : 20; }

} // namespace

bool FragmentPool::reserve(std::size_t n) {
    if (stats.held_bytes + n > limits.total_bytes) return false;
    stats.held_bytes += n;
    stats.peak_bytes = std::max(stats.peak_bytes, stats.held_bytes);
    return true;
}

void FragmentPool::release(std::size_t n) { stats.held_bytes -= std::min(n, stats.held_bytes); }

FragmentBuffer::Outcome FragmentBuffer::add(codec::Fragment f, FragmentPool& pool) {
    if (pool_ && pool_ != &pool) clear();
    pool_ = &pool;
    // The engine passes only fragments of the message it expects next: what
    // is held of an earlier message ID will never complete.
    if (!parts_.empty() && parts_.message_id() != f.header.message_id) clear();
    if (f.total > pool.limits.max_fragments) {
        ++pool.stats.dropped;
        ++pool.stats.over_limit;
        return Outcome::dropped;
    }
    auto added = parts_.add(std::move(f));
    if (!codec::FragmentReassembler::kept(added)) {
        ++pool.stats.dropped;
        return Outcome::dropped;
    }
    const std::size_t want = parts_.bytes() + parts_.count() * kPerFragmentOverhead;
    bool fits = want <= pool.limits.message_bytes;
    if (fits && want > charged_)
        fits = pool.reserve(want - charged_);
    else if (fits)
        pool.release(charged_ - want);
    if (!fits) {
        // Over a limit the message cannot be completed here: everything it
        // held goes (the sender retransmits; a forger gains nothing).
        ++pool.stats.dropped;
        ++pool.stats.over_limit;
        clear();
        return Outcome::dropped;
    }
    charged_ = want;
    return parts_.complete() ? Outcome::complete : Outcome::held;
}

codec::Result<codec::Message> FragmentBuffer::take() {
    auto m = parts_.message();
    clear();
    return m;
}

void FragmentBuffer::clear() {
    if (pool_) pool_->release(charged_);
    charged_ = 0;
    parts_.clear();
}

std::vector<Bytes> seal_message(IkeSa& sa, const Header& h, const Payloads& p, bool natt_marker, FragmentStats& stats) {
    Bytes whole = seal(*sa.sk_out, h, p);
    const PeerCfg& cfg = *sa.cfg;
    if (!cfg.fragmentation || !sa.peer_fragmentation) return {std::move(whole)};
    const std::size_t overhead = ip_header_bytes(sa) + kUdpHeader + (natt_marker ? kNonEspMarker : 0);
    const std::size_t max_datagram = cfg.fragmentation_mtu > overhead ? cfg.fragmentation_mtu - overhead : 0;
    if (whole.size() <= max_datagram) return {std::move(whole)};
    auto frags = seal_fragments(*sa.sk_out, h, p, max_datagram);
    IKE_LOG(debug) << sa.label() << " " << exchange_name(h.exchange) << " " << h.mid << " of " << whole.size()
                   << " octets sent as " << frags.size() << " fragments (fragmentation-mtu " << cfg.fragmentation_mtu
                   << ")";
    stats.sent += frags.size();
    return frags;
}

std::optional<Payloads> open_message(IkeSa& sa, bool response, std::span<const uint8_t> wire, FragmentPool& pool) {
    FragmentBuffer& buf = response ? sa.frag_response : sa.frag_request;
    if (!is_fragment(wire)) {
        Payloads whole = open(*sa.sk_in, wire);
        buf.clear(); // the message came whole: fragments of it still held are moot
        return whole;
    }
    // Fragments only where both sides announced support (RFC 7383 2.3).
    if (!sa.cfg->fragmentation || !sa.peer_fragmentation) {
        ++pool.stats.dropped;
        IKE_LOG(debug) << sa.label() << " fragment dropped: fragmentation not negotiated";
        return std::nullopt;
    }
    // The ICV is checked before anything is stored (RFC 7383 2.6.2).
    auto f = codec::unprotect_fragment(wire, *sa.sk_in);
    if (!f) {
        ++pool.stats.dropped;
        IKE_LOG(debug) << sa.label() << " fragment dropped: " << f.error().what;
        return std::nullopt;
    }
    ++pool.stats.received;
    if (buf.add(std::move(f.value()), pool) != FragmentBuffer::Outcome::complete) return std::nullopt;
    auto m = buf.take();
    if (!m) throw wire_error(m.error());
    ++pool.stats.reassembled;
    IKE_LOG(debug) << sa.label() << " " << exchange_name(static_cast<uint8_t>(m->header.exchange)) << " "
                   << m->header.message_id << " reassembled from fragments";
    return from_codec(m->payloads);
}

bool answers_retransmission(std::span<const uint8_t> wire) {
    if (!is_fragment(wire)) return true;
    auto m = codec::decode(wire);
    if (!m || m->payloads.empty()) return false;
    const auto* skf = std::get_if<codec::SkfPayload>(&m->payloads.back());
    return skf && skf->fragment_number == 1;
}

} // namespace ike::sa
