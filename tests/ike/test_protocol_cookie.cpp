// ike-protocol: COOKIE as responder (RFC 7296 2.6) once too many responder
// IKE SAs are half-open; our initiator retries with the cookie and Ni unchanged.
#include <catch2/catch.hpp>

#include "protocol_harness.h"

using namespace ike_test;

namespace {

// Replaces b with an engine whose COOKIE threshold is `threshold`.
void cookie_responder(Pair& p, const PeerCfg& pb, size_t threshold) {
    GatewayConfig gb;
    gb.peers = {pb};
    gb.cookie_threshold = threshold;
    p.b = std::make_unique<Engine>(gb, p.link);
}

// Delivers every queued datagram for b to b (not the answers), returns b's answers.
std::vector<Payloads> deliver_to_b(Pair& p) {
    std::deque<Datagram> pending, keep;
    pending.swap(p.link.queue);
    for (auto& d : pending) {
        if (d.remote.addr == B_ADDR)
            p.b->on_datagram(Datagram{d.remote, d.local, d.data}, p.now);
        else
            keep.push_back(std::move(d));
    }
    std::vector<Payloads> answers;
    for (const auto& d : p.link.queue) answers.push_back(decode_plain(d.data));
    p.link.queue.insert(p.link.queue.begin(), keep.begin(), keep.end());
    return answers;
}

size_t responder_sas(const Engine& e) {
    size_t n = 0;
    for (const auto& [spi, sa] : e.sas()) n += sa->initiator ? 0 : 1;
    return n;
}

} // namespace

TEST_CASE("ike-protocol: COOKIE when half-open SAs exceed the threshold, stateless until it comes back",
          "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    Pair p(pa, pb);
    cookie_responder(p, pb, 0); // every IKE_SA_INIT needs a cookie
    REQUIRE(p.a->initiate("t-p2", p.now));
    auto answers = deliver_to_b(p);
    REQUIRE(answers.size() == 1);
    const Notify* cookie = answers[0].find(N_COOKIE);
    REQUIRE(cookie);
    CHECK(cookie->data.size() == 33);
    CHECK_FALSE(answers[0].sa);
    CHECK(responder_sas(*p.b) == 0); // nothing kept for a request without a cookie
    p.run();
    const IkeSa* ia = Pair::ike(*p.a);
    const IkeSa* ib = Pair::ike(*p.b);
    REQUIRE(ia);
    REQUIRE(ib);
    CHECK(ia->sk_d.bytes() == ib->sk_d.bytes());
    CHECK(ia->cookie == cookie->data);
    REQUIRE(Pair::child(*p.a, "t-p2"));
    REQUIRE(Pair::child(*p.b, "t-p2"));
    CHECK(Pair::child(*p.a, "t-p2")->encr_out.bytes() == Pair::child(*p.b, "t-p2")->encr_in.bytes());
}

TEST_CASE("ike-protocol: below the COOKIE threshold no cookie, above it the next request gets one", "[ike-protocol]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    Pair p(pa, pb);
    cookie_responder(p, pb, 2);
    for (int i = 0; i < 3; ++i) REQUIRE(p.a->initiate_fresh("t-p2", p.now));
    // All three IKE_SA_INIT requests reach b before any answer reaches a.
    auto answers = deliver_to_b(p);
    REQUIRE(answers.size() == 3);
    CHECK(answers[0].sa);
    CHECK(answers[1].sa);
    CHECK(answers[2].has(N_COOKIE));
    CHECK_FALSE(answers[2].sa);
    CHECK(responder_sas(*p.b) == 2);
    // The third initiator comes back with the cookie and gets in although two
    // SAs are still half-open; then all three finish.
    p.run();
    CHECK(p.b->stats().ike_established == 3);
    CHECK(p.a->stats().ike_established == 3);
    CHECK(p.a->stats().children_installed == 3);
}

TEST_CASE("ike-protocol: a wrong or stale cookie is answered with a fresh one", "[ike-protocol]") {
    CookieJar jar;
    auto ip = A_ADDR;
    Bytes ni(32, 5);
    TimePoint t0{std::chrono::seconds(100)};
    Bytes c = jar.make(ni, ip, 0x1122, t0);
    CHECK(jar.valid(c, ni, ip, 0x1122));
    CHECK_FALSE(jar.valid(c, Bytes(32, 6), ip, 0x1122)); // another Ni
    CHECK_FALSE(jar.valid(c, ni, B_ADDR, 0x1122));       // another address
    CHECK_FALSE(jar.valid(c, ni, ip, 0x1123));           // another SPIi
    Bytes forged = c;
    forged.back() ^= 1;
    CHECK_FALSE(jar.valid(forged, ni, ip, 0x1122));
    CHECK_FALSE(jar.valid({}, ni, ip, 0x1122));
    // One rotation: the old cookie still passes; two: it does not.
    Bytes c2 = jar.make(ni, ip, 0x1122, t0 + CookieJar::kRotate);
    CHECK(c2 != c);
    CHECK(jar.valid(c, ni, ip, 0x1122));
    jar.make(ni, ip, 0x1122, t0 + 2 * CookieJar::kRotate);
    CHECK_FALSE(jar.valid(c, ni, ip, 0x1122));
    CHECK(jar.valid(c2, ni, ip, 0x1122));
}
