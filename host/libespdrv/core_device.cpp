#include "core_device.h"

#include <cstring>
#include <thread>

#include "packet_engine.h"

namespace espdrv {

PacketResult Device::inject(bool, uint16_t, std::span<const uint8_t>) {
    throw Error(ENOTSUP, "this device has no simulated data path");
}

namespace {
[[noreturn]] void no_ports(const char* what) {
    throw Error(ENOTSUP, std::string(what) + ": this device has no policy table");
}
} // namespace

void Device::policy_add(const esp_policy&) { no_ports("policy add"); }
void Device::policy_update(const esp_policy&) { no_ports("policy update"); }
void Device::policy_del(uint32_t) { no_ports("policy del"); }
esp_policy_state Device::policy_get(uint32_t) { no_ports("policy get"); }
std::vector<esp_policy_state> Device::policy_list() { no_ports("policy list"); }
void Device::policy_flush() { no_ports("policy flush"); }
esp_port_config Device::port_config() { no_ports("port get"); }
void Device::set_port_config(const esp_port_config&) { no_ports("port set"); }
esp_port_stats Device::port_stats() { no_ports("port stats"); }

void Device::load_xclbin(const std::string& path) {
    throw Error(ENOTSUP, "dev load " + path + ": only xrt: devices take a bitstream");
}

CoreCard::CoreCard(std::unique_ptr<esp::PacketEngine> engine) : engine_(std::move(engine)) {
    ops_.read = &CoreCard::reg_read;
    ops_.write = &CoreCard::reg_write;
    int ret = esp_core_init(&core_, &ops_, this);
    if (ret) throw Error(-ret, "card did not identify as an ESP offload card");
}

CoreCard::~CoreCard() { esp_core_destroy(&core_); }

uint32_t CoreCard::reg_read(void* ctx, uint32_t off) {
    auto* card = static_cast<CoreCard*>(ctx);
    std::lock_guard g(card->engine_lock_);
    return card->engine_->read_reg(off);
}

void CoreCard::reg_write(void* ctx, uint32_t off, uint32_t val) {
    auto* card = static_cast<CoreCard*>(ctx);
    std::lock_guard g(card->engine_lock_);
    card->engine_->write_reg(off, val);
}

long CoreCard::ioctl(unsigned int cmd, void* arg) {
    long ret = esp_core_ioctl(&core_, cmd, arg);
    esp_core_poll_events(&core_); // a command (DELETE) may have raised an event
    return ret;
}

PacketResult CoreCard::inject(bool inbound, uint16_t sa_handle, std::span<const uint8_t> packet) {
    PacketResult out;
    {
        std::lock_guard g(engine_lock_);
        auto r = engine_->process(inbound, sa_handle, packet);
        out.bytes = std::move(r.bytes);
        out.result = r.result;
        out.sa = r.sa;
    }
    esp_core_poll_events(&core_); // lifetimes and exhaustion raise events on the data path
    out.card_cycles = cycles();
    return out;
}

void CoreCard::submit(const esp::PacketEngine::StreamPacket& packet) {
    std::lock_guard g(engine_lock_);
    engine_->submit(packet);
}

esp::PacketEngine::PacketResult CoreCard::receive() {
    esp::PacketEngine::PacketResult r;
    bool drained;
    {
        std::lock_guard g(engine_lock_);
        r = engine_->receive();
        drained = engine_->in_flight() == 0;
    }
    if (drained) esp_core_poll_events(&core_); // registers are read with no packet in flight
    return r;
}

std::vector<PacketResult> CoreCard::inject_batch(std::span<const Injection> packets) {
    std::vector<PacketResult> out(packets.size());
    uint64_t after = 0;
    {
        std::lock_guard g(engine_lock_);
        for (const Injection& p : packets) engine_->submit({p.inbound, p.sa_handle, p.packet, 0});
        for (PacketResult& o : out) {
            auto r = engine_->receive();
            o.bytes = std::move(r.bytes);
            o.result = r.result;
            o.sa = r.sa;
            o.card_cycles = r.timed ? r.last_out_cycle + 1 : 0;
        }
        after = engine_->cycles();
    }
    esp_core_poll_events(&core_);
    for (PacketResult& o : out)
        if (!o.card_cycles) o.card_cycles = after;
    return out;
}

uint64_t CoreCard::cycles() {
    std::lock_guard g(engine_lock_);
    return engine_->cycles();
}

// A new reader starts at the oldest event the core still holds, as /dev/espN does.
CoreDevice::CoreDevice(std::shared_ptr<CoreCard> card) : card_(std::move(card)), cursor_(0) {}

long CoreDevice::raw_ioctl(unsigned long cmd, void* arg) { return card_->ioctl(static_cast<unsigned int>(cmd), arg); }

std::vector<esp_event> CoreDevice::read_events(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<esp_event> out(64);
    for (;;) {
        esp_core_poll_events(&card_->core());
        int n = esp_core_read_events(&card_->core(), &cursor_, out.data(), static_cast<unsigned>(out.size()));
        if (n > 0 || std::chrono::steady_clock::now() >= deadline) {
            out.resize(static_cast<size_t>(n));
            return out;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

PacketResult CoreDevice::inject(bool inbound, uint16_t sa_handle, std::span<const uint8_t> packet) {
    return card_->inject(inbound, sa_handle, packet);
}

uint64_t CoreDevice::register_writes() const { return card_->core().reg_writes; }

} // namespace espdrv
