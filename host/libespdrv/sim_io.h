// Frame I/O for the simulated card's socket (see sim_protocol.h).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

namespace espdrv::sim {

// Whole-buffer send/receive on a stream socket; false on EOF or error.
bool write_all(int fd, const void* buf, size_t len);
bool read_all(int fd, void* buf, size_t len);

bool send_frame(int fd, uint32_t kind, const std::vector<uint8_t>& body);
// Returns {kind, body}, or nothing on EOF, error or an oversized frame.
std::optional<std::pair<uint32_t, std::vector<uint8_t>>> recv_frame(int fd);

template <typename T>
void put(std::vector<uint8_t>& out, const T& v) {
    // resize + memcpy rather than a range insert: g++ 12 at -O3 reports a false
    // stringop-overflow for inserting into a still-empty vector.
    const size_t at = out.size();
    out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &v, sizeof(T));
}

template <typename T>
bool get(const std::vector<uint8_t>& in, size_t& pos, T& v) {
    if (in.size() - pos < sizeof(T) || pos > in.size()) return false;
    std::memcpy(&v, in.data() + pos, sizeof(T));
    pos += sizeof(T);
    return true;
}

} // namespace espdrv::sim
