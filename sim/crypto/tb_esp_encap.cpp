// tb_esp_encap: checks rtl/esp/esp_encap against the HLS C++ model's outbound transform
// (esphls::esp_outbound, the reference for the whole engine) on random inner IPv4/IPv6
// packets and tunnel-mode SAs (outer IPv4 or IPv6, UDP over IPv4, ESN, AES-128/256),
// including malformed inner headers, with random input bubbles and output back-pressure;
// then measures beats per cycle on back-to-back 1400-byte packets.
#include <cstdio>
#include <deque>
#include <memory>

#include "Vesp_encap.h"
#include "esp/esp_datapath.h"
#include "esp/esp_engine.h"
#include "primitives/gcm.h"
#include "tb_common.h"

namespace {

struct SaConfig {
  unsigned handle = 0;
  bool ipv6 = false, udp = false, esn = false, key256 = false;
  std::uint32_t spi = 0, salt = 0;
  tbc::Bytes key;           // 32 bytes, AES-128 uses the first 16
  std::uint32_t src[4] = {}, dst[4] = {};
  std::uint16_t sport = 0, dport = 0;
  std::uint64_t seq = 0;    // this packet's sequence number
};

struct InBeat {
  tbc::Bytes data;
  bool last = false, first = false;
  std::size_t pkt = 0;  // index into Bench::inputs
};

struct Expected {
  tbc::Bytes bytes;  // empty: a drop beat
  std::uint64_t user = 0;
};

std::uint64_t out_user(unsigned result, unsigned len, unsigned sa) {
  return (static_cast<std::uint64_t>(result) << ESP_TUSER_OUT_RESULT_LSB) |
         (static_cast<std::uint64_t>(len) << ESP_TUSER_OUT_LEN_LSB) |
         (static_cast<std::uint64_t>(sa) << ESP_TUSER_OUT_SA_LSB);
}

// The model's verdict and bytes for one packet on an SA configured as cfg.
Expected reference(esphls::EspEngineState& st, const SaConfig& cfg, const tbc::Bytes& inner) {
  esphls::SaSlot& s = st.sat.slot[cfg.handle];
  s.valid = true;
  s.disabled = false;
  unsigned ctrl = (cfg.ipv6 << ESP_SA_W_CTRL_IPV6_LSB) | (cfg.esn << ESP_SA_W_CTRL_ESN_LSB) |
                  (cfg.udp << ESP_SA_W_CTRL_UDP_ENCAP_LSB) | (cfg.key256 << ESP_SA_W_CTRL_KEY256_LSB);
  s.ctrl = ctrl;
  s.spi = cfg.spi;
  s.salt = cfg.salt;
  for (int i = 0; i < 4; ++i) {
    s.src[i] = cfg.src[i];
    s.dst[i] = cfg.dst[i];
  }
  s.sport = cfg.sport;
  s.dport = cfg.dport;
  s.seq = cfg.seq - 1;  // the slot holds the last number sent
  ap_uint<256> key = 0;
  for (int i = 0; i < 32; ++i) key.set_range(255 - 8 * i, 248 - 8 * i, ap_uint<8>(cfg.key[static_cast<std::size_t>(i)]));
  esphls::aes_expand_key(key, cfg.key256, st.sat.key[cfg.handle].ks);
  st.sat.key[cfg.handle].h = esphls::gcm_hash_subkey(st.sat.key[cfg.handle].ks);

  tbc::Bytes out(inner.size() + 256);
  esphls::PacketVerdict v =
      esphls::esp_outbound(st, cfg.handle, true, inner.data(), static_cast<unsigned>(inner.size()), out.data());
  Expected e;
  if (v.code == ESP_DROP_OK) {
    out.resize(v.out_len);
    e.bytes = out;
  }
  e.user = out_user(v.code, v.code == ESP_DROP_OK ? v.out_len : 0, v.sa);
  return e;
}

tbc::Bytes random_inner(std::mt19937_64& rng, bool malformed) {
  bool v6 = rng() % 2;
  std::size_t len = v6 ? 40 + rng() % 1961 : 20 + rng() % 1981;
  tbc::Bytes p = tbc::random_bytes(rng, len);
  if (v6) {
    p[0] = static_cast<std::uint8_t>(0x60 | (p[0] & 15));
    p[4] = static_cast<std::uint8_t>((len - 40) >> 8);
    p[5] = static_cast<std::uint8_t>(len - 40);
  } else {
    p[0] = 0x45;
    p[2] = static_cast<std::uint8_t>(len >> 8);
    p[3] = static_cast<std::uint8_t>(len);
  }
  if (malformed) {
    switch (rng() % 3) {
      case 0: p[0] = static_cast<std::uint8_t>(0x50 | (p[0] & 15)); break;  // version 5
      case 1: p[v6 ? 5 : 3] ^= 1; break;                                    // length field
      default: if (!v6) p[0] = 0x44; else p[5] ^= 2; break;                 // IHL 4 / length
    }
  }
  return p;
}

SaConfig random_sa(std::mt19937_64& rng) {
  SaConfig c;
  c.handle = static_cast<unsigned>(rng() % ESP_N_SA);
  c.ipv6 = rng() % 2;
  c.udp = !c.ipv6 && rng() % 2;  // UDP over IPv6 is not in the RTL yet
  c.esn = rng() % 2;
  c.key256 = rng() % 2;
  c.spi = static_cast<std::uint32_t>(rng());
  c.salt = static_cast<std::uint32_t>(rng());
  c.key = tbc::random_bytes(rng, 32);
  if (!c.key256) std::fill(c.key.begin() + 16, c.key.end(), 0);
  for (int i = 0; i < 4; ++i) {
    c.src[i] = c.ipv6 || i == 0 ? static_cast<std::uint32_t>(rng()) : 0;
    c.dst[i] = c.ipv6 || i == 0 ? static_cast<std::uint32_t>(rng()) : 0;
  }
  c.sport = static_cast<std::uint16_t>(rng());
  c.dport = static_cast<std::uint16_t>(rng());
  c.seq = c.esn ? 1 + rng() % 0xFFFFFFFFFFFFFFFEULL : 1 + rng() % 0xFFFFFFFEULL;
  return c;
}

void put_addr(VlWide<4>& port, const std::uint32_t a[4]) {
  for (int i = 0; i < 4; ++i) port[static_cast<std::size_t>(3 - i)] = a[i];
}

struct Bench {
  VerilatedContext ctx;
  Vesp_encap top{&ctx};
  std::mt19937_64 rng{0xE5Au};
  std::unique_ptr<esphls::EspEngineState> st = std::make_unique<esphls::EspEngineState>();
  std::deque<SaConfig> sas;  // per queued packet
  std::deque<InBeat> in_q;
  std::deque<Expected> out_q;
  tbc::Bytes got;  // output bytes of the packet being received
  std::uint64_t cycle = 0, in_beats = 0, out_beats = 0, packets = 0, drops = 0;
  std::size_t first_pkt = 0;  // index of sas.front()
  unsigned bubble_pct = 0, stall_pct = 0;

  Bench() { esphls::esp_reset(*st); }

  void reset() {
    top.s_valid = 0;
    top.m_ready = 0;
    tbc::reset_model(top);
  }

  void add(const SaConfig& sa, const tbc::Bytes& inner) {
    out_q.push_back(reference(*st, sa, inner));
    std::size_t idx = first_pkt + sas.size();
    sas.push_back(sa);
    for (std::size_t off = 0; off < inner.size(); off += 16) {
      InBeat b;
      b.data.assign(inner.begin() + static_cast<long>(off), inner.begin() + static_cast<long>(std::min(off + 16, inner.size())));
      b.first = off == 0;
      b.last = off + 16 >= inner.size();
      b.pkt = idx;
      in_q.push_back(std::move(b));
    }
  }

  void drive() {
    if (in_q.empty() || (bubble_pct && rng() % 100 < bubble_pct)) {
      top.s_valid = 0;
      return;
    }
    const InBeat& b = in_q.front();
    const SaConfig& c = sas[b.pkt - first_pkt];
    top.s_valid = 1;
    tbc::Bytes lanes = tbc::random_bytes(rng, 16);  // bytes past the end are garbage
    std::copy(b.data.begin(), b.data.end(), lanes.begin());
    for (int w = 0; w < 4; ++w) {
      top.s_data[static_cast<std::size_t>(w)] = 0;
      for (int i = 0; i < 4; ++i) top.s_data[static_cast<std::size_t>(w)] |= static_cast<EData>(lanes[static_cast<std::size_t>(4 * w + i)]) << (8 * i);
    }
    top.s_last = b.last;
    std::size_t len = 0;
    for (const auto& x : in_q) {  // length of this packet: its beats are contiguous
      if (x.pkt != b.pkt) break;
      len += x.data.size();
    }
    // Sideband is meaningful on the first beat (len counts the remaining beats only there).
    top.s_len = static_cast<SData>(b.first ? len : rng());
    top.s_sa = static_cast<SData>(c.handle);
    top.s_transport = 0;
    top.s_outer_ipv6 = c.ipv6;
    top.s_udp = c.udp;
    top.s_esn = c.esn;
    top.s_key256 = c.key256;
    top.s_spi = c.spi;
    top.s_salt = c.salt;
    tbc::put_be(top.s_key, c.key.data(), 32, 32);
    put_addr(top.s_src, c.src);
    put_addr(top.s_dst, c.dst);
    top.s_sport = c.sport;
    top.s_dport = c.dport;
    top.s_seq = c.seq;
  }

  void receive() {
    ++out_beats;
    unsigned keep = top.m_keep;
    for (int i = 0; i < 16; ++i)
      if (keep >> i & 1) got.push_back(static_cast<std::uint8_t>(top.m_data[static_cast<std::size_t>(i / 4)] >> (8 * (i % 4))));
    if (!top.m_last) {
      tbc::check(keep == 0xFFFF, "partial beat before the last");
      return;
    }
    if (out_q.empty()) {
      tbc::check(false, "unexpected output packet");
      return;
    }
    Expected e = out_q.front();
    out_q.pop_front();
    std::string where = "packet " + std::to_string(packets);
    tbc::check(got == e.bytes, where + ": bytes differ (" + std::to_string(got.size()) + " vs " +
                                   std::to_string(e.bytes.size()) + ")");
    tbc::check(top.m_user == e.user, where + ": tuser " + std::to_string(top.m_user) + " want " + std::to_string(e.user));
    if (e.bytes.empty()) ++drops;
    ++packets;
    got.clear();
  }

  void cycle_once() {
    top.clk = 0;
    drive();
    top.m_ready = !(stall_pct && rng() % 100 < stall_pct);
    top.eval();
    bool in_fire = top.s_valid && top.s_ready;
    if (top.m_valid && top.m_ready) receive();
    top.clk = 1;
    top.eval();
    ++cycle;
    if (in_fire) {
      bool last = in_q.front().last;
      in_q.pop_front();
      ++in_beats;
      if (last) {
        sas.pop_front();
        ++first_pkt;
      }
    }
  }

  void run_all() {
    std::uint64_t limit = cycle + 2000 + 30 * (in_q.size() + 200 * out_q.size());
    while ((!in_q.empty() || !out_q.empty()) && cycle < limit) cycle_once();
    tbc::check(in_q.empty() && out_q.empty(), "encap stalled");
    for (int i = 0; i < 40; ++i) cycle_once();
  }
};

void random_traffic(Bench& b, int n, unsigned bubble, unsigned stall) {
  b.bubble_pct = bubble;
  b.stall_pct = stall;
  for (int i = 0; i < n; ++i) b.add(random_sa(b.rng), random_inner(b.rng, b.rng() % 20 == 0));
  b.run_all();
}

void throughput(Bench& b, std::size_t len, int n) {
  b.bubble_pct = 0;
  b.stall_pct = 0;
  for (int i = 0; i < n; ++i) {
    SaConfig c = random_sa(b.rng);
    c.ipv6 = false;
    c.udp = false;
    tbc::Bytes p = tbc::random_bytes(b.rng, len);
    p[0] = 0x45;
    p[2] = static_cast<std::uint8_t>(len >> 8);
    p[3] = static_cast<std::uint8_t>(len);
    b.add(c, p);
  }
  // The output carries more than the input (headers, trailer, ICV), so it is the link
  // that limits: measure output beats per cycle between the first and last output beat.
  std::uint64_t in0 = b.in_beats, c0 = b.cycle;
  tbc::Stopwatch sw;
  tbc::Window w = tbc::run_counting(
      b, [&] { return b.in_q.empty() && b.out_q.empty(); }, [&] { return b.out_beats; });
  double secs = sw.seconds();
  std::uint64_t in_beats = b.in_beats - in0, out_beats = w.events, window = w.cycles();
  double out_bpc = static_cast<double>(out_beats) / static_cast<double>(window);
  std::printf("esp_encap: %d x %zu-byte IPv4 packets: %llu beats in, %llu beats out in %llu cycles: "
              "%.4f output beats/cycle, %.4f input beats/cycle; %.0f cycles/s simulated\n",
              n, len, static_cast<unsigned long long>(in_beats), static_cast<unsigned long long>(out_beats),
              static_cast<unsigned long long>(window), out_bpc,
              static_cast<double>(in_beats) / static_cast<double>(window), static_cast<double>(b.cycle - c0) / secs);
  tbc::check(out_bpc >= 0.97, "encap output below 0.97 beats per cycle");
  b.run_all();
}

}  // namespace

int main(int argc, char** argv) {
  Bench b;
  b.ctx.commandArgs(argc, argv);
  b.reset();
  random_traffic(b, 300, 0, 0);
  random_traffic(b, 300, 30, 30);
  random_traffic(b, 100, 60, 70);
  std::printf("esp_encap: %llu packets (%llu drops) identical to the HLS model\n",
              static_cast<unsigned long long>(b.packets), static_cast<unsigned long long>(b.drops));
  tbc::check(b.drops > 0 && b.packets > b.drops, "traffic mix lacks drops or good packets");
  throughput(b, 1400, 100);
  return tbc::finish("tb_esp_encap");
}
