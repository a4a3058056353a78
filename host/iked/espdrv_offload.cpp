#include "espdrv_offload.hpp"

#include <openssl/crypto.h>
#include <stdexcept>

#include "device.h"
#include "sa/log.hpp"
#include "sa/offload_params.hpp"

namespace iked {
namespace {

class EspdrvOffload : public ike::sa::SaOffload {
public:
    EspdrvOffload(std::unique_ptr<espdrv::Device> dev, std::string name) : dev_(std::move(dev)), name_(std::move(name)) {}

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

private:
    std::unique_ptr<espdrv::Device> dev_;
    std::string name_;
};

} // namespace

std::unique_ptr<ike::sa::SaOffload> open_offload(const std::string& device) {
    try {
        auto dev = espdrv::open_device(device);
        auto info = dev->info();
        IKE_LOG(info) << "accelerator " << device << ": " << info.sa_slots << " SA slots, replay window up to "
                      << info.max_window;
        return std::make_unique<EspdrvOffload>(std::move(dev), device);
    } catch (const espdrv::Error& e) {
        throw std::runtime_error("cannot open device " + device + ": " + e.what());
    }
}

} // namespace iked
