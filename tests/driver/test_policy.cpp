// Policies, SA selectors, ports and ACQUIRE through the ioctl ABI (the driver core over
// the HLS card, in process), with frames pushed into the card's host port to see that
// what the ioctls say is what the card does.
#include <catch2/catch.hpp>

#include <cstring>
#include <functional>

#include "core_device.h"
#include "driver_test_util.h"
#include "esp_contract.h"
#include "esp_reference.h"
#include "hls_card.h"
#include "hls_engine.h"

using namespace driver_test;

namespace {

void v4(std::uint8_t* a, std::uint8_t b0, std::uint8_t b1, std::uint8_t b2, std::uint8_t b3) {
    std::memset(a, 0, 16);
    a[0] = b0;
    a[1] = b1;
    a[2] = b2;
    a[3] = b3;
}

esp_policy policy(std::uint32_t id, std::uint8_t action) {
    esp_policy p{};
    p.id = id;
    p.priority = 10;
    p.dir = ESP_POLICY_OUT;
    p.action = action;
    p.sel.family = ESP_FAMILY_IPV4;
    p.sel.proto = 17;
    v4(p.sel.src_lo, 10, 1, 0, 0);
    v4(p.sel.src_hi, 10, 1, 0, 255);
    v4(p.sel.dst_lo, 10, 2, 0, 0);
    v4(p.sel.dst_hi, 10, 2, 0, 255);
    p.sel.sport_hi = 0xFFFF;
    p.sel.dport_lo = 53;
    p.sel.dport_hi = 53;
    return p;
}

Bytes udp_frame(std::uint8_t src_last, unsigned dport) {
    Bytes l4(8 + 20, 0);
    esp_test::put_be16(l4, 0, 4000);
    esp_test::put_be16(l4, 2, dport);
    esp_test::put_be16(l4, 4, unsigned(l4.size()));
    const Bytes ip = esp_test::ipv4_packet({10, 1, 0, src_last}, {10, 2, 0, 9}, 17, l4);
    Bytes f = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
    f.insert(f.end(), ip.begin(), ip.end());
    return f;
}

struct Rig {
    esp::HlsCard* port;
    std::shared_ptr<espdrv::CoreCard> card;
    espdrv::CoreDevice dev;
    Rig() : Rig(std::make_unique<esp::HlsCard>()) {}
    explicit Rig(std::unique_ptr<esp::HlsCard> c)
        : port(c.get()), card(std::make_shared<espdrv::CoreCard>(std::move(c))), dev(card) {}
};

int errno_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const espdrv::Error& e) {
        return e.errnum();
    }
    return 0;
}

bool same(const esp_policy& a, const esp_policy& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

} // namespace

TEST_CASE("driver: policy add, get, list, update, del and flush") {
    Rig r;
    auto p1 = policy(7, ESP_POLICY_BLOCK);
    auto p2 = policy(3, ESP_POLICY_ALLOW);
    p2.priority = 5;
    p2.sel.family = ESP_FAMILY_IPV6;
    std::memset(p2.sel.src_lo, 0, 16);
    std::memset(p2.sel.src_hi, 0xFF, 16);
    std::memset(p2.sel.dst_lo, 0x20, 16);
    std::memset(p2.sel.dst_hi, 0x21, 16);
    r.dev.policy_add(p1);
    r.dev.policy_add(p2);
    CHECK(same(r.dev.policy_get(7).policy, p1));
    CHECK(same(r.dev.policy_get(3).policy, p2));
    auto list = r.dev.policy_list();
    REQUIRE(list.size() == 2);
    CHECK(list[0].policy.id == 3);
    CHECK(list[1].policy.id == 7);

    // The card does what the table says; counters come back through GET.
    CHECK(r.port->frame_from_host(udp_frame(5, 53)).fate == ESP_FATE_DROP_POLICY_BLOCK);
    CHECK(r.port->frame_from_host(udp_frame(5, 54)).fate == ESP_FATE_TX_BYPASS);
    auto st = r.dev.policy_get(7);
    CHECK(st.packets == 1);
    CHECK(st.drops == 1);
    CHECK(st.bytes == 48);

    // UPDATE is atomic and keeps the counters; the next frame sees the new action.
    p1.action = ESP_POLICY_ALLOW;
    r.dev.policy_update(p1);
    CHECK(r.port->frame_from_host(udp_frame(5, 53)).fate == ESP_FATE_TX_BYPASS);
    st = r.dev.policy_get(7);
    CHECK(st.packets == 2);
    CHECK(st.drops == 1);

    r.dev.policy_del(7);
    CHECK(errno_of([&] { r.dev.policy_get(7); }) == ENOENT);
    CHECK(errno_of([&] { r.dev.policy_del(7); }) == ENOENT);
    r.dev.policy_flush();
    CHECK(r.dev.policy_list().empty());
}

TEST_CASE("driver: invalid policies are refused with a clear errno and change nothing") {
    Rig r;
    espdrv::Device& dev = r.dev;
    esp_sa_params in = to_params(simple_sa(true, 0x500));
    const std::uint32_t in_handle = dev.sa_add(in);
    dev.policy_add(policy(1, ESP_POLICY_BLOCK));
    const auto before = dev.policy_list();

    auto p = policy(2, ESP_POLICY_BLOCK);
    int want = EINVAL;
    SECTION("reversed source range") { v4(p.sel.src_lo, 10, 1, 0, 200), v4(p.sel.src_hi, 10, 1, 0, 100); }
    SECTION("reversed destination range") { std::swap(p.sel.dst_lo, p.sel.dst_hi); }
    SECTION("reversed port range") { p.sel.dport_lo = 90, p.sel.dport_hi = 80; }
    SECTION("IPv4 selector with bytes beyond /32") { p.sel.src_hi[4] = 1; }
    SECTION("unknown family") { p.sel.family = 5; }
    SECTION("unknown direction") { p.dir = 2; }
    SECTION("unknown action") { p.action = 3; }
    SECTION("an SA on a block policy") { p.flags = ESP_POLICY_F_SA; }
    SECTION("reserved field set") { p.reserved[1] = 1; }
    SECTION("an SA that is not installed") {
        p.action = ESP_POLICY_PROTECT;
        p.flags = ESP_POLICY_F_SA;
        p.sa_handle = 99;
        want = ENOENT;
    }
    SECTION("an inbound SA as template") {
        p.action = ESP_POLICY_PROTECT;
        p.flags = ESP_POLICY_F_SA;
        p.sa_handle = in_handle;
    }
    SECTION("a duplicate id") {
        p.id = 1;
        want = EEXIST;
    }
    CHECK(errno_of([&] { dev.policy_add(p); }) == want);
    if (want != EEXIST) {
        p.id = 1; // an update with the same fault leaves policy 1 as it was
        CHECK(errno_of([&] { dev.policy_update(p); }) == want);
    }
    const auto after = dev.policy_list();
    REQUIRE(after.size() == before.size());
    CHECK(same(after[0].policy, before[0].policy));
    CHECK(r.port->frame_from_host(udp_frame(5, 53)).fate == ESP_FATE_DROP_POLICY_BLOCK);
}

TEST_CASE("driver: ACQUIRE through read_events with the packet and the policy, then the SA attached") {
    Rig r;
    esp_port_config cfg = r.dev.port_config();
    cfg.acq_holdoff_us = 1000;
    r.dev.set_port_config(cfg);
    r.port->set_port_time(0);
    auto p = policy(42, ESP_POLICY_PROTECT);
    r.dev.policy_add(p);
    CHECK(r.port->frame_from_host(udp_frame(5, 53)).fate == ESP_FATE_DROP_ACQUIRE);
    CHECK(r.port->frame_from_host(udp_frame(5, 53)).fate == ESP_FATE_DROP_ACQUIRE); // held off
    auto ev = r.dev.read_events(std::chrono::milliseconds(0));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == ESP_EV_ACQUIRE);
    CHECK(ev[0].handle == 42);
    const esp_acquire& a = ev[0].acquire;
    CHECK(a.family == ESP_FAMILY_IPV4);
    CHECK(a.proto == 17);
    CHECK(a.sport == 4000);
    CHECK(a.dport == 53);
    CHECK(Bytes(a.src, a.src + 4) == Bytes{10, 1, 0, 5});
    CHECK(Bytes(a.dst, a.dst + 4) == Bytes{10, 2, 0, 9});
    CHECK(r.dev.policy_get(42).drops == 2);
    CHECK(r.dev.port_stats().frames[ESP_FATE_DROP_ACQUIRE] == 2);

    // The SA arrives (as from IKE) and is attached: the same flow is protected.
    const std::uint32_t h = r.dev.sa_add(to_params(simple_sa(false, 0x600)));
    p.flags = ESP_POLICY_F_SA;
    p.sa_handle = h;
    r.dev.policy_update(p);
    const auto out = r.port->frame_from_host(udp_frame(5, 53));
    CHECK(out.fate == ESP_FATE_TX_PROTECTED);
    REQUIRE(out.to_wire);
    CHECK(r.dev.sa_get(h).packets == 1);
}

TEST_CASE("driver: SA selectors are validated, installed with the SA and enforced") {
    Rig r;
    esp_sa_params in = to_params(simple_sa(true, 0x700));
    in.sel.family = ESP_FAMILY_IPV4;
    v4(in.sel.src_lo, 10, 2, 0, 0);
    v4(in.sel.src_hi, 10, 2, 0, 255);
    v4(in.sel.dst_lo, 10, 1, 0, 0);
    v4(in.sel.dst_hi, 10, 1, 0, 255);
    in.sel.sport_hi = in.sel.dport_hi = 0xFFFF;

    esp_sa_params out = to_params(simple_sa(false, 0x701));
    out.sel = in.sel;
    CHECK(errno_of([&] { r.dev.sa_add(out); }) == EINVAL); // outbound SAs take no selector
    esp_sa_params bad = in;
    std::swap(bad.sel.src_lo, bad.sel.src_hi);
    CHECK(errno_of([&] { r.dev.sa_add(bad); }) == EINVAL);

    const std::uint32_t h = r.dev.sa_add(in);
    const esp_sa_state got = r.dev.sa_get(h);
    CHECK(std::memcmp(&got.sel, &in.sel, sizeof in.sel) == 0);

    // A packet inside the selector is delivered, one outside is dropped.
    SaConfig peer = simple_sa(true, 0x700);
    auto frame = [&](std::uint64_t seq, std::uint8_t src_net) {
        const Bytes inner = esp_test::ipv4_packet({10, src_net, 0, 3}, {10, 1, 0, 4}, 17, Bytes(20, 7));
        const Bytes outer = esp_test::ref_encrypt(peer, seq, inner);
        Bytes f = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
        f.insert(f.end(), outer.begin(), outer.end());
        return f;
    };
    CHECK(r.port->frame_from_wire(frame(1, 2)).fate == ESP_FATE_RX_DECRYPTED);
    CHECK(r.port->frame_from_wire(frame(2, 9)).fate == ESP_FATE_DROP_SELECTOR);
    CHECK(r.dev.port_stats().frames[ESP_FATE_DROP_SELECTOR] == 1);
}

TEST_CASE("driver: a card without ports refuses policies and selectors, SAs still work") {
    auto card = std::make_shared<espdrv::CoreCard>(std::make_unique<esp::HlsEngine>());
    espdrv::CoreDevice dev(card);
    CHECK(errno_of([&] { dev.policy_add(policy(1, ESP_POLICY_BLOCK)); }) == EOPNOTSUPP);
    CHECK(errno_of([&] { dev.policy_list(); }) == EOPNOTSUPP);
    CHECK(errno_of([&] { dev.port_stats(); }) == EOPNOTSUPP);
    esp_sa_params in = to_params(simple_sa(true, 0x800));
    in.sel.family = ESP_FAMILY_IPV4;
    in.sel.sport_hi = in.sel.dport_hi = 0xFFFF;
    std::memset(in.sel.src_hi, 0xFF, 4);
    std::memset(in.sel.dst_hi, 0xFF, 4);
    CHECK(errno_of([&] { dev.sa_add(in); }) == EOPNOTSUPP);
    in.sel = esp_selector{};
    CHECK(dev.sa_add(in) == 0);
}

TEST_CASE("driver: port configuration round trip and bounds") {
    Rig r;
    esp_port_config c = r.dev.port_config();
    CHECK(c.wire_mtu == ESP_WIRE_MTU_DEFAULT);
    c.default_action = ESP_PORT_OUT_BLOCK;
    c.wire_mtu = 1400;
    r.dev.set_port_config(c);
    const esp_port_config got = r.dev.port_config();
    CHECK(got.default_action == ESP_PORT_OUT_BLOCK);
    CHECK(got.wire_mtu == 1400);
    CHECK(r.port->frame_from_host(udp_frame(5, 53)).fate == ESP_FATE_DROP_NO_POLICY);
    c.wire_mtu = 10;
    CHECK(errno_of([&] { r.dev.set_port_config(c); }) == EINVAL);
    c.wire_mtu = 1400;
    c.default_action = 4;
    CHECK(errno_of([&] { r.dev.set_port_config(c); }) == EINVAL);
}
