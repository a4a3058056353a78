#include "key_export.h"

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

#include "log.h"

namespace ike::sa {

std::string hex(const std::vector<uint8_t>& b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (uint8_t c : b) {
        s += d[c >> 4];
        s += d[c & 15];
    }
    return s;
}

std::string KeyExport::esp_line(const EspKeyRecord& r) {
    char spi[16];
    std::snprintf(spi, sizeof spi, "%08x", r.spi);
    std::string integ_key = r.integ_key.empty() ? "" : "0x" + hex(r.integ_key);
    return std::string(r.wireshark_ok ? "" : "# ") + "\"" + std::string(r.v6 ? "IPv6" : "IPv4") + "\",\"" + r.src +
           "\",\"" + r.dst + "\",\"0x" + spi + "\",\"" + r.encr_name + "\",\"0x" + hex(r.encr_key) + "\",\"" +
           r.integ_name + "\",\"" + integ_key + "\"";
}

std::string KeyExport::ike_line(const IkeKeyRecord& r) {
    char spis[40];
    std::snprintf(spis, sizeof spis, "%016llx,%016llx", static_cast<unsigned long long>(r.spi_i),
                  static_cast<unsigned long long>(r.spi_r));
    return std::string(r.wireshark_ok ? "" : "# ") + std::string(spis) + "," + hex(r.sk_ei) + "," + hex(r.sk_er) +
           ",\"" + r.encr_name + "\"," + hex(r.sk_ai) + "," + hex(r.sk_ar) + ",\"" + r.integ_name + "\"";
}

void KeyExport::write(const EspKeyRecord& r) const {
    if (enabled()) append(esp_line(r));
}
void KeyExport::write(const IkeKeyRecord& r) const {
    if (enabled()) append(ike_line(r));
}

// The file holds keys: created 0600, appended line by line.
void KeyExport::append(const std::string& line) const {
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        IKE_LOG(error) << "cannot open key export file " << path_;
        return;
    }
    std::string l = line + "\n";
    if (::write(fd, l.data(), l.size()) != static_cast<ssize_t>(l.size()))
        IKE_LOG(error) << "short write to key export file " << path_;
    ::close(fd);
}

} // namespace ike::sa
