// `xrt:N`: the card's register map is the control port of the compute unit found in the
// loaded xclbin (xrt::ip, exclusive register access), and the driver core runs over it
// exactly as the kernel module does over BAR0. Packets reach the card through its
// network ports, not through the host, so inject() is ENOTSUP here.
#include "xrt_device.h"

#include <cerrno>
#include <cstdlib>

#include <xrt/xrt_device.h>
#include <xrt/xrt_uuid.h>
#if __has_include(<xrt/experimental/xrt_ip.h>)
#include <xrt/experimental/xrt_ip.h>
#else
#include <experimental/xrt_ip.h>
#endif

#include "core_device.h"
#include "packet_engine.h"

namespace espdrv {
namespace {

// The compute unit's name in the xclbin; ESP_XRT_CU overrides it.
std::string cu_name()
{
    const char* env = std::getenv("ESP_XRT_CU");
    return env && *env ? env : "esp_engine_top:{esp_engine_top_1}";
}

// esp::PacketEngine's register half over an xrt::ip; the data path is the card's own.
class XrtRegisterPort : public esp::PacketEngine {
public:
    XrtRegisterPort(const xrt::device& dev, const xrt::uuid& uuid) : ip_(dev, uuid, cu_name()) {}

    uint32_t read_reg(uint32_t addr) override { return ip_.read_register(addr); }
    void write_reg(uint32_t addr, uint32_t data) override { ip_.write_register(addr, data); }
    PacketResult process(bool, uint16_t, std::span<const uint8_t>) override
    {
        throw Error(ENOTSUP, "xrt: packets enter the card through its network ports");
    }
    uint64_t cycles() const override { return 0; }
    bool irq() override { return ip_.read_register(ESP_REG_IRQ_STATUS) & 1u; }

private:
    xrt::ip ip_;
};

class XrtDevice : public Device {
public:
    explicit XrtDevice(unsigned index) : dev_(index)
    {
        const xrt::uuid loaded = dev_.get_xclbin_uuid();
        if (loaded)
            attach(loaded);
    }

    void load_xclbin(const std::string& path) override
    {
        card_.reset();
        core_.reset();
        attach(dev_.load_xclbin(path));
    }
    esp_dev_info info() override { return core().info(); }
    uint32_t sa_add(esp_sa_params p) override { return core().sa_add(p); }
    void sa_update(const esp_sa_params& p) override { core().sa_update(p); }
    void sa_del(uint32_t h) override { core().sa_del(h); }
    esp_sa_state sa_get(uint32_t h) override { return core().sa_get(h); }
    void sa_flush() override { core().sa_flush(); }
    esp_stats stats() override { return core().stats(); }
    std::vector<esp_event> read_events(std::chrono::milliseconds t) override { return core().read_events(t); }
    uint64_t register_writes() const override { return core_ ? core_->register_writes() : 0; }

private:
    void attach(const xrt::uuid& uuid)
    {
        card_ = std::make_shared<CoreCard>(std::make_unique<XrtRegisterPort>(dev_, uuid));
        core_ = std::make_unique<CoreDevice>(card_);
    }
    CoreDevice& core()
    {
        if (!core_)
            throw Error(ENODEV, "xrt: no ESP bitstream loaded (espctl dev load FILE.xclbin)");
        return *core_;
    }

    xrt::device dev_;
    std::shared_ptr<CoreCard> card_;
    std::unique_ptr<CoreDevice> core_;
};

} // namespace

std::unique_ptr<Device> open_xrt_device(const std::string& index)
{
    char* end = nullptr;
    const unsigned long i = std::strtoul(index.c_str(), &end, 10);
    if (index.empty() || *end)
        throw BadDeviceString("device 'xrt:" + index + "': expected xrt:N with N a card index");
    return std::make_unique<XrtDevice>(static_cast<unsigned>(i));
}

} // namespace espdrv
