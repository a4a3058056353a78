// `xrt:N[:FILE.xclbin]` (see xrt_device.h). Packets reach the card through its network
// ports, not through the host, so inject() stays ENOTSUP here.
#include "xrt_device.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <system_error>
#include <type_traits>

#include <xrt/experimental/xrt_ip.h>
#include <xrt/experimental/xrt_xclbin.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_hw_context.h>
#include <xrt/xrt_uuid.h>

#include "core_device.h"
#include "esp_contract.h"
#include "packet_engine.h"

namespace espdrv {
namespace {

// The contract's register map fills the control port's 4 KiB (12-bit AXI4-Lite addresses,
// esp_engine_top; kernel.xml range 0x1000): the compute unit's register space must cover it.
constexpr uint64_t kRegisterSpan = 0x1000;
static_assert(ESP_REG_IRQ_STATUS < kRegisterSpan);

std::string cu_name() {
    const char* env = std::getenv("ESP_XRT_CU");
    return env && *env ? env : kXrtComputeUnit;
}

// "kernel:{cu}" (xrt::ip's spelling) as the xclbin's IP_LAYOUT spells it, "kernel:cu".
std::string layout_name(std::string name) {
    const auto brace = name.find(":{");
    if (brace != std::string::npos && name.back() == '}') {
        name.erase(brace + 1, 1);
        name.pop_back();
    }
    return name;
}

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// XRT reports errors as exceptions, most of them std::system_error (some with negative codes).
int errno_of(const std::exception& e, int fallback) {
    if (const auto* se = dynamic_cast<const std::system_error*>(&e)) {
        const int v = se->code().value();
        if (v != 0) return v < 0 ? -v : v;
    }
    return fallback;
}

// The first failed register access of a port, shared with the device that reports it.
struct AccessFailure {
    int err;
    std::string what;
};
using PortFailure = std::shared_ptr<std::optional<AccessFailure>>;

// esp::PacketEngine's register half over an xrt::ip. The driver core (C) calls it, so no
// exception may pass: the first failed access is kept, later ones are not attempted, and
// reads return 0 (not a bus's all ones: the core takes EVT_COUNT and SA_STATUS at their
// word, so zeros end its loops at once). XrtDevice turns the failure into an Error after
// the request.
class XrtRegisterPort : public esp::PacketEngine {
public:
    XrtRegisterPort(xrt::ip ip, PortFailure failure) : ip_(std::move(ip)), failure_(std::move(failure)) {}

    uint32_t read_reg(uint32_t addr) override {
        if (!*failure_) {
            try {
                return ip_.read_register(addr);
            } catch (const std::exception& e) {
                *failure_ = AccessFailure{errno_of(e, EIO), "register read at " + hex(addr) + " failed: " + e.what()};
            }
        }
        return 0;
    }
    void write_reg(uint32_t addr, uint32_t data) override {
        if (*failure_) return;
        try {
            ip_.write_register(addr, data);
        } catch (const std::exception& e) {
            *failure_ = AccessFailure{errno_of(e, EIO), "register write at " + hex(addr) + " failed: " + e.what()};
        }
    }
    PacketResult process(bool, uint16_t, std::span<const uint8_t>) override {
        throw Error(ENOTSUP, "xrt: packets enter the card through its network ports");
    }
    uint64_t cycles() const override { return 0; }
    bool irq() override { return read_reg(ESP_REG_IRQ_STATUS) & 1u; }

private:
    xrt::ip ip_;
    PortFailure failure_;
};

class XrtDevice : public Device {
public:
    XrtDevice(unsigned index, std::string xclbin) : name_("xrt:" + std::to_string(index)), dev_(open_card(index)) {
        if (xclbin.empty())
            if (const char* env = std::getenv("ESP_XCLBIN")) xclbin = env;
        if (!xclbin.empty()) attach(xclbin);
    }

    void load_xclbin(const std::string& path) override { attach(path); }
    esp_dev_info info() override {
        return guarded([&] { return core().info(); });
    }
    uint32_t sa_add(esp_sa_params p) override {
        return guarded([&] { return core().sa_add(p); });
    }
    void sa_update(const esp_sa_params& p) override {
        guarded([&] { core().sa_update(p); });
    }
    void sa_del(uint32_t h) override {
        guarded([&] { core().sa_del(h); });
    }
    esp_sa_state sa_get(uint32_t h) override {
        return guarded([&] { return core().sa_get(h); });
    }
    void sa_flush() override {
        guarded([&] { core().sa_flush(); });
    }
    esp_stats stats() override {
        return guarded([&] { return core().stats(); });
    }
    std::vector<esp_event> read_events(std::chrono::milliseconds t) override {
        return guarded([&] { return core().read_events(t); });
    }
    // The policy table and ports are the driver core's, as for every other register port.
    void policy_add(const esp_policy& p) override {
        guarded([&] { core().policy_add(p); });
    }
    void policy_update(const esp_policy& p) override {
        guarded([&] { core().policy_update(p); });
    }
    void policy_del(uint32_t id) override {
        guarded([&] { core().policy_del(id); });
    }
    esp_policy_state policy_get(uint32_t id) override {
        return guarded([&] { return core().policy_get(id); });
    }
    std::vector<esp_policy_state> policy_list() override {
        return guarded([&] { return core().policy_list(); });
    }
    void policy_flush() override {
        guarded([&] { core().policy_flush(); });
    }
    esp_port_config port_config() override {
        return guarded([&] { return core().port_config(); });
    }
    void set_port_config(const esp_port_config& c) override {
        guarded([&] { core().set_port_config(c); });
    }
    esp_port_stats port_stats() override {
        return guarded([&] { return core().port_stats(); });
    }
    uint64_t register_writes() const override { return core_ ? core_->register_writes() : 0; }

private:
    xrt::device open_card(unsigned index) {
        try {
            return xrt::device(index);
        } catch (const std::exception& e) {
            throw Error(errno_of(e, ENODEV), name_ + ": no such card: " + e.what());
        }
    }

    // The ESP compute unit of xb, with a register space that holds the register map.
    xrt::xclbin::ip find_cu(const xrt::xclbin& xb, const std::string& path) {
        const std::string want = layout_name(cu_name());
        std::string have;
        for (const auto& ip : xb.get_ips()) {
            if (ip.get_name() == want) {
                if (ip.get_size() < kRegisterSpan)
                    throw Error(EINVAL, name_ + ": " + path + ": compute unit " + want + " has a " +
                                            hex(ip.get_size()) + "-byte register space; the ESP register map needs " +
                                            hex(kRegisterSpan));
                return ip;
            }
            have += (have.empty() ? "" : ", ") + ip.get_name();
        }
        throw Error(ENOENT, name_ + ": " + path + " has no compute unit " + want +
                                " (it has: " + (have.empty() ? "none" : have) +
                                "); is it an ESP bitstream? ($ESP_XRT_CU names another)");
    }

    // Registers FILE with the device, makes it the card's image (a hardware context loads
    // it where the card runs another) and opens the compute unit. On failure the backend
    // is left detached.
    void attach(const std::string& path) {
        detach();
        xrt::xclbin xb;
        try {
            xb = xrt::xclbin(path);
        } catch (const std::exception& e) {
            throw Error(errno_of(e, EINVAL), name_ + ": cannot read xclbin " + path + ": " + e.what());
        }
        const xrt::uuid file_uuid = xb.get_uuid();
        find_cu(xb, path);

        xrt::uuid registered;
        try {
            registered = dev_.register_xclbin(xb);
        } catch (const std::exception& e) {
            throw Error(errno_of(e, EIO), name_ + ": cannot register " + path + ": " + e.what());
        }
        if (registered != file_uuid)
            throw Error(EIO, name_ + ": " + path + " (uuid " + file_uuid.to_string() + ") registered as uuid " +
                                 registered.to_string());
        try {
            ctx_ = xrt::hw_context(dev_, file_uuid, xrt::hw_context::access_mode::shared);
        } catch (const std::exception& e) {
            throw Error(errno_of(e, EBUSY),
                        name_ + ": cannot load " + path + " (uuid " + file_uuid.to_string() + "): " + e.what());
        }
        // The card must now run this very image: the context's and the card's own word.
        const xrt::uuid on_card = dev_.get_xclbin_uuid();
        if (ctx_.get_xclbin_uuid() != file_uuid || on_card != file_uuid) {
            detach();
            throw Error(EIO, name_ + ": the card runs xclbin " + (on_card ? on_card.to_string() : "(none)") + ", not " +
                                 path + " (uuid " + file_uuid.to_string() + ")");
        }

        const std::string cu = cu_name();
        std::optional<xrt::ip> ip;
        try {
            ip.emplace(ctx_, cu);
        } catch (const std::exception& e) {
            detach();
            throw Error(errno_of(e, EBUSY), name_ + ": cannot open compute unit " + cu + " of " + path + ": " +
                                                e.what() + " (is another process using the card?)");
        }
        auto failure = std::make_shared<std::optional<AccessFailure>>();
        try {
            card_ = std::make_shared<CoreCard>(std::make_unique<XrtRegisterPort>(std::move(*ip), failure));
        } catch (const Error& e) {
            detach();
            if (*failure) // the core's identification reads did not reach the card
                throw Error((*failure)->err, name_ + ": " + (*failure)->what);
            throw Error(ENODEV, name_ + ": compute unit " + cu + " of " + path +
                                    " is not an ESP engine of this driver's contract version (" + e.what() + ")");
        }
        port_failure_ = failure;
        core_ = std::make_unique<CoreDevice>(card_);
        attached_ = path;
    }

    void detach() {
        core_.reset();
        port_failure_.reset();
        card_.reset(); // the driver core wipes the staged key; the compute unit is released
        ctx_ = xrt::hw_context();
        attached_.clear();
    }

    CoreDevice& core() {
        if (!core_) {
            std::string runs = "no xclbin";
            try {
                if (const xrt::uuid u = dev_.get_xclbin_uuid()) runs = "xclbin " + u.to_string();
            } catch (const std::exception&) {
                runs = "an unknown image";
            }
            throw Error(ENODEV, name_ + ": no ESP bitstream attached (the card runs " + runs + "); give its file as " +
                                    name_ + ":FILE.xclbin or $ESP_XCLBIN, or load one with 'espctl -d " + name_ +
                                    " dev load FILE.xclbin'");
        }
        return *core_;
    }

    // Runs one request; a register access that failed during it (or before) fails it.
    template <typename F>
    std::invoke_result_t<F> guarded(F&& request) {
        core();
        throw_if_port_failed();
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
                request();
                throw_if_port_failed();
            } else {
                auto result = request();
                throw_if_port_failed();
                return result;
            }
        } catch (const Error&) {
            throw_if_port_failed(); // the lost register access is the cause
            throw;
        }
    }
    void throw_if_port_failed() const {
        if (port_failure_ && *port_failure_)
            throw Error((*port_failure_)->err, name_ + " (" + attached_ + "): " + (*port_failure_)->what +
                                                   "; the card's state is unknown, reopen or reload it");
    }

    std::string name_;
    xrt::device dev_;
    xrt::hw_context ctx_;
    std::shared_ptr<CoreCard> card_;
    std::unique_ptr<CoreDevice> core_;
    PortFailure port_failure_;
    std::string attached_;
};

} // namespace

std::unique_ptr<Device> open_xrt_device(const std::string& spec) {
    const auto colon = spec.find(':');
    const std::string index = spec.substr(0, colon);
    const std::string xclbin = colon == std::string::npos ? "" : spec.substr(colon + 1);
    char* end = nullptr;
    const unsigned long i = std::strtoul(index.c_str(), &end, 10);
    if (index.empty() || *end || index[0] == '-' || i > 0xffffu || (colon != std::string::npos && xclbin.empty()))
        throw BadDeviceString("device 'xrt:" + spec + "': expected xrt:N or xrt:N:FILE.xclbin, N a card index");
    return std::make_unique<XrtDevice>(static_cast<unsigned>(i), xclbin);
}

} // namespace espdrv
