// host_path.h: the host path's SA table. Outbound, a packet from the TUN device finds the
// outbound SA whose selectors hold it (the newest one, so a rekey's new SA takes over) and
// leaves as ESP; inbound, ESP finds its SA by SPI, is opened, and its inner packet must lie
// inside the SA's selectors (RFC 4301 5.2) before it goes to the TUN device.
// Drops are counted on the SA when one is known, else in the table's own counters.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "esp_sa.h"
#include "ip_packet.h"

namespace hostpath {

// Where an outbound SA's ESP goes; opaque to the table, kept for the caller.
struct Route {
    bool v6 = false;
    std::array<uint8_t, 16> local{}, remote{};
    bool udp_encap = false;        // RFC 3948 ESP in UDP
    uint16_t sport = 0, dport = 0; // UDP ports when encapsulated
};

struct SaSpec {
    SaParams esp;
    std::vector<Selector> local, remote; // ours / the peer's side of the Child SA
    Route route;
};

// Drops with no SA to count them on.
struct TableCounters {
    uint64_t no_sa_in = 0;       // ESP with an unknown SPI
    uint64_t malformed_in = 0;   // ESP shorter than SPI + sequence number
    uint64_t no_policy_out = 0;  // TUN packet no outbound SA's selectors hold
    uint64_t malformed_out = 0;  // TUN bytes that are not an IP packet
    uint64_t encap_mismatch = 0; // raw ESP for a UDP-encapsulated SA or the reverse (counted on the SA too)
};

struct SaEvent {
    uint32_t handle = 0;
    EventType type = EventType::soft;
};

class HostPath {
public:
    // A handle, or nullopt with *error set. Inbound SPIs must be unique in the table.
    std::optional<uint32_t> add(SaSpec spec, uint64_t now_s, std::string* error);
    bool remove(uint32_t handle); // wipes the SA's keys
    size_t size() const { return sas_.size(); }

    // TUN packet -> ESP in `esp`, sent along `*route`. *handle: the SA used (when one matched).
    Drop outbound(const uint8_t* pkt, size_t len, std::vector<uint8_t>& esp, const Route** route, uint32_t* handle,
                  uint64_t now_s);
    // ESP (from the SPI on) -> inner packet in `inner`. udp_encap: how it arrived.
    Drop inbound(const uint8_t* esp, size_t len, bool udp_encap, std::vector<uint8_t>& inner, uint32_t* handle,
                 uint64_t now_s);

    std::optional<Counters> counters(uint32_t handle) const;
    const TableCounters& table_counters() const { return table_; }
    // Time lifetimes of every SA, then every SA's pending events.
    std::vector<SaEvent> poll(uint64_t now_s);

private:
    struct Entry {
        std::unique_ptr<EspSa> sa;
        std::vector<Selector> local, remote;
        Route route;
    };
    std::map<uint32_t, Entry> sas_;
    std::map<uint32_t, uint32_t> by_spi_; // inbound SPI -> handle
    uint32_t next_handle_ = 1;
    TableCounters table_;
};

} // namespace hostpath
