#include "route_hook.h"

#include <cerrno>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>
#include <vector>

#include "sa/log.h"

extern char** environ;

namespace iked {

void CommandRouteHook::route(bool add, const std::string& prefix, const ike::sa::Endpoint& peer) {
    std::string verb = add ? "add" : "del", addr = peer.addr.to_string();
    std::vector<char*> argv{program_.data(), verb.data(), const_cast<char*>(prefix.c_str()), addr.data(), nullptr};
    pid_t pid = 0;
    int err = posix_spawn(&pid, program_.c_str(), nullptr, nullptr, argv.data(), environ);
    if (err != 0) {
        IKE_LOG(warn) << "route hook " << program_ << ": " << std::strerror(err);
        return;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        IKE_LOG(warn) << "route hook " << program_ << " " << verb << " " << prefix << " failed (status " << status
                      << ")";
}

} // namespace iked
