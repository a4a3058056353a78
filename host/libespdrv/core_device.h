// A Device that runs the driver core (driver/core, the kernel's own C) over a
// card reached through register reads and writes: the in-process HLS model
// (`model:`) and, inside `espsim serve`, the simulated card.
#pragma once

#include <memory>
#include <mutex>

#include "device.h"
#include "esp_core.h"
#include "packet_engine.h"

namespace espdrv {

// Shared by every client of one card: the core, the engine, one lock for the data path.
class CoreCard {
public:
    explicit CoreCard(std::unique_ptr<esp::PacketEngine> engine);
    ~CoreCard();
    CoreCard(const CoreCard&) = delete;
    CoreCard& operator=(const CoreCard&) = delete;

    esp_core& core() { return core_; }
    // Runs one ioctl through the core; returns 0 or a negative errno.
    long ioctl(unsigned int cmd, void* arg);
    PacketResult inject(bool inbound, uint16_t sa_handle, std::span<const uint8_t> packet);
    // Streaming (espsim): submit() queues a packet on the engine's input while earlier ones
    // are in flight, receive() returns the oldest one's result with the engine's beat cycles.
    // Events are polled whenever the stream has drained. One streamer at a time, and inject()
    // or inject_batch() only on an empty stream.
    void submit(const esp::PacketEngine::StreamPacket& packet);
    esp::PacketEngine::PacketResult receive();
    // Packets sent back to back under one hold of the engine (espsim serve, when a client's
    // requests queue up); card_cycles of each: the cycle after its last output beat on timed
    // engines, else the counter after the batch.
    struct Injection {
        bool inbound;
        uint16_t sa_handle;
        std::span<const uint8_t> packet;
    };
    std::vector<PacketResult> inject_batch(std::span<const Injection> packets);
    uint64_t cycles();
    esp::PacketEngine& engine() { return *engine_; }

private:
    static uint32_t reg_read(void* ctx, uint32_t off);
    static void reg_write(void* ctx, uint32_t off, uint32_t val);

    std::unique_ptr<esp::PacketEngine> engine_;
    std::mutex engine_lock_; // the engine is one card: register access and packets take turns
    esp_hw_ops ops_{};
    esp_core core_{};
};

// A Device (one opener) on a CoreCard.
class CoreDevice : public IoctlDevice {
public:
    explicit CoreDevice(std::shared_ptr<CoreCard> card);

    std::vector<esp_event> read_events(std::chrono::milliseconds timeout) override;
    PacketResult inject(bool inbound, uint16_t sa_handle, std::span<const uint8_t> packet) override;
    uint64_t register_writes() const override;

protected:
    long raw_ioctl(unsigned long cmd, void* arg) override;

private:
    std::shared_ptr<CoreCard> card_;
    uint64_t cursor_;
};

} // namespace espdrv
