// The words of `espctl policy` and of `espctl sa add ... sel ...`, in `ip xfrm policy`
// style: addresses as A, A/LEN or A-B (IPv4 or IPv6), ports as N or N-M, protocols by
// name or number. Parsing fills the uapi structs; formatting gives the words back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "uapi/esp_ioctl.h"

namespace espctl {

// One address range word into lo/hi (16 bytes each) and its family; throws UsageError
// naming the word (bad address, prefix beyond 32/128, reversed range, mixed families).
void parse_address_range(const std::string& word, std::uint8_t& family, std::uint8_t* lo, std::uint8_t* hi);
void parse_port_range(const std::string& word, std::uint16_t& lo, std::uint16_t& hi);
std::uint8_t parse_protocol(const std::string& word);

// Consumes selector words (src, dst, proto, sport, dport) from w[i ..) while they come;
// the family comes from the addresses (src and dst must agree; both default to "all").
// Returns the index of the first word it did not take.
std::size_t parse_selector(const std::vector<std::string>& w, std::size_t i, esp_selector& sel);

std::string format_range(std::uint8_t family, const std::uint8_t* lo, const std::uint8_t* hi);
std::string format_ports(std::uint16_t lo, std::uint16_t hi);
std::string format_protocol(std::uint8_t proto);

} // namespace espctl
