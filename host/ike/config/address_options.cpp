#include "config/options.h"

namespace ike::config {

namespace {

// FortiOS calls the subnet type "ipmask" in address and "ipprefix" in address6.
std::optional<FirewallAddress::Kind> read_kind(ValueReader& r, bool v6) {
    const Token* t = r.single("one word");
    if (!t) return std::nullopt;
    const char* subnet_word = v6 ? "ipprefix" : "ipmask";
    if (t->text == subnet_word) return FirewallAddress::Kind::subnet;
    if (t->text == "iprange") return FirewallAddress::Kind::range;
    r.unknown_value(*t, std::string(subnet_word) + " iprange");
    return std::nullopt;
}

std::vector<OptionSpec<FirewallAddress>> make_table(bool v6) {
    using A = FirewallAddress;
    auto kind = [v6](ValueReader& r) { return read_kind(r, v6); };
    std::vector<OptionSpec<A>> t{
        option<A>("type", &A::kind, kind),
        option<A>(v6 ? "ip6" : "subnet", &A::subnet, v6 ? std::function(subnet6()) : std::function(subnet4())),
        option<A>("start-ip", &A::start_ip, address(v6)),
        option<A>("end-ip", &A::end_ip, address(v6)),
        option<A>("comment", &A::comment, text()),
    };
    // The unsetter copies from a default entry, which is IPv4: fix the family.
    t[1].unset = [v6](A& a) { a.subnet = Prefix{IpAddress{v6, {}}, 0}; };
    return t;
}

} // namespace

std::span<const OptionSpec<FirewallAddress>> address_options(bool v6) {
    static const std::vector<OptionSpec<FirewallAddress>> v4_table = make_table(false);
    static const std::vector<OptionSpec<FirewallAddress>> v6_table = make_table(true);
    return v6 ? v6_table : v4_table;
}

// A UNIX socket path: absolute, and short enough for sockaddr_un (108 bytes with the NUL).
std::optional<std::string> read_socket_path(ValueReader& r) {
    auto path = text()(r);
    if (path && (path->empty() || (*path)[0] != '/' || path->size() > 107)) {
        r.error(r.values()[0].pos, "control-socket must be an absolute path of at most 107 bytes");
        return std::nullopt;
    }
    return path;
}

std::span<const OptionSpec<Config>> iked_options() {
    static const std::vector<OptionSpec<Config>> table{
        option<Config>("control-socket", &Config::control_socket, read_socket_path),
    };
    return table;
}

} // namespace ike::config
