// espctl policy add|update|del|get|list|flush and espctl port (the card's policy table
// and port registers).
#pragma once

#include <string>
#include <vector>

#include "commands.h"

namespace espctl {

int cmd_policy(espdrv::Device& dev, const std::vector<std::string>& w, const Options& opt);
int cmd_port(espdrv::Device& dev, const std::vector<std::string>& w, const Options& opt);

// The text of an ACQUIRE event: "policy ID src A dst B proto P sport S dport D".
std::string acquire_text(const esp_event& e);
// The same as JSON members (without braces).
std::string acquire_json_members(const esp_event& e);

} // namespace espctl
