// IKE_AUTH authentication (RFC 7296 2.15): the pre-shared key MAC, or with
// `authmethod signature` our certificate chain and signature and the check
// of the peer's (chain to a configured CA, ID bound to the certificate,
// signature over the AUTH octets). The crypto is in auth/.
#pragma once

#include <optional>
#include <string>

#include "ike_sa.h"

namespace ike::sa {

// IKE_SA_INIT of a certificate phase1: SIGNATURE_HASH_ALGORITHMS (RFC 7427
// 4) each way, and the responder's CERTREQ for our CAs.
void add_init_auth_payloads(const IkeSa& sa, Payloads& p, bool responder);
// Keeps what the peer's IKE_SA_INIT said about signatures and CAs.
void note_init_auth_payloads(IkeSa& sa, const Payloads& p);

// Fills AUTH for our `id` into `p`, with our CERTs (and, in the initiator's
// request, CERTREQ). Throws std::runtime_error when signing fails.
void add_own_auth(const IkeSa& sa, Payloads& p, const IdPl& id, bool request);

// nullopt when the peer's AUTH for `id` holds, otherwise why not (logged by
// the caller, answered with AUTHENTICATION_FAILED). Sets sa.peer_id_text.
std::optional<std::string> peer_auth_error(IkeSa& sa, const Payloads& p, const IdPl& id);

} // namespace ike::sa
