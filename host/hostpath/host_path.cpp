#include "host_path.h"

#include "selector.h"

namespace hostpath {

std::optional<uint32_t> HostPath::add(SaSpec spec, uint64_t now_s, std::string* error) {
    if (spec.esp.inbound && by_spi_.count(spec.esp.spi)) {
        spec.esp.wipe();
        if (error) *error = "inbound SPI already in use";
        return std::nullopt;
    }
    auto sa = EspSa::create(spec.esp, now_s, error);
    spec.esp.wipe();
    if (!sa) return std::nullopt;
    uint32_t h = next_handle_++;
    if (sa->params().inbound) by_spi_[sa->params().spi] = h;
    sas_[h] = Entry{std::move(sa), std::move(spec.local), std::move(spec.remote), spec.route};
    return h;
}

bool HostPath::remove(uint32_t handle) {
    auto it = sas_.find(handle);
    if (it == sas_.end()) return false;
    if (it->second.sa->params().inbound) by_spi_.erase(it->second.sa->params().spi);
    sas_.erase(it); // EVP contexts freed: key schedules cleansed
    return true;
}

Drop HostPath::outbound(const uint8_t* pkt, size_t len, std::vector<uint8_t>& esp, const Route** route,
                        uint32_t* handle, uint64_t now_s) {
    auto key = parse_ip(pkt, len);
    if (!key) {
        ++table_.malformed_out;
        return Drop::malformed;
    }
    // The newest matching SA that still runs (a rekey's successor), else the newest at all
    // so a stopped SA counts the packet.
    Entry* pick = nullptr;
    uint32_t pick_h = 0;
    for (auto it = sas_.rbegin(); it != sas_.rend(); ++it) {
        Entry& e = it->second;
        if (e.sa->params().inbound || !within(e.local, e.remote, *key, true)) continue;
        if (!pick) pick = &e, pick_h = it->first;
        if (!e.sa->counters().disabled) {
            pick = &e;
            pick_h = it->first;
            break;
        }
    }
    if (!pick) {
        ++table_.no_policy_out;
        return Drop::no_sa;
    }
    if (handle) *handle = pick_h;
    if (route) *route = &pick->route;
    uint8_t nh = key->v6 ? 41 : 4;
    if (!pick->sa->params().tunnel)
        return pick->sa->count_drop(Drop::malformed), Drop::malformed; // transport: not on the TUN
    return pick->sa->seal(nh, pkt, len, esp, now_s);
}

Drop HostPath::inbound(const uint8_t* esp, size_t len, bool udp_encap, std::vector<uint8_t>& inner, uint32_t* handle,
                       uint64_t now_s) {
    if (len < 8) {
        ++table_.malformed_in;
        return Drop::malformed;
    }
    uint32_t spi = uint32_t(esp[0]) << 24 | uint32_t(esp[1]) << 16 | uint32_t(esp[2]) << 8 | esp[3];
    auto s = by_spi_.find(spi);
    if (s == by_spi_.end()) {
        ++table_.no_sa_in;
        return Drop::no_sa;
    }
    if (handle) *handle = s->second;
    Entry& e = sas_.at(s->second);
    if (e.route.udp_encap != udp_encap) {
        ++table_.encap_mismatch;
        e.sa->count_drop(Drop::malformed);
        return Drop::malformed;
    }
    uint8_t nh = 0;
    Drop d = e.sa->open(esp, len, inner, nh, now_s, false);
    if (d != Drop::ok) return d;
    if (e.sa->params().tunnel) {
        auto key = parse_ip(inner.data(), inner.size());
        if (!key || !within(e.local, e.remote, *key, false)) {
            e.sa->count_drop(key ? Drop::policy : Drop::malformed);
            return key ? Drop::policy : Drop::malformed;
        }
    }
    e.sa->account(e.sa->last_opened_seq(), inner.size());
    return Drop::ok;
}

std::optional<Counters> HostPath::counters(uint32_t handle) const {
    auto it = sas_.find(handle);
    if (it == sas_.end()) return std::nullopt;
    return it->second.sa->counters();
}

std::vector<SaEvent> HostPath::poll(uint64_t now_s) {
    std::vector<SaEvent> out;
    for (auto& [h, e] : sas_) {
        e.sa->tick(now_s);
        for (auto t : e.sa->take_events()) out.push_back({h, t});
    }
    return out;
}

} // namespace hostpath
