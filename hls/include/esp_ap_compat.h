// esp_ap_compat.h: esp_compat::ap_uint, a portable bit-exact subset of Xilinx's ap_uint
// (ap_int.h) for C-simulation with g++ where Xilinx's headers are not available.
// hls_compat.h makes it the global ap_uint unless the build uses Xilinx's own types; it
// lives in a namespace so a test can compile it next to the real ap_int.h and compare
// the two operation by operation (tests/hls/test_ap_faithful.cpp).
//
// Semantics (each one a subset of ap_int.h's; the faithfulness test checks them):
//  - ap_uint<W>, W >= 1: an unsigned W-bit value, always kept reduced mod 2^W. A
//    default-constructed one is unset in ap_int.h; here it holds a fixed non-zero
//    pattern (kUnsetPattern), so relying on it reading 0 fails in tests.
//  - Construction from any integer type (signed values are sign-extended, then
//    truncated), from any ap_uint<W2> (truncate / zero-extend) and from a range().
//  - range(hi, lo) and (hi, lo) with hi >= lo: read (converts to ap_uint, or to
//    unsigned long long = low 64 bits) and assign (integer, ap_uint or range).
//  - operator[](i): bit read / write.
//  - & | ^ between widths give max(W1, W2) bits; + and - give max(W1, W2) + 1 bits,
//    modulo 2^(that) (ap_int.h makes a - b signed: compare a and b, not a - b with 0);
//    * gives W1 + W2 bits; << and >> keep the left operand's width (shift >= W gives
//    0); ~ keeps the width. Integer operands act as 64-bit ap_uint (sign-extended);
//    ap_int.h takes int as 32-bit signed, so only the low W bits of a mixed result
//    are the same: assign it to a sized ap_uint before comparing or shifting it.
//  - Comparisons (== != < <= > >=) by value, across widths and with integers
//    (integer operands must be non-negative).
//  - W <= 64 converts implicitly to unsigned long long (so it indexes arrays and
//    mixes with plain integers); wider values test as bool explicitly (if (x)), and
//    to_uint64() gives their low 64 bits.
//  - to_uint64(), to_uint(), to_int(), to_ulong(), length().
//  - Not provided: concatenation with the comma operator, / and % on W > 64,
//    reversed ranges (hi < lo), ap_int (signed). Use shifts and range() instead.
//  - limb()/set_limb()/get_range()/set_range()/test()/set_bit() are compat
//    internals: HLS sources must not use them (ap_int.h has none of them).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace esp_compat {
template <int W>
class ap_uint;
template <int W>
class ap_range_ref;
template <int W>
class ap_bit_ref;

constexpr int limbs_for(int w) { return (w + 63) / 64; }
constexpr int max_width(int a, int b) { return a > b ? a : b; }

// Integer operands of mixed expressions behave as 64-bit ap_uint values.
template <typename T>
concept Integer = std::integral<T>;

template <typename T>
constexpr std::uint64_t integer_bits(T v) {
    // Sign-extend signed values to 64 bits, then keep the two's-complement pattern.
    if constexpr (std::is_signed_v<T>) {
        return static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
    } else {
        return static_cast<std::uint64_t>(v);
    }
}

template <int W>
class ap_uint {
    static_assert(W >= 1, "ap_uint width must be at least 1");

public:
    static constexpr int kLimbs = limbs_for(W);

    // --- construction --------------------------------------------------------
    // ap_int.h leaves a default-constructed value unset (in C-simulation and in hardware),
    // and so does `Struct{}` for a struct of ap_uint members. The compat layer fills it
    // with a fixed non-zero pattern instead of zero, so code that forgets to initialise a
    // value fails its tests here too rather than passing by luck.
    constexpr ap_uint() {
        for (int i = 0; i < kLimbs; ++i) v_[i] = kUnsetPattern;
        mask_top();
    }
    static constexpr std::uint64_t kUnsetPattern = 0xA5C3'96E1'5A3C'691Eull;

    template <Integer T>
    constexpr ap_uint(T value) : v_{} { // NOLINT: implicit like Vitis
        const std::uint64_t bits = integer_bits(value);
        v_[0] = bits;
        // A negative value sign-extends across all limbs, as in Vitis.
        if constexpr (std::is_signed_v<T>) {
            if (static_cast<std::int64_t>(bits) < 0) {
                for (int i = 1; i < kLimbs; ++i) v_[i] = ~std::uint64_t{0};
            }
        }
        mask_top();
    }

    template <int W2>
    constexpr ap_uint(const ap_uint<W2>& other) : v_{} { // NOLINT: implicit like Vitis
        constexpr int n = kLimbs < ap_uint<W2>::kLimbs ? kLimbs : ap_uint<W2>::kLimbs;
        for (int i = 0; i < n; ++i) v_[i] = other.limb(i);
        mask_top();
    }

    template <int W2>
    constexpr ap_uint(const ap_range_ref<W2>& r) : ap_uint(r.get()) {} // NOLINT
    template <int W2>
    constexpr ap_uint(const ap_bit_ref<W2>& b) : ap_uint(static_cast<bool>(b)) {} // NOLINT

    constexpr ap_uint(const ap_uint&) = default;
    constexpr ap_uint& operator=(const ap_uint&) = default;

    // --- conversions -----------------------------------------------------------
    constexpr operator unsigned long long() const // NOLINT: implicit like Vitis
        requires(W <= 64) {
        return v_[0];
    }
    constexpr explicit operator bool() const requires(W > 64) {
        for (int i = 0; i < kLimbs; ++i)
            if (v_[i] != 0) return true;
        return false;
    }

    constexpr std::uint64_t to_uint64() const { return v_[0]; }
    constexpr unsigned long to_ulong() const { return static_cast<unsigned long>(v_[0]); }
    constexpr unsigned to_uint() const { return static_cast<unsigned>(v_[0]); }
    constexpr int to_int() const { return static_cast<int>(static_cast<std::uint32_t>(v_[0])); }
    static constexpr int length() { return W; }

    // Raw limb access (limb 0 holds bits 63..0); used by the compat operators.
    constexpr std::uint64_t limb(int i) const { return i < kLimbs ? v_[i] : 0; }
    constexpr void set_limb(int i, std::uint64_t x) {
        if (i < kLimbs) v_[i] = x;
        if (i == kLimbs - 1) mask_top();
    }

    // --- bits and ranges -------------------------------------------------------
    constexpr bool test(int i) const { return i >= 0 && i < W && ((v_[i / 64] >> (i % 64)) & 1u) != 0; }
    constexpr void set_bit(int i, bool b) {
        if (i < 0 || i >= W) return;
        const std::uint64_t m = std::uint64_t{1} << (i % 64);
        v_[i / 64] = b ? (v_[i / 64] | m) : (v_[i / 64] & ~m);
    }
    constexpr ap_bit_ref<W> operator[](int i) { return ap_bit_ref<W>(this, i); }
    constexpr bool operator[](int i) const { return test(i); }

    // Vitis returns a reference proxy from const objects too; writing through it is
    // the caller's error there as well.
    constexpr ap_range_ref<W> range(int hi, int lo) const {
        return ap_range_ref<W>(const_cast<ap_uint*>(this), hi, lo);
    }
    constexpr ap_range_ref<W> operator()(int hi, int lo) const { return range(hi, lo); }

    // Bits [hi:lo] shifted down to bit 0 (the rest zero).
    constexpr ap_uint get_range(int hi, int lo) const {
        if (hi / 64 == lo / 64) { // fast path: the field lies in one limb
            ap_uint r(0);
            r.v_[0] = (v_[lo / 64] >> (lo % 64)) & low_ones(hi - lo + 1);
            return r;
        }
        ap_uint r = *this >> lo;
        return r.keep_low(hi - lo + 1);
    }
    template <int W2>
    constexpr void set_range(int hi, int lo, const ap_uint<W2>& value) {
        const int n = hi - lo + 1;
        if (hi / 64 == lo / 64) { // fast path: the field lies in one limb
            const std::uint64_t m = low_ones(n) << (lo % 64);
            v_[lo / 64] = (v_[lo / 64] & ~m) | ((value.limb(0) << (lo % 64)) & m);
            return;
        }
        ap_uint field = ap_uint(value).keep_low(n);
        ap_uint ones = ap_uint(~ap_uint(0)).keep_low(n);
        *this = (*this & ~(ones << lo)) | (field << lo);
    }

    // --- compound assignment ---------------------------------------------------
    template <typename T>
    constexpr ap_uint& operator^=(const T& o) {
        return *this = *this ^ o;
    }
    template <typename T>
    constexpr ap_uint& operator&=(const T& o) {
        return *this = *this & o;
    }
    template <typename T>
    constexpr ap_uint& operator|=(const T& o) {
        return *this = *this | o;
    }
    template <typename T>
    constexpr ap_uint& operator+=(const T& o) {
        return *this = *this + o;
    }
    template <typename T>
    constexpr ap_uint& operator-=(const T& o) {
        return *this = *this - o;
    }
    template <typename T>
    constexpr ap_uint& operator*=(const T& o) {
        return *this = *this * o;
    }
    template <typename T>
    constexpr ap_uint& operator<<=(const T& n) {
        return *this = *this << n;
    }
    template <typename T>
    constexpr ap_uint& operator>>=(const T& n) {
        return *this = *this >> n;
    }
    constexpr ap_uint& operator++() { return *this = *this + 1; }
    constexpr ap_uint& operator--() { return *this = *this - 1; }
    constexpr ap_uint operator++(int) {
        ap_uint old = *this;
        ++*this;
        return old;
    }
    constexpr ap_uint operator--(int) {
        ap_uint old = *this;
        --*this;
        return old;
    }

    // --- shifts (width of the left operand) ------------------------------------
    constexpr ap_uint shl(std::uint64_t n) const {
        ap_uint r(0);
        if (n >= static_cast<std::uint64_t>(W)) return r;
        const int limb_shift = static_cast<int>(n / 64);
        const int bit_shift = static_cast<int>(n % 64);
        for (int i = kLimbs - 1; i >= limb_shift; --i) {
            std::uint64_t x = v_[i - limb_shift] << bit_shift;
            if (bit_shift != 0 && i - limb_shift - 1 >= 0) x |= v_[i - limb_shift - 1] >> (64 - bit_shift);
            r.v_[i] = x;
        }
        r.mask_top();
        return r;
    }
    constexpr ap_uint shr(std::uint64_t n) const {
        ap_uint r(0);
        if (n >= static_cast<std::uint64_t>(W)) return r;
        const int limb_shift = static_cast<int>(n / 64);
        const int bit_shift = static_cast<int>(n % 64);
        for (int i = 0; i + limb_shift < kLimbs; ++i) {
            std::uint64_t x = v_[i + limb_shift] >> bit_shift;
            if (bit_shift != 0 && i + limb_shift + 1 < kLimbs) x |= v_[i + limb_shift + 1] << (64 - bit_shift);
            r.v_[i] = x;
        }
        return r;
    }

    constexpr ap_uint operator~() const {
        ap_uint r;
        for (int i = 0; i < kLimbs; ++i) r.v_[i] = ~v_[i];
        r.mask_top();
        return r;
    }
    constexpr ap_uint operator+() const { return *this; }

private:
    template <int>
    friend class ap_uint;

    // Bits [n-1:0] set, 1 <= n <= 64.
    static constexpr std::uint64_t low_ones(int n) { return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1; }
    constexpr void mask_top() {
        if constexpr (W % 64 != 0) v_[kLimbs - 1] &= (std::uint64_t{1} << (W % 64)) - 1;
    }
    // Keeps bits [n-1:0]; n may exceed W.
    constexpr ap_uint keep_low(int n) const {
        ap_uint r = *this;
        for (int i = 0; i < kLimbs; ++i) {
            const int lo = 64 * i;
            if (n <= lo) {
                r.v_[i] = 0;
            } else if (n < lo + 64) {
                r.v_[i] &= (std::uint64_t{1} << (n - lo)) - 1;
            }
        }
        return r;
    }

    std::uint64_t v_[kLimbs];
};

// --- reference proxies -------------------------------------------------------

template <int W>
class ap_range_ref {
public:
    constexpr ap_range_ref(ap_uint<W>* target, int hi, int lo) : t_(target), hi_(hi), lo_(lo) {
        if (hi < lo || lo < 0 || hi >= W) throw std::out_of_range("ap_uint::range out of bounds");
    }
    constexpr ap_range_ref(const ap_range_ref&) = default;

    constexpr ap_uint<W> get() const { return t_->get_range(hi_, lo_); }
    constexpr operator unsigned long long() const { return get().to_uint64(); } // NOLINT
    constexpr std::uint64_t to_uint64() const { return get().to_uint64(); }
    constexpr unsigned to_uint() const { return get().to_uint(); }
    constexpr int to_int() const { return get().to_int(); }
    constexpr int length() const { return hi_ - lo_ + 1; }

    template <int W2>
    constexpr ap_range_ref& operator=(const ap_uint<W2>& value) {
        t_->set_range(hi_, lo_, value);
        return *this;
    }
    template <Integer T>
    constexpr ap_range_ref& operator=(T value) {
        t_->set_range(hi_, lo_, ap_uint<64>(value));
        return *this;
    }
    template <int W2>
    constexpr ap_range_ref& operator=(const ap_range_ref<W2>& other) {
        t_->set_range(hi_, lo_, other.get());
        return *this;
    }
    constexpr ap_range_ref& operator=(const ap_range_ref& other) {
        t_->set_range(hi_, lo_, other.get());
        return *this;
    }

private:
    ap_uint<W>* t_;
    int hi_;
    int lo_;
};

template <int W>
class ap_bit_ref {
public:
    constexpr ap_bit_ref(ap_uint<W>* target, int bit) : t_(target), bit_(bit) {
        if (bit < 0 || bit >= W) throw std::out_of_range("ap_uint bit index out of bounds");
    }
    constexpr ap_bit_ref(const ap_bit_ref&) = default;
    constexpr operator bool() const { return t_->test(bit_); } // NOLINT
    constexpr ap_bit_ref& operator=(bool b) {
        t_->set_bit(bit_, b);
        return *this;
    }
    constexpr ap_bit_ref& operator=(const ap_bit_ref& other) { return *this = static_cast<bool>(other); }

private:
    ap_uint<W>* t_;
    int bit_;
};

// --- binary operators ----------------------------------------------------------

template <int R, int W1, int W2, typename Op>
constexpr ap_uint<R> limbwise(const ap_uint<W1>& a, const ap_uint<W2>& b, Op op) {
    ap_uint<R> r;
    for (int i = 0; i < ap_uint<R>::kLimbs; ++i) r.set_limb(i, op(a.limb(i), b.limb(i)));
    return r;
}

template <int R, int W1, int W2>
constexpr ap_uint<R> add(const ap_uint<W1>& a, const ap_uint<W2>& b, bool subtract) {
    ap_uint<R> r;
    // a - b == a + ~b + 1 over R bits.
    unsigned carry = subtract ? 1u : 0u;
    for (int i = 0; i < ap_uint<R>::kLimbs; ++i) {
        const std::uint64_t bi = subtract ? ~b.limb(i) : b.limb(i);
        const unsigned __int128 s = static_cast<unsigned __int128>(a.limb(i)) + bi + carry;
        r.set_limb(i, static_cast<std::uint64_t>(s));
        carry = static_cast<unsigned>(s >> 64);
    }
    return r;
}

template <int W1, int W2>
constexpr ap_uint<W1 + W2> mul(const ap_uint<W1>& a, const ap_uint<W2>& b) {
    constexpr int n = ap_uint<W1 + W2>::kLimbs;
    std::uint64_t acc[n] = {};
    for (int i = 0; i < ap_uint<W1>::kLimbs; ++i) {
        std::uint64_t carry = 0;
        for (int j = 0; i + j < n; ++j) {
            const unsigned __int128 p = static_cast<unsigned __int128>(a.limb(i)) * b.limb(j) + acc[i + j] + carry;
            acc[i + j] = static_cast<std::uint64_t>(p);
            carry = static_cast<std::uint64_t>(p >> 64);
        }
    }
    ap_uint<W1 + W2> r;
    for (int i = 0; i < n; ++i) r.set_limb(i, acc[i]);
    return r;
}

template <int W1, int W2>
constexpr int compare(const ap_uint<W1>& a, const ap_uint<W2>& b) {
    constexpr int n = max_width(ap_uint<W1>::kLimbs, ap_uint<W2>::kLimbs);
    for (int i = n - 1; i >= 0; --i) {
        if (a.limb(i) != b.limb(i)) return a.limb(i) < b.limb(i) ? -1 : 1;
    }
    return 0;
}

template <typename T>
constexpr ap_uint<64> as_ap(T v) {
    return ap_uint<64>(v);
}

#define ESP_COMPAT_BITWISE(OP, EXPR)                                                                     \
    template <int W1, int W2>                                                                            \
    constexpr ap_uint<max_width(W1, W2)> operator OP(const ap_uint<W1>& a, const ap_uint<W2>& b) {       \
        return limbwise<max_width(W1, W2)>(a, b, [](std::uint64_t x, std::uint64_t y) { return EXPR; }); \
    }                                                                                                    \
    template <int W, Integer T>                                                                          \
    constexpr ap_uint<max_width(W, 64)> operator OP(const ap_uint<W>& a, T b) {                          \
        return a OP as_ap(b);                                                                            \
    }                                                                                                    \
    template <int W, Integer T>                                                                          \
    constexpr ap_uint<max_width(W, 64)> operator OP(T a, const ap_uint<W>& b) {                          \
        return as_ap(a) OP b;                                                                            \
    }
ESP_COMPAT_BITWISE(&, x& y)
ESP_COMPAT_BITWISE(|, x | y)
ESP_COMPAT_BITWISE(^, x ^ y)
#undef ESP_COMPAT_BITWISE

#define ESP_COMPAT_ADDITIVE(OP, SUB)                                                                   \
    template <int W1, int W2>                                                                          \
    constexpr ap_uint<max_width(W1, W2) + 1> operator OP(const ap_uint<W1>& a, const ap_uint<W2>& b) { \
        return add<max_width(W1, W2) + 1>(a, b, SUB);                                                  \
    }                                                                                                  \
    template <int W, Integer T>                                                                        \
    constexpr ap_uint<max_width(W, 64) + 1> operator OP(const ap_uint<W>& a, T b) {                    \
        return a OP as_ap(b);                                                                          \
    }                                                                                                  \
    template <int W, Integer T>                                                                        \
    constexpr ap_uint<max_width(W, 64) + 1> operator OP(T a, const ap_uint<W>& b) {                    \
        return as_ap(a) OP b;                                                                          \
    }
ESP_COMPAT_ADDITIVE(+, false)
ESP_COMPAT_ADDITIVE(-, true)
#undef ESP_COMPAT_ADDITIVE

template <int W1, int W2>
constexpr ap_uint<W1 + W2> operator*(const ap_uint<W1>& a, const ap_uint<W2>& b) {
    return mul(a, b);
}
template <int W, Integer T>
constexpr ap_uint<W + 64> operator*(const ap_uint<W>& a, T b) {
    return mul(a, as_ap(b));
}
template <int W, Integer T>
constexpr ap_uint<W + 64> operator*(T a, const ap_uint<W>& b) {
    return mul(b, as_ap(a));
}

template <int W, Integer T>
constexpr ap_uint<W> operator<<(const ap_uint<W>& a, T n) {
    return a.shl(static_cast<std::uint64_t>(n));
}
template <int W, int W2>
constexpr ap_uint<W> operator<<(const ap_uint<W>& a, const ap_uint<W2>& n) {
    return (ap_uint<W2>(n) >> 64) ? ap_uint<W>(0) : a.shl(n.to_uint64());
}
template <int W, Integer T>
constexpr ap_uint<W> operator>>(const ap_uint<W>& a, T n) {
    return a.shr(static_cast<std::uint64_t>(n));
}
template <int W, int W2>
constexpr ap_uint<W> operator>>(const ap_uint<W>& a, const ap_uint<W2>& n) {
    return (ap_uint<W2>(n) >> 64) ? ap_uint<W>(0) : a.shr(n.to_uint64());
}

#define ESP_COMPAT_COMPARE(OP)                                               \
    template <int W1, int W2>                                                \
    constexpr bool operator OP(const ap_uint<W1>& a, const ap_uint<W2>& b) { \
        return compare(a, b) OP 0;                                           \
    }                                                                        \
    template <int W, Integer T>                                              \
    constexpr bool operator OP(const ap_uint<W>& a, T b) {                   \
        return compare(a, as_ap(b)) OP 0;                                    \
    }                                                                        \
    template <int W, Integer T>                                              \
    constexpr bool operator OP(T a, const ap_uint<W>& b) {                   \
        return compare(as_ap(a), b) OP 0;                                    \
    }
ESP_COMPAT_COMPARE(==)
ESP_COMPAT_COMPARE(!=)
ESP_COMPAT_COMPARE(<)
ESP_COMPAT_COMPARE(<=)
ESP_COMPAT_COMPARE(>)
ESP_COMPAT_COMPARE(>=)
#undef ESP_COMPAT_COMPARE

} // namespace esp_compat
