// Encrypted payload (SK, RFC 7296 3.14) and encrypted fragments (SKF,
// RFC 7383) on top of ike::crypto::SkCipher.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "crypto/sk_cipher.hpp"
#include "message.hpp"

namespace ike::codec {

// Builds the datagram: header, then one SK payload holding `inner`
// (encoded, padded with zero octets to the cipher's block size, pad length
// octet, encrypted under a fresh IV, ICV over the whole message or AEAD
// with AAD = header | SK payload header).
Result<std::vector<uint8_t>> protect(const Header& header, std::span<const Payload> inner,
                                     crypto::SkCipher& cipher);
// Known-answer tests only: a fixed IV.
Result<std::vector<uint8_t>> protect_with_iv(const Header& header, std::span<const Payload> inner,
                                             crypto::SkCipher& cipher, std::span<const uint8_t> iv);

// Decodes a datagram whose last payload is SK, verifies and decrypts it
// and returns the message with the SK payload replaced by its inner
// payloads (plaintext payloads before SK, if any, stay in front).
// Errors: those of decode(), MissingPayload if there is no SK payload,
// IntegrityCheckFailed (drop silently, RFC 7296 2.21.2), InvalidSyntax for
// bad padding, then errors of the inner payloads.
Result<Message> unprotect(std::span<const uint8_t> wire, const crypto::SkCipher& cipher);

// ---- RFC 7383 fragmentation -------------------------------------------

// Splits the inner payloads into SKF fragments so that each datagram is
// at most max_datagram octets (the IKE part, excluding UDP/IP headers).
Result<std::vector<std::vector<uint8_t>>> protect_fragments(const Header& header,
                                                            std::span<const Payload> inner,
                                                            crypto::SkCipher& cipher,
                                                            std::size_t max_datagram);

// A decrypted fragment: plaintext content without padding.
struct Fragment {
    Header header;
    uint8_t first_inner = 0;
    uint16_t number = 0;
    uint16_t total = 0;
    std::vector<uint8_t> content;
};
// Verifies and decrypts a datagram whose last payload is SKF.
Result<Fragment> unprotect_fragment(std::span<const uint8_t> wire, const crypto::SkCipher& cipher);

// Collects the fragments of one message (same message ID); complete() once
// all 1..total arrived, then message() decodes the joined inner payloads.
class FragmentReassembler {
public:
    // Returns false (and ignores it) for a fragment that contradicts the
    // ones held (different total or message ID, number 0 or > total).
    bool add(Fragment f);
    bool complete() const;
    Result<Message> message() const;
    void clear() { parts_.clear(); total_ = 0; }

private:
    Header header_{};
    uint16_t total_ = 0;
    uint8_t first_inner_ = 0;
    std::map<uint16_t, std::vector<uint8_t>> parts_;
};

} // namespace ike::codec
