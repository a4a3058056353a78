// Writes the built-in example capture (site-to-site.pcap, raw IP): a handful of ICMP,
// UDP and TCP packets from gateway A's LAN to B's (IPv4 and IPv6), and one host-to-host
// UDP packet between the gateways. Deterministic: the same bytes on every run.
//   espsim_make_example OUT.pcap
#include <iostream>

#include "pcap_io.h"
#include "traffic.h"

using namespace espsim::traffic;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: espsim_make_example OUT.pcap\n";
        return 2;
    }
    const Address a4 = Address::parse("10.1.0.10"), b4 = Address::parse("10.2.0.20");
    const Address a6 = Address::parse("fd00:a::10"), b6 = Address::parse("fd00:b::20");
    const Address gw_a = Address::parse("192.0.2.1"), gw_b = Address::parse("198.51.100.1");
    const Bytes packets[] = {
        icmp_echo(a4, b4, 0x1234, 1, pattern(56, 1)),
        udp(a4, b4, 40000, 53, pattern(33, 2)),
        tcp(a4, b4, 40001, 443, 1000, 0, 0x02, {}),
        tcp(a4, b4, 40001, 443, 1001, 5001, 0x18, pattern(517, 3)),
        icmp_echo(a6, b6, 0x4321, 1, pattern(56, 4)),
        udp(a6, b6, 40002, 123, pattern(48, 5)),
        tcp(a6, b6, 40003, 22, 7000, 9000, 0x18, pattern(1200, 6)),
        udp(gw_a, gw_b, 500, 500, pattern(120, 7)),
    };
    try {
        esphost::PcapWriter w(argv[1], DLT_RAW);
        timeval ts{1767225600, 0}; // 2026-01-01T00:00:00Z
        for (const auto& p : packets) {
            w.write(ts, p);
            ts.tv_usec += 1000;
        }
        w.close();
    } catch (const std::exception& e) {
        std::cerr << "espsim_make_example: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
