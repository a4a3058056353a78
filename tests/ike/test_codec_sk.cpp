// SK payload protection through the codec: RFC 7634 Appendix B byte exact,
// round trips for every SK cipher, tampering, padding, fragments.
#include <catch2/catch.hpp>

#include "codec/sk.h"
#include "codec_samples.h"
#include "codec_test_util.h"
#include "crypto/sk_cipher.h"

using namespace ike_test;
using namespace ike_samples;
using ike::crypto::EncrId;
using ike::crypto::IntegId;
using ike::crypto::make_sk_cipher;

namespace {

struct CipherCase {
    const char* name;
    EncrId encr;
    uint16_t bits;
    IntegId integ;
    std::size_t ekey, ikey;
};

const CipherCase kCiphers[] = {
    {"AES_GCM_16_128", EncrId::AES_GCM_16, 128, IntegId::NONE, 20, 0},
    {"AES_GCM_16_256", EncrId::AES_GCM_16, 256, IntegId::NONE, 36, 0},
    {"CHACHA20_POLY1305", EncrId::CHACHA20_POLY1305, 0, IntegId::NONE, 36, 0},
    {"AES_CBC_128/HMAC_SHA2_256_128", EncrId::AES_CBC, 128, IntegId::HMAC_SHA2_256_128, 16, 32},
    {"AES_CBC_256/HMAC_SHA2_384_192", EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_384_192, 32, 48},
    {"AES_CBC_256/HMAC_SHA2_512_256", EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_512_256, 32, 64},
};

std::unique_ptr<ike::crypto::SkCipher> cipher_for(const CipherCase& c, uint8_t seed = 1) {
    return make_sk_cipher(c.encr, c.bits, c.integ, fill(c.ekey, seed), fill(c.ikey, static_cast<uint8_t>(seed + 1)));
}

} // namespace

TEST_CASE("ike-codec: SK protect of RFC 7634 Appendix B is byte exact", "[ike-codec][sk]") {
    const ptree root = load_vectors("esp_chacha20poly1305_vectors.json");
    const ptree& t = root.get_child("ikev2_vectors").begin()->second;
    auto c = make_sk_cipher(EncrId::CHACHA20_POLY1305, 256, IntegId::NONE, unhex(t.get<std::string>("keymat")), {});
    REQUIRE(c);
    Header h{0xc0c1c2c3c4c5c6c7ULL,
             0xd0d1d2d3d4d5d6d7ULL,
             2,
             0,
             ExchangeType::INFORMATIONAL,
             0,
             static_cast<uint32_t>(std::stoul(t.get<std::string>("message_id")))};
    // The plaintext is one Notify: SET_WINDOW_SIZE (16385) with data 10.
    const std::vector<Payload> inner{make_notify(NotifyType::SET_WINDOW_SIZE, {0, 0, 0, 0x0a})};
    auto wire = protect_with_iv(h, inner, *c, unhex(t.get<std::string>("iv")));
    REQUIRE(wire.ok());
    CHECK(hex(wire.value()) == t.get<std::string>("aad") + t.get<std::string>("iv") + t.get<std::string>("ciphertext") +
                                   t.get<std::string>("icv"));
    auto back = unprotect(wire.value(), *c);
    REQUIRE(back.ok());
    CHECK(back->header == h);
    REQUIRE(back->payloads.size() == 1);
    CHECK(std::get<NotifyPayload>(back->payloads[0]) == std::get<NotifyPayload>(inner[0]));
}

TEST_CASE("ike-codec: SK protect/unprotect round trip with every SK cipher", "[ike-codec][sk]") {
    for (const auto& cc : kCiphers) {
        INFO(cc.name);
        auto c = cipher_for(cc);
        REQUIRE(c);
        const Header h = sample_header(ExchangeType::IKE_AUTH, 1);
        const std::vector<Payload> inner = every_plain_payload();
        auto wire = protect(h, inner, *c);
        REQUIRE(wire.ok());
        auto outer = decode(wire.value());
        REQUIRE(outer.ok());
        REQUIRE(outer->payloads.size() == 1);
        const auto& sk = std::get<SkPayload>(outer->payloads[0]);
        CHECK(sk.first_inner == static_cast<uint8_t>(PayloadType::SA));
        CHECK((sk.body.size() - c->iv_bytes() - c->icv_bytes()) % c->block_bytes() == 0);
        auto back = unprotect(wire.value(), *c);
        REQUIRE(back.ok());
        CHECK(back->header == h);
        CHECK(back->payloads == inner);
        // An empty INFORMATIONAL (liveness check) works too.
        auto empty = protect(h, {}, *c);
        REQUIRE(empty.ok());
        auto empty_back = unprotect(empty.value(), *c);
        REQUIRE(empty_back.ok());
        CHECK(empty_back->payloads.empty());
    }
}

TEST_CASE("ike-codec: SK unprotect rejects tampering, truncation and the wrong key", "[ike-codec][sk]") {
    for (const auto& cc : kCiphers) {
        INFO(cc.name);
        auto c = cipher_for(cc);
        auto wrong = cipher_for(cc, 50);
        const std::vector<Payload> inner{make_notify(NotifyType::INITIAL_CONTACT), NoncePayload{fill(16, 3)}};
        const Bytes wire = protect(sample_header(ExchangeType::INFORMATIONAL, 4), inner, *c).value();
        CHECK(unprotect(wire, *wrong).error().kind == DecodeErrorKind::IntegrityCheckFailed);
        for (std::size_t i = 0; i < wire.size(); ++i) {
            Bytes bad = wire;
            bad[i] ^= 0x04;
            auto r = unprotect(bad, *c);
            INFO("flip at " << i);
            CHECK_FALSE(r.ok());
        }
        for (std::size_t n = 0; n < wire.size(); ++n) {
            Bytes cut(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
            if (n >= 28)
                for (int i = 0; i < 4; ++i) cut[24 + i] = static_cast<uint8_t>(n >> (24 - 8 * i));
            if (n >= 32) {
                cut[30] = static_cast<uint8_t>((n - 28) >> 8);
                cut[31] = static_cast<uint8_t>(n - 28);
            }
            CHECK_FALSE(unprotect(cut, *c).ok());
        }
    }
    auto c = cipher_for(kCiphers[1]);
    CHECK(unprotect(encode(ike_sa_init_request()), *c).error().kind == DecodeErrorKind::MissingPayload);
}

TEST_CASE("ike-codec: SK padding: bad pad length is INVALID_SYNTAX after a valid ICV", "[ike-codec][sk]") {
    auto c = cipher_for(kCiphers[3]);
    const Header h = sample_header(ExchangeType::INFORMATIONAL, 5);
    // Build the datagram by hand with a pad length larger than the plaintext.
    Bytes prefix = encode(Message{h, {SkPayload{41, {}}}});
    const std::size_t total = prefix.size() + 16 + 16 + c->icv_bytes();
    for (int i = 0; i < 4; ++i) prefix[24 + i] = static_cast<uint8_t>(total >> (24 - 8 * i));
    prefix[30] = static_cast<uint8_t>((total - 28) >> 8);
    prefix[31] = static_cast<uint8_t>(total - 28);
    Bytes plain(16, 0);
    plain.back() = 40;
    auto body = c->seal(prefix, plain);
    REQUIRE(body);
    Bytes wire = prefix;
    wire.insert(wire.end(), body->begin(), body->end());
    auto r = unprotect(wire, *c);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == DecodeErrorKind::InvalidSyntax);
}

TEST_CASE("ike-codec: SKF fragments (RFC 7383) protect, unprotect and reassemble out of order", "[ike-codec][sk]") {
    for (const auto& cc : kCiphers) {
        INFO(cc.name);
        auto c = cipher_for(cc);
        const Header h = sample_header(ExchangeType::IKE_AUTH, 1);
        const std::vector<Payload> inner = every_plain_payload();
        auto frags = protect_fragments(h, inner, *c, 200);
        REQUIRE(frags.ok());
        CHECK(frags->size() > 3);
        FragmentReassembler reasm;
        for (auto it = frags->rbegin(); it != frags->rend(); ++it) {
            CHECK(it->size() <= 200);
            auto f = unprotect_fragment(*it, *c);
            REQUIRE(f.ok());
            CHECK(f->total == frags->size());
            CHECK_FALSE(reasm.complete());
            CHECK(reasm.add(std::move(f.value())) == FragmentReassembler::Add::stored);
        }
        REQUIRE(reasm.complete());
        auto m = reasm.message();
        REQUIRE(m.ok());
        CHECK(m->payloads == inner);
        CHECK(m->header.message_id == 1);
        // A fragment of another message is refused; tampering is detected.
        auto other = protect_fragments(sample_header(ExchangeType::IKE_AUTH, 2), inner, *c, 200);
        auto f2 = unprotect_fragment(other->front(), *c);
        REQUIRE(f2.ok());
        FragmentReassembler r2;
        CHECK(r2.add(*unprotect_fragment(frags->front(), *c)) == FragmentReassembler::Add::stored);
        CHECK(r2.add(f2.value()) == FragmentReassembler::Add::other_message);
        Bytes bad = frags->back();
        bad[bad.size() - 1] ^= 1;
        CHECK(unprotect_fragment(bad, *c).error().kind == DecodeErrorKind::IntegrityCheckFailed);
    }
}

TEST_CASE("ike-codec: SKF reassembly rules of RFC 7383 2.6.2 (numbers, duplicates, totals, ICV)", "[ike-codec][sk]") {
    using Add = FragmentReassembler::Add;
    auto c = cipher_for(kCiphers[0]);
    const std::vector<Payload> inner = every_plain_payload();
    auto three = protect_fragments(sample_header(ExchangeType::IKE_AUTH, 1), inner, *c, 300);
    REQUIRE(three.ok());
    const std::size_t n = three->size();
    REQUIRE(n >= 3);
    auto frag = [&](std::size_t i) { return unprotect_fragment((*three)[i], *c).value(); };

    FragmentReassembler r;
    Fragment f = frag(0);
    f.number = 0;
    CHECK(r.add(f) == Add::bad_number);
    f.number = static_cast<uint16_t>(n + 1);
    CHECK(r.add(f) == Add::bad_number);
    f = frag(0);
    f.total = 0;
    CHECK(r.add(f) == Add::bad_number);
    CHECK(r.empty());
    CHECK(r.add(frag(0)) == Add::stored);
    const std::size_t held = r.bytes();
    CHECK(held > 0);
    CHECK(r.add(frag(0)) == Add::duplicate);
    CHECK(r.bytes() == held);
    // Fewer fragments than held: a stale copy, dropped.
    f = frag(1);
    f.total = static_cast<uint16_t>(n - 1);
    CHECK(r.add(f) == Add::fewer_total);
    // The same message split finer (a retransmission for a smaller MTU) replaces it.
    auto finer = protect_fragments(sample_header(ExchangeType::IKE_AUTH, 1), inner, *c, 200);
    REQUIRE(finer.ok());
    REQUIRE(finer->size() > n);
    CHECK(r.add(unprotect_fragment(finer->back(), *c).value()) == Add::restarted);
    CHECK(r.total() == finer->size());
    for (std::size_t i = 0; i + 1 < finer->size(); ++i)
        CHECK(r.add(unprotect_fragment((*finer)[i], *c).value()) == Add::stored);
    REQUIRE(r.complete());
    CHECK(r.message()->payloads == inner);
    // A fragment of this message from another exchange or SA is another message.
    FragmentReassembler r3;
    CHECK(r3.add(frag(0)) == Add::stored);
    f = frag(1);
    f.header.exchange = ExchangeType::INFORMATIONAL;
    CHECK(r3.add(f) == Add::other_message);
    f = frag(1);
    f.header.spi_r ^= 1;
    CHECK(r3.add(f) == Add::other_message);
    // Every single-bit flip of a fragment fails its ICV or its syntax, never more.
    const Bytes& wire = (*three)[1];
    for (std::size_t i = 0; i < wire.size(); ++i) {
        Bytes bad = wire;
        bad[i] ^= 0x01;
        auto got = unprotect_fragment(bad, *c);
        CHECK_FALSE(got.ok());
    }
    r.clear();
    CHECK(r.bytes() == 0);
    CHECK_FALSE(r.complete());
}
