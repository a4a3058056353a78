// The `/dev/espN` backend (see device.h).
#pragma once

#include "device.h"

namespace espdrv {

class ChardevDevice : public IoctlDevice {
public:
    explicit ChardevDevice(const std::string& path);
    ~ChardevDevice() override;
    ChardevDevice(const ChardevDevice&) = delete;
    ChardevDevice& operator=(const ChardevDevice&) = delete;

    std::vector<esp_event> read_events(std::chrono::milliseconds timeout) override;

protected:
    long raw_ioctl(unsigned long cmd, void* arg) override;

private:
    int fd_ = -1;
};

} // namespace espdrv
