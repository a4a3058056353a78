// Writes xclbin (axlf) containers for the XRT backend tests: the header, an IP_LAYOUT
// with the given compute units and an EMBEDDED_METADATA XML, laid out with XRT's own
// structures (xrt/detail/xclbin.h). No bitstream: the stand-in card has none to load.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <xrt/detail/xclbin.h>
#include <xrt/xrt_uuid.h>

namespace xrt_test {

struct XclbinSpec {
    xrt::uuid uuid;
    std::vector<std::string> compute_units; // IP_LAYOUT names, "kernel:cu"
    std::string metadata;                   // EMBEDDED_METADATA XML
};

// The metadata of a kernel whose control port (s_axi_control) spans range bytes.
inline std::string kernel_metadata(const std::string& kernel, unsigned range) {
    char r[16];
    std::snprintf(r, sizeof r, "0x%x", range);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project name=\"esp\"><platform><device name=\"fpga0\">"
           "<core name=\"OCL_REGION_0\" target=\"bitstream\" type=\"clc_region\"><kernel name=\"" +
           kernel +
           "\" language=\"ip_c\" hwControlProtocol=\"user_managed\"><port name=\"s_axi_control\" mode=\"slave\" "
           "range=\"" +
           r +
           "\" dataWidth=\"32\" portType=\"addressable\" "
           "base=\"0x0\"/></kernel></core></device></platform></project>\n";
}

inline void write_xclbin(const std::string& path, const XclbinSpec& spec) {
    const unsigned n_sections = 2;
    const size_t header = sizeof(axlf) + (n_sections - 1) * sizeof(axlf_section_header);
    const size_t n_ips = spec.compute_units.size();
    const size_t layout_size = offsetof(ip_layout, m_ip_data) + n_ips * sizeof(ip_data);
    const size_t layout_at = (header + 7) / 8 * 8;
    const size_t metadata_at = (layout_at + layout_size + 7) / 8 * 8;
    std::vector<char> file(metadata_at + spec.metadata.size(), 0);

    auto* top = reinterpret_cast<axlf*>(file.data());
    std::memcpy(top->m_magic, "xclbin2", 8);
    top->m_signature_length = -1;
    std::memset(top->reserved, 0xff, sizeof top->reserved);
    top->m_header.m_length = file.size();
    top->m_header.m_versionMajor = 2;
    top->m_header.m_numSections = n_sections;
    std::memcpy(top->m_header.uuid, spec.uuid.get(), sizeof(xuid_t));
    std::strcpy(reinterpret_cast<char*>(top->m_header.m_platformVBNV), "xilinx_u55c_gen3x16_xdma_3_202210_1");

    auto* sections = reinterpret_cast<axlf_section_header*>(file.data() + offsetof(axlf, m_sections));
    sections[0].m_sectionKind = IP_LAYOUT;
    sections[0].m_sectionOffset = layout_at;
    sections[0].m_sectionSize = layout_size;
    auto* layout = reinterpret_cast<ip_layout*>(file.data() + layout_at);
    layout->m_count = static_cast<int32_t>(n_ips);
    auto* ips = reinterpret_cast<ip_data*>(file.data() + layout_at + offsetof(ip_layout, m_ip_data));
    for (size_t i = 0; i < n_ips; i++) {
        ip_data& d = ips[i];
        d.m_type = IP_KERNEL;
        d.properties = AP_CTRL_NONE << IP_CONTROL_SHIFT;
        d.m_base_address = 0x800000 + 0x10000 * i;
        std::strncpy(reinterpret_cast<char*>(d.m_name), spec.compute_units[i].c_str(), sizeof d.m_name - 1);
    }

    sections[1].m_sectionKind = EMBEDDED_METADATA;
    sections[1].m_sectionOffset = metadata_at;
    sections[1].m_sectionSize = spec.metadata.size();
    std::memcpy(file.data() + metadata_at, spec.metadata.data(), spec.metadata.size());

    std::ofstream(path, std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size()));
}

} // namespace xrt_test
