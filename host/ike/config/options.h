// The option tables of each block this parser understands.
#pragma once

#include <span>

#include "config/model.h"
#include "config/option_table.h"

namespace ike::config {

std::span<const OptionSpec<Phase1>> phase1_options();                      // config vpn ipsec phase1-interface
std::span<const OptionSpec<Phase2>> phase2_options();                      // config vpn ipsec phase2-interface
std::span<const OptionSpec<FirewallAddress>> address_options(bool v6);     // config firewall address[6]
std::span<const OptionSpec<Config>> iked_options();                        // config system iked
std::span<const OptionSpec<LocalCertificate>> local_certificate_options(); // config vpn certificate local
std::span<const OptionSpec<CaCertificate>> ca_certificate_options();       // config vpn certificate ca
std::span<const OptionSpec<UserPeer>> user_peer_options();                 // config user peer

} // namespace ike::config
