#include "config/options.h"

namespace ike::config {

namespace {

std::optional<bool> read_dhcp_ipsec(ValueReader& r) {
    auto v = enable_disable()(r);
    if (v && *v) {
        r.error(r.values()[0].pos,
                "dhcp-ipsec enable is not supported (FortiOS offers it for policy-based VPNs "
                "only; iked has route-based tunnels); valid: disable");
        return std::nullopt;
    }
    return v;
}

// The selector options of one side: "src" or "dst".
void add_side(std::vector<OptionSpec<Phase2>>& t, const std::string& side, SelectorSpec Phase2::*member) {
    using S = SelectorSpec;
    t.push_back(option<Phase2>(side + "-addr-type", nested(member, &S::type), enum_value<AddrType>()));
    t.push_back(option<Phase2>(side + "-subnet", nested(member, &S::subnet), subnet4()));
    t.push_back(option<Phase2>(side + "-subnet6", nested(member, &S::subnet6), subnet6()));
    t.push_back(option<Phase2>(side + "-start-ip", nested(member, &S::start_ip), address(false)));
    t.push_back(option<Phase2>(side + "-end-ip", nested(member, &S::end_ip), address(false)));
    t.push_back(option<Phase2>(side + "-start-ip6", nested(member, &S::start_ip6), address(true)));
    t.push_back(option<Phase2>(side + "-end-ip6", nested(member, &S::end_ip6), address(true)));
    t.push_back(option<Phase2>(side + "-name", nested(member, &S::name), text()));
    t.push_back(option<Phase2>(side + "-name6", nested(member, &S::name6), text()));
    t.push_back(option<Phase2>(side + "-port", nested(member, &S::port), number_in<uint16_t>(0, 65535)));
}

std::vector<OptionSpec<Phase2>> make_table() {
    using P = Phase2;
    std::vector<OptionSpec<P>> t{
        option<P>("phase1name", &P::phase1name, text()),
        option<P>(
            "proposal", &P::proposal,
            [](ValueReader& r) { return read_word_list<EspProposal>(r, find_esp_proposal, esp_proposal_names()); }),
        option<P>("pfs", &P::pfs, enable_disable()),
        option<P>("dhgrp", &P::dhgrp, read_dh_groups),
        option<P>("replay", &P::replay, enable_disable()),
        option<P>("replay-window", &P::replay_window, number_in<uint32_t>(32, 4096)),
        option<P>("keepalive", &P::keepalive, enable_disable()),
        option<P>("auto-negotiate", &P::auto_negotiate, enable_disable()),
        option<P>("add-route", &P::add_route, enum_value<AddRoute>()),
        option<P>("keylife-type", &P::keylife_type, enum_value<KeylifeType>()),
        option<P>("keylifeseconds", &P::keylifeseconds, number_in<uint32_t>(120, 172800)),
        option<P>("keylifekbs", &P::keylifekbs, number_in<uint64_t>(5120, 4294967295ull)),
        option<P>("encapsulation", &P::encapsulation, enum_value<Encapsulation>()),
        option<P>("protocol", &P::protocol, number_in<uint8_t>(0, 255)),
        option<P>("initiator-ts-narrow", &P::initiator_ts_narrow, enable_disable()),
        option<P>("dhcp-ipsec", &P::dhcp_ipsec, read_dhcp_ipsec),
        option<P>("single-source", &P::single_source, enable_disable()),
        option<P>("route-overlap", &P::route_overlap, enum_value<RouteOverlap>()),
        option<P>("ipv4-df", &P::ipv4_df, enable_disable()),
        option<P>("comments", &P::comments, text()),
    };
    add_side(t, "src", &P::src);
    add_side(t, "dst", &P::dst);
    return t;
}

} // namespace

std::span<const OptionSpec<Phase2>> phase2_options() {
    static const std::vector<OptionSpec<Phase2>> table = make_table();
    return table;
}

} // namespace ike::config
