// Certificates for `authmethod signature`: the option tables of `config vpn
// certificate local|ca` and `config user peer`, their checks (PEM read from
// the value or from a file, key matching certificate, references from
// phase1), and the credentials a checked phase1 authenticates with.
#pragma once

#include <memory>

#include "auth/credentials.h"
#include "config/model.h"

namespace ike::config {

// Reads the PEM of every certificate entry and checks the phase1 options
// that refer to them; errors at the option's position.
void validate_certificates(Config& config, Reporter& report);

// Our chain and key, the trusted CAs and the peer constraints of a phase1
// with authmethod signature in a validated Config. Throws std::runtime_error
// only if the Config was not validated.
std::shared_ptr<auth::Credentials> load_credentials(const Config& config, const Phase1& p1);

} // namespace ike::config
