// What one phase1 with `authmethod signature` authenticates with: our
// certificate chain and key, the CAs a peer's chain must end at, and the
// constraints on the peer's certificate.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "auth/signature.h"
#include "auth/x509.h"

namespace ike::auth {

struct Credentials {
    std::vector<X509Ptr> chain; // our end-entity certificate first, then intermediates to send
    PkeyPtr key;                // matches chain[0]
    std::shared_ptr<const TrustStore> trust;
    SignPolicy policy;
    std::string peer_cn; // required subject CN of the peer's certificate; empty: any
};

} // namespace ike::auth
