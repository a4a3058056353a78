// The `/dev/espN` backend: real ioctls on the kernel module's char device.
#include "chardev_device.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include <openssl/crypto.h>

namespace espdrv {

ChardevDevice::ChardevDevice(const std::string& path)
{
    fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0)
        throw Error(errno, "open " + path);
}

ChardevDevice::~ChardevDevice()
{
    if (fd_ >= 0)
        ::close(fd_);
}

void ChardevDevice::call(unsigned long cmd, void* arg, const char* what)
{
    if (::ioctl(fd_, cmd, arg) < 0)
        throw Error(errno, what);
}

esp_dev_info ChardevDevice::info()
{
    esp_dev_info i{};
    call(ESP_IOC_DEV_INFO, &i, "dev info");
    return i;
}

uint32_t ChardevDevice::sa_add(esp_sa_params params)
{
    call(ESP_IOC_SA_ADD, &params, "sa add");
    uint32_t h = params.handle;
    OPENSSL_cleanse(&params, sizeof params);
    return h;
}

void ChardevDevice::sa_update(const esp_sa_params& params)
{
    esp_sa_params copy = params;
    call(ESP_IOC_SA_UPDATE, &copy, "sa update");
    OPENSSL_cleanse(&copy, sizeof copy);
}

void ChardevDevice::sa_del(uint32_t handle) { call(ESP_IOC_SA_DEL, &handle, "sa del"); }

esp_sa_state ChardevDevice::sa_get(uint32_t handle)
{
    esp_sa_state st{};
    st.handle = handle;
    call(ESP_IOC_SA_GET, &st, "sa get");
    return st;
}

void ChardevDevice::sa_flush() { call(ESP_IOC_SA_FLUSH, nullptr, "sa flush"); }

esp_stats ChardevDevice::stats()
{
    esp_stats s{};
    call(ESP_IOC_STATS, &s, "stats");
    return s;
}

std::vector<esp_event> ChardevDevice::read_events(std::chrono::milliseconds timeout)
{
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r < 0)
        throw Error(errno, "poll events");
    std::vector<esp_event> out;
    if (r == 0)
        return out;
    out.resize(64);
    ssize_t n = ::read(fd_, out.data(), out.size() * sizeof(esp_event));
    if (n < 0)
        throw Error(errno, "read events");
    out.resize(static_cast<size_t>(n) / sizeof(esp_event));
    return out;
}

} // namespace espdrv
