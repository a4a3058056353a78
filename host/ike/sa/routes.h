// add-route: the routes a Child SA's remote selectors call for (each
// selector's address range as the fewest CIDR prefixes covering it exactly),
// and the hook that applies them when the administrator asks for it.
#pragma once

#include <string>
#include <vector>

#include "datagram.h"
#include "traffic_selector.h"

namespace ike::sa {

// "10.2.0.0/24", "2001:db8::/64"; a range that is no prefix gives several.
std::vector<std::string> ts_prefixes(const Ts& ts);
std::vector<std::string> ts_prefixes(const std::vector<Ts>& list);

// Applies a route (iked: an external command). Called once per prefix when
// the first Child SA needing it comes up and when the last one goes away.
class RouteHook {
public:
    virtual ~RouteHook() = default;
    virtual void route(bool add, const std::string& prefix, const Endpoint& peer) = 0;
};

} // namespace ike::sa
