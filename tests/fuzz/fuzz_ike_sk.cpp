// libFuzzer: SK/SKF unprotect with fixed keys, and the inner payload chain
// parser behind the ICV (input octet 0 = cipher and first payload type).
// Inner chains that parse must survive protect -> unprotect unchanged.
#include <cstdint>
#include <cstdlib>

#include "codec/sk.hpp"
#include "fuzz_keys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::unique_ptr<ike::crypto::SkCipher> ciphers[3] = {fuzz_keys::cipher(0), fuzz_keys::cipher(1),
                                                                      fuzz_keys::cipher(2)};
    const std::span<const uint8_t> in(data, size);
    for (const auto& c : ciphers) {
        (void)ike::codec::unprotect(in, *c);
        (void)ike::codec::unprotect_fragment(in, *c);
    }
    if (size < 2) return 0;
    auto inner = ike::codec::decode_payload_chain(data[1], in.subspan(2));
    if (!inner.ok()) return 0;
    ike::codec::Header h;
    h.exchange = ike::codec::ExchangeType::INFORMATIONAL;
    auto& cipher = *ciphers[data[0] % 3];
    auto wire = ike::codec::protect(h, inner.value(), cipher);
    if (!wire.ok()) return 0;  // e.g. inner payloads larger than one SK payload
    auto back = ike::codec::unprotect(wire.value(), cipher);
    if (!back.ok() || back.value().payloads != inner.value()) std::abort();
    return 0;
}
