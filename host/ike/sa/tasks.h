// The exchanges, each as an initiator task plus the matching responder
// function (strongSwan's task split): IKE_SA_INIT, IKE_AUTH with the first
// Child SA, CREATE_CHILD_SA, and INFORMATIONAL deletes.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine.h"

namespace ike::sa {

std::unique_ptr<Task> make_ike_init_task();
std::unique_ptr<Task> make_ike_auth_task(std::string child); // child: phase2 to bring up, may be empty
std::unique_ptr<Task> make_child_create_task(std::string child);
// Rekey of the installed Child SA with inbound SPI `spi_in` (§1.3.3): a new
// Child SA with REKEY_SA and the same selectors, then a Delete of the old one.
std::unique_ptr<Task> make_child_rekey_task(std::string child, uint32_t spi_in);
std::unique_ptr<Task> make_child_delete_task(uint32_t spi_in);
std::unique_ptr<Task> make_ike_delete_task();
// IKE SA rekey as initiator (RFC 7296 §1.3.2, §2.18): CREATE_CHILD_SA with
// SA (new SPI), Ni, KEi; the Child SAs move to the new SA, the old is deleted.
std::unique_ptr<Task> make_ike_rekey_task();
// Our Ni when an IKE SA rekey of ours is in flight on `sa`, else nullptr
// (the responder side uses it to settle a simultaneous rekey, §2.25.2).
const Bytes* ike_rekey_nonce_in_flight(const IkeSa& sa);
// Removes a queued (not yet sent) IKE SA rekey of ours from `sa`.
void drop_queued_ike_rekey(IkeSa& sa);

// Responder side. IKE_SA_INIT returns nullopt on success (response in out),
// or the error notify to answer with (its data in err_data).
std::optional<uint16_t> respond_ike_init(Engine& e, IkeSa& sa, const Header& h, const Payloads& req, const Datagram& d,
                                         Payloads& out, Bytes& err_data);
Payloads respond_ike_auth(Engine& e, IkeSa& sa, const Payloads& req);
Payloads respond_create_child(Engine& e, IkeSa& sa, const Payloads& req);
Payloads respond_informational(Engine& e, IkeSa& sa, const Payloads& req);

// Shared Child SA steps.
void add_child_request(Payloads& p, const ChildCfg& c, uint32_t spi_in, bool with_dh);
// Initiator: checks the response's SA/TS against the request; fills child.
bool accept_child(const ChildCfg& c, uint32_t spi_in, const Payloads& resp, bool with_dh, ChildSa& child);
// Responder: picks a config by selectors and a proposal; fills resp (SA,
// TSi, TSr or an error notify). `only` restricts to one config (rekey).
std::optional<ChildSa> respond_child(Engine& e, IkeSa& sa, const Payloads& req, Payloads& resp, bool with_dh,
                                     const std::string& only = {});

} // namespace ike::sa
