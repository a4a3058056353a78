// A pre-shared key as read from `set psksecret`. It prints as "********"
// through operator<< and masked(), so logging a Phase1 or a diagnostic can
// never show it; reveal() is the one way to the bytes (for the PRF only).
// The buffer is wiped (OPENSSL_cleanse) when the value dies or is replaced.
#pragma once

#include <iosfwd>
#include <string>

namespace ike::config {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret& o) : value_(o.value_) {}
    Secret(Secret&& o) noexcept;
    Secret& operator=(const Secret& o);
    Secret& operator=(Secret&& o) noexcept;
    ~Secret() { wipe(); }

    bool empty() const { return value_.empty(); }
    size_t size() const { return value_.size(); }
    const std::string& reveal() const { return value_; }
    static constexpr const char* masked() { return "********"; }
    bool operator==(const Secret& o) const { return value_ == o.value_; }

private:
    void wipe() noexcept;
    std::string value_;
};

std::ostream& operator<<(std::ostream& os, const Secret& s);

} // namespace ike::config
