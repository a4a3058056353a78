// Internal to ike_crypto: OpenSSL handle owners and the per-family DH
// constructors behind make_dh().
#pragma once

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

#include "dh.h"

namespace ike::crypto::detail {

struct PkeyDeleter {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxDeleter {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BnDeleter {
    void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
struct BnCtxDeleter {
    void operator()(BN_CTX* p) const { BN_CTX_free(p); }
};
struct ParamBldDeleter {
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamDeleter {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;
using BnCtx = std::unique_ptr<BN_CTX, BnCtxDeleter>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter>;
using Params = std::unique_ptr<OSSL_PARAM, ParamDeleter>;

// EVP_PKEY from OSSL_PARAMs (selection: EVP_PKEY_KEYPAIR / PUBLIC_KEY / KEY_PARAMETERS).
Pkey pkey_from_params(const char* algorithm, int selection, const OSSL_PARAM* params);
// EVP_PKEY_derive. pad: DH output padded to the prime size. validate_peer:
// OpenSSL's full public-key check too (for FFC with a small subgroup: y^q = 1,
// one more exponentiation; for EC: n * Q = O, one more scalar multiplication).
// Callers that checked what their group needs already pass false.
std::optional<secure_bytes> derive(EVP_PKEY* own, EVP_PKEY* peer, bool pad, bool validate_peer);
// Big-endian, left-padded to `size` octets (empty if it does not fit).
std::vector<uint8_t> bn_to_padded(const BIGNUM* bn, std::size_t size);

std::unique_ptr<DhGroup> make_modp(uint16_t group, std::span<const uint8_t> fixed_priv, bool fixed);
std::unique_ptr<DhGroup> make_ecp(uint16_t group, std::span<const uint8_t> fixed_priv, bool fixed);
std::unique_ptr<DhGroup> make_ecx(uint16_t group, std::span<const uint8_t> fixed_priv, bool fixed);

bool is_modp(uint16_t group);
bool is_ecp(uint16_t group);
bool is_ecx(uint16_t group);
std::size_t modp_bytes(uint16_t group);
std::size_t ecp_field_bytes(uint16_t group);
std::size_t ecx_bytes(uint16_t group);

} // namespace ike::crypto::detail
