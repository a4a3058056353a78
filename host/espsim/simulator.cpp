// The simulated gateway of espsim (see simulator.h).
#include "simulator.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "core_device.h"
#include "engines.h"
#include "ip_view.h"
#include "json_writer.h"
#include "packet_engine.h"

namespace espsim {

namespace {

constexpr std::uint16_t kNoSa = 0xFFFF;

const char* const kDropNames[] = {"OK",        "NO_SA",       "REPLAY",       "AUTH_FAIL",
                                  "MALFORMED", "BAD_PADDING", "SA_DISABLED",  "SEQ_EXHAUSTED"};
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

}  // namespace

std::string drop_name(unsigned code, bool lower) {
  std::string s = code < ESP_DROP_COUNT ? kDropNames[code] : "CODE_" + std::to_string(code);
  if (lower)
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string Outcome::describe() const {
  std::string s;
  switch (kind) {
    case Kind::NotIp: return "pass (not IP) " + std::to_string(in_bytes) + " bytes";
    case Kind::Pass: return "pass (no SA) " + std::to_string(in_bytes) + " bytes";
    case Kind::Outbound: s = "out"; break;
    case Kind::Inbound: s = "in"; break;
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

Simulator::Simulator(std::unique_ptr<esp::PacketEngine> engine)
    : latency_(dynamic_cast<PacketLatency*>(engine.get())),
      card_(std::make_shared<espdrv::CoreCard>(std::move(engine))),
      dev_(std::make_unique<espdrv::CoreDevice>(card_)) {}

Simulator::~Simulator() = default;

void Simulator::add_sas(std::vector<esphost::SaFileEntry> sas, const std::string& file) {
  for (auto& e : sas) {
    std::uint32_t handle = 0;
    try {
      handle = dev_->sa_add(e.spec.params);
    } catch (const espdrv::Error& err) {
      throw esphost::SaFileError(file + ":" + std::to_string(e.line) + ": the card refused the SA: " +
                                 std::strerror(err.errnum()));
    }
    sas_.push_back({e.spec, e.line, handle, {}});
  }
}

int Simulator::index_of_handle(std::uint16_t handle) const {
  for (std::size_t i = 0; i < sas_.size(); ++i)
    if (sas_[i].handle == handle) return static_cast<int>(i);
  return -1;
}

void Simulator::count(Counters& c, const Outcome& o, std::uint64_t cycles, std::size_t out_bytes) {
  ++c.packets_in;
  c.bytes_in += o.in_bytes;
  c.cycles += cycles;
  if (o.result == ESP_DROP_OK) {
    ++c.packets_out;
    c.bytes_out += out_bytes;
  } else if (o.result < ESP_DROP_COUNT) {
    ++c.drops[o.result];
  }
}

Outcome Simulator::not_ip(std::size_t bytes) {
  Outcome o;
  o.kind = Outcome::Kind::NotIp;
  o.in_bytes = bytes;
  ++not_ip_;
  return o;
}

Outcome Simulator::process(std::span<const std::uint8_t> packet) {
  Outcome o;
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
    return o;
  }
  o.kind = inbound ? Outcome::Kind::Inbound : Outcome::Kind::Outbound;
  const std::uint16_t handle = inbound ? 0 : static_cast<std::uint16_t>(sas_[out_sa].handle);
  const std::uint64_t cycles_before = card_->cycles();
  espdrv::PacketResult r = card_->inject(inbound, handle, packet);
  const std::uint64_t cycles = card_->cycles() - cycles_before;
  if (cycles) counts_cycles_ = true;
  o.result = r.result;
  o.sa_index = inbound ? (r.sa == kNoSa ? -1 : index_of_handle(r.sa)) : out_sa;
  if (inbound) fill_esp_header(o, packet);
  if (r.result == ESP_DROP_OK) {
    o.packet = std::move(r.bytes);
    if (!inbound) fill_esp_header(o, o.packet);
  }
  count(totals_, o, cycles, o.packet.size());
  DirectionTiming& d = dir_[inbound ? 1 : 0];
  count(d.c, o, cycles, o.packet.size());
  if (latency_) {
    const std::uint64_t l = latency_->last_latency();
    d.lat_min = d.timed ? std::min(d.lat_min, l) : l;
    d.lat_max = std::max(d.lat_max, l);
    d.lat_sum += l;
    ++d.timed;
  }
  if (o.sa_index >= 0) count(sas_[static_cast<std::size_t>(o.sa_index)].c, o, cycles, o.packet.size());
  return o;
}

namespace {

void write_counters(esphost::JsonWriter& j, const Counters& c, bool cycles) {
  j.key("packets_in").value(c.packets_in);
  j.key("packets_out").value(c.packets_out);
  j.key("bytes_in").value(c.bytes_in);
  j.key("bytes_out").value(c.bytes_out);
  j.key("drops").begin_object();
  for (unsigned code = 1; code < ESP_DROP_COUNT; ++code)
    if (c.drops[code]) j.key(drop_name(code, true)).value(c.drops[code]);
  j.end_object();
  if (cycles) j.key("cycles").value(c.cycles);
}

// a / b rounded, 0 when b is 0 (the JSON writer has integers only)
std::uint64_t ratio(std::uint64_t a, std::uint64_t b) { return b ? (a + b / 2) / b : 0; }

// Cycles, bytes and packets per cycle and latency of one direction (cycle-counting engines).
void write_timing(esphost::JsonWriter& j, const DirectionTiming& d) {
  j.begin_object();
  j.key("packets").value(d.c.packets_in);
  j.key("cycles").value(d.c.cycles);
  j.key("bytes_in").value(d.c.bytes_in);
  j.key("bytes_out").value(d.c.bytes_out);
  j.key("bytes_in_per_kcycle").value(ratio(1000 * d.c.bytes_in, d.c.cycles));   // bytes/cycle x 1000
  j.key("bytes_out_per_kcycle").value(ratio(1000 * d.c.bytes_out, d.c.cycles));
  j.key("packets_per_kcycle").value(ratio(1000 * d.c.packets_in, d.c.cycles));
  if (d.timed) {
    j.key("latency_cycles").begin_object();
    j.key("min").value(d.lat_min);
    j.key("avg").value(ratio(d.lat_sum, d.timed));
    j.key("max").value(d.lat_max);
    j.end_object();
  }
  j.end_object();
}

}  // namespace

std::string Simulator::stats_json() {
  esphost::JsonWriter j;
  j.begin_object();
  j.key("totals").begin_object();
  write_counters(j, totals_, counts_cycles_);
  j.key("passed").value(passed_);
  j.key("not_ip").value(not_ip_);
  j.end_object();
  if (counts_cycles_) {  // one packet at a time: per-packet engine time, not a streaming rate
    j.key("timing").begin_object();
    j.key("out");
    write_timing(j, dir_[0]);
    j.key("in");
    write_timing(j, dir_[1]);
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
    write_counters(j, sa.c, counts_cycles_);
    j.key("seq").value(static_cast<std::uint64_t>(st.seq));  // out: last sent, in: window top
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

}  // namespace espsim
