// Two protocol engines ("a" at 10.0.0.1, "b" at 10.0.0.2) joined by an
// in-memory link with optional loss, driven by a virtual clock.
#pragma once

#include <catch2/catch.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <random>

#include "sa/engine.h"
#include "sa/log.h"

namespace ike_test {

using namespace ike::sa;

// Keep test output readable: protocol logs from warnings up only.
inline const bool quiet_logs = [] {
    set_log_level(LogLevel::warn);
    return true;
}();

inline boost::asio::ip::address A_ADDR = boost::asio::ip::make_address("10.0.0.1");
inline boost::asio::ip::address B_ADDR = boost::asio::ip::make_address("10.0.0.2");

struct Link : Transport {
    std::deque<Datagram> queue;
    double loss = 0.0;
    std::mt19937 rng{12345};
    uint64_t sent = 0, lost = 0;
    // Sees every datagram sent; false drops it (a firewall, a tap).
    std::function<bool(const Datagram&)> filter;
    void send(const Datagram& d) override {
        ++sent;
        if (filter && !filter(d)) return;
        if (loss > 0 && std::uniform_real_distribution<>(0, 1)(rng) < loss) {
            ++lost;
            return;
        }
        queue.push_back(d);
    }
};

// A phase1+phase2 pair as a FortiOS admin would write it on each side.
inline PeerCfg make_peer(const std::string& name, bool side_a, const std::string& psk = "interop-psk") {
    PeerCfg p;
    p.name = name;
    p.local_addr = side_a ? A_ADDR : B_ADDR;
    p.remote_addr = side_a ? B_ADDR : A_ADDR;
    p.psk = Secret(Bytes(psk.begin(), psk.end()));
    p.suites = {*parse_ike_suite("aes256gcm-prfsha384")};
    p.dh_groups = {19};
    ChildCfg c;
    c.name = name + "-p2";
    c.suites = {*parse_esp_suite("aes128gcm")};
    c.local_ts = {*parse_ts(side_a ? "10.1.0.0/24" : "10.2.0.0/24")};
    c.remote_ts = {*parse_ts(side_a ? "10.2.0.0/24" : "10.1.0.0/24")};
    p.children.push_back(c);
    return p;
}

struct Pair {
    Link link;
    std::unique_ptr<Engine> a, b;
    TimePoint now{std::chrono::seconds(1000)};

    Pair(const PeerCfg& pa, const PeerCfg& pb) {
        GatewayConfig ga, gb;
        ga.peers = {pa};
        gb.peers = {pb};
        a = std::make_unique<Engine>(ga, link);
        b = std::make_unique<Engine>(gb, link);
    }
    // Delivers until the link is quiet, ticking timers every 100 ms of virtual time.
    void run(Millis span = Millis(2000)) {
        TimePoint end = now + span;
        while (now < end) {
            while (!link.queue.empty()) {
                Datagram d = std::move(link.queue.front());
                link.queue.pop_front();
                Datagram in{d.remote, d.local, std::move(d.data)};
                (d.remote.addr == A_ADDR ? *a : *b).on_datagram(in, now);
            }
            now += Millis(100);
            a->on_timer(now);
            b->on_timer(now);
        }
    }
    static const ChildSa* child(const Engine& e, const std::string& name) {
        for (const auto& [spi, sa] : e.sas())
            for (const auto& c : sa->children)
                if (c.name == name && c.state == ChildState::installed) return &c;
        return nullptr;
    }
    static const IkeSa* ike(const Engine& e) {
        for (const auto& [spi, sa] : e.sas())
            if (sa->state == IkeState::established) return sa.get();
        return nullptr;
    }
    static size_t count_children(const Engine& e) {
        size_t n = 0;
        for (const auto& [spi, sa] : e.sas()) n += sa->children.size();
        return n;
    }
};

// The two ends of one IKE SA: same SPIs, opposite roles, the same keys.
inline void check_same_ike_sa(const IkeSa& ia, const IkeSa& ib) {
    CHECK(ia.spi_i == ib.spi_i);
    CHECK(ia.spi_r == ib.spi_r);
    CHECK(ia.initiator != ib.initiator);
    CHECK(ia.sk_d.bytes() == ib.sk_d.bytes());
    CHECK(ia.sk_ei.bytes() == ib.sk_ei.bytes());
    CHECK(ia.sk_er.bytes() == ib.sk_er.bytes());
    CHECK(ia.sk_pr.bytes() == ib.sk_pr.bytes());
}

} // namespace ike_test
