// Round trip of every payload type, exact wire layout of a hand-assembled
// message, and the protocol-visible errors (critical bit, version).
#include <catch2/catch.hpp>

#include "codec_samples.h"
#include "codec_test_util.h"

using namespace ike_test;
using namespace ike_samples;

namespace {

Message round_trip(const Message& m) {
    auto wire = encode_checked(m);
    REQUIRE(wire.ok());
    auto back = decode(wire.value());
    INFO((back.ok() ? std::string("ok") : back.error().what));
    REQUIRE(back.ok());
    CHECK(encode(back.value()) == wire.value());
    return back.value();
}

} // namespace

TEST_CASE("ike-codec: every payload type round trips on its own", "[ike-codec]") {
    for (const Payload& p : every_plain_payload()) {
        INFO("payload type " << int(payload_type(p)));
        Message m{sample_header(ExchangeType::IKE_AUTH, 3), {p}};
        CHECK(round_trip(m) == m);
    }
    for (const Message& m : {sk_message(), skf_message()}) {
        INFO("payload type " << int(payload_type(m.payloads.back())));
        CHECK(round_trip(m) == m);
    }
}

TEST_CASE("ike-codec: a message with every payload type round trips in order", "[ike-codec]") {
    Message m = every_payload_message();
    m.payloads.push_back(SkPayload{41, fill(33, 1)});
    const Message back = round_trip(m);
    CHECK(back == m);
    CHECK(back.find<KePayload>()->group == 20);
    CHECK(back.find_all<DeletePayload>().size() == 2);
    CHECK(back.find_notify(NotifyType::REKEY_SA)->spi == Bytes{1, 2, 3, 4});
    CHECK(invalid_ke_group(*back.find_notify(NotifyType::INVALID_KE_PAYLOAD)) == 19);
    CHECK(back.find<SaPayload>()->proposals[0].transforms[0].key_length == 256);
    CHECK(back.find<SaPayload>()->proposals[0].transforms[5].other_attributes.size() == 1);
    CHECK(back.find_notify(NotifyType::COOKIE) == nullptr);
}

TEST_CASE("ike-codec: wire layout of a hand-assembled IKE_SA_INIT", "[ike-codec]") {
    Message m{Header{0x0102030405060708ULL, 0, 2, 0, ExchangeType::IKE_SA_INIT, FLAG_INITIATOR, 0}, {}};
    SaPayload sa;
    Proposal p;
    p.transforms = {Transform{1, 20, 256, {}}, Transform{4, 19, std::nullopt, {}}};
    sa.proposals = {p};
    m.payloads = {sa, KePayload{19, Bytes(4, 0xAA)}, make_notify(NotifyType::COOKIE, {0xC0, 0xC1})};
    const std::string expect =
        "0102030405060708"
        "0000000000000000"
        "21"
        "20"
        "22"
        "08"
        "00000000"
        "00000052" // header, length 82
        "22"
        "00"
        "0020" // SA, next KE, 32 octets
        "00"
        "00"
        "001c"
        "01"
        "01"
        "00"
        "02" // last proposal, 28 octets, #1 IKE, no SPI, 2 transforms
        "03"
        "00"
        "000c"
        "01"
        "00"
        "0014"
        "800e0100" // ENCR AES_GCM_16, key length 256
        "00"
        "00"
        "0008"
        "04"
        "00"
        "0013" // DH ECP_256, last
        "29"
        "00"
        "000c"
        "0013"
        "0000"
        "aaaaaaaa" // KE, next N, group 19
        "00"
        "00"
        "000a"
        "00"
        "00"
        "4006"
        "c0c1"; // N COOKIE
    CHECK(hex(encode(m)) == expect);
    CHECK(round_trip(m) == m);
}

TEST_CASE("ike-codec: unknown payloads: skipped if not critical, UNSUPPORTED_CRITICAL_PAYLOAD if critical",
          "[ike-codec]") {
    Message m{sample_header(ExchangeType::INFORMATIONAL, 2),
              {UnknownPayload{200, false, {1, 2, 3}}, NoncePayload{fill(16, 0)}}};
    CHECK(round_trip(m) == m);
    std::get<UnknownPayload>(m.payloads[0]).critical = true;
    auto r = decode(encode(m));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == DecodeErrorKind::UnsupportedCritical);
    CHECK(r.error().payload_type == 200);
    CHECK(r.error().offset == 32);
    const NotifyPayload n = error_notify(r.error());
    CHECK(n.type == NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD);
    CHECK(n.data == Bytes{200});
    // The critical bit on a known payload is ignored (RFC 7296 3.2).
    Bytes wire = encode(Message{sample_header(ExchangeType::INFORMATIONAL, 2), {NoncePayload{fill(16, 0)}}});
    wire[29] = 0x80;
    CHECK(decode(wire).ok());
}

TEST_CASE("ike-codec: major version, header length and trailing data", "[ike-codec]") {
    Bytes wire = encode(ike_sa_init_request());
    REQUIRE_FALSE(wire.empty());
    CHECK(decode_header(wire).ok());
    CHECK(decode_header(wire)->exchange == ExchangeType::IKE_SA_INIT);
    Bytes v3 = wire;
    v3[17] = 0x30;
    auto r = decode(v3);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == DecodeErrorKind::InvalidMajorVersion);
    CHECK(error_notify(r.error()).type == NotifyType::INVALID_MAJOR_VERSION);
    Bytes minor = wire;
    minor[17] = 0x21; // a higher minor version is accepted
    CHECK(decode(minor).ok());
    Bytes trailing = wire;
    trailing.push_back(0);
    CHECK(decode(trailing).error().kind == DecodeErrorKind::TrailingData);
    Bytes garbage_inside = wire;
    garbage_inside.insert(garbage_inside.end(), {0, 0, 0, 0});
    garbage_inside[27] = static_cast<uint8_t>(garbage_inside.size());
    garbage_inside[26] = static_cast<uint8_t>(garbage_inside.size() >> 8);
    CHECK(decode(garbage_inside).error().kind == DecodeErrorKind::TrailingData);
    CHECK(error_notify(decode(garbage_inside).error()).type == NotifyType::INVALID_SYNTAX);
}

TEST_CASE("ike-codec: field checks: nonce size, SKF numbering, SA markers, encode limits", "[ike-codec]") {
    CHECK_FALSE(decode(encode(Message{sample_header(ExchangeType::IKE_SA_INIT, 0), {NoncePayload{fill(15, 0)}}})).ok());
    CHECK_FALSE(
        decode(encode(Message{sample_header(ExchangeType::IKE_SA_INIT, 0), {NoncePayload{fill(257, 0)}}})).ok());
    Message skf = skf_message();
    std::get<SkfPayload>(skf.payloads[0]).fragment_number = 4;
    CHECK(decode(encode(skf)).error().kind == DecodeErrorKind::InvalidSyntax);
    std::get<SkfPayload>(skf.payloads[0]).fragment_number = 0;
    CHECK_FALSE(decode(encode(skf)).ok());
    // A proposal 'last' marker of 2 on the final proposal.
    Bytes wire = encode(Message{sample_header(ExchangeType::IKE_SA_INIT, 0), {sample_sa()}});
    Bytes bad = wire;
    const std::size_t second = 32 + ((wire[34] << 8) | wire[35]); // proposal 1 starts at 32
    bad[second] = 2;
    CHECK(decode(bad).error().kind == DecodeErrorKind::InvalidSyntax);
    // Values that do not fit the wire format.
    Message too_big{sample_header(ExchangeType::INFORMATIONAL, 0), {VendorIdPayload{Bytes(70000, 1)}}};
    CHECK(encode_checked(too_big).error().kind == DecodeErrorKind::EncodeFailure);
    CHECK(encode(too_big).empty());
    Message sk_not_last{sample_header(ExchangeType::INFORMATIONAL, 0), {SkPayload{0, {}}, NoncePayload{fill(16, 0)}}};
    CHECK_FALSE(encode_checked(sk_not_last).ok());
    Message bad_ts{sample_header(ExchangeType::IKE_AUTH, 0),
                   {TsiPayload{{{TrafficSelector{7, 0, 0, 0, {1, 2, 3}, {1, 2, 3, 4}, {}}}}}}};
    CHECK_FALSE(encode_checked(bad_ts).ok());
    CHECK_FALSE(encode_checked(Message{sample_header(ExchangeType::IKE_AUTH, 0), {SaPayload{}}}).ok());
}

TEST_CASE("ike-codec: names of notifies, payloads and exchanges", "[ike-codec]") {
    CHECK(notify_name(NotifyType::NO_PROPOSAL_CHOSEN) == "NO_PROPOSAL_CHOSEN");
    CHECK(notify_name(NotifyType::INVALID_KE_PAYLOAD) == "INVALID_KE_PAYLOAD");
    CHECK(notify_name(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED) == "IKEV2_FRAGMENTATION_SUPPORTED");
    CHECK(notify_name(static_cast<NotifyType>(12345)) == "UNKNOWN_12345");
    CHECK(static_cast<uint16_t>(NotifyType::CHILD_SA_NOT_FOUND) == 44);
    CHECK(static_cast<uint16_t>(NotifyType::COOKIE) == 16390);
    CHECK(static_cast<uint16_t>(NotifyType::SIGNATURE_HASH_ALGORITHMS) == 16431);
    CHECK(is_error_notify(NotifyType::TS_UNACCEPTABLE));
    CHECK_FALSE(is_error_notify(NotifyType::MOBIKE_SUPPORTED));
    CHECK(payload_name(PayloadType::SKF) == "SKF");
    CHECK(exchange_name(ExchangeType::CREATE_CHILD_SA) == "CREATE_CHILD_SA");
    CHECK(id_body_octets(IdBody{IdType::FQDN, {'a'}}) == Bytes{2, 0, 0, 0, 'a'});
}
