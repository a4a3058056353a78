// The port's control registers: policy and selector commands refuse bad input with a
// clear error and leave the card unchanged; ACQUIRE is rate-limited per policy and its
// queue overflow is counted; reset, capabilities and the MTU register.
#include <catch2/catch.hpp>

#include "hls_card.h"
#include "port_test_util.h"

using namespace port_test;

namespace {

Addr a4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) { return Addr{a, b, c, d}; }

esp_policy_entry policy(std::uint32_t id, unsigned action, const Addr& src_lo, const Addr& src_hi) {
    esp_policy_entry e{};
    e.ctrl_action = action;
    e.id = id;
    e.prio = 10;
    addr_words(src_lo, e.src_lo);
    addr_words(src_hi, e.src_hi);
    addr_words(a4(0, 0, 0, 0), e.dst_lo);
    addr_words(a4(255, 255, 255, 255), e.dst_hi);
    e.sport_hi = 0xFFFF;
    e.dport_hi = 0xFFFF;
    return e;
}

Bytes udp_frame(const Addr& src, const Addr& dst, unsigned sport, unsigned dport) {
    Bytes l4(8 + 12, 0);
    esp_test::put_be16(l4, 0, sport);
    esp_test::put_be16(l4, 2, dport);
    esp_test::put_be16(l4, 4, unsigned(l4.size()));
    return eth_frame(kEthIpv4, esp_test::ipv4_packet(src, dst, 17, l4));
}

} // namespace

TEST_CASE("port: invalid policies and selectors are refused, the table unchanged", "[port]") {
    esp::HlsCard e;
    REQUIRE((e.read_reg(ESP_REG_DEV_CAPS) >> ESP_REG_DEV_CAPS_PORTS_LSB) & 1u);
    REQUIRE(e.read_reg(ESP_REG_POL_SLOTS) == ESP_N_POLICY);
    const auto good = policy(1, ESP_POL_ACT_BLOCK, a4(10, 0, 0, 0), a4(10, 0, 0, 255));
    REQUIRE(program_policy(e, ESP_POL_OP_WRITE, 5, good) == ESP_POL_ERR_NONE);
    const auto before = read_policy(e, 5);

    auto bad = good;
    SECTION("reversed address range") {
        addr_words(a4(10, 0, 0, 9), bad.src_lo);
        addr_words(a4(10, 0, 0, 5), bad.src_hi);
    }
    SECTION("reversed port range") {
        bad.dport_lo = 80;
        bad.dport_hi = 79;
    }
    SECTION("IPv4 entry with IPv6 address bits") { bad.dst_hi[2] = 1; }
    SECTION("unknown action") { bad.ctrl_action = 3; }
    SECTION("an SA on a block policy") {
        bad.ctrl_has_sa = 1;
        bad.proto_sa_sa_handle = 0;
    }
    SECTION("protect with an SA that is not installed") {
        bad.ctrl_action = ESP_POL_ACT_PROTECT;
        bad.ctrl_has_sa = 1;
        bad.proto_sa_sa_handle = 77;
    }
    SECTION("protect with an inbound SA") {
        esp_test::SaConfig in;
        in.inbound = true;
        REQUIRE(esp_test::program_sa(e, 77, in) == ESP_SA_ERR_NONE);
        bad.ctrl_action = ESP_POL_ACT_PROTECT;
        bad.ctrl_has_sa = 1;
        bad.proto_sa_sa_handle = 77;
    }
    const bool sa_error = bad.ctrl_has_sa && bad.ctrl_action == ESP_POL_ACT_PROTECT;
    const unsigned want = sa_error ? ESP_POL_ERR_BAD_SA : ESP_POL_ERR_BAD_PARAM;
    CHECK(program_policy(e, ESP_POL_OP_WRITE, 6, bad) == want);
    CHECK(program_policy(e, ESP_POL_OP_UPDATE, 5, bad) == want);
    CHECK(pol_command(e, ESP_POL_OP_READ, 6) == ESP_POL_ERR_SLOT_EMPTY);
    const auto after = read_policy(e, 5);
    CHECK(std::equal(before.entry, before.entry + ESP_POL_R_ENTRY_COUNT, after.entry));
    // The old entry still decides.
    const auto r = e.frame_from_host(udp_frame(a4(10, 0, 0, 7), a4(10, 9, 9, 9), 1000, 2000));
    CHECK(r.fate == ESP_FATE_DROP_POLICY_BLOCK);
    CHECK(r.policy == 5);
}

TEST_CASE("port: command errors by slot state, index and op", "[port]") {
    esp::HlsCard e;
    const auto p = policy(1, ESP_POL_ACT_BYPASS, a4(10, 0, 0, 0), a4(10, 0, 0, 255));
    CHECK(program_policy(e, ESP_POL_OP_WRITE, ESP_N_POLICY, p) == ESP_POL_ERR_BAD_INDEX);
    CHECK(program_policy(e, ESP_POL_OP_UPDATE, 3, p) == ESP_POL_ERR_SLOT_EMPTY);
    CHECK(pol_command(e, ESP_POL_OP_DELETE, 3) == ESP_POL_ERR_SLOT_EMPTY);
    CHECK(program_policy(e, ESP_POL_OP_WRITE, 3, p) == ESP_POL_ERR_NONE);
    CHECK(program_policy(e, ESP_POL_OP_WRITE, 3, p) == ESP_POL_ERR_SLOT_IN_USE);
    CHECK(pol_command(e, 9, 3) == ESP_POL_ERR_BAD_OP);
    CHECK(read_policy(e, 3).state_valid == 1);
    CHECK(pol_command(e, ESP_POL_OP_FLUSH, 0) == ESP_POL_ERR_NONE);
    CHECK(pol_command(e, ESP_POL_OP_READ, 3) == ESP_POL_ERR_SLOT_EMPTY);

    esp_sa_selector s{};
    s.ctrl_valid = 1;
    addr_words(a4(10, 0, 0, 9), s.src_lo);
    addr_words(a4(10, 0, 0, 1), s.src_hi); // reversed
    CHECK(program_selector(e, 4, s) == ESP_POL_ERR_BAD_PARAM);
    CHECK(program_selector(e, ESP_N_SA, esp_sa_selector{}) == ESP_POL_ERR_BAD_INDEX);
    CHECK(program_selector(e, 4, esp_sa_selector{}) == ESP_POL_ERR_NONE);

    // SOFT_RESET clears the policy table too.
    CHECK(program_policy(e, ESP_POL_OP_WRITE, 3, p) == ESP_POL_ERR_NONE);
    e.write_reg(ESP_REG_DEV_CONTROL, 1u << ESP_REG_DEV_CONTROL_SOFT_RESET_LSB);
    CHECK(pol_command(e, ESP_POL_OP_READ, 3) == ESP_POL_ERR_SLOT_EMPTY);
    CHECK(e.read_reg(ESP_REG_WIRE_MTU) == ESP_WIRE_MTU_DEFAULT);
    e.write_reg(ESP_REG_WIRE_MTU, 40); // below the IPv4 minimum: ignored
    CHECK(e.read_reg(ESP_REG_WIRE_MTU) == ESP_WIRE_MTU_DEFAULT);
}

TEST_CASE("port: ACQUIRE once per holdoff per policy and a full queue counts ACQ_LOST", "[port]") {
    esp::HlsCard e;
    e.set_port_time(0);
    e.write_reg(ESP_REG_ACQ_HOLDOFF, 1000);
    for (unsigned i = 0; i < 100; ++i) {
        auto p = policy(500 + i, ESP_POL_ACT_PROTECT, a4(10, 1, std::uint8_t(i), 0), a4(10, 1, std::uint8_t(i), 255));
        REQUIRE(program_policy(e, ESP_POL_OP_WRITE, i, p) == ESP_POL_ERR_NONE);
    }
    const Bytes f = udp_frame(a4(10, 1, 0, 5), a4(10, 2, 0, 5), 1234, 80);
    CHECK(e.frame_from_host(f).fate == ESP_FATE_DROP_ACQUIRE);
    CHECK(e.frame_from_host(f).fate == ESP_FATE_DROP_ACQUIRE);
    e.set_port_time(999);
    CHECK(e.frame_from_host(f).fate == ESP_FATE_DROP_ACQUIRE);
    CHECK(e.read_reg(ESP_REG_EVT_COUNT) == 1);
    e.set_port_time(1000);
    CHECK(e.frame_from_host(f).fate == ESP_FATE_DROP_ACQUIRE);
    CHECK(e.read_reg(ESP_REG_EVT_COUNT) == 2);
    CHECK(read_policy(e, 0).drops_lo == 4);

    // 100 policies raising at once: the ACQUIRE queue holds ACQ_QUEUE_DEPTH, the rest are lost.
    e.set_port_time(50000);
    for (unsigned i = 0; i < 100; ++i)
        e.frame_from_host(udp_frame(a4(10, 1, std::uint8_t(i), 5), a4(10, 2, 0, 5), 1234, 80));
    CHECK(e.read_reg(ESP_REG_EVT_COUNT) == ESP_ACQ_QUEUE_DEPTH);
    CHECK(e.read_reg(ESP_REG_ACQ_LOST) == 100 + 2 - ESP_ACQ_QUEUE_DEPTH);
    // Each popped ACQUIRE brings its own record, in order.
    for (unsigned n = 0; n < ESP_ACQ_QUEUE_DEPTH; ++n) {
        const std::uint32_t w = e.read_reg(ESP_REG_EVT_POP);
        const unsigned slot = (w >> ESP_EVTW_HANDLE_LSB) & ESP_EVTW_HANDLE_MASK;
        CHECK(e.read_reg(ESP_REG_ACQ_DATA + 4 * ESP_ACQ_W_POLICY_ID) == 500 + slot);
    }
    // A lost ACQUIRE is not marked raised: the next packet of that flow raises it.
    CHECK(e.frame_from_host(udp_frame(a4(10, 1, 99, 5), a4(10, 2, 0, 5), 1, 2)).fate == ESP_FATE_DROP_ACQUIRE);
    CHECK(e.read_reg(ESP_REG_EVT_COUNT) == 1);
}
