// Internal to ike_codec: bounds-checked big-endian reader and a writer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "result.h"

namespace ike::codec::detail {

class Reader {
public:
    // base: absolute offset of data[0] in the datagram, for error reports.
    Reader(std::span<const uint8_t> data, std::size_t base) : data_(data), base_(base) {}

    std::size_t remaining() const { return data_.size() - pos_; }
    std::size_t offset() const { return base_ + pos_; }
    bool empty() const { return pos_ == data_.size(); }

    bool u8(uint8_t& v) {
        if (remaining() < 1) return false;
        v = data_[pos_++];
        return true;
    }
    bool u16(uint16_t& v) {
        if (remaining() < 2) return false;
        v = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
        pos_ += 2;
        return true;
    }
    bool u32(uint32_t& v) {
        uint16_t hi = 0, lo = 0;
        if (remaining() < 4) return false;
        u16(hi);
        u16(lo);
        v = static_cast<uint32_t>(hi) << 16 | lo;
        return true;
    }
    bool u64(uint64_t& v) {
        uint32_t hi = 0, lo = 0;
        if (remaining() < 8) return false;
        u32(hi);
        u32(lo);
        v = static_cast<uint64_t>(hi) << 32 | lo;
        return true;
    }
    bool skip(std::size_t n) {
        if (remaining() < n) return false;
        pos_ += n;
        return true;
    }
    bool bytes(std::size_t n, std::vector<uint8_t>& out) {
        if (remaining() < n) return false;
        out.assign(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
                   data_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
        pos_ += n;
        return true;
    }
    // A sub-span of n octets (a length-delimited structure) and its reader.
    bool sub(std::size_t n, Reader& out) {
        if (remaining() < n) return false;
        out = Reader(data_.subspan(pos_, n), offset());
        pos_ += n;
        return true;
    }
    std::vector<uint8_t> rest() {
        std::vector<uint8_t> out(data_.begin() + static_cast<std::ptrdiff_t>(pos_), data_.end());
        pos_ = data_.size();
        return out;
    }
    std::span<const uint8_t> rest_span() const { return data_.subspan(pos_); }

    DecodeError error(DecodeErrorKind kind, std::string what) const {
        return DecodeError{offset(), std::move(what), kind, 0};
    }
    DecodeError truncated(const char* what) const {
        return error(DecodeErrorKind::Truncated, std::string("truncated ") + what);
    }

private:
    std::span<const uint8_t> data_;
    std::size_t base_ = 0;
    std::size_t pos_ = 0;
};

class Writer {
public:
    std::vector<uint8_t>& out;
    void u8(uint8_t v) { out.push_back(v); }
    void u16(uint16_t v) {
        out.push_back(static_cast<uint8_t>(v >> 8));
        out.push_back(static_cast<uint8_t>(v));
    }
    void u32(uint32_t v) {
        u16(static_cast<uint16_t>(v >> 16));
        u16(static_cast<uint16_t>(v));
    }
    void u64(uint64_t v) {
        u32(static_cast<uint32_t>(v >> 32));
        u32(static_cast<uint32_t>(v));
    }
    void zeros(std::size_t n) { out.insert(out.end(), n, 0); }
    void bytes(std::span<const uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }
    // Overwrites a 16-bit length at `at`; false if value does not fit.
    bool patch16(std::size_t at, std::size_t value) {
        if (value > 0xFFFF) return false;
        out[at] = static_cast<uint8_t>(value >> 8);
        out[at + 1] = static_cast<uint8_t>(value);
        return true;
    }
};

inline DecodeError encode_error(std::string what) {
    return DecodeError{0, std::move(what), DecodeErrorKind::EncodeFailure, 0};
}

} // namespace ike::codec::detail
