// libFuzzer: IKE message decoder. Whatever it accepts must re-encode, and
// the re-encoding must decode to the same message.
#include <cstdint>
#include <cstdlib>

#include "codec/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> in(data, size);
    (void)ike::codec::decode_header(in);
    auto m = ike::codec::decode(in);
    if (!m.ok()) {
        if (m.error().offset > size) std::abort();
        (void)ike::codec::error_notify(m.error());
        return 0;
    }
    auto wire = ike::codec::encode_checked(m.value());
    if (!wire.ok()) std::abort();
    auto again = ike::codec::decode(wire.value());
    if (!again.ok() || !(again.value() == m.value())) std::abort();
    return 0;
}
