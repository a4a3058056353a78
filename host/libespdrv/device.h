// libespdrv: one interface to an ESP offload card, whatever carries it.
//
// A device string picks the backend:
//   /dev/espN   the kernel module's char device (real ioctls)
//   sim:PATH    a simulated card served by `espsim serve --socket PATH`
//   model:      the HLS model in this process, through the driver core
//   xrt:N[:FILE.xclbin]  an Alveo card through XRT (built where XRT is installed; xrt_device.h)
// Every backend speaks the ioctl ABI of driver/include/uapi/esp_ioctl.h, so
// the same requests get the same answers everywhere.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "uapi/esp_ioctl.h"

namespace espdrv {

// A refused request: errno and what was asked.
class Error : public std::system_error {
public:
    Error(int err, const std::string& what) : std::system_error(err, std::generic_category(), what) {}
    int errnum() const { return code().value(); }
};

// A device string that names no backend (a usage error, not a refusal by a card).
class BadDeviceString : public Error {
public:
    explicit BadDeviceString(const std::string& what) : Error(EINVAL, what) {}
};

// What became of a packet pushed through a card's data path.
struct PacketResult {
    std::vector<uint8_t> bytes; // output packet, empty for a drop
    uint8_t result = 0;         // ESP_DROP_* code
    uint16_t sa = 0xffff;       // SA that handled it
    uint64_t card_cycles = 0;   // the card's cycle counter after it (timed engines; else 0)
};

class Device {
public:
    virtual ~Device() = default;

    virtual esp_dev_info info() = 0;
    virtual uint32_t sa_add(esp_sa_params params) = 0; // returns the handle
    virtual void sa_update(const esp_sa_params& params) = 0;
    virtual void sa_del(uint32_t handle) = 0;
    virtual esp_sa_state sa_get(uint32_t handle) = 0;
    virtual void sa_flush() = 0;
    virtual esp_stats stats() = 0;
    // The policy table and the ports: ioctl backends pass them to the card (a card without
    // ports answers EOPNOTSUPP); backends without the ABI throw ENOTSUP.
    virtual void policy_add(const esp_policy& p);
    virtual void policy_update(const esp_policy& p);
    virtual void policy_del(uint32_t id);
    virtual esp_policy_state policy_get(uint32_t id);
    virtual std::vector<esp_policy_state> policy_list(); // by ID
    virtual void policy_flush();
    virtual esp_port_config port_config();
    virtual void set_port_config(const esp_port_config& c);
    virtual esp_port_stats port_stats();
    // Events since this Device was opened; waits up to timeout for the first.
    virtual std::vector<esp_event> read_events(std::chrono::milliseconds timeout) = 0;

    // Data path, where the backend has one (simulated cards); ENOTSUP elsewhere.
    virtual PacketResult inject(bool inbound, uint16_t sa_handle, std::span<const uint8_t> packet);

    // Loads a bitstream (XRT cards); ENOTSUP elsewhere.
    virtual void load_xclbin(const std::string& path);

    // Control-port traffic so far (driver-core backends; 0 where unknown).
    virtual uint64_t register_writes() const { return 0; }
};

// A Device whose requests are ioctls of the uapi ABI, carried by raw_ioctl(): the
// typed calls, key wiping and errors are shared by every backend.
class IoctlDevice : public Device {
public:
    esp_dev_info info() override;
    uint32_t sa_add(esp_sa_params params) override;
    void sa_update(const esp_sa_params& params) override;
    void sa_del(uint32_t handle) override;
    esp_sa_state sa_get(uint32_t handle) override;
    void sa_flush() override;
    esp_stats stats() override;
    void policy_add(const esp_policy& p) override;
    void policy_update(const esp_policy& p) override;
    void policy_del(uint32_t id) override;
    esp_policy_state policy_get(uint32_t id) override;
    std::vector<esp_policy_state> policy_list() override;
    void policy_flush() override;
    esp_port_config port_config() override;
    void set_port_config(const esp_port_config& c) override;
    esp_port_stats port_stats() override;

protected:
    // Runs one request on a struct of _IOC_SIZE(cmd) bytes; returns 0 or a negative errno.
    virtual long raw_ioctl(unsigned long cmd, void* arg) = 0;

private:
    void call(unsigned long cmd, void* arg, const char* what);
};

// Opens a device from its string; throws BadDeviceString, or Error with the open's errno.
std::unique_ptr<Device> open_device(std::string_view spec);

} // namespace espdrv
