#include "config/secret.h"

#include <openssl/crypto.h>

#include <ostream>

namespace ike::config {

void Secret::wipe() noexcept {
    // Wipe the whole capacity: a shorter value may have left older bytes behind.
    if (value_.capacity() > 0) OPENSSL_cleanse(value_.data(), value_.capacity());
    value_.clear();
}

// After a move a short (SSO) value's bytes stay in o's inline buffer: wipe it.
Secret::Secret(Secret&& o) noexcept : value_(std::move(o.value_)) { o.wipe(); }

Secret& Secret::operator=(const Secret& o) {
    if (this != &o) {
        wipe();
        value_ = o.value_;
    }
    return *this;
}

Secret& Secret::operator=(Secret&& o) noexcept {
    if (this != &o) {
        wipe();
        value_ = std::move(o.value_);
        o.wipe();
    }
    return *this;
}

std::ostream& operator<<(std::ostream& os, const Secret&) { return os << Secret::masked(); }

} // namespace ike::config
