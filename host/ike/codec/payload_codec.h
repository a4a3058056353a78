// Internal to ike_codec: payload body encoders/decoders (without the
// generic payload header).
#pragma once

#include <optional>

#include "message.h"
#include "wire.h"

namespace ike::codec::detail {

// The 28-octet IKE header with the given first payload type and length.
void write_header(const Header& h, uint8_t first, uint32_t length, Writer& w);

Result<Payload> decode_body(uint8_t type, bool critical, Reader body);
// Appends the body; an error if a value does not fit the wire format.
std::optional<DecodeError> encode_body(const Payload& p, Writer& w);

Result<SaPayload> decode_sa(Reader body);
std::optional<DecodeError> encode_sa(const SaPayload& sa, Writer& w);
Result<TsBody> decode_ts(Reader body);
std::optional<DecodeError> encode_ts(const TsBody& ts, Writer& w);

} // namespace ike::codec::detail
