// The stand-in XRT (see xrt_standin.h). Errors are thrown as XRT throws them: exceptions
// derived from std::system_error (xrt_core::error) or std::out_of_range.
#include "xrt_standin.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <xrt/experimental/xrt_ip.h>
#include <xrt/experimental/xrt_xclbin.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_hw_context.h>

namespace xrt_standin {
namespace {

std::map<unsigned, std::unique_ptr<Card>>& cards() {
    static std::map<unsigned, std::unique_ptr<Card>> all;
    return all;
}

[[noreturn]] void fail(int err, const std::string& what) {
    throw std::system_error(err, std::generic_category(), what);
}

// The register space of kernel's control port: the range of its slave port in the
// EMBEDDED_METADATA XML (<kernel name="K"> ... <port ... mode="slave" range="0x1000" .../>).
uint64_t slave_range(const std::string& xml, const std::string& kernel) {
    const auto k = xml.find("<kernel name=\"" + kernel + "\"");
    if (k == std::string::npos) return 0;
    const auto end = xml.find("</kernel>", k);
    for (auto p = xml.find("<port ", k); p != std::string::npos && p < end; p = xml.find("<port ", p + 1)) {
        const std::string port = xml.substr(p, xml.find('>', p) - p);
        const auto r = port.find("range=\"");
        if (port.find("mode=\"slave\"") != std::string::npos && r != std::string::npos)
            return std::stoull(port.substr(r + 7), nullptr, 0);
    }
    return 0;
}

} // namespace

Card& plug(unsigned index, std::function<std::unique_ptr<esp::PacketEngine>()> power_on) {
    auto& c = cards()[index];
    c = std::make_unique<Card>();
    c->power_on = std::move(power_on);
    return *c;
}

Card* card(unsigned index) {
    auto it = cards().find(index);
    return it == cards().end() ? nullptr : it->second.get();
}

void unplug_all() { cards().clear(); }

} // namespace xrt_standin

// The opaque implementation classes the headers declare.
namespace xrt_core {
class device {
public:
    explicit device(unsigned i) : index(i) {}
    xrt_standin::Card& card() const {
        if (auto* c = xrt_standin::card(index)) return *c;
        fail_gone();
    }
    [[noreturn]] void fail_gone() const { xrt_standin::fail(ENODEV, "device " + std::to_string(index) + " is gone"); }

    unsigned index;
    std::map<xrt::uuid, xrt::xclbin> registered; // this process's registered xclbins
};
} // namespace xrt_core

namespace xrt {

class xclbin::ip_impl {
public:
    std::string name;
    uint64_t base = 0;
    uint64_t size = 0;
};

class xclbin_impl {
public:
    xrt::uuid uuid;
    std::vector<xclbin::ip> ips;
};

class hw_context_impl {
public:
    std::shared_ptr<xrt_core::device> device;
    xrt::xclbin xclbin;
};

class ip_impl {
public:
    ip_impl(std::shared_ptr<xrt_core::device> dev, uint64_t span) : device(std::move(dev)), size(span) {
        device->card().open_compute_units++;
    }
    ~ip_impl() {
        if (auto* c = xrt_standin::card(device->index)) c->open_compute_units--;
    }
    ip_impl(const ip_impl&) = delete;
    ip_impl& operator=(const ip_impl&) = delete;

    // The card's logic at offset, after XRT's range check and the scripted faults.
    esp::PacketEngine& access(uint32_t offset) const {
        if (offset + sizeof(uint32_t) > size)
            throw std::out_of_range("Cannot read or write outside kernel register space");
        auto& c = device->card();
        if (c.accesses_before_failure == 0)
            xrt_standin::fail(EIO, "register access at offset " + std::to_string(offset) + " failed");
        if (c.accesses_before_failure > 0) c.accesses_before_failure--;
        c.register_accesses++;
        if (!c.logic) xrt_standin::fail(ENODEV, "no image loaded");
        return *c.logic;
    }

    std::shared_ptr<xrt_core::device> device;
    uint64_t size;
};

// ---------------------------------------------------------------- xrt::device
device::~device() = default;

device::device(unsigned int didx) {
    if (!xrt_standin::card(didx)) xrt_standin::fail(ENODEV, "No such device with index '" + std::to_string(didx) + "'");
    handle = std::make_shared<xrt_core::device>(didx);
}

uuid device::register_xclbin(const xrt::xclbin& xb) {
    handle->card(); // the card must still be there
    handle->registered[xb.get_uuid()] = xb;
    return xb.get_uuid();
}

uuid device::get_xclbin_uuid() const { return handle->card().image; }

// ---------------------------------------------------------------- xrt::xclbin
xclbin::xclbin(const std::string& filename) {
    std::ifstream in(filename, std::ios::binary);
    if (!in) xrt_standin::fail(ENOENT, "Could not open xclbin file '" + filename + "'");
    const std::vector<char> data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto* top = reinterpret_cast<const axlf*>(data.data());
    if (data.size() < sizeof(axlf) || std::strncmp(top->m_magic, "xclbin2", 8) != 0)
        xrt_standin::fail(EINVAL, "Invalid xclbin '" + filename + "': bad magic");
    const uint32_t n = top->m_header.m_numSections;
    if (sizeof(axlf) + (n ? n - 1 : 0) * sizeof(axlf_section_header) > data.size())
        xrt_standin::fail(EINVAL, "Invalid xclbin '" + filename + "': truncated section table");

    auto impl = std::make_shared<xclbin_impl>();
    impl->uuid = xrt::uuid(top->m_header.uuid);
    std::string metadata;
    const ip_data* ips = nullptr;
    int32_t n_ips = 0;
    const auto* sections = reinterpret_cast<const axlf_section_header*>(data.data() + offsetof(axlf, m_sections));
    for (uint32_t i = 0; i < n; i++) {
        const axlf_section_header& s = sections[i];
        if (s.m_sectionOffset > data.size() || s.m_sectionSize > data.size() - s.m_sectionOffset)
            xrt_standin::fail(EINVAL, "Invalid xclbin '" + filename + "': section outside the file");
        const char* body = data.data() + s.m_sectionOffset;
        if (s.m_sectionKind == EMBEDDED_METADATA) metadata.assign(body, s.m_sectionSize);
        if (s.m_sectionKind == IP_LAYOUT) {
            if (s.m_sectionSize < offsetof(ip_layout, m_ip_data))
                xrt_standin::fail(EINVAL, "Invalid xclbin '" + filename + "': bad IP_LAYOUT");
            n_ips = reinterpret_cast<const ip_layout*>(body)->m_count;
            ips = reinterpret_cast<const ip_data*>(body + offsetof(ip_layout, m_ip_data));
            if (n_ips < 0 || offsetof(ip_layout, m_ip_data) + size_t(n_ips) * sizeof(ip_data) > s.m_sectionSize)
                xrt_standin::fail(EINVAL, "Invalid xclbin '" + filename + "': bad IP_LAYOUT");
        }
    }
    for (int32_t i = 0; i < n_ips; i++) {
        const ip_data& d = ips[i];
        if (d.m_type != IP_KERNEL) continue;
        auto ip = std::make_shared<xclbin::ip_impl>();
        ip->name.assign(reinterpret_cast<const char*>(d.m_name), strnlen(reinterpret_cast<const char*>(d.m_name), 64));
        ip->base = d.m_base_address;
        ip->size = xrt_standin::slave_range(metadata, ip->name.substr(0, ip->name.find(':')));
        impl->ips.emplace_back(ip);
    }
    handle = impl;
}

std::vector<xclbin::ip> xclbin::get_ips() const { return handle->ips; }

uuid xclbin::get_uuid() const { return handle->uuid; }

std::string xclbin::ip::get_name() const { return handle->name; }

size_t xclbin::ip::get_size() const { return handle->size; }

// ---------------------------------------------------------------- xrt::hw_context
hw_context::hw_context(const xrt::device& dev, const xrt::uuid& xclbin_id, access_mode) {
    const auto core = dev.get_handle();
    auto it = core->registered.find(xclbin_id);
    if (it == core->registered.end())
        xrt_standin::fail(EINVAL, "No xclbin with uuid " + xclbin_id.to_string() + " registered");
    auto& c = core->card();
    if (c.image != xclbin_id) {
        if (!c.busy.empty()) xrt_standin::fail(EBUSY, c.busy);
        if (!c.ignores_loads) {
            c.logic = c.power_on();
            c.image = xclbin_id;
            c.loads++;
        }
    }
    auto impl = std::make_shared<hw_context_impl>();
    impl->device = core;
    impl->xclbin = it->second;
    handle = impl;
}

hw_context::~hw_context() = default;

uuid hw_context::get_xclbin_uuid() const { return handle->xclbin.get_uuid(); }

// ---------------------------------------------------------------- xrt::ip
ip::ip(const xrt::hw_context& ctx, const std::string& name) {
    // "kernel:{cu}" names the IP_LAYOUT entry "kernel:cu".
    std::string layout_name = name;
    const auto brace = layout_name.find(":{");
    if (brace != std::string::npos && layout_name.back() == '}') layout_name.erase(brace + 1, 1).pop_back();
    const auto& core = ctx.get_handle()->device;
    for (const auto& cu : ctx.get_handle()->xclbin.get_ips()) {
        if (cu.get_name() != layout_name) continue;
        if (core->card().open_compute_units > 0)
            xrt_standin::fail(EBUSY, "IP '" + name + "' is open in exclusive mode by another context");
        handle = std::make_shared<ip_impl>(core, cu.get_size());
        return;
    }
    xrt_standin::fail(EINVAL, "No IP matching '" + name + "'");
}

void ip::write_register(uint32_t offset, uint32_t data) { handle->access(offset).write_reg(offset, data); }

uint32_t ip::read_register(uint32_t offset) const { return handle->access(offset).read_reg(offset); }

} // namespace xrt
