#include "control/records.h"

#include <charconv>
#include <cstdio>
#include <limits>

namespace ike::control {

namespace {

constexpr std::string_view child_states[] = {"down", "connecting", "established", "rekeying", "deleting"};
constexpr std::string_view ike_states[] = {"connecting", "established", "rekeying", "deleting"};

template <class E, size_t N>
E state_from(const Json& j, const std::string_view (&names)[N]) {
    const std::string& s = j.as_string();
    for (size_t k = 0; k < N; ++k)
        if (names[k] == s) return static_cast<E>(k);
    throw JsonError("unknown state '" + s + "'");
}

uint64_t spi_from(const Json& j, int digits) {
    const std::string& s = j.as_string();
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
    if (s.empty() || s.size() > size_t(digits) || ec != std::errc{} || p != s.data() + s.size())
        throw JsonError("bad SPI '" + s + "'");
    return v;
}

config::IpAddress address_from(const Json& j) {
    auto a = config::IpAddress::parse(j.as_string());
    if (!a) throw JsonError("bad address '" + j.as_string() + "'");
    return *a;
}

Json optional_u64(const std::optional<uint64_t>& v) { return v ? Json(*v) : Json(); }
std::optional<uint64_t> optional_u64_from(const Json& j) {
    return j.is_null() ? std::nullopt : std::optional<uint64_t>(j.as_u64());
}

template <class T>
T narrow(const Json& j, const char* what) {
    uint64_t v = j.as_u64();
    if (v > std::numeric_limits<T>::max()) throw JsonError(std::string(what) + " out of range");
    return static_cast<T>(v);
}

Json selectors(const std::vector<config::TrafficSelector>& list) {
    Json a = Json::array();
    for (const auto& ts : list) a.push_back(to_json(ts));
    return a;
}

std::vector<config::TrafficSelector> selectors_from(const Json& j) {
    std::vector<config::TrafficSelector> list;
    for (const auto& e : j.as_array()) list.push_back(traffic_selector_from_json(e));
    return list;
}

} // namespace

std::string_view to_string(ChildSaState s) { return child_states[static_cast<size_t>(s)]; }
std::string_view to_string(IkeSaState s) { return ike_states[static_cast<size_t>(s)]; }

std::string hex_spi(uint64_t spi, int digits) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(spi));
    return buf;
}

Json to_json(const config::TrafficSelector& ts) {
    Json j = Json::object();
    j.set("ts_type", ts.ts_type);
    j.set("ip_proto", ts.ip_proto);
    j.set("start_port", ts.start_port);
    j.set("end_port", ts.end_port);
    j.set("start_addr", ts.start().to_string());
    j.set("end_addr", ts.end().to_string());
    return j;
}

config::TrafficSelector traffic_selector_from_json(const Json& j) {
    config::TrafficSelector ts;
    ts.ts_type = narrow<uint8_t>(j.at("ts_type"), "ts_type");
    if (ts.ts_type != ts.TS_IPV4_ADDR_RANGE && ts.ts_type != ts.TS_IPV6_ADDR_RANGE) throw JsonError("bad ts_type");
    ts.ip_proto = narrow<uint8_t>(j.at("ip_proto"), "ip_proto");
    ts.start_port = narrow<uint16_t>(j.at("start_port"), "start_port");
    ts.end_port = narrow<uint16_t>(j.at("end_port"), "end_port");
    auto start = address_from(j.at("start_addr"));
    auto end = address_from(j.at("end_addr"));
    if (start.v6 != ts.v6() || end.v6 != ts.v6()) throw JsonError("address family does not match ts_type");
    ts.start_addr = start.bytes;
    ts.end_addr = end.bytes;
    return ts;
}

Json to_json(const ChildSaStatus& s) {
    Json j = Json::object();
    j.set("tunnel", s.tunnel);
    j.set("phase1", s.phase1);
    j.set("state", to_string(s.state));
    j.set("local_ts", selectors(s.local_ts));
    j.set("remote_ts", selectors(s.remote_ts));
    j.set("spi_in", hex_spi(s.spi_in, 8));
    j.set("spi_out", hex_spi(s.spi_out, 8));
    j.set("proposal", s.proposal);
    j.set("esn", s.esn);
    j.set("replay_window", s.replay_window);
    j.set("seq_out", s.seq_out);
    j.set("replay_top_in", s.replay_top_in);
    j.set("bytes_in", s.bytes_in);
    j.set("bytes_out", s.bytes_out);
    j.set("packets_in", s.packets_in);
    j.set("packets_out", s.packets_out);
    j.set("lifetime_left_s", optional_u64(s.lifetime_left_s));
    j.set("lifetime_s", optional_u64(s.lifetime_s));
    j.set("lifetime_left_kb", optional_u64(s.lifetime_left_kb));
    j.set("lifetime_kb", optional_u64(s.lifetime_kb));
    j.set("offload_handle", s.offload_handle ? Json(*s.offload_handle) : Json());
    j.set("offload_handle_out", s.offload_handle_out ? Json(*s.offload_handle_out) : Json());
    j.set("path", s.offload_handle ? "offload" : "host");
    j.set("host_path", s.host_path);
    j.set("counters_kept", s.counters_kept);
    j.set("drops_in", s.drops_in);
    j.set("drops_out", s.drops_out);
    for (const auto* by : {&s.drops_in_by, &s.drops_out_by}) {
        Json o = Json::object();
        for (const auto& [reason, n] : *by) o.set(reason, n);
        j.set(by == &s.drops_in_by ? "drops_in_by" : "drops_out_by", std::move(o));
    }
    Json routes = Json::array();
    for (const auto& r : s.routes) routes.push_back(r);
    j.set("routes", std::move(routes));
    return j;
}

ChildSaStatus child_sa_from_json(const Json& j) {
    ChildSaStatus s;
    s.tunnel = j.at("tunnel").as_string();
    s.phase1 = j.at("phase1").as_string();
    s.state = state_from<ChildSaState>(j.at("state"), child_states);
    s.local_ts = selectors_from(j.at("local_ts"));
    s.remote_ts = selectors_from(j.at("remote_ts"));
    s.spi_in = static_cast<uint32_t>(spi_from(j.at("spi_in"), 8));
    s.spi_out = static_cast<uint32_t>(spi_from(j.at("spi_out"), 8));
    s.proposal = j.at("proposal").as_string();
    s.esn = j.at("esn").as_bool();
    s.replay_window = narrow<uint32_t>(j.at("replay_window"), "replay_window");
    s.seq_out = j.at("seq_out").as_u64();
    s.replay_top_in = j.at("replay_top_in").as_u64();
    s.bytes_in = j.at("bytes_in").as_u64();
    s.bytes_out = j.at("bytes_out").as_u64();
    s.packets_in = j.at("packets_in").as_u64();
    s.packets_out = j.at("packets_out").as_u64();
    s.lifetime_left_s = optional_u64_from(j.at("lifetime_left_s"));
    s.lifetime_s = optional_u64_from(j.at("lifetime_s"));
    s.lifetime_left_kb = optional_u64_from(j.at("lifetime_left_kb"));
    s.lifetime_kb = optional_u64_from(j.at("lifetime_kb"));
    const Json& h = j.at("offload_handle");
    if (!h.is_null()) s.offload_handle = narrow<uint32_t>(h, "offload_handle");
    // Fields added later: absent in records of older daemons.
    if (const Json* o = j.find("offload_handle_out"); o && !o->is_null())
        s.offload_handle_out = narrow<uint32_t>(*o, "offload_handle_out");
    if (const Json* k = j.find("counters_kept")) s.counters_kept = k->as_bool();
    if (const Json* d = j.find("drops_in")) s.drops_in = d->as_u64();
    if (const Json* d = j.find("drops_out")) s.drops_out = d->as_u64();
    if (const Json* h = j.find("host_path")) s.host_path = h->as_bool();
    for (auto* by : {&s.drops_in_by, &s.drops_out_by})
        if (const Json* o = j.find(by == &s.drops_in_by ? "drops_in_by" : "drops_out_by"))
            for (const auto& [reason, n] : o->as_object()) by->emplace_back(reason, n.as_u64());
    if (const Json* r = j.find("routes"))
        for (const auto& e : r->as_array()) s.routes.push_back(e.as_string());
    return s;
}

Json to_json(const IkeSaStatus& s) {
    Json j = Json::object();
    j.set("name", s.name);
    j.set("state", to_string(s.state));
    j.set("local_addr", s.local_addr.to_string());
    j.set("local_port", s.local_port);
    j.set("peer_addr", s.peer_addr.to_string());
    j.set("peer_port", s.peer_port);
    j.set("spi_i", hex_spi(s.spi_i, 16));
    j.set("spi_r", hex_spi(s.spi_r, 16));
    j.set("role", s.initiator ? "initiator" : "responder");
    j.set("proposal", s.proposal);
    j.set("dh_group", s.dh_group);
    j.set("age_s", s.age_s);
    j.set("lifetime_left_s", optional_u64(s.lifetime_left_s));
    j.set("nat_detected", s.nat_detected);
    j.set("child_sas", s.child_sas);
    return j;
}

Json to_json(const ActionResult& r) {
    Json j = Json::object();
    j.set("ok", r.ok);
    j.set("message", r.message);
    return j;
}

Json to_json(const CheckResult& r) {
    Json j = Json::object();
    j.set("ok", r.ok);
    Json list = Json::array();
    for (const auto& d : r.diagnostics) list.push_back(d);
    j.set("diagnostics", std::move(list));
    return j;
}

IkeSaStatus ike_sa_from_json(const Json& j) {
    IkeSaStatus s;
    s.name = j.at("name").as_string();
    s.state = state_from<IkeSaState>(j.at("state"), ike_states);
    s.local_addr = address_from(j.at("local_addr"));
    s.local_port = narrow<uint16_t>(j.at("local_port"), "local_port");
    s.peer_addr = address_from(j.at("peer_addr"));
    s.peer_port = narrow<uint16_t>(j.at("peer_port"), "peer_port");
    s.spi_i = spi_from(j.at("spi_i"), 16);
    s.spi_r = spi_from(j.at("spi_r"), 16);
    const std::string& role = j.at("role").as_string();
    if (role != "initiator" && role != "responder") throw JsonError("bad role '" + role + "'");
    s.initiator = role == "initiator";
    s.proposal = j.at("proposal").as_string();
    s.dh_group = narrow<uint16_t>(j.at("dh_group"), "dh_group");
    s.age_s = j.at("age_s").as_u64();
    s.lifetime_left_s = optional_u64_from(j.at("lifetime_left_s"));
    s.nat_detected = j.at("nat_detected").as_bool();
    s.child_sas = narrow<uint32_t>(j.at("child_sas"), "child_sas");
    return s;
}

} // namespace ike::control
