// libFuzzer: SK/SKF unprotect with fixed keys, SKF reassembly, and the inner payload chain
// parser behind the ICV (input octet 0 = cipher and first payload type).
// Inner chains that parse must survive protect -> unprotect unchanged.
#include <cstdint>
#include <cstdlib>

#include "codec/sk.h"
#include "fuzz_keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::unique_ptr<ike::crypto::SkCipher> ciphers[3] = {fuzz_keys::cipher(0), fuzz_keys::cipher(1),
                                                                      fuzz_keys::cipher(2)};
    const std::span<const uint8_t> in(data, size);
    // Fragments that pass their ICV go through the reassembly rules
    // (RFC 7383 2.6.2) across inputs, as a receiver keeps them; the held
    // octets stay bounded (no input is larger than the fuzzer's max_len).
    static ike::codec::FragmentReassembler held;
    for (const auto& c : ciphers) {
        (void)ike::codec::unprotect(in, *c);
        auto f = ike::codec::unprotect_fragment(in, *c);
        if (!f.ok()) continue;
        const auto added = held.add(std::move(f.value()));
        if (ike::codec::FragmentReassembler::kept(added) && held.complete()) {
            (void)held.message();
            held.clear();
        }
        if (held.count() > held.total() || held.bytes() > (1u << 20)) std::abort();
        if (held.count() > 64) held.clear();
    }
    if (size < 2) return 0;
    auto inner = ike::codec::decode_payload_chain(data[1], in.subspan(2));
    if (!inner.ok()) return 0;
    ike::codec::Header h;
    h.exchange = ike::codec::ExchangeType::INFORMATIONAL;
    auto& cipher = *ciphers[data[0] % 3];
    auto wire = ike::codec::protect(h, inner.value(), cipher);
    if (!wire.ok()) return 0; // e.g. inner payloads larger than one SK payload
    auto back = ike::codec::unprotect(wire.value(), cipher);
    if (!back.ok() || back.value().payloads != inner.value()) std::abort();
    return 0;
}
