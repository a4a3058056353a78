// BothEngine (see both_engine.h).
#include "both_engine.h"

#include <cstdio>
#include <algorithm>

#include "esp_contract.h"

namespace espsim {

namespace {

std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

} // namespace

bool starts_card_work(std::uint32_t addr) { return addr == ESP_REG_SA_CMD || addr == ESP_REG_DEV_CONTROL; }

void wait_not_busy(esp::PacketEngine& e) {
    for (int i = 0; i < 100000 && (e.read_reg(ESP_REG_SA_STATUS) & ESP_REG_SA_STATUS_BUSY_MASK); ++i) {
    }
}

BothEngine::BothEngine(std::unique_ptr<esp::PacketEngine> a, std::string a_name, std::unique_ptr<esp::PacketEngine> b,
                       std::string b_name)
    : a_(std::move(a)), b_(std::move(b)), a_name_(std::move(a_name)), b_name_(std::move(b_name)) {}

void BothEngine::mismatch(const std::string& what, std::uint64_t va, std::uint64_t vb) const {
    throw EngineMismatch("engines differ after " + std::to_string(packets_) + " packets: " + what + ": " + a_name_ +
                         " " + hex(va) + ", " + b_name_ + " " + hex(vb));
}

std::uint32_t BothEngine::read_reg(std::uint32_t addr) {
    drain();
    const std::uint32_t va = a_->read_reg(addr), vb = b_->read_reg(addr);
    if (va != vb) mismatch("register " + hex(addr) + " read", va, vb);
    return va;
}

void BothEngine::write_reg(std::uint32_t addr, std::uint32_t data) {
    drain();
    a_->write_reg(addr, data);
    b_->write_reg(addr, data);
    // An SA command or a reset keeps the RTL busy for a while and the model for no time: let
    // both finish, so SA_STATUS is compared for the outcome, not the timing.
    if (starts_card_work(addr)) {
        wait_not_busy(*a_);
        wait_not_busy(*b_);
    }
}

bool BothEngine::irq() {
    drain();
    const bool va = a_->irq(), vb = b_->irq();
    if (va != vb) mismatch("irq", va, vb);
    return va;
}

BothEngine::PacketResult BothEngine::process(bool inbound, std::uint16_t sa_handle,
                                             std::span<const std::uint8_t> packet) {
    if (in_flight()) throw std::logic_error("BothEngine::process while streamed packets are in flight");
    submit({inbound, sa_handle, packet, 0});
    return receive();
}

void BothEngine::submit(const StreamPacket& p) {
    a_->submit(p);
    sent_.push_back({p.inbound, p.sa_handle, std::vector<std::uint8_t>(p.bytes.begin(), p.bytes.end())});
}

BothEngine::PacketResult BothEngine::receive() {
    if (compared_.empty()) return compare_next();
    PacketResult r = std::move(compared_.front());
    compared_.pop_front();
    return r;
}

void BothEngine::drain() {
    while (!sent_.empty()) compared_.push_back(compare_next());
}

BothEngine::PacketResult BothEngine::compare_next() {
    if (sent_.empty()) throw std::logic_error("BothEngine::receive: no packet in flight");
    PacketResult ra = a_->receive();
    const Sent s = std::move(sent_.front());
    sent_.pop_front();
    const PacketResult rb = b_->process(s.inbound, s.sa_handle, s.bytes);
    const std::string pkt = "packet " + std::to_string(packets_) + " (" + (s.inbound ? "inbound" : "outbound") + ", " +
                            std::to_string(s.bytes.size()) + " bytes)";
    if (ra.result != rb.result) mismatch(pkt + " RESULT", ra.result, rb.result);
    if (ra.sa != rb.sa) mismatch(pkt + " tuser SA", ra.sa, rb.sa);
    if (ra.inbound != rb.inbound) mismatch(pkt + " tuser DIR", ra.inbound, rb.inbound);
    const std::size_t n = std::min(ra.bytes.size(), rb.bytes.size());
    for (std::size_t i = 0; i < n; ++i)
        if (ra.bytes[i] != rb.bytes[i]) mismatch(pkt + " output byte " + std::to_string(i), ra.bytes[i], rb.bytes[i]);
    if (ra.bytes.size() != rb.bytes.size()) mismatch(pkt + " output length", ra.bytes.size(), rb.bytes.size());
    ++packets_;
    if (a_->in_flight() == 0) compare_counters(); // both engines have seen the same packets
    return ra;
}

void BothEngine::compare_counters() {
    static const struct {
        std::uint32_t addr;
        const char* name;
    } kCounters[] = {{ESP_REG_CNT_PKTS_IN, "CNT_PKTS_IN"},        {ESP_REG_CNT_PKTS_OUT, "CNT_PKTS_OUT"},
                     {ESP_REG_CNT_BYTES_IN, "CNT_BYTES_IN"},      {ESP_REG_CNT_BYTES_OUT, "CNT_BYTES_OUT"},
                     {ESP_REG_CNT_DROPS + 4 * 1, "CNT_DROPS[1]"}, {ESP_REG_CNT_DROPS + 4 * 2, "CNT_DROPS[2]"},
                     {ESP_REG_CNT_DROPS + 4 * 3, "CNT_DROPS[3]"}, {ESP_REG_CNT_DROPS + 4 * 4, "CNT_DROPS[4]"},
                     {ESP_REG_CNT_DROPS + 4 * 5, "CNT_DROPS[5]"}, {ESP_REG_CNT_DROPS + 4 * 6, "CNT_DROPS[6]"},
                     {ESP_REG_CNT_DROPS + 4 * 7, "CNT_DROPS[7]"}, {ESP_REG_EVT_COUNT, "EVT_COUNT"}};
    for (const auto& c : kCounters) {
        std::uint64_t va = a_->read_reg(c.addr), vb = b_->read_reg(c.addr);
        if (c.addr != ESP_REG_EVT_COUNT) {
            va |= std::uint64_t(a_->read_reg(ESP_REG_CNT_HI_LATCH)) << 32;
            vb |= std::uint64_t(b_->read_reg(ESP_REG_CNT_HI_LATCH)) << 32;
        }
        if (va != vb) mismatch(std::string("counter ") + c.name, va, vb);
    }
}

} // namespace espsim
