// Two protocol engines, each with its own model card behind the libespdrv
// adapter iked uses, and real ESP traffic through the Child SAs they install.
#pragma once

#include <catch2/catch.hpp>

#include "card_traffic.h"
#include "espdrv_offload.h"
#include "protocol_harness.h"

namespace ike_test {

struct CardEngines {
    std::shared_ptr<espdrv::Device> card_a = open_model_card(), card_b = open_model_card();
    std::unique_ptr<SaOffload> off_a = iked::wrap_offload(card_a, "model:a"),
                               off_b = iked::wrap_offload(card_b, "model:b");

    // Replaces the pair's engines by ones that offload to the cards.
    void attach(Pair& p, const PeerCfg& pa, const PeerCfg& pb) {
        GatewayConfig ga, gb;
        ga.peers = {pa};
        gb.peers = {pb};
        p.a = std::make_unique<Engine>(ga, p.link, off_a.get());
        p.b = std::make_unique<Engine>(gb, p.link, off_b.get());
    }
    // `n` packets of `len` bytes a -> b (or b -> a) through the installed Child SA `name`.
    Traffic a_to_b(Pair& p, int n, size_t len = 200, bool replay = false, const std::string& name = "t-p2") {
        return send(p, true, n, len, replay, name);
    }
    Traffic b_to_a(Pair& p, int n, size_t len = 200, const std::string& name = "t-p2") {
        return send(p, false, n, len, false, name);
    }

private:
    Traffic send(Pair& p, bool from_a, int n, size_t len, bool replay, const std::string& name) {
        const ChildSa* ca = Pair::child(*p.a, name);
        const ChildSa* cb = Pair::child(*p.b, name);
        REQUIRE((ca && cb && ca->offloaded() && cb->offloaded()));
        if (from_a) return push_packets(*card_a, *ca->hw_out, *card_b, *cb->hw_in, n, len, replay);
        return push_packets(*card_b, *cb->hw_out, *card_a, *ca->hw_in, n, len);
    }
};

// A pair on model cards with the Child SA `child` up, initiated by a.
struct CardPair {
    CardEngines cards; // outlives the engines, which remove their card SAs when destroyed
    Pair p;
    CardPair(const PeerCfg& pa, const PeerCfg& pb, const std::string& child = "t-p2") : p(pa, pb) {
        cards.attach(p, pa, pb);
        p.a->initiate(child, p.now);
        p.run();
        REQUIRE(Pair::child(*p.a, child));
    }
};

} // namespace ike_test
