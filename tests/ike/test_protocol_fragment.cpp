// ike-protocol: IKE fragmentation (RFC 7383) between two engines through
// memory, malformed and hostile fragments, reassembly memory bounds;
// negotiate-timeout and nattraversal forced.
#include <catch2/catch.hpp>

#include "codec/sk.h"
#include "protocol_harness.h"

using namespace ike_test;
namespace codec = ike::codec;

namespace {

constexpr uint8_t kExchangeOffset = 18;

// PSK messages are a few hundred octets: a 200-octet "MTU" (below FortiOS's
// 500, which the configuration enforces) makes IKE_AUTH and CREATE_CHILD_SA
// fragment. The engine takes any size.
constexpr uint32_t kSmallMtu = 200;
constexpr std::size_t kSmallDatagram = kSmallMtu - 20 - 8; // IPv4 and UDP headers

void add_pfs_child(PeerCfg& peer, bool side_a) {
    ChildCfg c2 = peer.children[0];
    c2.name = "t2-p2";
    c2.pfs = true;
    c2.dh_groups = {14};
    c2.local_ts = {*parse_ts(side_a ? "10.1.1.0/24" : "10.2.1.0/24")};
    c2.remote_ts = {*parse_ts(side_a ? "10.2.1.0/24" : "10.1.1.0/24")};
    peer.children.push_back(c2);
}

void check_child_pair(const Pair& p, const std::string& name) {
    const ChildSa* ca = Pair::child(*p.a, name);
    const ChildSa* cb = Pair::child(*p.b, name);
    REQUIRE(ca);
    REQUIRE(cb);
    CHECK(ca->spi_out == cb->spi_in);
    CHECK(ca->spi_in == cb->spi_out);
    CHECK(ca->encr_out.bytes() == cb->encr_in.bytes());
}

IkeSa* established(const Engine& e) {
    for (const auto& [spi, sa] : e.sas())
        if (sa->state == IkeState::established) return sa.get();
    return nullptr;
}

// a initiates; both ends of the IKE SA once it is up.
std::pair<IkeSa*, IkeSa*> bring_up(Pair& p) {
    p.a->initiate("t-p2", p.now);
    p.run();
    IkeSa* ia = established(*p.a);
    IkeSa* ib = established(*p.b);
    REQUIRE(ia);
    REQUIRE(ib);
    return {ia, ib};
}

// An INFORMATIONAL request of `from` (its keys, its next message ID) whose
// payload chain is cut into `parts` pieces; the caller picks number/total.
struct CraftedRequest {
    codec::Header header;
    uint8_t first = 0;
    std::vector<Bytes> chunks;

    CraftedRequest(const IkeSa& from, std::size_t parts) {
        header.spi_i = from.spi_i;
        header.spi_r = from.spi_r;
        header.exchange = codec::ExchangeType::INFORMATIONAL;
        header.flags = from.initiator ? codec::FLAG_INITIATOR : 0;
        header.message_id = from.next_mid_out;
        Payloads p;
        p.add(40001, Bytes(300, 0xAB)); // a status notify nobody knows: answered with an empty response
        auto chain = codec::encode_payload_chain(to_codec(p), first);
        REQUIRE(chain.ok());
        const Bytes& all = chain.value();
        const std::size_t step = (all.size() + parts - 1) / parts;
        for (std::size_t at = 0; at < all.size(); at += step)
            chunks.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(at),
                                all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), at + step)));
    }
    // Fragment `number` (1-based) of `total`, carrying chunk index `chunk`.
    Bytes fragment(IkeSa& from, uint16_t number, uint16_t total, std::size_t chunk) const {
        auto d =
            codec::protect_fragment(header, number == 1 ? first : 0, number, total, chunks.at(chunk), *from.sk_out);
        REQUIRE(d.ok());
        return d.value();
    }
};

} // namespace

TEST_CASE("ike-protocol: fragmentation with a small MTU, IKE_AUTH and CREATE_CHILD_SA both ways",
          "[ike-protocol][frag]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    add_pfs_child(pa, true);
    add_pfs_child(pb, false);
    pa.fragmentation_mtu = pb.fragmentation_mtu = kSmallMtu;
    Pair p(pa, pb);
    std::size_t biggest = 0, fragments = 0;
    p.link.filter = [&](const Datagram& d) {
        if (d.data.at(kExchangeOffset) != IKE_SA_INIT) biggest = std::max(biggest, d.data.size());
        if (is_fragment(d.data)) ++fragments;
        return true;
    };
    p.a->initiate("t-p2", p.now);
    p.a->initiate("t2-p2", p.now);
    p.run();
    check_child_pair(p, "t-p2");
    check_child_pair(p, "t2-p2");
    CHECK(established(*p.a)->peer_fragmentation);
    CHECK(established(*p.b)->peer_fragmentation);
    CHECK(fragments > 4);
    CHECK(biggest <= kSmallDatagram);
    // Each side sent fragmented requests or responses and reassembled the other's.
    CHECK(p.a->fragment_stats().sent > 0);
    CHECK(p.b->fragment_stats().sent > 0);
    CHECK(p.a->fragment_stats().reassembled >= 2); // IKE_AUTH and CREATE_CHILD_SA responses
    CHECK(p.b->fragment_stats().reassembled >= 2);
    CHECK(p.a->fragment_stats().dropped == 0);
    CHECK(p.b->fragment_stats().dropped == 0);
    CHECK(p.a->fragment_stats().held_bytes == 0);
    CHECK(p.b->fragment_stats().held_bytes == 0);
    // Delete over the fragmenting SA.
    p.b->terminate_child("t-p2", p.now);
    p.run();
    CHECK_FALSE(Pair::child(*p.a, "t-p2"));
}

TEST_CASE("ike-protocol: fragmentation disabled on one side: whole messages, no SKF", "[ike-protocol][frag]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.fragmentation_mtu = pb.fragmentation_mtu = kSmallMtu;
    SECTION("initiator") { pa.fragmentation = false; }
    SECTION("responder") { pb.fragmentation = false; }
    Pair p(pa, pb);
    std::size_t biggest = 0, fragments = 0;
    p.link.filter = [&](const Datagram& d) {
        biggest = std::max(biggest, d.data.size());
        if (is_fragment(d.data)) ++fragments;
        return true;
    };
    p.a->initiate("t-p2", p.now);
    p.run();
    check_child_pair(p, "t-p2");
    CHECK(fragments == 0);
    CHECK(biggest > kSmallDatagram);
    CHECK_FALSE((established(*p.a)->peer_fragmentation && established(*p.b)->peer_fragmentation));
}

TEST_CASE("ike-protocol: fragmented exchanges over a lossy link resend every fragment", "[ike-protocol][frag]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.fragmentation_mtu = pb.fragmentation_mtu = kSmallMtu;
    pa.negotiate_timeout_s = pb.negotiate_timeout_s = 120; // the loss may need many retries
    Pair p(pa, pb);
    p.link.loss = 0.25;
    p.a->initiate("t-p2", p.now);
    p.run(Millis(100000));
    check_child_pair(p, "t-p2");
    CHECK(p.link.lost > 0);
    CHECK(p.a->stats().retransmits > 0);
    CHECK(p.b->fragment_stats().reassembled >= 1);
    // Whatever was lost, nothing stays held once the exchanges are done.
    CHECK(p.a->fragment_stats().held_bytes == 0);
    CHECK(p.b->fragment_stats().held_bytes == 0);
}

TEST_CASE("ike-protocol: malformed and hostile fragments are dropped and counted, never fatal",
          "[ike-protocol][frag]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.fragmentation_mtu = pb.fragmentation_mtu = kSmallMtu;
    Pair p(pa, pb);
    auto [ia, ib] = bring_up(p);
    const Endpoint b_local = ib->local, b_remote = ib->remote;
    auto deliver = [&](const Bytes& b) { p.b->on_datagram(Datagram{b_local, b_remote, b}, p.now); };
    const FragmentStats& fs = p.b->fragment_stats();
    const uint64_t tx0 = p.b->stats().tx, dropped0 = fs.dropped;
    CraftedRequest req(*ia, 3);
    REQUIRE(req.chunks.size() == 3);

    deliver(req.fragment(*ia, 0, 3, 0)); // number 0
    deliver(req.fragment(*ia, 4, 3, 1)); // number above total
    deliver(req.fragment(*ia, 1, 0, 0)); // total 0
    CHECK(fs.dropped == dropped0 + 3);
    deliver(req.fragment(*ia, 1, 60000, 0)); // more fragments than the limit
    CHECK(fs.over_limit == 1);
    Bytes bad = req.fragment(*ia, 1, 3, 0);
    bad.back() ^= 0x01; // ICV
    deliver(bad);
    Bytes cut = req.fragment(*ia, 1, 3, 0);
    cut.resize(cut.size() - 7); // the header length no longer matches
    deliver(cut);
    deliver(Bytes(cut.begin(), cut.begin() + 20)); // shorter than a header
    CHECK(fs.dropped == dropped0 + 5);
    CHECK(fs.held_bytes == 0);

    deliver(req.fragment(*ia, 1, 3, 0));
    CHECK(fs.held_bytes > 0);
    const std::size_t held = fs.held_bytes;
    deliver(req.fragment(*ia, 1, 3, 0)); // duplicate
    deliver(req.fragment(*ia, 2, 2, 1)); // fewer fragments than held: stale
    CHECK(fs.held_bytes == held);
    CHECK(fs.dropped == dropped0 + 7);
    CHECK(p.b->stats().tx == tx0); // nothing answered yet
    deliver(req.fragment(*ia, 3, 3, 2));
    deliver(req.fragment(*ia, 2, 3, 1)); // the last missing one: the request is complete
    CHECK(fs.reassembled >= 1);
    CHECK(fs.held_bytes == 0);
    CHECK(p.b->stats().tx == tx0 + 1); // the (small) empty INFORMATIONAL response
    // A retransmitted fragmented request is answered again on fragment 1 only.
    deliver(req.fragment(*ia, 2, 3, 1));
    deliver(req.fragment(*ia, 3, 3, 2));
    CHECK(p.b->stats().tx == tx0 + 1);
    deliver(req.fragment(*ia, 1, 3, 0));
    CHECK(p.b->stats().tx == tx0 + 2);
    CHECK(Pair::child(*p.b, "t-p2")); // the SA is untouched
    ia->next_mid_out++;               // a's side as b has seen it

    // A request whose fragments were partly held and that then came whole:
    // what was held goes, and the next fragmented request completes.
    CraftedRequest again(*ia, 3);
    deliver(again.fragment(*ia, 1, 3, 0));
    CHECK(fs.held_bytes > 0);
    Header wh{ia->spi_i, ia->spi_r, 0x20, INFORMATIONAL, F_INITIATOR, ia->next_mid_out};
    Payloads small;
    small.add(40001, Bytes(10, 1));
    deliver(seal(*ia->sk_out, wh, small));
    CHECK(p.b->stats().tx == tx0 + 3);
    CHECK(fs.held_bytes == 0);
    ia->next_mid_out++;
    CraftedRequest next(*ia, 3);
    for (uint16_t n = 1; n <= 3; ++n) deliver(next.fragment(*ia, n, 3, n - 1));
    CHECK(p.b->stats().tx == tx0 + 4);
    CHECK(fs.held_bytes == 0);
    ia->next_mid_out++;
    p.link.queue.clear();
    p.b->terminate_child("t-p2", p.now);
    p.run();
    CHECK_FALSE(Pair::child(*p.a, "t-p2"));
    CHECK(Pair::ike(*p.a));
}

TEST_CASE("ike-protocol: fragments are refused where fragmentation was not negotiated", "[ike-protocol][frag]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pb.fragmentation = false;
    Pair p(pa, pb);
    auto [ia, ib] = bring_up(p);
    CraftedRequest req(*ia, 1);
    const uint64_t tx0 = p.b->stats().tx;
    p.b->on_datagram(Datagram{ib->local, ib->remote, req.fragment(*ia, 1, 1, 0)}, p.now);
    CHECK(p.b->stats().tx == tx0);
    CHECK(p.b->fragment_stats().dropped == 1);
    CHECK(p.b->fragment_stats().received == 0);
}

// Someone who completes IKE_SA_INIT many times has keys for many half-open
// IKE SAs and can send fragments that pass their ICV for each, never the
// last one. What the responder holds stays under its limits, and goes with
// the half-open SAs.
TEST_CASE("ike-protocol: reassembly memory is bounded per message and overall", "[ike-protocol][frag][dos]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    Pair p(pa, pb);
    GatewayConfig gb;
    gb.peers = {pb};
    gb.cookie_threshold = 100000; // this test is about fragments, not cookies
    gb.fragment_limits.max_fragments = 64;
    gb.fragment_limits.message_bytes = 16 * 1024;
    gb.fragment_limits.total_bytes = 256 * 1024;
    p.b = std::make_unique<Engine>(gb, p.link);
    const FragmentLimits& lim = gb.fragment_limits;
    // The attacker's IKE_AUTH never reaches b: only its fragments do.
    p.link.filter = [](const Datagram& d) { return d.data.at(kExchangeOffset) != IKE_AUTH; };
    constexpr int kSas = 120;
    for (int i = 0; i < kSas; ++i) p.a->initiate_fresh("t-p2", p.now);
    p.run(Millis(300));
    std::vector<IkeSa*> keyed;
    for (const auto& [spi, sa] : p.a->sas())
        if (sa->sk_out) keyed.push_back(sa.get());
    REQUIRE(keyed.size() == kSas);
    REQUIRE(p.b->sas().size() == kSas);

    const Bytes content(1000, 0x5A);
    uint64_t sent = 0;
    for (int round = 0; round < 30; ++round)
        for (IkeSa* sa : keyed) {
            codec::Header h;
            h.spi_i = sa->spi_i;
            h.spi_r = sa->spi_r;
            h.exchange = codec::ExchangeType::IKE_AUTH;
            h.flags = codec::FLAG_INITIATOR;
            h.message_id = 1;
            auto d = codec::protect_fragment(h, round == 0 ? 35 : 0, static_cast<uint16_t>(round + 1), 64, content,
                                             *sa->sk_out);
            REQUIRE(d.ok());
            p.b->on_datagram(Datagram{sa->remote, sa->local, d.value()}, p.now);
            ++sent;
            const FragmentStats& fs = p.b->fragment_stats();
            REQUIRE(fs.held_bytes <= lim.total_bytes);
        }
    const FragmentStats& fs = p.b->fragment_stats();
    CHECK(fs.received == sent); // every one passed its ICV...
    CHECK(fs.reassembled == 0);
    CHECK(fs.over_limit > 0); // ...and the limits held them back
    CHECK(fs.peak_bytes <= lim.total_bytes);
    CHECK(fs.peak_bytes > lim.total_bytes / 2);
    std::size_t sum = 0;
    for (const auto& [spi, sa] : p.b->sas()) {
        CHECK(sa->frag_request.charged() <= lim.message_bytes);
        sum += sa->frag_request.charged() + sa->frag_response.charged();
    }
    CHECK(sum == fs.held_bytes);
    // The half-open SAs time out (negotiate-timeout) and give their memory back.
    p.run(Millis(31000));
    CHECK(p.b->sas().empty());
    CHECK(p.b->fragment_stats().held_bytes == 0);
}

TEST_CASE("ike-protocol: negotiate-timeout drops an IKE SA not established in time, both roles", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    pa.negotiate_timeout_s = pb.negotiate_timeout_s = 5;
    Pair p(pa, pb);
    p.link.filter = [](const Datagram& d) { return d.data.at(kExchangeOffset) != IKE_AUTH; };
    p.a->initiate("t-p2", p.now);
    p.run(Millis(4500));
    CHECK(p.a->sas().size() == 1);
    CHECK(p.b->sas().size() == 1);
    p.run(Millis(1000));
    CHECK(p.a->sas().empty()); // not after the 62 s of retransmissions
    CHECK(p.b->sas().empty());
    CHECK(p.a->stats().ike_failed == 1);
}

TEST_CASE("ike-protocol: nattraversal forced encapsulates without a NAT", "[ike-protocol][natt]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    SECTION("initiator forced") { pa.natt_forced = true; }
    SECTION("responder forced") { pb.natt_forced = true; }
    SECTION("neither") {}
    const bool forced = pa.natt_forced || pb.natt_forced;
    Pair p(pa, pb);
    p.a->initiate("t-p2", p.now);
    p.run();
    const ChildSa* ca = Pair::child(*p.a, "t-p2");
    const ChildSa* cb = Pair::child(*p.b, "t-p2");
    REQUIRE(ca);
    REQUIRE(cb);
    CHECK(ca->udp_encap == forced);
    CHECK(cb->udp_encap == forced);
    const IkeSa* ia = Pair::ike(*p.a);
    REQUIRE(ia);
    CHECK((ia->local.port == 4500) == forced);
    CHECK((ia->remote.port == 4500) == forced);
}
