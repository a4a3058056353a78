// Engines with model cards (libespdrv `model:`): real ESP packets go through
// the Child SAs the engines installed, and `tunnel list` (EngineControl, the
// records ikectl prints) shows what the cards counted; byte lifetimes
// (keylifekbs) end in the card's soft and hard events, which rekey and
// delete the Child SA. The tests build GatewayConfig directly, so a volume
// lifetime far below FortiOS's 5120 KB minimum keeps the packet count small
// (the config parser still enforces the minimum for iked's files).
#include <catch2/catch.hpp>
#include <sstream>

#include "card_pair.h"
#include "control_handler.h"
#include "format.h"

using namespace ike_test;
namespace ctl = ike::control;

namespace {

std::vector<ctl::ChildSaStatus> list(Pair& p, Engine& e) {
    iked::EngineControl c(
        e, [](std::vector<std::string>&) { return std::optional<GatewayConfig>(); }, [&p] { return p.now; });
    return c.list_tunnels();
}

const ctl::ChildSaStatus* find(const std::vector<ctl::ChildSaStatus>& v, const std::string& name) {
    for (const auto& s : v)
        if (s.tunnel == name && s.state == ctl::ChildSaState::established) return &s;
    return nullptr;
}

} // namespace

TEST_CASE("ike-protocol: tunnel list shows the card's counters of real ESP traffic", "[ike-protocol][card]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    for (auto* p : {&pa, &pb}) {
        p->children[0].lifetime_s = 3600;
        p->children[0].replay_window = 128;
        ChildCfg chacha = p->children[0]; // a host-path Child SA beside it
        chacha.name = "c-p2";
        chacha.suites = {*parse_esp_suite("chacha20poly1305")};
        chacha.local_ts = {*parse_ts(p == &pa ? "10.1.9.0/24" : "10.2.9.0/24")};
        chacha.remote_ts = {*parse_ts(p == &pa ? "10.2.9.0/24" : "10.1.9.0/24")};
        p->children.push_back(chacha);
    }
    CardPair cp(pa, pb);
    cp.p.a->initiate("c-p2", cp.p.now);
    cp.p.run();

    Traffic ab = cp.cards.a_to_b(cp.p, 5, 300, true); // the 5th offered twice: a replay drop at b
    Traffic ba = cp.cards.b_to_a(cp.p, 3, 1400);
    CHECK(ab.delivered == 5);
    CHECK(ab.dropped_in == 1);
    CHECK(ba.delivered == 3);
    cp.p.now += std::chrono::seconds(100);

    auto la = list(cp.p, *cp.p.a), lb = list(cp.p, *cp.p.b);
    const auto* a = find(la, "t-p2");
    const auto* b = find(lb, "t-p2");
    REQUIRE(a);
    REQUIRE(b);
    const ChildSa* ca = Pair::child(*cp.p.a, "t-p2");
    CHECK(a->spi_in == ca->spi_in);
    CHECK(a->spi_out == ca->spi_out);
    CHECK(a->spi_out == b->spi_in);
    CHECK(a->offload_handle == ca->hw_in);
    CHECK(a->offload_handle_out == ca->hw_out);
    CHECK(a->counters_kept);
    CHECK(a->proposal == "aes128gcm");
    CHECK(a->replay_window == 128);
    CHECK(a->packets_out == 5);
    CHECK(a->bytes_out == 5 * 300);
    CHECK(a->seq_out == 5);
    CHECK(a->packets_in == 3);
    CHECK(a->bytes_in == 3 * 1400);
    CHECK(a->replay_top_in == 3);
    CHECK(a->drops_in == 0);
    CHECK(b->packets_in == 5);
    CHECK(b->bytes_in == 5 * 300);
    CHECK(b->replay_top_in == 5);
    CHECK(b->drops_in == 1);
    CHECK(b->packets_out == 3);
    CHECK(b->seq_out == 3);
    CHECK(a->lifetime_s == 3600u);
    auto age = std::chrono::duration_cast<std::chrono::seconds>(cp.p.now - ca->installed_at).count();
    CHECK(age >= 100);
    CHECK(a->lifetime_left_s == uint64_t(3600 - age));
    CHECK_FALSE(a->lifetime_kb);

    const auto* host = find(la, "c-p2");
    REQUIRE(host);
    CHECK_FALSE(host->offload_handle);
    CHECK_FALSE(host->counters_kept);
    CHECK(host->packets_out == 0);

    // What ikectl prints, and the JSON it reads back.
    std::ostringstream text;
    ikectl::print_tunnels(text, la);
    INFO(text.str());
    CHECK(text.str().find("path=offload/" + std::to_string(*ca->hw_in) + "," + std::to_string(*ca->hw_out)) !=
          std::string::npos);
    CHECK(text.str().find("seqno=00000005 replaywin_lastseq=00000003") != std::string::npos);
    CHECK(text.str().find("dec: spi=" + ctl::hex_spi(ca->spi_in, 8) + " pkts/bytes=3/4200 drops=0") !=
          std::string::npos);
    CHECK(text.str().find("enc: spi=" + ctl::hex_spi(ca->spi_out, 8) + " pkts/bytes=5/1500 drops=0") !=
          std::string::npos);
    CHECK(text.str().find("life: timeout=" + std::to_string(3600 - age) + "/3600 kb=-") != std::string::npos);
    CHECK(text.str().find("path=host") != std::string::npos);
    CHECK(text.str().find("counters=not-kept") != std::string::npos);
    for (const auto& s : la) CHECK(ctl::child_sa_from_json(ctl::to_json(s)) == s);
}

TEST_CASE("ike-protocol: keylifekbs soft limit on the card rekeys the Child SA", "[ike-protocol][card]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    for (auto* p : {&pa, &pb}) { // keylife-type both: 16 KB or an hour
        p->children[0].lifetime_s = 3600;
        p->children[0].lifetime_kb = 16;
    }
    CardPair cp(pa, pb);
    const ChildSa* first = Pair::child(*cp.p.a, "t-p2");
    REQUIRE(first);
    uint32_t old_spi = first->spi_in;

    auto la = list(cp.p, *cp.p.a);
    REQUIRE(find(la, "t-p2"));
    CHECK(find(la, "t-p2")->lifetime_kb == 16u);
    CHECK(find(la, "t-p2")->lifetime_left_kb == 16u);

    // 14 x 1000 bytes: below a's soft limit (90 % of 16384 = 14745), no rekey.
    CHECK(cp.cards.a_to_b(cp.p, 14, 1000).delivered == 14);
    cp.p.run();
    REQUIRE(Pair::child(*cp.p.a, "t-p2"));
    CHECK(Pair::child(*cp.p.a, "t-p2")->spi_in == old_spi);
    la = list(cp.p, *cp.p.a);
    CHECK(find(la, "t-p2")->lifetime_left_kb == 16u - 14000u / 1024);

    // The 15th crosses a's outbound soft limit (b's inbound one, 95 %, not yet).
    CHECK(cp.cards.a_to_b(cp.p, 1, 1000).delivered == 1);
    cp.p.run();
    const ChildSa* now_a = Pair::child(*cp.p.a, "t-p2");
    const ChildSa* now_b = Pair::child(*cp.p.b, "t-p2");
    REQUIRE(now_a);
    REQUIRE(now_b);
    CHECK(now_a->spi_in != old_spi);
    CHECK(now_a->offloaded());
    CHECK(Pair::count_children(*cp.p.a) == 1); // the old one is deleted
    CHECK(Pair::count_children(*cp.p.b) == 1);
    CHECK(now_a->spi_out == now_b->spi_in);
    // The new SA carries traffic with fresh counters.
    CHECK(cp.cards.a_to_b(cp.p, 2, 500).delivered == 2);
    la = list(cp.p, *cp.p.a);
    CHECK(find(la, "t-p2")->packets_out == 2);
}

TEST_CASE("ike-protocol: keylifekbs hard limit on the card deletes the Child SA", "[ike-protocol][card]") {
    auto pa = make_peer("t", true), pb = make_peer("t", false);
    for (auto* p : {&pa, &pb}) { // keylife-type kbs: no time limit
        p->children[0].lifetime_s = 0;
        p->children[0].lifetime_kb = 8;
    }
    CardPair cp(pa, pb);
    REQUIRE(Pair::child(*cp.p.a, "t-p2"));
    auto la = list(cp.p, *cp.p.a);
    CHECK_FALSE(find(la, "t-p2")->lifetime_s);

    // One burst past the hard limit (8192 bytes) before the engines look:
    // the card stops the SA, the engines delete it rather than rekey.
    Traffic t = cp.cards.a_to_b(cp.p, 12, 1000);
    CHECK(t.delivered == 9); // 9000 bytes reach the limit; the rest is refused
    CHECK(t.dropped_out == 3);
    cp.p.run();
    CHECK(Pair::count_children(*cp.p.a) == 0);
    CHECK(Pair::count_children(*cp.p.b) == 0);
    CHECK(Pair::ike(*cp.p.a)); // the IKE SA stays
    la = list(cp.p, *cp.p.a);
    CHECK(la.size() == 1);
    CHECK(la[0].state == ctl::ChildSaState::down);
}
