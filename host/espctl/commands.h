// espctl's commands: each takes its words after the command name and a Device.
#pragma once

#include <string>
#include <vector>

#include "device.h"

namespace espctl {

// A bad command line: printed with the usage hint, exit status 2.
struct UsageError {
    std::string message;
};

struct Options {
    bool json = false;
    bool keys = false;
    bool follow = false;
};

// Runs one command; returns the exit status. Throws UsageError or espdrv::Error.
int run_command(espdrv::Device& dev, const std::vector<std::string>& words, const Options& opt);

} // namespace espctl
