#include "config_adapter.h"

#include <boost/asio/ip/address.hpp>

#include "config/certificates.h"

namespace iked {

using namespace ike::sa;

namespace {

boost::asio::ip::address to_addr(const ike::config::IpAddress& a) {
    if (a.v6) return boost::asio::ip::address_v6(a.bytes);
    boost::asio::ip::address_v4::bytes_type b{a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]};
    return boost::asio::ip::address_v4(b);
}

Ts to_ts(const ike::config::TrafficSelector& t) {
    Ts s;
    s.v6 = t.v6();
    s.proto = t.ip_proto;
    s.port_lo = t.start_port;
    s.port_hi = t.end_port;
    s.lo = t.start_addr;
    s.hi = t.end_addr;
    return s;
}

} // namespace

GatewayConfig to_gateway_config(const ike::config::Config& c, std::vector<std::string>& notes) {
    GatewayConfig g;
    for (const auto& p1 : c.phase1) {
        PeerCfg p;
        p.name = p1.name;
        p.dynamic = p1.type == ike::config::Phase1Type::dynamic;
        p.mesh = p1.mesh_selector_type == ike::config::MeshSelectorType::subnet ? MeshSelector::subnet
                 : p1.mesh_selector_type == ike::config::MeshSelectorType::host ? MeshSelector::host
                                                                                : MeshSelector::disable;
        if (p.mesh == MeshSelector::host)
            notes.push_back(p1.name + ": mesh-selector-type host not implemented, negotiated as disable");
        if (const auto& r = p1.remote_gateway()) p.remote_addr = to_addr(*r);
        if (const auto& l = p1.local_gateway()) p.local_addr = to_addr(*l);
        const std::string& psk = p1.psksecret.reveal();
        p.psk = Secret(Bytes(psk.begin(), psk.end()));
        for (const auto& pr : p1.proposal) {
            Suite s{pr.encr, pr.key_bits, pr.integ, pr.prf};
            if (!encr_supported(s.encr, s.key_bits) || !prf_supported(s.prf) ||
                (s.integ != AUTH_NONE && !integ_supported(s.integ))) {
                notes.push_back(p1.name + ": IKE proposal " + std::string(pr.name) + " not supported, skipped");
                continue;
            }
            p.suites.push_back(s);
        }
        for (uint16_t grp : p1.dhgrp) {
            if (dh_supported(grp))
                p.dh_groups.push_back(grp);
            else
                notes.push_back(p1.name + ": DH group " + std::to_string(grp) + " not supported, skipped");
        }
        p.local_id = p1.localid;
        p.peer_id = p1.peerid;
        if (p1.authmethod == ike::config::AuthMethod::signature) {
            p.credentials = ike::config::load_credentials(c, p1);
            p.local_id_dn = p1.localid_type == ike::config::LocalIdType::asn1dn;
            // With certificates FortiOS checks peerid only for peertype one.
            if (p1.peertype != ike::config::PeerType::one) p.peer_id.clear();
        }
        p.ike_lifetime_s = p1.keylife; // IKE SA rekey (task_ike_rekey.cpp)
        p.dpd = p1.dpd == ike::config::DpdMode::disable   ? DpdMode::disable
                : p1.dpd == ike::config::DpdMode::on_idle ? DpdMode::on_idle
                                                          : DpdMode::on_demand;
        p.dpd_interval_s = p1.dpd_retryinterval;
        p.dpd_retries = p1.dpd_retrycount;
        p.natt_keepalive_s = p1.nattraversal == ike::config::NatTraversal::disable ? 0 : p1.keepalive;
        p.natt_forced = p1.nattraversal == ike::config::NatTraversal::forced;
        p.fragmentation = p1.fragmentation;
        p.fragmentation_mtu = p1.fragmentation_mtu;
        p.negotiate_timeout_s = p1.negotiate_timeout;
        for (const auto* p2 : c.phase2_of(p1.name)) {
            ChildCfg ch;
            ch.name = p2->name;
            for (const auto& pr : p2->proposal) {
                Suite s{pr.encr, pr.key_bits, pr.integ, 0};
                if (!encr_supported(s.encr, s.key_bits) || (s.integ != AUTH_NONE && !integ_supported(s.integ))) {
                    notes.push_back(p2->name + ": ESP proposal " + std::string(pr.name) + " not supported, skipped");
                    continue;
                }
                ch.suites.push_back(s);
            }
            ch.pfs = p2->pfs;
            for (uint16_t grp : p2->dhgrp)
                if (dh_supported(grp)) ch.dh_groups.push_back(grp);
            ch.esn = p2->replay;
            ch.replay_window = p2->effective_replay_window();
            ch.auto_negotiate = p2->auto_negotiate;
            ch.transport = p2->encapsulation == ike::config::Encapsulation::transport_mode;
            ch.local_ts = {to_ts(p2->local_ts)};
            ch.remote_ts = {to_ts(p2->remote_ts)};
            // keylife-type: seconds, kbs or both (whichever limit comes first).
            ch.lifetime_s = p2->uses_seconds() ? p2->keylifeseconds : 0;
            ch.lifetime_kb = p2->uses_kbs() ? p2->keylifekbs : 0;
            ch.keepalive = p2->keepalive;
            // phase1: FortiOS's phase1 add-route, enabled by default (not in our phase1 model).
            ch.add_route = p2->add_route != ike::config::AddRoute::disable;
            p.children.push_back(std::move(ch));
        }
        g.peers.push_back(std::move(p));
    }
    return g;
}

} // namespace iked
