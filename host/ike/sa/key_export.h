// --export-keys: Child SA keys as Wireshark esp_sa UAT lines and IKE SA keys
// as ikev2_decryption_table lines, appended to one file so a capture of the
// daemon's traffic can be decrypted. Off unless a path is given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ike::sa {

struct EspKeyRecord {
    bool v6 = false;
    std::string src, dst;
    uint32_t spi = 0;
    std::string encr_name;         // Wireshark name, e.g. "AES-GCM with 16 octet ICV [RFC4106]"
    std::vector<uint8_t> encr_key; // key || salt for AEAD
    std::string integ_name;        // "NULL" for AEAD
    std::vector<uint8_t> integ_key;
    bool wireshark_ok = true; // false: written as a "# " comment (e.g. ChaCha20 in Wireshark 4.0)
};

struct IkeKeyRecord {
    uint64_t spi_i = 0, spi_r = 0;
    std::vector<uint8_t> sk_ei, sk_er, sk_ai, sk_ar;
    std::string encr_name, integ_name;
    bool wireshark_ok = true;
};

class KeyExport {
public:
    explicit KeyExport(std::string path) : path_(std::move(path)) {}
    bool enabled() const { return !path_.empty(); }
    void write(const EspKeyRecord& r) const;
    void write(const IkeKeyRecord& r) const;
    static std::string esp_line(const EspKeyRecord& r);
    static std::string ike_line(const IkeKeyRecord& r);

private:
    void append(const std::string& line) const;
    std::string path_;
};

std::string hex(const std::vector<uint8_t>& b);

} // namespace ike::sa
