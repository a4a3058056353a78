// The SA-spec parser (host/common/sa_spec.h): fields, shell quoting, formatting round trip,
// and an error message naming the word for each kind of bad input.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "esp_contract.h"
#include "sa_file.h"
#include "sa_spec.h"

using esphost::parse_sa_spec;
using esphost::tokenize_sa_line;

namespace {

const std::string kKey128 = "0x000102030405060708090a0b0c0d0e0fa0a1a2a3";
const std::string kBase =
    "src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x1001 dir in aead 'rfc4106(gcm(aes))' " + kKey128 + " 128";

std::optional<esphost::SaSpec> parse(const std::string& line, std::string& err) {
    std::vector<std::string> words;
    REQUIRE(tokenize_sa_line(line, words, err));
    return parse_sa_spec(words, err);
}

std::string error_of(const std::string& line) {
    std::string err;
    const auto s = parse(line, err);
    CHECK_FALSE(s.has_value());
    return err;
}

} // namespace

TEST_CASE("espsim: sa_spec tokenizer follows shell quoting", "[espsim]") {
    std::vector<std::string> w;
    std::string err;
    REQUIRE(tokenize_sa_line(R"(a 'b c' "d \"e\" \\f" g\ h 'x'"y"z # comment)", w, err));
    CHECK(w == std::vector<std::string>{"a", "b c", "d \"e\" \\f", "g h", "xyz"});
    REQUIRE(tokenize_sa_line("   # only a comment", w, err));
    CHECK(w.empty());
    CHECK_FALSE(tokenize_sa_line("a 'b", w, err));
    CHECK(err == "unterminated single quote");
    CHECK_FALSE(tokenize_sa_line("a \"b", w, err));
    CHECK(err == "unterminated double quote");
    CHECK_FALSE(tokenize_sa_line("a \\", w, err));
}

TEST_CASE("espsim: sa_spec parses every field into esp_sa_params", "[espsim]") {
    std::string err;
    const auto s = parse(
        "ip xfrm state add src 2001:db8::1 dst 2001:db8::2 proto esp spi 4096 dir out mode tunnel "
        "aead \"rfc4106(gcm(aes))\" 0x101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2fB0B1B2B3 128 "
        "replay-window 4096 flag esn replay-oseq 0xfffffff0 replay-oseq-hi 2 reqid 7 "
        "encap espinudp 4501 4500 0.0.0.0 sel src fd00::/8 dst 10.0.0.77/24 "
        "limit byte-soft 1000 limit byte-hard 2000 limit packet-soft 10 limit packet-hard 20",
        err);
    INFO(err);
    REQUIRE(s);
    const auto& p = s->params;
    CHECK(p.alg == ESP_ALG_AES_GCM_16);
    CHECK(p.dir == ESP_DIR_OUT);
    CHECK(p.mode == ESP_MODE_TUNNEL);
    CHECK(p.family == ESP_FAMILY_IPV6);
    CHECK(p.spi == 4096);
    CHECK(p.key_len == 32);
    CHECK(p.key[0] == 0x10);
    CHECK(p.key[31] == 0x2f);
    CHECK(p.salt[0] == 0xb0);
    CHECK(p.salt[3] == 0xb3);
    CHECK(p.src[15] == 1);
    CHECK(p.dst[15] == 2);
    CHECK(p.replay_window == 4096);
    CHECK(p.flags == (ESP_SA_F_ESN | ESP_SA_F_UDP_ENCAP));
    CHECK(p.seq == ((2ull << 32) | 0xfffffff0ull));
    CHECK(p.encap_sport == 4501);
    CHECK(p.encap_dport == 4500);
    CHECK(p.byte_soft == 1000);
    CHECK(p.byte_hard == 2000);
    CHECK(p.packet_soft == 10);
    CHECK(p.packet_hard == 20);
    CHECK(s->reqid == 7);
    REQUIRE(s->sel_src);
    CHECK(s->sel_src->family == ESP_FAMILY_IPV6);
    CHECK(s->sel_src->len == 8);
    REQUIRE(s->sel_dst);
    CHECK(s->sel_dst->len == 24);
    CHECK(s->sel_dst->addr[3] == 0); // host bits cleared
}

TEST_CASE("espsim: sa_spec defaults and selectors", "[espsim]") {
    std::string err;
    const auto s = parse(kBase + " sel dst 10.2.0.0/16", err);
    REQUIRE(s);
    CHECK(s->params.mode == ESP_MODE_TRANSPORT); // the ip(8) default
    CHECK(s->params.key_len == 16);
    CHECK(s->params.replay_window == 0);
    CHECK(s->params.seq == 0);
    const std::uint8_t a[4] = {10, 2, 200, 1}, b[4] = {10, 3, 0, 1}, any[4] = {1, 2, 3, 4};
    CHECK(s->selector_matches(ESP_FAMILY_IPV4, any, a));
    CHECK_FALSE(s->selector_matches(ESP_FAMILY_IPV4, any, b));
    std::uint8_t v6[16] = {};
    CHECK_FALSE(s->selector_matches(ESP_FAMILY_IPV6, v6, v6));
    const auto all = parse(kBase, err);
    REQUIRE(all);
    CHECK(all->selector_matches(ESP_FAMILY_IPV6, v6, v6));
    const auto odd = parse(kBase + " sel src 10.1.2.3/13", err);
    REQUIRE(odd);
    const std::uint8_t in13[4] = {10, 7, 255, 255}, out13[4] = {10, 8, 0, 0};
    CHECK(odd->selector_matches(ESP_FAMILY_IPV4, in13, any));
    CHECK_FALSE(odd->selector_matches(ESP_FAMILY_IPV4, out13, any));
}

TEST_CASE("espsim: sa_spec format round trip", "[espsim]") {
    std::string err;
    for (const std::string& line : std::vector<std::string>{
             kBase + " mode tunnel replay-window 64 flag esn replay-seq 5 replay-seq-hi 9 sel src 10.0.0.0/8",
             kBase + " encap espinudp 4500 4500 0.0.0.0 limit packet-hard 99 reqid 3",
             std::string("src ::1 dst ::2 proto esp spi 0xdeadbeef dir out aead 'rfc4106(gcm(aes))' ") + kKey128 +
                 " 128 replay-oseq 77"}) {
        const auto s = parse(line, err);
        INFO(line << " -> " << err);
        REQUIRE(s);
        const auto again = parse(esphost::sa_spec_to_line(*s), err);
        INFO(esphost::sa_spec_to_line(*s));
        REQUIRE(again);
        CHECK(std::memcmp(&again->params, &s->params, sizeof s->params) == 0);
        CHECK(again->sel_src == s->sel_src);
        CHECK(again->sel_dst == s->sel_dst);
        CHECK(again->reqid == s->reqid);
    }
    const auto s = parse(kBase + " mode tunnel replay-window 32 sel src 10.0.0.0/8", err);
    REQUIRE(s);
    const std::string shown = esphost::format_sa_spec(*s);
    CHECK(shown.find("src 192.0.2.1 dst 198.51.100.1\n") == 0);
    CHECK(shown.find("spi 0x00001001") != std::string::npos);
    CHECK(shown.find("0x<hidden>") != std::string::npos);
    CHECK(shown.find("a0a1a2a3") == std::string::npos); // key masked
    CHECK(esphost::format_sa_spec(*s, true).find(kKey128) != std::string::npos);
    CHECK(shown.find("sel src 10.0.0.0/8") != std::string::npos);
}

TEST_CASE("espsim: sa_spec errors name the word and the reason", "[espsim]") {
    const std::string keyless =
        "src 192.0.2.1 dst 198.51.100.1 proto esp dir in aead 'rfc4106(gcm(aes))' " + kKey128 + " 128";
    CHECK(error_of(keyless + " spi x") == "spi: expected a number, got 'x'");
    CHECK(error_of(keyless + " spi 0x1ffffffff") == "spi: 0x1ffffffff is out of range (at most 4294967295)");
    CHECK(error_of(keyless + " spi 255") == "spi: 255 is reserved (RFC 4303: 0..255)");
    CHECK(error_of(keyless) == "missing 'spi'");
    CHECK(error_of(kBase + " spi 0x2000") == "spi: given twice");
    CHECK(error_of("src 192.0.2.1 dir sideways") == "dir: expected in or out, got 'sideways'");
    CHECK(error_of(kBase + " mode beet").rfind("mode: expected tunnel or transport", 0) == 0);
    CHECK(error_of(kBase + " replay-window 4097").rfind("replay-window: 4097 is out of range", 0) == 0);
    CHECK(error_of(kBase + " flag noecn") == "flag: 'noecn' is not supported by the card (only esn)");
    CHECK(error_of(kBase + " flag") == "flag: missing value");
    CHECK(error_of(kBase + " replay-seq-hi 1") == "replay-seq-hi: needs flag esn");
    CHECK(error_of(kBase + " replay-oseq 1") == "replay-oseq: only for dir out (dir in uses replay-seq)");
    CHECK(error_of(kBase + " encap espinudp 0 4500 0.0.0.0") == "encap: ports must be 1..65535");
    CHECK(error_of(kBase + " encap espintcp 1 2 0.0.0.0").rfind("encap: type 'espintcp'", 0) == 0);
    CHECK(error_of(kBase + " sel src 10.0.0.0/33") == "sel src: prefix length of '10.0.0.0/33' must be 0..32");
    CHECK(error_of(kBase + " sel") == "sel: expected 'src PREFIX' and/or 'dst PREFIX'");
    CHECK(error_of(kBase + " limit time-soft 5").rfind("limit: 'time-soft' is not supported", 0) == 0);
    CHECK(error_of(kBase + " limit byte-soft 5 limit byte-hard 4") == "limit byte-soft: larger than byte-hard");
    CHECK(error_of(kBase + " reqid") == "reqid: missing value");
    CHECK(error_of(kBase + " bogus 1") == "bogus: unknown keyword");
    CHECK(error_of(kBase + " enc 'cbc(aes)' 0x00") == "enc: only aead 'rfc4106(gcm(aes))' is supported");
    CHECK(error_of("src 192.0.2.1 dst 2001:db8::1 proto esp spi 0x1001 dir in aead 'rfc4106(gcm(aes))' " + kKey128 +
                   " 128") == "dst: 2001:db8::1 is not of the same family as src 192.0.2.1");
    CHECK(error_of("src 192.0.2.300 dst 1.2.3.4") == "src: expected an IPv4 or IPv6 address, got '192.0.2.300'");
    CHECK(error_of("ip xfrm state del src 1.2.3.4") == "expected 'ip xfrm state add', got 'del'");
    const std::string head = "src 192.0.2.1 dst 198.51.100.1 proto ah spi 0x1001";
    CHECK(error_of(head) == "proto: only esp is supported, got 'ah'");
    const std::string pre = "src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x1001 dir in aead ";
    CHECK(error_of(pre + "'rfc4106(gcm(aes))' 0x0011 128") ==
          "aead: key must be 20 or 36 octets (AES-128/256 key and 4-octet salt), got 2");
    CHECK(error_of(pre + "'rfc4106(gcm(aes))' " + kKey128 + " 96") == "aead: ICV length must be 128, got '96'");
    CHECK(error_of(pre + "'rfc4106(gcm(aes))' 0x00zz 128") == "aead: key has a non-hex character 'z'");
    CHECK(error_of(pre + "'rfc4106(gcm(aes))' 0x001 128") == "aead: key has an odd number of hex digits");
    CHECK(error_of(pre + "'rfc4543(gcm(aes))' " + kKey128 + " 128").rfind("aead: algorithm 'rfc4543", 0) == 0);
    CHECK(error_of(pre + "'rfc4106(gcm(aes))' " + kKey128) == "aead: missing value");
}

TEST_CASE("espsim: SA files report FILE:LINE and join continued lines", "[espsim]") {
    const std::string text = "# comment\n\n" + kBase + "\n" +
                             "src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x2002 \\\n dir out aead "
                             "'rfc4106(gcm(aes))' " +
                             kKey128 + " 128\n";
    const auto sas = esphost::parse_sa_text(text, "x.sa");
    REQUIRE(sas.size() == 2);
    CHECK(sas[0].line == 3);
    CHECK(sas[1].line == 4);
    CHECK(sas[1].spec.params.spi == 0x2002);
    try {
        esphost::parse_sa_text(text + "\nsrc 1.2.3.4 spi nope\n", "x.sa");
        FAIL("no error");
    } catch (const esphost::SaFileError& e) {
        CHECK(std::string(e.what()) == "x.sa:7: spi: expected a number, got 'nope'");
    }
    CHECK_THROWS_WITH(esphost::parse_sa_text("a 'b\n", "y.sa"), "y.sa:1: unterminated single quote");
    CHECK_THROWS_WITH(esphost::load_sa_file("/nonexistent/file.sa"), "/nonexistent/file.sa: cannot open");
}
