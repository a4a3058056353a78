// The simulated gateway of espsim (see simulator.h).
#include "simulator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "core_device.h"
#include "ip_view.h"
#include "json_writer.h"

namespace espsim {

namespace {

constexpr std::uint16_t kNoSa = 0xFFFF;

const char* const kDropNames[] = {"OK",        "NO_SA",       "REPLAY",      "AUTH_FAIL",
                                  "MALFORMED", "BAD_PADDING", "SA_DISABLED", "SEQ_EXHAUSTED"};
static_assert(sizeof kDropNames / sizeof kDropNames[0] == ESP_DROP_COUNT, "one name per drop code");
static_assert(ESP_DROP_REPLAY == 2 && ESP_DROP_SEQ_EXHAUSTED == 7, "names follow the contract's codes");

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

bool same_address(const esp_sa_params& p, const IpView& v) {
    const std::size_t n = v.family == ESP_FAMILY_IPV6 ? 16 : 4;
    return p.family == v.family && std::memcmp(p.dst, v.dst, n) == 0;
}

void fill_esp_header(Outcome& o, std::span<const std::uint8_t> packet) {
    const auto ip = parse_ip(packet);
    if (!ip || !ip->esp_offset) return;
    if (const auto h = read_esp_header(packet, *ip->esp_offset)) {
        o.spi = h->spi;
        o.seq = h->seq;
        o.has_esp_header = true;
    }
}

} // namespace

std::string drop_name(unsigned code, bool lower) {
    std::string s = code < ESP_DROP_COUNT ? kDropNames[code] : "CODE_" + std::to_string(code);
    if (lower)
        for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

std::string Outcome::describe() const {
    std::string s;
    switch (kind) {
        case Kind::NotIp:
            return "pass (not IP) " + std::to_string(in_bytes) + " bytes";
        case Kind::Pass:
            return "pass (no SA) " + std::to_string(in_bytes) + " bytes";
        case Kind::Outbound:
            s = "out";
            break;
        case Kind::Inbound:
            s = "in";
            break;
    }
    if (result != ESP_DROP_OK) s += " drop " + drop_name(result, false);
    if (sa_index >= 0) s += " sa=" + std::to_string(sa_index);
    if (has_esp_header) s += " spi=" + hex32(spi) + " seq=" + std::to_string(seq);
    if (result == ESP_DROP_OK)
        s += " " + std::to_string(in_bytes) + " -> " + std::to_string(packet.size()) + " bytes";
    else
        s += " " + std::to_string(in_bytes) + " bytes";
    return s;
}

void StreamTiming::add(std::uint64_t first_in_cycle, std::uint64_t first_out_cycle, std::uint64_t last_out_cycle,
                       std::size_t in_bytes, std::size_t out_bytes) {
    const std::uint64_t latency = first_out_cycle - first_in_cycle;
    if (!packets) {
        first_in = first_in_cycle;
        first_out_head = first_out_cycle;
        lat_min = latency;
    }
    ++packets;
    bytes_in += in_bytes;
    bytes_out += out_bytes;
    last_out = last_out_cycle; // outputs come in input order
    first_out_tail = first_out_cycle;
    lat_min = std::min(lat_min, latency);
    lat_max = std::max(lat_max, latency);
    lat_sum += latency;
}

double StreamTiming::cycles_per_packet() const {
    if (packets < 2) return static_cast<double>(cycles());
    return static_cast<double>(first_out_tail - first_out_head) / static_cast<double>(packets - 1);
}

Simulator::Simulator(std::unique_ptr<esp::PacketEngine> engine, Pace pace)
    : card_(std::make_shared<espdrv::CoreCard>(std::move(engine))),
      dev_(std::make_unique<espdrv::CoreDevice>(card_)),
      pace_(pace) {}

Simulator::~Simulator() = default;

void Simulator::add_sas(std::vector<esphost::SaFileEntry> sas, const std::string& file) {
    for (auto& e : sas) {
        std::uint32_t handle = 0;
        try {
            handle = dev_->sa_add(e.spec.params);
        } catch (const espdrv::Error& err) {
            throw esphost::SaFileError(file + ":" + std::to_string(e.line) +
                                       ": the card refused the SA: " + std::strerror(err.errnum()));
        }
        sas_.push_back({e.spec, e.line, handle, {}});
    }
}

int Simulator::index_of_handle(std::uint16_t handle) const {
    for (std::size_t i = 0; i < sas_.size(); ++i)
        if (sas_[i].handle == handle) return static_cast<int>(i);
    return -1;
}

void Simulator::count(Counters& c, const Outcome& o, std::size_t out_bytes) {
    ++c.packets_in;
    c.bytes_in += o.in_bytes;
    if (o.result == ESP_DROP_OK) {
        ++c.packets_out;
        c.bytes_out += out_bytes;
    } else if (o.result < ESP_DROP_COUNT) {
        ++c.drops[o.result];
    }
}

void Simulator::submit_not_ip(std::size_t bytes) {
    Pending p;
    p.o.kind = Outcome::Kind::NotIp;
    p.o.in_bytes = bytes;
    ++not_ip_;
    pending_.push_back(std::move(p));
}

void Simulator::submit(std::span<const std::uint8_t> packet) {
    Pending p;
    Outcome& o = p.o;
    o.in_bytes = packet.size();
    const auto ip = parse_ip(packet);
    bool inbound = false;
    int out_sa = -1;
    if (ip && ip->esp_offset) {
        for (const auto& sa : sas_)
            if (sa.spec.params.dir == ESP_DIR_IN && same_address(sa.spec.params, *ip)) inbound = true;
    }
    if (ip && !inbound) {
        for (std::size_t i = 0; i < sas_.size() && out_sa < 0; ++i) {
            const auto& spec = sas_[i].spec;
            if (spec.params.dir == ESP_DIR_OUT && spec.selector_matches(ip->family, ip->src, ip->dst))
                out_sa = static_cast<int>(i);
        }
    }
    if (!inbound && out_sa < 0) {
        o.kind = Outcome::Kind::Pass;
        o.packet.assign(packet.begin(), packet.end());
        ++passed_;
        pending_.push_back(std::move(p));
        return;
    }
    o.kind = inbound ? Outcome::Kind::Inbound : Outcome::Kind::Outbound;
    o.sa_index = out_sa; // inbound: found by the card
    if (inbound) fill_esp_header(o, packet);
    std::uint64_t start = 0;
    if (pace_.rate_gbit_s > 0) {
        if (!paced_started_) pace_start_ = card_->cycles();
        paced_started_ = true;
        start = pace_start_ + static_cast<std::uint64_t>(std::ceil(offered_bytes_ / pace_.bytes_per_cycle()));
        offered_bytes_ += static_cast<double>(packet.size());
    }
    const std::uint16_t handle =
        inbound ? 0 : static_cast<std::uint16_t>(sas_[static_cast<std::size_t>(out_sa)].handle);
    card_->submit({inbound, handle, packet, start});
    queued_bytes_ += packet.size();
    p.in_engine = true;
    pending_.push_back(std::move(p));
}

bool Simulator::backlog_full() const {
    // Far more than the card buffers (2 rings of 2048 16-byte beats), so its input never
    // waits for the host.
    return pending_.size() >= 4096 || queued_bytes_ >= (std::size_t{1} << 20);
}

void Simulator::finish(Outcome& o, bool inbound, esp::PacketEngine::PacketResult r) {
    o.result = r.result;
    if (inbound) o.sa_index = r.sa == kNoSa ? -1 : index_of_handle(r.sa);
    if (r.result == ESP_DROP_OK) {
        o.packet = std::move(r.bytes);
        if (!inbound) fill_esp_header(o, o.packet);
    }
    count(totals_, o, o.packet.size());
    if (o.sa_index >= 0) count(sas_[static_cast<std::size_t>(o.sa_index)].c, o, o.packet.size());
    if (r.timed) {
        for (StreamTiming* t : {&timing_[0], &timing_[inbound ? 2 : 1]})
            t->add(r.first_in_cycle, r.first_out_cycle, r.last_out_cycle, o.in_bytes, o.packet.size());
    }
}

Outcome Simulator::next() {
    if (pending_.empty()) throw std::logic_error("Simulator::next: nothing submitted");
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    if (p.in_engine) {
        const bool inbound = p.o.kind == Outcome::Kind::Inbound;
        const std::uint64_t c0 = card_->cycles();
        const auto t0 = std::chrono::steady_clock::now();
        esp::PacketEngine::PacketResult r = card_->receive();
        sim_wall_ += std::chrono::steady_clock::now() - t0;
        sim_cycles_ += card_->cycles() - c0;
        queued_bytes_ -= p.o.in_bytes;
        finish(p.o, inbound, std::move(r));
    }
    return std::move(p.o);
}

namespace {

void write_counters(esphost::JsonWriter& j, const Counters& c) {
    j.key("packets_in").value(c.packets_in);
    j.key("packets_out").value(c.packets_out);
    j.key("bytes_in").value(c.bytes_in);
    j.key("bytes_out").value(c.bytes_out);
    j.key("drops").begin_object();
    for (unsigned code = 1; code < ESP_DROP_COUNT; ++code)
        if (c.drops[code]) j.key(drop_name(code, true)).value(c.drops[code]);
    j.end_object();
}

// The streaming figures of one set of packets: the rate is the sustained one (output packet
// spacing, as bench_rtl measures it), in bytes and packets per cycle and, at the clock, per
// second.
void write_timing(esphost::JsonWriter& j, const StreamTiming& t, double clock_mhz) {
    j.begin_object();
    j.key("packets").value(t.packets);
    j.key("bytes_in").value(t.bytes_in);
    j.key("bytes_out").value(t.bytes_out);
    if (t.packets) {
        const double cpp = t.cycles_per_packet(), n = static_cast<double>(t.packets);
        const double in_per_cycle = static_cast<double>(t.bytes_in) / n / cpp;
        const double out_per_cycle = static_cast<double>(t.bytes_out) / n / cpp;
        j.key("cycles").value(t.cycles());
        j.key("cycles_per_packet").fixed(cpp, 2);
        j.key("packets_per_cycle").fixed(1.0 / cpp, 5);
        j.key("bytes_in_per_cycle").fixed(in_per_cycle, 3);
        j.key("bytes_out_per_cycle").fixed(out_per_cycle, 3);
        j.key("mpackets_per_s").fixed(clock_mhz / cpp, 3);
        j.key("gbit_s_in").fixed(in_per_cycle * 8 * clock_mhz / 1000, 3);
        j.key("gbit_s_out").fixed(out_per_cycle * 8 * clock_mhz / 1000, 3);
        j.key("latency_cycles").begin_object();
        j.key("min").value(t.lat_min);
        j.key("avg").fixed(static_cast<double>(t.lat_sum) / n, 1);
        j.key("max").value(t.lat_max);
        j.end_object();
    }
    j.end_object();
}

} // namespace

std::string Simulator::stats_json() {
    esphost::JsonWriter j;
    j.begin_object();
    j.key("totals").begin_object();
    write_counters(j, totals_);
    j.key("passed").value(passed_);
    j.key("not_ip").value(not_ip_);
    j.end_object();
    if (timing_[0].packets) { // a timed engine
        j.key("timing").begin_object();
        j.key("stream").value(pace_.rate_gbit_s > 0 ? "paced" : "back-to-back");
        j.key("clock_mhz").fixed(pace_.clock_mhz, 1);
        if (pace_.rate_gbit_s > 0) j.key("offered_gbit_s").fixed(pace_.rate_gbit_s, 3);
        j.key("all");
        write_timing(j, timing_[0], pace_.clock_mhz);
        j.key("out");
        write_timing(j, timing_[1], pace_.clock_mhz);
        j.key("in");
        write_timing(j, timing_[2], pace_.clock_mhz);
        j.end_object();
        // The simulator's own speed on this machine (wall clock, not a figure of the design).
        const double wall = std::chrono::duration<double>(sim_wall_).count();
        j.key("simulation").begin_object();
        j.key("engine_cycles").value(sim_cycles_);
        j.key("wall_seconds").fixed(wall, 3);
        j.key("engine_cycles_per_wall_second").fixed(wall > 0 ? static_cast<double>(sim_cycles_) / wall : 0, 0);
        j.end_object();
    }
    j.key("sas").begin_array();
    for (std::size_t i = 0; i < sas_.size(); ++i) {
        const auto& sa = sas_[i];
        const esp_sa_state st = dev_->sa_get(sa.handle);
        j.begin_object();
        j.key("index").value(static_cast<std::uint64_t>(i));
        j.key("line").value(sa.line);
        j.key("dir").value(sa.spec.params.dir == ESP_DIR_OUT ? "out" : "in");
        j.key("spi").value(hex32(sa.spec.params.spi));
        j.key("handle").value(sa.handle);
        write_counters(j, sa.c);
        j.key("seq").value(static_cast<std::uint64_t>(st.seq)); // out: last sent, in: window top
        j.end_object();
    }
    j.end_array();
    // The card's own global counters, read through the driver core.
    const esp_stats s = dev_->stats();
    j.key("card").begin_object();
    j.key("packets_in").value(static_cast<std::uint64_t>(s.packets_in));
    j.key("packets_out").value(static_cast<std::uint64_t>(s.packets_out));
    j.key("bytes_in").value(static_cast<std::uint64_t>(s.bytes_in));
    j.key("bytes_out").value(static_cast<std::uint64_t>(s.bytes_out));
    j.key("drops").begin_object();
    for (unsigned code = 1; code < ESP_DROP_COUNT; ++code)
        if (s.drops[code]) j.key(drop_name(code, true)).value(static_cast<std::uint64_t>(s.drops[code]));
    j.end_object();
    j.end_object();
    j.end_object();
    return j.str();
}

} // namespace espsim
