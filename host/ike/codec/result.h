// Result of decoding untrusted bytes: a value or a DecodeError, never an
// exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace ike::codec {

enum class DecodeErrorKind : uint8_t {
    Truncated,            // fewer octets than a header or length field says
    BadLength,            // a length field is impossible (too small, too big, misaligned)
    InvalidSyntax,        // a field value is not allowed (bad "last" marker, bad TS, ...)
    UnsupportedCritical,  // unknown payload with the critical bit set
    InvalidMajorVersion,  // IKE header major version is not 2
    TrailingData,         // octets after the last payload / beyond the header length
    MissingPayload,       // e.g. unprotect() on a message without an SK payload
    IntegrityCheckFailed, // SK/SKF ICV mismatch or AEAD tag failure
    CryptoFailure,        // cipher object refused (exhausted IV counter, OpenSSL failure)
    EncodeFailure,        // a value does not fit its length field
};

struct DecodeError {
    std::size_t offset = 0; // octet offset in the input where the problem lies
    std::string what;       // human-readable reason
    DecodeErrorKind kind = DecodeErrorKind::InvalidSyntax;
    uint8_t payload_type = 0; // for UnsupportedCritical: the type to report
};

const char* kind_name(DecodeErrorKind kind);

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(DecodeError error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    // By value, so `for (auto& x : f().value())` does not dangle.
    T value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    const DecodeError& error() const { return std::get<1>(v_); }

private:
    std::variant<T, DecodeError> v_;
};

} // namespace ike::codec
