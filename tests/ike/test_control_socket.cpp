// The control protocol through a real UNIX socket: ControlServer with a fake
// handler on one thread, ControlClient (and raw sockets) on the test thread.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>

#include "control/client.h"
#include "control_test_util.h"

using namespace ike::control;
using ike_control_test::LiveServer;
using ike_control_test::temp_socket_path;
namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

namespace {

// Sends raw bytes and reads `lines` reply lines (or until EOF).
std::vector<std::string> raw_exchange(const std::string& path, const std::string& bytes, size_t lines) {
    asio::io_context io;
    stream::socket s(io);
    s.connect(stream::endpoint(path));
    asio::write(s, asio::buffer(bytes));
    asio::streambuf buf;
    std::vector<std::string> out;
    boost::system::error_code ec;
    while (out.size() < lines) {
        size_t n = asio::read_until(s, buf, '\n', ec);
        if (ec) break;
        out.emplace_back(asio::buffers_begin(buf.data()), asio::buffers_begin(buf.data()) + n - 1);
        buf.consume(n);
    }
    return out;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

} // namespace

TEST_CASE("ike-control: every request round-trips through the socket", "[ike-control]") {
    LiveServer server(temp_socket_path("rt"));
    ControlClient client(server.path(), std::chrono::seconds(5));
    auto tunnels = client.list_tunnels();
    REQUIRE(tunnels.size() == 1);
    CHECK(tunnels[0] == ike_control_test::sample_child());
    auto gateways = client.list_gateways();
    REQUIRE(gateways.size() == 1);
    CHECK(gateways[0] == ike_control_test::sample_ike());
    CHECK(client.tunnel_up("lan-v4") == ActionResult{true, "negotiating lan-v4"});
    CHECK(client.tunnel_up("nope") == ActionResult{false, "no phase2 named 'nope'"});
    CHECK(client.tunnel_down("lan-v4") == ActionResult{true, "deleted lan-v4"});
    CHECK(client.reload() == CheckResult{false, {"/etc/iked.conf:3:9: unknown option 'x' in phase1-interface"}});
    CHECK(client.check_config() == CheckResult{true, {"/etc/iked.conf:7:1: warning: something"}});
    CHECK(server.handler().calls() ==
          std::vector<std::string>{"up lan-v4", "up nope", "down lan-v4", "reload", "check"});
    // A handler exception is an error reply, and the server keeps serving.
    CHECK_THROWS_WITH(client.tunnel_up("boom"), "tunnel up failed: handler exploded");
    CHECK(client.list_tunnels().size() == 1);
}

TEST_CASE("ike-control: the socket is private and removed on stop", "[ike-control]") {
    std::string path = temp_socket_path("perm");
    {
        LiveServer server(path);
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK(S_ISSOCK(st.st_mode));
        CHECK((st.st_mode & 0777) == 0600);
    }
    CHECK_FALSE(exists(path));
}

TEST_CASE("ike-control: several requests on one connection, answered in order", "[ike-control]") {
    LiveServer server(temp_socket_path("multi"));
    auto replies = raw_exchange(server.path(),
                                "{\"command\":\"tunnel down\",\"name\":\"a\"}\n"
                                "garbage\n"
                                "{\"command\":\"tunnel down\",\"name\":\"b\"}\r\n",
                                3);
    REQUIRE(replies.size() == 3);
    CHECK(replies[0] == R"({"ok":true,"message":"deleted a"})");
    CHECK(Json::parse(replies[1]).at("ok").as_bool() == false);
    CHECK(replies[2] == R"({"ok":true,"message":"deleted b"})");
}

TEST_CASE("ike-control: an over-long request is refused and the connection closed", "[ike-control]") {
    LiveServer server(temp_socket_path("long"));
    std::string huge(max_line_bytes + 10, 'x');
    auto replies = raw_exchange(server.path(), huge, 2);
    REQUIRE(replies.size() == 1); // then EOF
    CHECK(replies[0] == R"({"ok":false,"error":"request longer than 65536 bytes"})");
    // Still serving others.
    ControlClient client(server.path());
    CHECK(client.list_gateways().size() == 1);
}

TEST_CASE("ike-control: no daemon means a clear not-running error", "[ike-control]") {
    ControlClient client("/tmp/ike-control-nobody-here.sock");
    try {
        client.list_tunnels();
        FAIL("expected ControlError");
    } catch (const ControlError& e) {
        CHECK(e.kind() == ControlError::Kind::not_running);
        CHECK(std::string(e.what()) == "iked is not running (no control socket at /tmp/ike-control-nobody-here.sock)");
    }
}

TEST_CASE("ike-control: stale sockets are replaced, live ones and other files are not", "[ike-control]") {
    std::string path = temp_socket_path("stale");
    { // a socket file nobody listens on
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        ::close(fd);
    }
    REQUIRE(exists(path));
    LiveServer server(path);
    CHECK(ControlClient(path).list_tunnels().size() == 1);

    asio::io_context io;
    ike_control_test::FakeHandler h;
    ControlServer second(io, h, path);
    CHECK_THROWS_WITH(second.start(), "control socket " + path + ": another iked is already listening there");

    std::string plain = temp_socket_path("plain");
    std::fclose(std::fopen(plain.c_str(), "w"));
    ControlServer third(io, h, plain);
    CHECK_THROWS_WITH(third.start(), "control socket " + plain + ": exists and is not a socket");
    std::remove(plain.c_str());

    ControlServer fourth(io, h, std::string(200, 'p'));
    CHECK_THROWS_WITH(fourth.start(), Catch::Contains("path must be 1 to 107 bytes"));
}

TEST_CASE("ike-control: a silent daemon times out", "[ike-control]") {
    std::string path = temp_socket_path("mute");
    asio::io_context io;
    stream::acceptor acceptor(io, stream::endpoint(path)); // accepts via backlog, never answers
    ControlClient client(path, std::chrono::milliseconds(200));
    try {
        client.list_tunnels();
        FAIL("expected ControlError");
    } catch (const ControlError& e) {
        CHECK(e.kind() == ControlError::Kind::timeout);
    }
    acceptor.close();
    std::remove(path.c_str());
}
