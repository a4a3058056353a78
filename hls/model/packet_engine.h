// packet_engine.h: the narrow interface every accelerator backend offers the host side
// (the HLS C model here, the Verilated RTL in sim/). Bytes in, bytes out; registers by
// address; nothing backend-specific.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <stdexcept>
#include <vector>

namespace esp {

class PacketEngine {
public:
    // The output of one input packet: the packet (empty for a drop), its tuser fields.
    struct PacketResult {
        std::vector<std::uint8_t> bytes;
        std::uint8_t result = 0;   // drop code, ESP_DROP_OK when bytes holds a packet
        std::uint16_t sa = 0xFFFF; // SA that handled it, 0xFFFF when none matched
        bool inbound = false;      // tuser DIR
        // Timed engines (timed = true): the clock cycles of the packet's first input beat and of
        // its first and last output beat (a drop's one beat is both).
        bool timed = false;
        std::uint64_t first_in_cycle = 0, first_out_cycle = 0, last_out_cycle = 0;
    };

    // One packet for the input stream (submit): tuser fields, bytes, and the earliest cycle its
    // first beat may be offered (0: as soon as the stream takes it), for paced streams.
    struct StreamPacket {
        bool inbound = false;
        std::uint16_t sa_handle = 0;
        std::span<const std::uint8_t> bytes;
        std::uint64_t not_before = 0;
    };

    virtual ~PacketEngine() = default;

    // 32-bit control port access at a byte offset of docs/contract.md's register map.
    // Reads may have side effects (EVT_POP, CNT_HI_LATCH).
    virtual std::uint32_t read_reg(std::uint32_t addr) = 0;
    virtual void write_reg(std::uint32_t addr, std::uint32_t data) = 0;

    // Sends one packet with tuser {DIR = inbound, SA = sa_handle, LEN = packet.size()} and
    // returns the engine's one output for it.
    virtual PacketResult process(bool inbound, std::uint16_t sa_handle, std::span<const std::uint8_t> packet) = 0;

    // Streaming: submit() queues a packet on the input stream while earlier ones may still be
    // in flight, so a timed engine takes them back to back (or at their not_before cycles);
    // receive() returns the oldest submitted packet's result, running the engine until it is
    // out, so results come in submission order. in_flight() counts submitted packets not yet
    // received. process() wants an empty stream; register accesses may come while packets are
    // in flight (a timed engine runs them alongside the stream, as the card does). This
    // default is for engines without a stream (the HLS model): each packet is processed whole
    // at submit().
    virtual void submit(const StreamPacket& p) { unstreamed_.push_back(process(p.inbound, p.sa_handle, p.bytes)); }
    virtual PacketResult receive() {
        if (unstreamed_.empty()) throw std::logic_error("PacketEngine::receive: no packet in flight");
        PacketResult r = std::move(unstreamed_.front());
        unstreamed_.pop_front();
        return r;
    }
    virtual std::size_t in_flight() const { return unstreamed_.size(); }

    // Clock cycles spent so far; 0 for an untimed model.
    virtual std::uint64_t cycles() const = 0;

    // The interrupt line.
    virtual bool irq() = 0;

private:
    std::deque<PacketResult> unstreamed_; // the default stream's results
};

} // namespace esp
