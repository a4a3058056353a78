#include "sim_io.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "sim_protocol.h"

namespace espdrv::sim {

bool write_all(int fd, const void* buf, size_t len) {
    const auto* p = static_cast<const uint8_t*>(buf);
    while (len) {
        ssize_t n = ::send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

bool read_all(int fd, void* buf, size_t len) {
    auto* p = static_cast<uint8_t*>(buf);
    while (len) {
        ssize_t n = ::read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

bool send_frame(int fd, uint32_t kind, const std::vector<uint8_t>& body) {
    std::vector<uint8_t> frame;
    frame.reserve(body.size() + 8);
    put(frame, static_cast<uint32_t>(body.size() + 4));
    put(frame, kind);
    frame.insert(frame.end(), body.begin(), body.end());
    return write_all(fd, frame.data(), frame.size());
}

std::optional<std::pair<uint32_t, std::vector<uint8_t>>> recv_frame(int fd) {
    uint32_t len = 0, kind = 0;
    if (!read_all(fd, &len, sizeof len) || len < 4 || len > kMaxFrame) return std::nullopt;
    if (!read_all(fd, &kind, sizeof kind)) return std::nullopt;
    std::vector<uint8_t> body(len - 4);
    if (!body.empty() && !read_all(fd, body.data(), body.size())) return std::nullopt;
    return std::make_pair(kind, std::move(body));
}

} // namespace espdrv::sim
