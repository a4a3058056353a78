// The signature AUTH methods (RFC 7296 2.15, 3.8; RFC 4754; RFC 7427):
//   1  RSA Digital Signature: PKCS#1 v1.5 with SHA-1,
//   9/10/11  ECDSA with SHA-256/384/512 on P-256/384/521, r|s fixed width,
//   14 Digital Signature: length | AlgorithmIdentifier | signature, here for
//      RSA PKCS#1 v1.5, RSASSA-PSS (MGF1, salt = hash length on signing) and
//      ECDSA (DER Ecdsa-Sig-Value), each with SHA-256/384/512.
// All through OpenSSL EVP.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <openssl/evp.h>

namespace ike::auth {

enum SigMethod : uint8_t {
    M_RSA_SHA1 = 1,
    M_ECDSA_P256_SHA256 = 9,
    M_ECDSA_P384_SHA384 = 10,
    M_ECDSA_P521_SHA512 = 11,
    M_DIGITAL_SIGNATURE = 14,
};
bool is_signature_method(uint8_t method);

// SIGNATURE_HASH_ALGORITHMS values (RFC 7427 4).
enum HashAlg : uint16_t { H_SHA1 = 1, H_SHA256 = 2, H_SHA384 = 3, H_SHA512 = 4 };
// What we announce and accept in method 14: SHA-2 only.
std::vector<uint16_t> supported_hashes();
std::vector<uint8_t> hash_notify_data(const std::vector<uint16_t>& hashes);
std::vector<uint16_t> parse_hash_notify(std::span<const uint8_t> data); // odd octet dropped

struct SignPolicy {
    bool digital_signature = true; // method 14 when the peer announced a hash we share
    bool rsa_pss = false;          // RSA keys sign with RSASSA-PSS in method 14
};

struct AuthValue {
    uint8_t method = 0;
    std::vector<uint8_t> data;
};

// Signs the AUTH octets with `key`. `peer_hashes` is the peer's
// SIGNATURE_HASH_ALGORITHMS (empty: not sent, so a classic method is used).
// nullopt with `error` when the key suits no usable method (an RSA key
// without method 14, an EC key on another curve).
std::optional<AuthValue> sign_auth(EVP_PKEY* key, const SignPolicy& policy, const std::vector<uint16_t>& peer_hashes,
                                   std::span<const uint8_t> octets, std::string& error);

// Verifies an AUTH payload against the signer's public key: nullopt if it
// holds, otherwise the reason (method unsuited to the key, unsupported hash or
// algorithm, bad signature).
std::optional<std::string> verify_auth(EVP_PKEY* key, uint8_t method, std::span<const uint8_t> data,
                                       std::span<const uint8_t> octets);

// For logs: "RFC 7427 RSASSA-PSS SHA-256", "ECDSA P-384 SHA-384 (method 10)".
std::string describe_auth(uint8_t method, std::span<const uint8_t> data);

// The DER AlgorithmIdentifier method 14 carries for a scheme (tests use it to
// forge unsupported ones). `pss` applies to RSA keys only.
std::vector<uint8_t> algorithm_identifier(EVP_PKEY* key, uint16_t hash, bool pss);

} // namespace ike::auth
