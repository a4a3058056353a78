// Checks that need a whole entry or the whole file: required options,
// references between tables, ranges, address families; then turns each
// phase2's selectors into IKEv2 traffic selectors.
#include <set>

#include "config/certificates.h"
#include "config/parser.h"

namespace ike::config {

namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

void check_range(const std::optional<IpAddress>& start, const std::optional<IpAddress>& end, const Origin& o,
                 std::string_view start_name, std::string_view end_name, Reporter& report) {
    if (start && end && *end < *start)
        report.error(o.where(end_name), std::string(end_name) + " " + end->to_string() + " is below " +
                                            std::string(start_name) + " " + start->to_string());
}

void validate_phase1(const Phase1& p, Reporter& report) {
    const Origin& o = p.origin;
    std::string who = "phase1-interface " + quoted(p.name);
    if (p.interface.empty()) report.error(o.defined_at, who + ": interface is required");
    if (p.authmethod == AuthMethod::psk && p.psksecret.empty())
        report.error(o.defined_at, who + ": psksecret is required (authmethod psk)");
    if (p.proposal.empty()) report.error(o.defined_at, who + ": proposal is required; valid: " + ike_proposal_names());
    bool v6 = p.ip_version == IpVersion::v6;
    const char* remote_name = v6 ? "remote-gw6" : "remote-gw";
    if (p.type == Phase1Type::static_gw && !p.remote_gateway())
        report.error(o.defined_at, who + ": " + remote_name + " is required for type static (ip-version " +
                                       std::string(to_string(p.ip_version)) + ")");
    // Options of the other family are a mistake: the gateway would be ignored.
    static const char* const v4_options[] = {"local-gw", "remote-gw"};
    static const char* const v6_options[] = {"local-gw6", "remote-gw6"};
    for (const char* other : v6 ? v4_options : v6_options)
        if (o.is_set(other))
            report.error(o.where(other),
                         std::string(other) + " does not match ip-version " + std::string(to_string(p.ip_version)));
    if (p.type == Phase1Type::dynamic && o.is_set(remote_name))
        report.warning(o.where(remote_name), std::string(remote_name) + " is ignored for type dynamic");
    if (p.mode_cfg && p.type != Phase1Type::dynamic)
        report.error(o.where("mode-cfg"), "mode-cfg requires type dynamic (dial-up)");
    if (p.mode_cfg && p.assign_ip && (!p.ipv4_start_ip || !p.ipv4_end_ip))
        report.error(o.where("mode-cfg"), "mode-cfg with assign-ip needs ipv4-start-ip and ipv4-end-ip");
    check_range(p.ipv4_start_ip, p.ipv4_end_ip, o, "ipv4-start-ip", "ipv4-end-ip", report);
    if (p.mesh_selector_type != MeshSelectorType::disable && p.type != Phase1Type::dynamic)
        report.error(o.where("mesh-selector-type"), "mesh-selector-type requires type dynamic (dial-up)");
    if (!p.fragmentation && o.is_set("fragmentation-mtu"))
        report.warning(o.where("fragmentation-mtu"), "fragmentation-mtu is ignored: fragmentation is disabled");
}

// phase2 options iked reads but whose FortiOS behaviour it does not have:
// said at load, so that no setting is silently without effect.
void warn_not_implemented(const Phase2& p, Reporter& report) {
    const Origin& o = p.origin;
    if (o.is_set("initiator-ts-narrow") && !p.initiator_ts_narrow)
        report.warning(o.where("initiator-ts-narrow"),
                       "initiator-ts-narrow disable is not implemented: as initiator iked accepts selectors the "
                       "responder narrowed (as with enable)");
    if (p.single_source)
        report.warning(o.where("single-source"),
                       "single-source enable is not implemented: any source address within the selectors is used");
    if (o.is_set("route-overlap") && p.route_overlap != RouteOverlap::allow)
        report.warning(o.where("route-overlap"), "route-overlap " + std::string(to_string(p.route_overlap)) +
                                                     " is not implemented: overlapping routes of phase2s are all "
                                                     "kept (as with allow)");
    if (p.ipv4_df)
        report.warning(o.where("ipv4-df"),
                       "ipv4-df enable is not implemented: the accelerator clears DF in the outer IPv4 header");
}

// The option names of one side, e.g. "src-start-ip".
std::string opt(std::string_view side, std::string_view suffix) {
    return std::string(side) + "-" + std::string(suffix);
}

// Resolves one side to a traffic selector; nullopt after reporting an error.
std::optional<TrafficSelector> resolve_side(const Config& config, const Phase2& p, const SelectorSpec& s,
                                            std::string_view side, Reporter& report) {
    const Origin& o = p.origin;
    auto ts = [&](const IpAddress& first, const IpAddress& last) {
        return TrafficSelector::from_range(first, last, p.protocol, s.port);
    };
    auto require = [&](const std::optional<IpAddress>& a, std::string_view suffix) {
        if (!a)
            report.error(o.where(opt(side, "addr-type")), opt(side, suffix) + " is required for " +
                                                              opt(side, "addr-type") + " " +
                                                              std::string(to_string(s.type)));
        return a.has_value();
    };
    switch (s.type) {
        case AddrType::subnet:
            return ts(s.subnet.network(), s.subnet.last());
        case AddrType::subnet6:
            return ts(s.subnet6.network(), s.subnet6.last());
        case AddrType::ip:
            if (!require(s.start_ip, "start-ip")) return std::nullopt;
            return ts(*s.start_ip, *s.start_ip);
        case AddrType::ip6:
            if (!require(s.start_ip6, "start-ip6")) return std::nullopt;
            return ts(*s.start_ip6, *s.start_ip6);
        case AddrType::range:
        case AddrType::range6: {
            bool v6 = s.type == AddrType::range6;
            const auto& start = v6 ? s.start_ip6 : s.start_ip;
            const auto& end = v6 ? s.end_ip6 : s.end_ip;
            bool ok = require(start, v6 ? "start-ip6" : "start-ip");
            ok = require(end, v6 ? "end-ip6" : "end-ip") && ok;
            if (!ok) return std::nullopt;
            if (*end < *start) {
                check_range(start, end, o, opt(side, v6 ? "start-ip6" : "start-ip"),
                            opt(side, v6 ? "end-ip6" : "end-ip"), report);
                return std::nullopt;
            }
            return ts(*start, *end);
        }
        case AddrType::name:
        case AddrType::name6: {
            bool v6 = s.type == AddrType::name6;
            std::string option = opt(side, v6 ? "name6" : "name");
            const std::string& name = v6 ? s.name6 : s.name;
            if (name.empty()) {
                report.error(o.where(opt(side, "addr-type")), option + " is required for " + opt(side, "addr-type") +
                                                                  " " + std::string(to_string(s.type)));
                return std::nullopt;
            }
            const FirewallAddress* a = config.find_address(name, v6);
            if (!a) {
                report.error(o.where(option), "unknown firewall " + std::string(v6 ? "address6 " : "address ") +
                                                  quoted(name) + " (define it in config firewall " +
                                                  (v6 ? "address6)" : "address)"));
                return std::nullopt;
            }
            if (a->kind == FirewallAddress::Kind::subnet) return ts(a->subnet.network(), a->subnet.last());
            if (!a->start_ip || !a->end_ip || *a->end_ip < *a->start_ip)
                return std::nullopt; // reported with the address itself
            return ts(*a->start_ip, *a->end_ip);
        }
    }
    return std::nullopt;
}

// Whether an addr-type reads the selector option with this suffix.
bool type_uses(AddrType t, std::string_view suffix) {
    using enum AddrType;
    if (suffix == "subnet") return t == subnet;
    if (suffix == "subnet6") return t == subnet6;
    if (suffix == "start-ip") return t == range || t == ip;
    if (suffix == "end-ip") return t == range;
    if (suffix == "start-ip6") return t == range6 || t == ip6;
    if (suffix == "end-ip6") return t == range6;
    if (suffix == "name") return t == name;
    return suffix == "name6" && t == name6;
}

// Options of a side that its addr-type does not use: likely a mistake.
void warn_unused(const Phase2& p, const SelectorSpec& s, std::string_view side, Reporter& report) {
    for (const char* suffix : {"subnet", "subnet6", "start-ip", "end-ip", "start-ip6", "end-ip6", "name", "name6"}) {
        std::string option = opt(side, suffix);
        if (!type_uses(s.type, suffix) && p.origin.is_set(option))
            report.warning(p.origin.where(option),
                           option + " is ignored: " + opt(side, "addr-type") + " is " + std::string(to_string(s.type)));
    }
}

void validate_phase2(const Config& config, Phase2& p, Reporter& report) {
    const Origin& o = p.origin;
    std::string who = "phase2-interface " + quoted(p.name);
    if (p.phase1name.empty()) {
        report.error(o.defined_at, who + ": phase1name is required");
    } else if (!config.find_phase1(p.phase1name)) {
        std::string known;
        for (const auto& p1 : config.phase1) known += " " + p1.name;
        report.error(o.where("phase1name"), "unknown phase1 " + quoted(p.phase1name) +
                                                "; defined:" + (known.empty() ? std::string(" (none)") : known));
    }
    if (is_ipv6(p.src.type) != is_ipv6(p.dst.type)) {
        std::string_view at = o.is_set("dst-addr-type") ? "dst-addr-type" : "src-addr-type";
        report.error(o.where(at), "src-addr-type " + std::string(to_string(p.src.type)) + " and dst-addr-type " +
                                      std::string(to_string(p.dst.type)) +
                                      " mix IPv4 and IPv6; both selectors must be of one family");
    }
    if (!p.pfs && o.is_set("dhgrp")) report.warning(o.where("dhgrp"), "dhgrp is ignored: pfs is disabled");
    if (!p.replay && o.is_set("replay-window"))
        report.warning(o.where("replay-window"), "replay-window is ignored: replay is disabled");
    warn_unused(p, p.src, "src", report);
    warn_unused(p, p.dst, "dst", report);
    warn_not_implemented(p, report);
    auto local = resolve_side(config, p, p.src, "src", report);
    auto remote = resolve_side(config, p, p.dst, "dst", report);
    if (local) p.local_ts = *local;
    if (remote) p.remote_ts = *remote;
}

void validate_address(const FirewallAddress& a, Reporter& report) {
    std::string table = a.v6 ? "firewall address6 " : "firewall address ";
    if (a.kind != FirewallAddress::Kind::range) return;
    if (!a.start_ip || !a.end_ip)
        report.error(a.origin.where("type"), table + quoted(a.name) + ": type iprange needs start-ip and end-ip");
    check_range(a.start_ip, a.end_ip, a.origin, "start-ip", "end-ip", report);
}

} // namespace

void validate(Config& config, Reporter& report) {
    validate_certificates(config, report);
    for (const auto& a : config.addresses) validate_address(a, report);
    for (const auto& p : config.phase1) validate_phase1(p, report);
    for (auto& p : config.phase2) validate_phase2(config, p, report);
}

} // namespace ike::config
