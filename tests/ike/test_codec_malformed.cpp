// Every truncation and every corruption of length fields in recorded
// messages must give a clean DecodeError (run under ASan+UBSan in CI).
#include <catch2/catch.hpp>

#include "codec_samples.h"
#include "codec_test_util.h"

using namespace ike_test;
using namespace ike_samples;

namespace {

std::vector<Message> samples() { return {every_payload_message(), ike_sa_init_request(), sk_message(), skf_message()}; }

// Without the trailing unknown payload: a non-critical unknown payload is
// skipped whatever it holds, so a misframed tail could parse by chance.
std::vector<Message> framing_samples() {
    Message all = every_payload_message();
    all.payloads.pop_back();
    REQUIRE(std::holds_alternative<EapPayload>(all.payloads.back()));
    return {all, ike_sa_init_request(), sk_message(), skf_message()};
}

void set_header_length(Bytes& w) {
    const auto n = static_cast<uint32_t>(w.size());
    for (int i = 0; i < 4; ++i) w[24 + i] = static_cast<uint8_t>(n >> (24 - 8 * i));
}

// Offsets of the 16-bit length fields: generic payload headers and the
// inner structures (proposals, transforms, TLV attributes, selectors, CP
// attributes), found by walking the encoding we just produced.
std::vector<std::size_t> length_fields(const Bytes& w) {
    std::vector<std::size_t> out;
    std::size_t pos = 28;
    uint8_t type = w[16];
    while (type != 0 && pos + 4 <= w.size()) {
        const std::size_t len = static_cast<std::size_t>(w[pos + 2] << 8 | w[pos + 3]);
        out.push_back(pos + 2);
        const std::size_t body = pos + 4, end = pos + len;
        if (type == 33) { // SA: proposals, transforms, attributes
            for (std::size_t p = body; p + 8 <= end;) {
                const std::size_t plen = static_cast<std::size_t>(w[p + 2] << 8 | w[p + 3]);
                out.push_back(p + 2);
                for (std::size_t t = p + 8 + w[p + 6]; t + 8 <= p + plen;) {
                    const std::size_t tlen = static_cast<std::size_t>(w[t + 2] << 8 | w[t + 3]);
                    out.push_back(t + 2);
                    for (std::size_t a = t + 8; a + 4 <= t + tlen;) {
                        if (w[a] & 0x80) {
                            a += 4;
                        } else {
                            out.push_back(a + 2);
                            a += 4 + static_cast<std::size_t>(w[a + 2] << 8 | w[a + 3]);
                        }
                    }
                    t += tlen;
                }
                p += plen;
            }
        } else if (type == 44 || type == 45) {
            for (std::size_t s = body + 4; s + 4 <= end;) {
                out.push_back(s + 2);
                s += static_cast<std::size_t>(w[s + 2] << 8 | w[s + 3]);
            }
        } else if (type == 47) {
            for (std::size_t a = body + 4; a + 4 <= end;) {
                out.push_back(a + 2);
                a += 4 + static_cast<std::size_t>(w[a + 2] << 8 | w[a + 3]);
            }
        }
        if (type == 46 || type == 53) break;
        type = w[pos];
        pos = end;
    }
    return out;
}

} // namespace

TEST_CASE("ike-codec: every truncation is a clean error", "[ike-codec][malformed]") {
    int cases = 0;
    for (const Message& m : samples()) {
        const Bytes wire = encode(m);
        REQUIRE(decode(wire).ok());
        for (std::size_t n = 0; n < wire.size(); ++n) {
            Bytes cut(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
            auto r = decode(cut);
            INFO("cut at " << n);
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().offset <= wire.size());
            if (n >= 28) {
                // With the header length fixed up the payload parser itself
                // must find the truncation.
                set_header_length(cut);
                auto inner = decode(cut);
                REQUIRE_FALSE(inner.ok());
                CHECK(inner.error().offset <= n);
                CHECK(!inner.error().what.empty());
            }
            ++cases;
        }
    }
    CHECK(cases > 1000);
}

TEST_CASE("ike-codec: every length-field corruption is a clean error", "[ike-codec][malformed]") {
    int cases = 0;
    for (const Message& m : framing_samples()) {
        const Bytes wire = encode(m);
        const auto fields = length_fields(wire);
        CHECK(fields.size() >= m.payloads.size());
        for (std::size_t at : fields) {
            const unsigned orig = static_cast<unsigned>(wire[at] << 8 | wire[at + 1]);
            for (unsigned v : {0u, 1u, 3u, 4u, 7u, orig - 1, orig + 1, orig + 4, 0x7FFFu, 0xFFFFu}) {
                if (v == orig || v > 0xFFFF) continue;
                Bytes bad = wire;
                bad[at] = static_cast<uint8_t>(v >> 8);
                bad[at + 1] = static_cast<uint8_t>(v);
                auto r = decode(bad);
                INFO("length field at " << at << " set to " << v);
                CHECK_FALSE(r.ok());
                ++cases;
            }
        }
        // The IKE header length itself.
        for (uint32_t v : {0u, 27u, 28u, static_cast<uint32_t>(wire.size() - 1), static_cast<uint32_t>(wire.size() + 1),
                           0xFFFFFFFFu}) {
            Bytes bad = wire;
            for (int i = 0; i < 4; ++i) bad[24 + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
            CHECK_FALSE(decode(bad).ok());
            ++cases;
        }
    }
    CHECK(cases > 300);
}

TEST_CASE("ike-codec: every single-octet value at every position decodes or fails cleanly", "[ike-codec][malformed]") {
    // No expectation on the outcome (many octets are opaque data), only that
    // the decoder stays within bounds and a success re-encodes.
    const Bytes wire = encode(every_payload_message());
    std::size_t ok = 0, failed = 0;
    for (std::size_t i = 0; i < wire.size(); ++i)
        for (unsigned v = 0; v < 256; v += 5) {
            Bytes bad = wire;
            bad[i] = static_cast<uint8_t>(v);
            auto r = decode(bad);
            if (r.ok()) {
                ++ok;
                CHECK(encode_checked(r.value()).ok());
            } else {
                ++failed;
                CHECK(r.error().offset <= bad.size());
            }
        }
    CHECK(ok > 0);
    CHECK(failed > 0);
}
