#include "espdrv_offload.h"

#include <openssl/crypto.h>
#include <stdexcept>

#include "device.h"
#include "sa/log.h"
#include "sa/offload_params.h"

namespace iked {
namespace {

using ike::sa::OffloadEvent;
using ike::sa::OffloadEventType;

class EspdrvOffload : public ike::sa::SaOffload {
public:
    EspdrvOffload(std::shared_ptr<espdrv::Device> dev, std::string name)
        : dev_(std::move(dev)), name_(std::move(name)) {}

    std::optional<uint32_t> install(const ike::sa::OffloadSa& sa) override {
        esp_sa_params p = ike::sa::to_esp_sa_params(sa);
        std::optional<uint32_t> handle;
        try {
            handle = dev_->sa_add(p);
        } catch (const espdrv::Error& e) {
            IKE_LOG(warn) << name_ << ": SA_ADD spi " << std::hex << sa.spi << std::dec << " refused: " << e.what();
        }
        OPENSSL_cleanse(p.key, sizeof p.key);
        OPENSSL_cleanse(p.salt, sizeof p.salt);
        return handle;
    }

    void remove(uint32_t handle) override {
        try {
            dev_->sa_del(handle);
        } catch (const espdrv::Error& e) {
            IKE_LOG(warn) << name_ << ": SA_DEL " << handle << " failed: " << e.what();
        }
    }

    std::string name() const override { return name_; }

    std::optional<ike::sa::OffloadCounters> counters(uint32_t handle) override {
        esp_sa_state st;
        try {
            st = dev_->sa_get(handle);
        } catch (const espdrv::Error& e) {
            IKE_LOG(debug) << name_ << ": SA_GET " << handle << " failed: " << e.what();
            return std::nullopt;
        }
        ike::sa::OffloadCounters c;
        c.packets = st.packets;
        c.bytes = st.bytes;
        c.seq = st.seq;
        for (uint64_t d : st.drops) c.drops += d;
        c.disabled = (st.state & ESP_SA_S_DISABLED) != 0;
        return c;
    }

    std::vector<OffloadEvent> poll_events() override {
        std::vector<OffloadEvent> out;
        for (;;) {
            std::vector<esp_event> batch;
            try {
                batch = dev_->read_events(std::chrono::milliseconds(0));
            } catch (const espdrv::Error& e) {
                IKE_LOG(warn) << name_ << ": reading events failed: " << e.what();
                return out;
            }
            if (batch.empty()) return out;
            for (const auto& ev : batch) {
                OffloadEvent o;
                o.handle = ev.handle;
                switch (ev.type) {
                    case ESP_EV_SOFT_BYTES:
                    case ESP_EV_SOFT_PACKETS:
                        o.type = OffloadEventType::soft;
                        break;
                    case ESP_EV_HARD_BYTES:
                    case ESP_EV_HARD_PACKETS:
                        o.type = OffloadEventType::hard;
                        break;
                    case ESP_EV_SEQ_EXHAUSTED:
                        o.type = OffloadEventType::seq_exhausted;
                        break;
                    case ESP_EV_SA_DELETED:
                        o.type = OffloadEventType::deleted;
                        break;
                    default:
                        continue;
                }
                out.push_back(o);
            }
        }
    }

private:
    std::shared_ptr<espdrv::Device> dev_;
    std::string name_;
};

} // namespace

std::unique_ptr<ike::sa::SaOffload> wrap_offload(std::shared_ptr<espdrv::Device> dev, const std::string& name) {
    return std::make_unique<EspdrvOffload>(std::move(dev), name);
}

std::unique_ptr<ike::sa::SaOffload> open_offload(const std::string& device) {
    try {
        std::shared_ptr<espdrv::Device> dev = espdrv::open_device(device);
        auto info = dev->info();
        IKE_LOG(info) << "accelerator " << device << ": " << info.sa_slots << " SA slots, replay window up to "
                      << info.max_window;
        return wrap_offload(std::move(dev), device);
    } catch (const espdrv::Error& e) {
        throw std::runtime_error("cannot open device " + device + ": " + e.what());
    }
}

} // namespace iked
