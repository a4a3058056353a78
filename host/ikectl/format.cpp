#include "format.h"

#include <ostream>

namespace ikectl {

namespace {

using namespace ike::control;

// "proto:first-last:port_lo-port_hi" like FortiOS's "0:10.1.0.0/255.255.255.0:0".
void print_selectors(std::ostream& os, const char* label, const std::vector<ike::config::TrafficSelector>& list) {
    if (list.empty()) os << "  " << label << ": (none)\n";
    for (const auto& ts : list)
        os << "  " << label << ": " << unsigned(ts.ip_proto) << ':' << ts.start().to_string() << '-'
           << ts.end().to_string() << ':' << ts.start_port << '-' << ts.end_port << '\n';
}

std::string left_of(const std::optional<uint64_t>& left, const std::optional<uint64_t>& total) {
    if (!left) return "-";
    return std::to_string(*left) + "/" + (total ? std::to_string(*total) : std::string("-"));
}

// " (replay=3 auth_fail=1)" for the reasons that counted; "" when none did.
std::string drop_reasons(const std::vector<std::pair<std::string, uint64_t>>& by) {
    std::string out;
    for (const auto& [reason, n] : by) out += (out.empty() ? " (" : " ") + reason + "=" + std::to_string(n);
    return out.empty() ? out : out + ")";
}

} // namespace

void print_tunnels(std::ostream& os, const std::vector<ChildSaStatus>& tunnels) {
    os << "list all ipsec tunnel (" << tunnels.size() << ")\n";
    for (const auto& t : tunnels) {
        os << "------------------------------------------------------\n";
        os << "name=" << t.tunnel << " phase1=" << t.phase1 << " state=" << to_string(t.state);
        if (t.state == ChildSaState::down) {
            os << '\n';
            print_selectors(os, "src", t.local_ts);
            print_selectors(os, "dst", t.remote_ts);
            continue;
        }
        os << " path=";
        if (t.offload_handle)
            os << "offload/" << *t.offload_handle
               << (t.offload_handle_out ? "," + std::to_string(*t.offload_handle_out) : std::string());
        else
            os << "host"; // the host path; counters=not-kept below when it did not take the SA either
        os << '\n';
        print_selectors(os, "src", t.local_ts);
        print_selectors(os, "dst", t.remote_ts);
        os << "  SA: proposal=" << t.proposal << " esn=" << (t.esn ? 1 : 0) << " replaywin=" << t.replay_window;
        if (t.offload_handle || t.host_path)
            os << " seqno=" << hex_spi(t.seq_out, 8) << " replaywin_lastseq=" << hex_spi(t.replay_top_in, 8);
        os << '\n';
        if (!t.routes.empty()) {
            os << "  routes:";
            for (const auto& r : t.routes) os << ' ' << r;
            os << '\n';
        }
        os << "  life: timeout=" << left_of(t.lifetime_left_s, t.lifetime_s)
           << " kb=" << left_of(t.lifetime_left_kb, t.lifetime_kb) << '\n';
        if (!t.offload_handle && !t.host_path) {
            // Neither the card nor the host path runs this SA: nothing counts its packets.
            os << "  dec: spi=" << hex_spi(t.spi_in, 8) << " counters=not-kept\n";
            os << "  enc: spi=" << hex_spi(t.spi_out, 8) << " counters=not-kept\n";
            continue;
        }
        os << "  dec: spi=" << hex_spi(t.spi_in, 8) << " pkts/bytes=" << t.packets_in << '/' << t.bytes_in
           << (t.counters_kept ? " drops=" + std::to_string(t.drops_in) + drop_reasons(t.drops_in_by) : std::string())
           << '\n';
        os << "  enc: spi=" << hex_spi(t.spi_out, 8) << " pkts/bytes=" << t.packets_out << '/' << t.bytes_out
           << (t.counters_kept ? " drops=" + std::to_string(t.drops_out) + drop_reasons(t.drops_out_by) : std::string())
           << '\n';
    }
}

void print_gateways(std::ostream& os, const std::vector<IkeSaStatus>& gateways) {
    bool first = true;
    for (const auto& g : gateways) {
        if (!first) os << '\n';
        first = false;
        auto endpoint = [](const ike::config::IpAddress& a, uint16_t port) {
            return a.v6 ? "[" + a.to_string() + "]:" + std::to_string(port)
                        : a.to_string() + ":" + std::to_string(port);
        };
        os << "name: " << g.name << '\n'
           << "version: 2\n"
           << "addr: " << endpoint(g.local_addr, g.local_port) << " -> " << endpoint(g.peer_addr, g.peer_port) << '\n'
           << "created: " << g.age_s << "s ago\n"
           << "  id/spi: " << hex_spi(g.spi_i, 16) << '/' << hex_spi(g.spi_r, 16) << '\n'
           << "  direction: " << (g.initiator ? "initiator" : "responder") << '\n'
           << "  status: " << to_string(g.state) << '\n'
           << "  proposal: " << g.proposal << " dh-group=" << g.dh_group << '\n'
           << "  lifetime/rekey: " << (g.lifetime_left_s ? std::to_string(*g.lifetime_left_s) + "s" : "-") << '\n'
           << "  nat: " << (g.nat_detected ? "detected" : "none") << '\n'
           << "  child: " << g.child_sas << '\n';
    }
    if (gateways.empty()) os << "no IKE SA\n";
}

} // namespace ikectl
