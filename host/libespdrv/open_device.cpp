// Device strings to backends (see device.h).
#include <cerrno>

#include "chardev_device.h"
#include "core_device.h"
#include "hls_card.h"
#include "sim_client.h"
#ifdef ESP_HAVE_XRT
#include "xrt_device.h"
#endif

namespace espdrv {

std::unique_ptr<Device> open_device(std::string_view spec) {
    std::string s(spec);
    if (s.rfind("/dev/", 0) == 0) return std::make_unique<ChardevDevice>(s);
    if (s == "model:")
        return std::make_unique<CoreDevice>(std::make_shared<CoreCard>(std::make_unique<esp::HlsCard>()));
    if (s.rfind("sim:", 0) == 0 && s.size() > 4) return open_sim_device(s.substr(4));
    if (s.rfind("xrt:", 0) == 0) {
#ifdef ESP_HAVE_XRT
        return open_xrt_device(s.substr(4));
#else
        throw Error(ENOTSUP, "device '" + s +
                                 "': this build has no XRT backend (XRT was not installed when it was "
                                 "built; install XRT and rebuild, see docs/bitstream.md)");
#endif
    }
    throw BadDeviceString("device '" + s + "': expected /dev/espN, sim:PATH, model: or xrt:N[:FILE.xclbin]");
}

} // namespace espdrv
