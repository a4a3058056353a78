// Encrypted payload (SK, RFC 7296 3.14) and encrypted fragments (SKF,
// RFC 7383) on top of ike::crypto::SkCipher.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "crypto/sk_cipher.h"
#include "message.h"

namespace ike::codec {

// Builds the datagram: header, then one SK payload holding `inner`
// (encoded, padded with zero octets to the cipher's block size, pad length
// octet, encrypted under a fresh IV, ICV over the whole message or AEAD
// with AAD = header | SK payload header).
Result<std::vector<uint8_t>> protect(const Header& header, std::span<const Payload> inner, crypto::SkCipher& cipher);
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
Result<std::vector<std::vector<uint8_t>>> protect_fragments(const Header& header, std::span<const Payload> inner,
                                                            crypto::SkCipher& cipher, std::size_t max_datagram);

// One SKF datagram with the given fields and plaintext content (a chunk of
// an encoded payload chain); protect_fragments() is built on it. Fields
// are not checked, so tests can make fragments a sender must not.
Result<std::vector<uint8_t>> protect_fragment(const Header& header, uint8_t first_inner, uint16_t number,
                                              uint16_t total, std::span<const uint8_t> content,
                                              crypto::SkCipher& cipher);

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

// Collects the fragments of one message (same message ID and SPIs) by the
// rules of RFC 7383 2.6.2. The caller verifies each fragment's ICV first
// (unprotect_fragment) and bounds the memory (bytes()).
class FragmentReassembler {
public:
    enum class Add {
        stored,        // kept
        restarted,     // Total Fragments above the held ones': those were dropped, this one kept
        bad_number,    // Fragment Number 0 or above Total Fragments, or Total 0: dropped
        duplicate,     // that number is held already: dropped
        fewer_total,   // Total Fragments below the held ones': dropped
        other_message, // another message ID or other SPIs than the held fragments: dropped
    };
    static bool kept(Add a) { return a == Add::stored || a == Add::restarted; }
    Add add(Fragment f);
    bool empty() const { return parts_.empty(); }
    bool complete() const;
    Result<Message> message() const;
    void clear();
    // Content octets held (plaintext of the fragments kept).
    std::size_t bytes() const { return bytes_; }
    std::size_t count() const { return parts_.size(); }
    uint16_t total() const { return total_; }
    uint32_t message_id() const { return header_.message_id; }

private:
    Header header_{};
    uint16_t total_ = 0;
    uint8_t first_inner_ = 0;
    std::size_t bytes_ = 0;
    std::map<uint16_t, std::vector<uint8_t>> parts_;
};

} // namespace ike::codec
