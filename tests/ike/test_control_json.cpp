// The JSON layer and the request/response mapping, without sockets.
#include <catch2/catch.hpp>

#include "control/protocol.h"
#include "control_test_util.h"

using namespace ike::control;
using ike_control_test::FakeHandler;

TEST_CASE("ike-control: JSON values round-trip", "[ike-control]") {
    Json j = Json::object();
    j.set("s", "q\"b\\s/\n\t\r\x01\x7f é €");
    j.set("u", uint64_t(18446744073709551615ull));
    j.set("i", int64_t(-9223372036854775807ll - 1));
    j.set("d", 1.5);
    j.set("b", false);
    j.set("n", Json());
    Json a = Json::array();
    a.push_back(1);
    a.push_back(Json::object());
    a.push_back(Json::array());
    j.set("a", a);
    std::string text = j.dump();
    CHECK(text ==
          "{\"s\":\"q\\\"b\\\\s/\\n\\t\\r\\u0001\\u007f é €\",\"u\":18446744073709551615,"
          "\"i\":-9223372036854775808,\"d\":1.5,\"b\":false,\"n\":null,\"a\":[1,{},[]]}");
    CHECK(Json::parse(text) == j);
    CHECK(Json::parse(j.dump(2)) == j);
    CHECK(j.at("u").as_u64() == 18446744073709551615ull);
    CHECK(j.at("i").as_i64() == -9223372036854775807ll - 1);
}

TEST_CASE("ike-control: JSON output is valid even for invalid UTF-8", "[ike-control]") {
    std::string out;
    append_json_string(out, std::string("a\xff"
                                        "b\xc3(\xed\xa0\x80",
                                        8));
    CHECK(out == "\"a\\ufffdb\\ufffd(\\ufffd\\ufffd\\ufffd\"");
    CHECK(Json::parse(out).as_string() ==
          "a\xEF\xBF\xBD"
          "b\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("ike-control: JSON escapes decode, surrogate pairs included", "[ike-control]") {
    CHECK(Json::parse(R"("\u00e9\ud83d\ude00\/\b\f")").as_string() == "\xC3\xA9\xF0\x9F\x98\x80/\b\f");
    CHECK(Json::parse(" [ 1 , -2 , 3.25e1 , true ] ").as_array().size() == 4);
    CHECK(Json::parse("-2").as_i64() == -2);
    CHECK(Json::parse("3.25e1").as_double() == 32.5);
    CHECK(Json::parse("18446744073709551616").as_double() == 18446744073709551616.0);
}

TEST_CASE("ike-control: malformed JSON is rejected with an offset", "[ike-control]") {
    for (const char* bad :
         {"",     "{",       "[1,]",     "{\"a\" 1}", "{\"a\":1,}", "01",          "1.",          "-",
          "1e",   "tru",     "nul",      "\"abc",     "\"\\x\"",    "\"\\ud800\"", "\"\\udc00\"", "\"\\u12\"",
          "{} x", "[1] [2]", "\"a\nb\"", "\"\xff\"",  "{1:2}",      "NaN",         "1e999"}) {
        INFO(bad);
        CHECK_THROWS_AS(Json::parse(bad), JsonError);
    }
    CHECK_THROWS_WITH(Json::parse("[1,]"), "invalid JSON at offset 3: unexpected character");
    std::string deep(100, '[');
    CHECK_THROWS_WITH(Json::parse(deep), Catch::Contains("nested too deeply"));
    std::string ok_depth = std::string(60, '[') + std::string(60, ']');
    CHECK_NOTHROW(Json::parse(ok_depth));
}

TEST_CASE("ike-control: typed access errors name the expected type", "[ike-control]") {
    Json j = Json::parse(R"({"a":"x","n":-1})");
    CHECK_THROWS_WITH(j.at("a").as_u64(), "expected non-negative integer, got string");
    CHECK_THROWS_WITH(j.at("n").as_u64(), "expected non-negative integer, got number");
    CHECK_THROWS_WITH(j.at("zz"), "missing field 'zz'");
    CHECK_THROWS_WITH(Json(1).at("a"), "expected object, got number");
}

TEST_CASE("ike-control: records round-trip through JSON text", "[ike-control]") {
    ChildSaStatus c = ike_control_test::sample_child();
    CHECK(child_sa_from_json(Json::parse(to_json(c).dump())) == c);
    ChildSaStatus down;
    down.tunnel = "idle";
    down.phase1 = "p1";
    down.lifetime_kb = 5120;
    CHECK(child_sa_from_json(Json::parse(to_json(down).dump())) == down);
    IkeSaStatus g = ike_control_test::sample_ike();
    CHECK(ike_sa_from_json(Json::parse(to_json(g).dump())) == g);
    Json j = to_json(c);
    CHECK(j.at("spi_in").as_string() == "c0ffee01");
    CHECK(j.at("spi_out").as_string() == "0badf00d");
    CHECK(j.at("offload_handle").as_u64() == 3);
    CHECK(j.at("lifetime_left_kb").is_null());
    CHECK(to_json(g).at("spi_i").as_string() == "0123456789abcdef");
    CHECK(to_json(g).at("role").as_string() == "initiator");
    // Damaged records are errors, not garbage.
    Json bad = to_json(c);
    bad.set("spi_in", "xyz");
    CHECK_THROWS_AS(child_sa_from_json(bad), JsonError);
    bad = to_json(c);
    bad.set("state", "sleeping");
    CHECK_THROWS_WITH(child_sa_from_json(bad), "unknown state 'sleeping'");
    bad = to_json(g);
    bad.set("local_port", 70000);
    CHECK_THROWS_WITH(ike_sa_from_json(bad), "local_port out of range");
}

TEST_CASE("ike-control: requests map to handler calls", "[ike-control]") {
    FakeHandler h;
    Json r = Json::parse(handle_request_line(R"({"command":"tunnel up","name":"lan-v4"})", h));
    CHECK(action_from_response(r) == ActionResult{true, "negotiating lan-v4"});
    r = Json::parse(handle_request_line("{\"command\":\"tunnel down\",\"name\":\"x\"}\r", h));
    CHECK(action_from_response(r) == ActionResult{true, "deleted x"});
    r = Json::parse(handle_request_line(R"({"command":"reload"})", h));
    CHECK_FALSE(check_from_response(r).ok);
    r = Json::parse(handle_request_line(R"({"command":"config check"})", h));
    CHECK(check_from_response(r).ok);
    CHECK(h.calls() == std::vector<std::string>{"up lan-v4", "down x", "reload", "check"});
    CHECK(to_json(Request{Command::tunnel_up, "a"}).dump() == R"({"command":"tunnel up","name":"a"})");
    CHECK(request_from_json(to_json(Request{Command::gateway_list, {}})) == Request{Command::gateway_list, {}});
}

TEST_CASE("ike-control: bad requests get an error reply", "[ike-control]") {
    FakeHandler h;
    auto error_of = [&](std::string_view line) {
        Json r = Json::parse(handle_request_line(line, h));
        CHECK_FALSE(r.at("ok").as_bool());
        return r.at("error").as_string();
    };
    CHECK(error_of("not json") == "bad request: invalid JSON at offset 0: unexpected character");
    CHECK(error_of(R"({"command":"tunnel sideways"})") ==
          "bad request: unknown command 'tunnel sideways'; valid: 'tunnel list', 'gateway list', 'tunnel up', "
          "'tunnel down', 'reload', 'config check', 'tunnel trigger'");
    CHECK(error_of(R"({"command":"tunnel up"})") == "bad request: missing field 'name'");
    CHECK(error_of(R"({"command":"tunnel up","name":""})") == "bad request: empty tunnel name");
    CHECK(error_of(R"([1])") == "bad request: expected object, got array");
    CHECK(error_of(R"({"command":"tunnel up","name":"boom"})") == "tunnel up failed: handler exploded");
    CHECK_THROWS_AS(action_from_response(Json::parse(handle_request_line("{}", h))), ControlError);
}

#include <random>

TEST_CASE("ike-control: fuzz: damaged requests and replies never crash", "[ike-control][fuzz]") {
    FakeHandler h;
    std::vector<std::string> seeds{R"({"command":"tunnel up","name":"lan-v4"})", R"({"command":"reload"})",
                                   to_json(ike_control_test::sample_child()).dump(),
                                   to_json(ike_control_test::sample_ike()).dump()};
    std::mt19937 rng(7);
    const std::string alphabet = "{}[]\":,\\u0123456789abcdefnulltrue-+.eE \n\x01\xff";
    for (int round = 0; round < 3000; ++round) {
        std::string s = seeds[rng() % seeds.size()];
        for (int e = 0, n = 1 + int(rng() % 6); e < n && !s.empty(); ++e) {
            size_t at = rng() % s.size();
            if (rng() % 2)
                s.erase(at, 1 + rng() % 4);
            else
                s.insert(at, 1, alphabet[rng() % alphabet.size()]);
        }
        // The server answers every line with valid JSON.
        std::string reply = handle_request_line(s, h);
        Json r = Json::parse(reply);
        CHECK(r.at("ok").is_bool());
        // Decoding a damaged record either works or throws JsonError.
        try {
            Json j = Json::parse(s);
            try {
                (void)child_sa_from_json(j);
            } catch (const JsonError&) {
            }
            try {
                (void)ike_sa_from_json(j);
            } catch (const JsonError&) {
            }
        } catch (const JsonError&) {
        }
    }
}
