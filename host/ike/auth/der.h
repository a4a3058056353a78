// DER of an OpenSSL object through its i2d_ function (internal to ike_auth).
#pragma once

#include <cstdint>
#include <vector>

#include <openssl/crypto.h>

namespace ike::auth {

template <class T, class I2d>
std::vector<uint8_t> der_of(const T* obj, I2d i2d) {
    unsigned char* out = nullptr;
    int n = i2d(obj, &out);
    if (n <= 0) return {};
    std::vector<uint8_t> der(out, out + n);
    OPENSSL_free(out);
    return der;
}

} // namespace ike::auth
