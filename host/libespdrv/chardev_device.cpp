// The `/dev/espN` backend: real ioctls on the kernel module's char device.
#include "chardev_device.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace espdrv {

ChardevDevice::ChardevDevice(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) throw Error(errno, "open " + path);
}

ChardevDevice::~ChardevDevice() {
    if (fd_ >= 0) ::close(fd_);
}

long ChardevDevice::raw_ioctl(unsigned long cmd, void* arg) { return ::ioctl(fd_, cmd, arg) < 0 ? -errno : 0; }

std::vector<esp_event> ChardevDevice::read_events(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r < 0) throw Error(errno, "poll events");
    std::vector<esp_event> out;
    if (r == 0) return out;
    out.resize(64);
    ssize_t n = ::read(fd_, out.data(), out.size() * sizeof(esp_event));
    if (n < 0) throw Error(errno, "read events");
    out.resize(static_cast<size_t>(n) / sizeof(esp_event));
    return out;
}

} // namespace espdrv
