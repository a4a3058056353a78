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
//
// Packets stream: submit() steers a packet and queues it on the engine's input while earlier
// ones are still in flight (back to back, or paced at an offered rate); next() hands the
// outcomes back in submission order, waiting for the engine when the oldest one is still in
// it. On a timed engine (the RTL) the statistics give the streaming rate, cycles per packet
// and each packet's latency.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "esp_contract.h"
#include "packet_engine.h"
#include "sa_file.h"

namespace espdrv {
class CoreCard;
class CoreDevice;
} // namespace espdrv

namespace espsim {

struct Counters {
    std::uint64_t packets_in = 0;  // packets given to the card (per SA: that the SA handled)
    std::uint64_t packets_out = 0; // packets that came out (result OK)
    std::uint64_t bytes_in = 0;    // IP bytes of those
    std::uint64_t bytes_out = 0;
    std::uint64_t drops[ESP_DROP_COUNT] = {};
};

// The packets of a stream that went through a timed engine (all, or one direction), from
// each packet's beat cycles (esp::PacketEngine::PacketResult).
struct StreamTiming {
    std::uint64_t packets = 0, bytes_in = 0, bytes_out = 0;
    std::uint64_t first_in = 0;                           // first input beat of the first packet
    std::uint64_t last_out = 0;                           // last output beat of the last packet
    std::uint64_t first_out_head = 0, first_out_tail = 0; // first output beat of the first / last packet
    std::uint64_t lat_min = 0, lat_max = 0, lat_sum = 0;  // first input beat -> first output beat

    void add(std::uint64_t first_in_cycle, std::uint64_t first_out_cycle, std::uint64_t last_out_cycle,
             std::size_t in_bytes, std::size_t out_bytes);
    // Cycles from the first input beat of the first packet to the last output beat of the last.
    std::uint64_t cycles() const { return packets ? last_out + 1 - first_in : 0; }
    // Sustained cycles per packet: the spacing of the packets' first output beats (for one
    // packet, its cycles()).
    double cycles_per_packet() const;
};

// How packets are offered to a timed engine: back to back (rate 0: each one queued on the
// input as soon as steered, so the input takes them as fast as the engine accepts), or paced
// so the offered load is rate_gbit_s of IP bytes at clock_mhz (each packet's first beat held
// until its start cycle). clock_mhz also turns the measured rates into bits per second.
struct Pace {
    double rate_gbit_s = 0;
    double clock_mhz = 250;
    double bytes_per_cycle() const { return rate_gbit_s * 1000.0 / 8.0 / clock_mhz; }
};

struct Outcome {
    enum class Kind { Outbound, Inbound, Pass, NotIp };
    Kind kind = Kind::Pass;
    int sa_index = -1; // index in the SA file, -1 when none
    std::uint8_t result = ESP_DROP_OK;
    std::uint32_t spi = 0; // of the ESP header (out: produced, in: received)
    std::uint32_t seq = 0;
    bool has_esp_header = false;
    std::size_t in_bytes = 0;
    std::vector<std::uint8_t> packet; // what goes to the output (empty after a drop)

    bool dropped() const { return (kind == Kind::Outbound || kind == Kind::Inbound) && result != ESP_DROP_OK; }
    // e.g. "out sa=0 spi=0x00001001 seq=5 120 -> 168 bytes", "in drop REPLAY sa=1 ...".
    std::string describe() const;
};

// The contract's drop name, upper case ("REPLAY") or lower case ("replay").
std::string drop_name(unsigned code, bool lower);

class Simulator {
public:
    explicit Simulator(std::unique_ptr<esp::PacketEngine> engine, Pace pace = {});
    ~Simulator();

    // Programs every SA of the file. Throws esphost::SaFileError "FILE:LINE: ..." when the
    // card (driver core) refuses one.
    void add_sas(std::vector<esphost::SaFileEntry> sas, const std::string& file);

    void submit(std::span<const std::uint8_t> ip_packet);
    void submit_not_ip(std::size_t bytes); // a frame that carries no IP packet
    // The oldest submitted packet's outcome; waits for the engine when it is still in it.
    Outcome next();
    std::size_t pending() const { return pending_.size(); }
    // Enough is queued on the engine to keep its input busy: take outcomes before submitting
    // more (bounds the memory of a long capture).
    bool backlog_full() const;

    const Counters& totals() const { return totals_; }
    std::uint64_t passed() const { return passed_; }
    // Statistics as JSON: totals, per SA, the card's own counters, streaming timing (timed
    // engines) and the simulation's own speed.
    std::string stats_json();

private:
    struct Sa {
        esphost::SaSpec spec;
        unsigned line;
        std::uint32_t handle;
        Counters c;
    };
    struct Pending {
        Outcome o;
        bool in_engine = false; // waits for the engine's result
    };
    int index_of_handle(std::uint16_t handle) const;
    void count(Counters& c, const Outcome& o, std::size_t out_bytes);
    void finish(Outcome& o, bool inbound, esp::PacketEngine::PacketResult r);

    std::shared_ptr<espdrv::CoreCard> card_;
    std::unique_ptr<espdrv::CoreDevice> dev_;
    Pace pace_;
    std::vector<Sa> sas_;
    Counters totals_;
    std::uint64_t passed_ = 0;
    std::uint64_t not_ip_ = 0;
    std::deque<Pending> pending_;
    std::size_t queued_bytes_ = 0; // bytes of the packets in the engine
    bool paced_started_ = false;
    std::uint64_t pace_start_ = 0;                   // paced: the cycle of the first packet's start
    double offered_bytes_ = 0;                       // paced: bytes offered since then
    StreamTiming timing_[3];                         // all, outbound, inbound
    std::uint64_t sim_cycles_ = 0;                   // engine cycles run while packets were in the engine
    std::chrono::steady_clock::duration sim_wall_{}; // wall time of those runs
};

} // namespace espsim
