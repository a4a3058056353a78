// simulator.h: one simulated card with the SAs of an SA file, steering IP packets the way
// a gateway would and counting what became of them.
//
// SAs are programmed through the driver core (driver/core, via libespdrv's CoreCard), so
// espsim exercises the same register sequences as the kernel module.
//
// Steering of one IP packet:
//  - inbound: it carries ESP (or ESP in UDP to 4500) and is addressed to the outer
//    destination of some `dir in` SA; the card looks the SA up by SPI itself;
//  - outbound: otherwise, the first `dir out` SA (file order) whose selector matches the
//    packet's addresses (no selector matches everything);
//  - pass: neither; the packet goes to the output unchanged (a bypass policy).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "esp_contract.h"
#include "sa_file.h"

namespace esp {
class PacketEngine;
}
namespace espdrv {
class CoreCard;
class CoreDevice;
}  // namespace espdrv

namespace espsim {

struct Counters {
  std::uint64_t packets_in = 0;   // packets given to the card (per SA: that the SA handled)
  std::uint64_t packets_out = 0;  // packets that came out (result OK)
  std::uint64_t bytes_in = 0;     // IP bytes of those
  std::uint64_t bytes_out = 0;
  std::uint64_t drops[ESP_DROP_COUNT] = {};
  std::uint64_t cycles = 0;       // engine cycles spent (when the engine counts them)
};

// Per direction, for engines that count cycles: packets go one at a time, so cycles are the
// sum of each packet's time in the engine (latency + output), not a streaming rate.
struct DirectionTiming {
  Counters c;
  std::uint64_t timed = 0;        // packets with a latency (engines that measure it)
  std::uint64_t lat_min = 0, lat_max = 0, lat_sum = 0;  // first input beat -> first output beat
};

struct Outcome {
  enum class Kind { Outbound, Inbound, Pass, NotIp };
  Kind kind = Kind::Pass;
  int sa_index = -1;               // index in the SA file, -1 when none
  std::uint8_t result = ESP_DROP_OK;
  std::uint32_t spi = 0;           // of the ESP header (out: produced, in: received)
  std::uint32_t seq = 0;
  bool has_esp_header = false;
  std::size_t in_bytes = 0;
  std::vector<std::uint8_t> packet;  // what goes to the output (empty after a drop)

  bool dropped() const { return (kind == Kind::Outbound || kind == Kind::Inbound) && result != ESP_DROP_OK; }
  // e.g. "out sa=0 spi=0x00001001 seq=5 120 -> 168 bytes", "in drop REPLAY sa=1 ...".
  std::string describe() const;
};

// The contract's drop name, upper case ("REPLAY") or lower case ("replay").
std::string drop_name(unsigned code, bool lower);

class Simulator {
 public:
  explicit Simulator(std::unique_ptr<esp::PacketEngine> engine);
  ~Simulator();

  // Programs every SA of the file. Throws esphost::SaFileError "FILE:LINE: ..." when the
  // card (driver core) refuses one.
  void add_sas(std::vector<esphost::SaFileEntry> sas, const std::string& file);

  Outcome process(std::span<const std::uint8_t> ip_packet);
  Outcome not_ip(std::size_t bytes);  // counts a frame that carries no IP packet

  const Counters& totals() const { return totals_; }
  std::uint64_t passed() const { return passed_; }
  // Statistics as JSON: totals, per SA, and the card's own counters.
  std::string stats_json();

 private:
  struct Sa {
    esphost::SaSpec spec;
    unsigned line;
    std::uint32_t handle;
    Counters c;
  };
  int index_of_handle(std::uint16_t handle) const;
  void count(Counters& c, const Outcome& o, std::uint64_t cycles, std::size_t out_bytes);

  class PacketLatency* latency_ = nullptr;  // the engine, when it times packets (set before
  std::shared_ptr<espdrv::CoreCard> card_;  // card_ takes the engine)
  std::unique_ptr<espdrv::CoreDevice> dev_;
  std::vector<Sa> sas_;
  Counters totals_;
  std::uint64_t passed_ = 0;
  std::uint64_t not_ip_ = 0;
  bool counts_cycles_ = false;
  DirectionTiming dir_[2];                  // [0] outbound, [1] inbound
};

}  // namespace espsim
