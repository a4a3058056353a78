// Writes the fuzz seed corpus: sample messages (plain, SK- and SKF-
// protected with the fuzz keys) for fuzz_ike_decode and fuzz_ike_sk.
#include <cstdio>
#include <fstream>
#include <string>

#include "codec/sk.h"
#include "codec_samples.h"
#include "fuzz_keys.h"

namespace {

void write(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s DECODE_CORPUS_DIR SK_CORPUS_DIR\n", argv[0]);
        return 2;
    }
    using namespace ike_samples;
    const std::string decode_dir = argv[1], sk_dir = argv[2];
    int n = 0;
    for (const Message& m : {every_payload_message(), ike_sa_init_request(), sk_message(), skf_message()})
        write(decode_dir + "/msg" + std::to_string(n++), encode(m));
    for (const Payload& p : every_plain_payload())
        write(decode_dir + "/msg" + std::to_string(n++),
              encode(Message{sample_header(ExchangeType::IKE_AUTH, 1), {p}}));
    n = 0;
    for (unsigned which = 0; which < 3; ++which) {
        auto cipher = fuzz_keys::cipher(which);
        const auto inner = every_plain_payload();
        write(sk_dir + "/sk" + std::to_string(n++),
              protect(sample_header(ExchangeType::IKE_AUTH, 1), inner, *cipher).value());
        for (const auto& f : protect_fragments(sample_header(ExchangeType::IKE_AUTH, 1), inner, *cipher, 300).value())
            write(sk_dir + "/skf" + std::to_string(n++), f);
        // Inner chains: octet 0 picks the cipher, octet 1 the first type.
        for (const Payload& p : inner) {
            uint8_t first = 0;
            auto chain = encode_payload_chain(std::span<const Payload>(&p, 1), first).value();
            chain.insert(chain.begin(), {static_cast<uint8_t>(which), first});
            write(sk_dir + "/inner" + std::to_string(n++), chain);
        }
    }
    std::printf("corpus written\n");
    return 0;
}
