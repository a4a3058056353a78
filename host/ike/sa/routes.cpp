#include <algorithm>

#include "engine.h"
#include "log.h"
#include "routes.h"

namespace ike::sa {
namespace {

using Addr = std::array<uint8_t, 16>;

// Addresses as n-byte big-endian numbers: +1, and the last address of a block.
bool increment(Addr& a, size_t n) { // false on wrap past the top
    for (size_t i = n; i-- > 0;)
        if (++a[i] != 0) return true;
    return false;
}
Addr block_end(Addr a, size_t n, unsigned host_bits) {
    for (unsigned b = 0; b < host_bits; ++b) a[n - 1 - b / 8] |= static_cast<uint8_t>(1u << (b % 8));
    return a;
}
bool aligned(const Addr& a, size_t n, unsigned host_bits) {
    for (unsigned b = 0; b < host_bits; ++b)
        if (a[n - 1 - b / 8] & (1u << (b % 8))) return false;
    return true;
}
bool less_eq(const Addr& x, const Addr& y, size_t n) {
    return !std::lexicographical_compare(y.begin(), y.begin() + n, x.begin(), x.begin() + n);
}

} // namespace

std::vector<std::string> ts_prefixes(const Ts& ts) {
    std::vector<std::string> out;
    size_t n = ts.addr_len();
    unsigned bits = static_cast<unsigned>(n * 8);
    if (!less_eq(ts.lo, ts.hi, n)) return out;
    Addr cur = ts.lo;
    for (;;) {
        // The largest aligned block that starts at cur and ends within hi.
        unsigned host = 0;
        while (host < bits && aligned(cur, n, host + 1) && less_eq(block_end(cur, n, host + 1), ts.hi, n)) ++host;
        out.push_back(addr_to_string(cur, ts.v6) + "/" + std::to_string(bits - host));
        Addr end = block_end(cur, n, host);
        if (end == ts.hi || !increment(end, n)) break;
        cur = end;
    }
    return out;
}

std::vector<std::string> ts_prefixes(const std::vector<Ts>& list) {
    std::vector<std::string> out;
    for (const auto& t : list)
        for (auto& p : ts_prefixes(t))
            if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
    return out;
}

// Routes are counted: a rekey installs the new Child SA before the old one
// goes, so a route stays while any Child SA needs it.
void Engine::add_routes(const IkeSa& sa, const ChildSa& c) {
    if (!c.cfg.add_route) return;
    for (const auto& p : ts_prefixes(c.ts_remote))
        if (routes_[p]++ == 0 && route_hook_) {
            IKE_LOG(info) << "add-route " << p << " for " << c.name << " (peer " << sa.remote.str() << ")";
            route_hook_->route(true, p, sa.remote);
        }
}

void Engine::drop_routes(const IkeSa& sa, const ChildSa& c) {
    if (!c.cfg.add_route) return;
    for (const auto& p : ts_prefixes(c.ts_remote)) {
        auto it = routes_.find(p);
        if (it == routes_.end() || --it->second > 0) continue;
        routes_.erase(it);
        if (route_hook_) {
            IKE_LOG(info) << "del-route " << p << " of " << c.name;
            route_hook_->route(false, p, sa.remote);
        }
    }
}

} // namespace ike::sa
