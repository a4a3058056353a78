#include "config/traffic_selector.h"

namespace ike::config {

TrafficSelector TrafficSelector::from_range(const IpAddress& first, const IpAddress& last, uint8_t proto,
                                            uint16_t port) {
    TrafficSelector ts;
    ts.ts_type = first.v6 ? TS_IPV6_ADDR_RANGE : TS_IPV4_ADDR_RANGE;
    ts.ip_proto = proto;
    ts.start_port = port;
    ts.end_port = port == 0 ? 65535 : port;
    ts.start_addr = first.bytes;
    ts.end_addr = last.bytes;
    return ts;
}

std::string TrafficSelector::to_string() const {
    return start().to_string() + "-" + end().to_string() + " proto " + std::to_string(ip_proto) + " port " +
           std::to_string(start_port) + "-" + std::to_string(end_port);
}

} // namespace ike::config
