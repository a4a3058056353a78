#include <openssl/crypto.h>

#include "device.h"

namespace espdrv {

void IoctlDevice::call(unsigned long cmd, void* arg, const char* what) {
    long ret = raw_ioctl(cmd, arg);
    if (ret) throw Error(static_cast<int>(-ret), what);
}

esp_dev_info IoctlDevice::info() {
    esp_dev_info i{};
    call(ESP_IOC_DEV_INFO, &i, "dev info");
    return i;
}

uint32_t IoctlDevice::sa_add(esp_sa_params params) {
    long ret = raw_ioctl(ESP_IOC_SA_ADD, &params);
    const uint32_t h = params.handle;
    OPENSSL_cleanse(&params, sizeof params); // the key passed through this copy
    if (ret) throw Error(static_cast<int>(-ret), "sa add");
    return h;
}

void IoctlDevice::sa_update(const esp_sa_params& params) {
    esp_sa_params copy = params;
    long ret = raw_ioctl(ESP_IOC_SA_UPDATE, &copy);
    OPENSSL_cleanse(&copy, sizeof copy);
    if (ret) throw Error(static_cast<int>(-ret), "sa update");
}

void IoctlDevice::sa_del(uint32_t handle) { call(ESP_IOC_SA_DEL, &handle, "sa del"); }

esp_sa_state IoctlDevice::sa_get(uint32_t handle) {
    esp_sa_state st{};
    st.handle = handle;
    call(ESP_IOC_SA_GET, &st, "sa get");
    return st;
}

void IoctlDevice::sa_flush() { call(ESP_IOC_SA_FLUSH, nullptr, "sa flush"); }

esp_stats IoctlDevice::stats() {
    esp_stats s{};
    call(ESP_IOC_STATS, &s, "stats");
    return s;
}

void IoctlDevice::policy_add(const esp_policy& p) {
    esp_policy copy = p;
    call(ESP_IOC_POLICY_ADD, &copy, "policy add");
}

void IoctlDevice::policy_update(const esp_policy& p) {
    esp_policy copy = p;
    call(ESP_IOC_POLICY_UPDATE, &copy, "policy update");
}

void IoctlDevice::policy_del(uint32_t id) { call(ESP_IOC_POLICY_DEL, &id, "policy del"); }

esp_policy_state IoctlDevice::policy_get(uint32_t id) {
    esp_policy_state st{};
    st.policy.id = id;
    call(ESP_IOC_POLICY_GET, &st, "policy get");
    return st;
}

std::vector<esp_policy_state> IoctlDevice::policy_list() {
    std::vector<esp_policy_state> out;
    uint64_t next = 0;
    while (next <= 0xFFFFFFFFu) {
        esp_policy_state st{};
        st.policy.id = static_cast<uint32_t>(next);
        long ret = raw_ioctl(ESP_IOC_POLICY_NEXT, &st);
        if (ret == -ENOENT) break;
        if (ret) throw Error(static_cast<int>(-ret), "policy list");
        out.push_back(st);
        next = uint64_t(st.policy.id) + 1;
    }
    return out;
}

void IoctlDevice::policy_flush() { call(ESP_IOC_POLICY_FLUSH, nullptr, "policy flush"); }

esp_port_config IoctlDevice::port_config() {
    esp_port_config c{};
    call(ESP_IOC_PORT_GET, &c, "port get");
    return c;
}

void IoctlDevice::set_port_config(const esp_port_config& c) {
    esp_port_config copy = c;
    call(ESP_IOC_PORT_SET, &copy, "port set");
}

esp_port_stats IoctlDevice::port_stats() {
    esp_port_stats s{};
    call(ESP_IOC_PORT_STATS, &s, "port stats");
    return s;
}

} // namespace espdrv
