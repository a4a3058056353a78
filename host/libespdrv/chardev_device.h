// The `/dev/espN` backend (see device.h).
#pragma once

#include "device.h"

namespace espdrv {

class ChardevDevice : public Device {
public:
    explicit ChardevDevice(const std::string& path);
    ~ChardevDevice() override;
    ChardevDevice(const ChardevDevice&) = delete;
    ChardevDevice& operator=(const ChardevDevice&) = delete;

    esp_dev_info info() override;
    uint32_t sa_add(esp_sa_params params) override;
    void sa_update(const esp_sa_params& params) override;
    void sa_del(uint32_t handle) override;
    esp_sa_state sa_get(uint32_t handle) override;
    void sa_flush() override;
    esp_stats stats() override;
    std::vector<esp_event> read_events(std::chrono::milliseconds timeout) override;

private:
    void call(unsigned long cmd, void* arg, const char* what);
    int fd_ = -1;
};

} // namespace espdrv
