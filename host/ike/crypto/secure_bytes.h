// Byte buffers for key material: every buffer they free is wiped first, so
// keys do not linger in the heap after an SA is deleted or rekeyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <vector>

namespace ike::crypto {

// Wipes n bytes in a way the optimiser cannot drop (OPENSSL_cleanse).
void secure_wipe(void* p, std::size_t n) noexcept;

template <class T>
struct WipingAllocator {
    using value_type = T;
    WipingAllocator() noexcept = default;
    template <class U>
    WipingAllocator(const WipingAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept {
        secure_wipe(p, n * sizeof(T));
        ::operator delete(p);
    }
    template <class U>
    bool operator==(const WipingAllocator<U>&) const noexcept {
        return true;
    }
};

// Key material. Converts to std::span<const uint8_t> for every API here.
using secure_bytes = std::vector<uint8_t, WipingAllocator<uint8_t>>;

inline secure_bytes to_secure(std::span<const uint8_t> b) { return secure_bytes(b.begin(), b.end()); }

// Concatenation helpers (seeds for prf+ are built from several pieces).
inline void append(secure_bytes& out, std::span<const uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }
inline void append(std::vector<uint8_t>& out, std::span<const uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }

// Constant-time comparison (CRYPTO_memcmp); false when the sizes differ.
bool equal_ct(std::span<const uint8_t> a, std::span<const uint8_t> b) noexcept;

// Cryptographically secure random bytes (RAND_bytes). Returns false only if
// the DRBG fails, in which case the buffer must not be used.
bool random_bytes(std::span<uint8_t> out) noexcept;

} // namespace ike::crypto
