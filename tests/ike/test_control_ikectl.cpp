// The ikectl binary as a subprocess: check FILE without a daemon, usage
// errors, no daemon, and human/JSON output against a fake daemon.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "config/proposals.h"
#include "control/protocol.h"
#include "control_test_util.h"

extern char** environ;

namespace {

struct Run {
    int status = -1;
    std::string out, err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Run ikectl(std::vector<std::string> args) {
    static int counter = 0;
    std::string base = "/tmp/ikectl-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    std::string out = base + ".out", err = base + ".err";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    args.insert(args.begin(), IKECTL_PATH);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    Run r;
    if (posix_spawn(&pid, IKECTL_PATH, &fa, nullptr, argv.data(), environ) == 0) {
        int ws = 0;
        ::waitpid(pid, &ws, 0);
        r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    }
    posix_spawn_file_actions_destroy(&fa);
    r.out = slurp(out);
    r.err = slurp(err);
    std::remove(out.c_str());
    std::remove(err.c_str());
    return r;
}

std::string write_temp(const std::string& text) {
    static int counter = 0;
    std::string path = "/tmp/ikectl-conf-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".conf";
    std::ofstream(path) << text;
    return path;
}

} // namespace

TEST_CASE("ike-control: ikectl check FILE accepts the examples", "[ike-control]") {
    Run r = ikectl({"check", std::string(IKE_EXAMPLES_DIR) + "/site-a.conf"});
    CHECK(r.status == 0);
    CHECK(r.out == "ok\n");
    CHECK(r.err.empty());
}

TEST_CASE("ike-control: ikectl check FILE prints every error and exits 2", "[ike-control]") {
    std::string path = write_temp(
        "config vpn ipsec phase2-interface\n"
        "    edit \"t\"\n"
        "        set phase1name \"none\"\n"
        "        set proposal aes129gcm\n"
        "    next\n"
        "end\n");
    Run r = ikectl({"check", path});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == path + ":3:24: unknown phase1 'none'; defined: (none)\n" + path +
                       ":4:22: unknown value 'aes129gcm' for proposal; valid: " + ike::config::esp_proposal_names() +
                       "\n");
    Run j = ikectl({"-j", "check", path});
    CHECK(j.status == 2);
    auto reply = ike::control::Json::parse(j.out);
    CHECK_FALSE(reply.at("ok").as_bool());
    CHECK(reply.at("diagnostics").as_array().size() == 2);
    std::remove(path.c_str());

    Run missing = ikectl({"check", "/nonexistent.conf"});
    CHECK(missing.status == 2);
    CHECK(missing.err == "/nonexistent.conf: cannot read: No such file or directory\n");
}

TEST_CASE("ike-control: ikectl bad arguments print usage and exit 2", "[ike-control]") {
    for (auto args : std::vector<std::vector<std::string>>{{},
                                                           {"tunnel"},
                                                           {"tunnel", "sideways"},
                                                           {"tunnel", "up"},
                                                           {"--bogus", "tunnel", "list"},
                                                           {"--socket"},
                                                           {"gateway", "list", "extra"},
                                                           {"--socket", "/x", "-c", "/y", "reload"}}) {
        Run r = ikectl(args);
        INFO(Catch::Detail::stringify(args));
        CHECK(r.status == 2);
        CHECK(r.err.find("usage: ikectl") != std::string::npos);
    }
    Run help = ikectl({"--help"});
    CHECK(help.status == 0);
    CHECK(help.out.find("usage: ikectl") == 0);
}

TEST_CASE("ike-control: ikectl without a daemon exits 1 with a clear message", "[ike-control]") {
    Run r = ikectl({"--socket", "/tmp/ikectl-no-daemon.sock", "tunnel", "list"});
    CHECK(r.status == 1);
    CHECK(r.err == "ikectl: iked is not running (no control socket at /tmp/ikectl-no-daemon.sock)\n");
}

TEST_CASE("ike-control: ikectl talks to a daemon", "[ike-control]") {
    ike_control_test::LiveServer server(ike_control_test::temp_socket_path("ikectl"));
    Run t = ikectl({"--socket", server.path(), "tunnel", "list"});
    CHECK(t.status == 0);
    CHECK(t.out ==
          "list all ipsec tunnel (1)\n"
          "------------------------------------------------------\n"
          "name=lan \"v4\"\n phase1=to-site-b state=established path=offload/3\n"
          "  src: 0:10.1.0.0-10.1.0.255:0-65535\n"
          "  dst: 6:10.2.0.0-10.2.0.255:443-443\n"
          "  dst: 0:2001:db8::-2001:db8::ffff:0-65535\n"
          "  SA: proposal=aes128gcm esn=1 replaywin=2048 seqno=10000002a replaywin_lastseq=00000029\n"
          "  life: timeout=3412/3600 kb=-\n"
          "  dec: spi=c0ffee01 pkts/bytes=41/18446744073709551615\n"
          "  enc: spi=0badf00d pkts/bytes=42/53000\n");
    Run j = ikectl({"--socket=" + server.path(), "-j", "tunnel", "list"});
    CHECK(j.status == 0);
    auto tunnels = ike::control::tunnels_from_response(ike::control::Json::parse(j.out));
    REQUIRE(tunnels.size() == 1);
    CHECK(tunnels[0] == ike_control_test::sample_child());

    Run g = ikectl({"--socket", server.path(), "gateway", "list"});
    CHECK(g.status == 0);
    CHECK(g.out ==
          "name: to-site-b\nversion: 2\naddr: 192.0.2.1:4500 -> [2001:db8::2]:4500\ncreated: 120s ago\n"
          "  id/spi: 0123456789abcdef/fedcba9876543210\n  direction: initiator\n  status: established\n"
          "  proposal: aes256gcm-prfsha384 dh-group=20\n  lifetime/rekey: 28680s\n  nat: detected\n"
          "  child: 2\n");

    Run up = ikectl({"--socket", server.path(), "tunnel", "up", "lan-v4"});
    CHECK(up.status == 0);
    CHECK(up.out == "negotiating lan-v4\n");
    Run refused = ikectl({"--socket", server.path(), "tunnel", "up", "nope"});
    CHECK(refused.status == 1);
    CHECK(refused.err == "no phase2 named 'nope'\n");
    Run down = ikectl({"--socket", server.path(), "tunnel", "down", "lan-v4"});
    CHECK(down.status == 0);
    Run reload = ikectl({"--socket", server.path(), "reload"});
    CHECK(reload.status == 2);
    CHECK(reload.err == "/etc/iked.conf:3:9: unknown option 'x' in phase1-interface\n");
    Run check = ikectl({"--socket", server.path(), "check"});
    CHECK(check.status == 0);
    CHECK(check.out == "ok\n");
    std::string conf = write_temp("config system iked\n set control-socket " + server.path() + "\nend\n");
    Run via_config = ikectl({"-c", conf, "gateway", "list"});
    CHECK(via_config.status == 0);
    CHECK(via_config.out == g.out);
    std::remove(conf.c_str());
    Run boom = ikectl({"--socket", server.path(), "tunnel", "up", "boom"});
    CHECK(boom.status == 1);
    CHECK(boom.err == "ikectl: tunnel up failed: handler exploded\n");
    CHECK(server.handler().calls() ==
          std::vector<std::string>{"up lan-v4", "up nope", "down lan-v4", "reload", "check", "up boom"});
}
