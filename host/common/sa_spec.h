// sa_spec.h: one SA written in the words of `ip xfrm state add`, plus `dir in|out`.
//
//   src A dst B proto esp spi 0xSPI dir in|out [mode tunnel|transport]
//   aead 'rfc4106(gcm(aes))' 0xKEYSALT 128
//   [replay-window N] [flag esn] [replay-oseq N] [replay-oseq-hi N]
//   [replay-seq N] [replay-seq-hi N] [reqid N]
//   [encap espinudp SPORT DPORT 0.0.0.0]
//   [sel [src P[/N]] [dst P[/N]]]
//   [limit byte-soft N] [limit byte-hard N] [limit packet-soft N] [limit packet-hard N]
//
// A leading `ip xfrm state add` is allowed (so a line can be pasted from a script).
// Addresses are IPv4 or IPv6 (src and dst of one family). Numbers are decimal or 0x hex.
// 0xKEYSALT is key || 4-octet salt: 20 octets (AES-128) or 36 (AES-256); the ICV length
// word must be 128. mode defaults to transport, as with ip(8). replay-oseq/-hi set the
// last sequence number sent and only go with dir out; replay-seq/-hi set the window top
// and only go with dir in; the -hi words need flag esn. A limit of 0 means none; a soft
// limit may not exceed the hard one. Keywords may come in any order, each at most once
// (limit once per kind). `reqid` is kept for formatting only (the card has none).
//
// Errors name the word and why, e.g. "spi: expected a number, got 'x'"; callers prefix
// them with FILE:LINE.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "uapi/esp_ioctl.h"

namespace esphost {

// An address prefix of a traffic selector.
struct Prefix {
    std::uint8_t family = 0;    // ESP_FAMILY_IPV4 or ESP_FAMILY_IPV6
    std::uint8_t addr[16] = {}; // network byte order, host bits cleared
    std::uint8_t len = 0;       // prefix length in bits

    bool contains(std::uint8_t fam, const std::uint8_t* a) const; // a: 4 or 16 octets
    bool operator==(const Prefix&) const = default;
};

// A parsed SA: what the card gets, plus what only the host uses (selector, reqid).
// The destructor wipes the key.
struct SaSpec {
    esp_sa_params params{};        // handle 0; ready for ESP_IOC_SA_ADD
    std::optional<Prefix> sel_src; // none: any source
    std::optional<Prefix> sel_dst; // none: any destination
    std::uint32_t reqid = 0;

    SaSpec() = default;
    SaSpec(const SaSpec&) = default;
    SaSpec& operator=(const SaSpec&) = default;
    ~SaSpec();

    // True when an inner packet with these addresses matches the selector.
    bool selector_matches(std::uint8_t family, const std::uint8_t* src, const std::uint8_t* dst) const;
};

// Splits a line into words as a POSIX shell would for simple commands: blanks separate,
// '...' is literal, "..." allows \" \\ \$ \` escapes, a backslash outside quotes escapes the
// next character, and a word starting with '#' begins a comment. Returns false with
// `error` set on an unterminated quote or a trailing backslash. A blank or comment-only
// line gives no words.
bool tokenize_sa_line(std::string_view line, std::vector<std::string>& words, std::string& error);

// Parses the words of one SA. On failure returns nullopt with `error` set.
std::optional<SaSpec> parse_sa_spec(std::span<const std::string> words, std::string& error);

// The SA as `ip xfrm state` shows it (several lines, tab-indented, ending in '\n').
// The key is shown only when show_key is set; otherwise it reads "0x<hidden>".
std::string format_sa_spec(const SaSpec& spec, bool show_key = false);

// The SA as one line in the input syntax above (parse_sa_spec reads it back to an equal
// SaSpec). Includes the key: for files the user asked for, not for logs.
std::string sa_spec_to_line(const SaSpec& spec);

// Text of an address of the given family ("192.0.2.1", "2001:db8::1").
std::string format_address(std::uint8_t family, const std::uint8_t* addr);

} // namespace esphost
