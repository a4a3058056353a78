// esp_stream_model.h: the project's own hls::stream for C-simulation with g++. Xilinx's
// hls_stream.h ships only with Vitis HLS; under Vitis (ESP_HLS_VITIS or __SYNTHESIS__)
// hls_compat.h includes that one instead.
#pragma once

#include <cstddef>
#include <deque>
#include <stdexcept>
#include <string>
#include <utility>

namespace hls {

// Simulation-only FIFO. Real HLS streams have a fixed depth and block when full or
// empty; here writes always succeed and reading an empty stream is a test failure.
template <typename T>
class stream {
public:
    stream() = default;
    explicit stream(const char* name) : name_(name) {}
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;

    void write(const T& value) { q_.push_back(value); }
    bool write_nb(const T& value) {
        write(value);
        return true;
    }
    T read() {
        if (q_.empty()) throw std::runtime_error("hls::stream read on empty stream " + name_);
        T value = std::move(q_.front());
        q_.pop_front();
        return value;
    }
    void read(T& out) { out = read(); }
    bool read_nb(T& out) {
        if (q_.empty()) return false;
        out = read();
        return true;
    }
    bool empty() const { return q_.empty(); }
    bool full() const { return false; }
    std::size_t size() const { return q_.size(); }
    stream& operator<<(const T& value) {
        write(value);
        return *this;
    }
    stream& operator>>(T& out) {
        read(out);
        return *this;
    }

private:
    std::deque<T> q_;
    std::string name_;
};

} // namespace hls
