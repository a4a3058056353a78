// add-route applied by an administrator's program: `HOOK add|del PREFIX PEER`
// (e.g. a script around `ip route replace PREFIX dev TUNNEL`). Run without a
// shell, waited for; a failure is logged and changes nothing else.
#pragma once

#include <string>

#include "sa/routes.h"

namespace iked {

class CommandRouteHook : public ike::sa::RouteHook {
public:
    explicit CommandRouteHook(std::string program) : program_(std::move(program)) {}
    void route(bool add, const std::string& prefix, const ike::sa::Endpoint& peer) override;

private:
    std::string program_;
};

} // namespace iked
