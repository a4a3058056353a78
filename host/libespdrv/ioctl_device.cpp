#include <openssl/crypto.h>

#include "device.h"

namespace espdrv {

void IoctlDevice::call(unsigned long cmd, void* arg, const char* what)
{
    long ret = raw_ioctl(cmd, arg);
    if (ret)
        throw Error(static_cast<int>(-ret), what);
}

esp_dev_info IoctlDevice::info()
{
    esp_dev_info i{};
    call(ESP_IOC_DEV_INFO, &i, "dev info");
    return i;
}

uint32_t IoctlDevice::sa_add(esp_sa_params params)
{
    long ret = raw_ioctl(ESP_IOC_SA_ADD, &params);
    const uint32_t h = params.handle;
    OPENSSL_cleanse(&params, sizeof params); // the key passed through this copy
    if (ret)
        throw Error(static_cast<int>(-ret), "sa add");
    return h;
}

void IoctlDevice::sa_update(const esp_sa_params& params)
{
    esp_sa_params copy = params;
    long ret = raw_ioctl(ESP_IOC_SA_UPDATE, &copy);
    OPENSSL_cleanse(&copy, sizeof copy);
    if (ret)
        throw Error(static_cast<int>(-ret), "sa update");
}

void IoctlDevice::sa_del(uint32_t handle) { call(ESP_IOC_SA_DEL, &handle, "sa del"); }

esp_sa_state IoctlDevice::sa_get(uint32_t handle)
{
    esp_sa_state st{};
    st.handle = handle;
    call(ESP_IOC_SA_GET, &st, "sa get");
    return st;
}

void IoctlDevice::sa_flush() { call(ESP_IOC_SA_FLUSH, nullptr, "sa flush"); }

esp_stats IoctlDevice::stats()
{
    esp_stats s{};
    call(ESP_IOC_STATS, &s, "stats");
    return s;
}

} // namespace espdrv
