// espctl end to end against `espsim serve`: the card is another process, espctl is run
// as a user would, packets are pushed through libespdrv's sim: backend.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <thread>

#include "device.h"
#include "driver_test_util.h"
#include "esp_reference.h"

using namespace driver_test;

namespace {

struct Run {
    int status;
    std::string out;
};

// Runs a shell command line, capturing stdout and stderr together.
Run run(const std::string& cmd) {
    Run r{-1, {}};
    FILE* f = ::popen((cmd + " 2>&1").c_str(), "r");
    REQUIRE(f);
    std::array<char, 4096> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) r.out.append(buf.data(), n);
    int st = ::pclose(f);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

class Server {
public:
    explicit Server(std::string sock) : sock_(std::move(sock)) {
        pid_ = ::fork();
        if (pid_ == 0) {
            ::execl(ESPSIM_BIN, ESPSIM_BIN, "serve", "--socket", sock_.c_str(), "--engine", "hls", nullptr);
            ::_exit(127);
        }
        struct stat st;
        for (int i = 0; i < 500 && ::stat(sock_.c_str(), &st) != 0; i++)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // SIGTERM, then the exit status.
    int stop() {
        ::kill(pid_, SIGTERM);
        int st = 0;
        ::waitpid(pid_, &st, 0);
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    ~Server() {
        if (pid_ > 0) stop();
    }

private:
    std::string sock_;
    pid_t pid_ = -1;
};

const std::string kKey = "0x0102030405060708090a0b0c0d0e0f1011121314";

} // namespace

TEST_CASE("driver: espctl drives a simulated card served by espsim serve") {
    const std::string sock = "/tmp/esp-e2e-" + std::to_string(::getpid()) + ".sock";
    Server server(sock);
    const std::string ctl = std::string(ESPCTL_BIN) + " -d sim:" + sock + " ";

    auto info = run(ctl + "-j dev info");
    REQUIRE(info.status == 0);
    CHECK(info.out.find("\"sa_slots\": 1024") != std::string::npos);

    auto add_out = run(ctl +
                       "sa add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x1001 dir out mode tunnel aead "
                       "'rfc4106(gcm(aes))' " +
                       kKey + " 128 limit packet-soft 3 limit packet-hard 5");
    REQUIRE(add_out.status == 0);
    CHECK(add_out.out == "handle 0\n");
    auto add_in = run(ctl +
                      "sa add src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x2001 dir in mode tunnel aead "
                      "'rfc4106(gcm(aes))' " +
                      kKey + " 128 replay-window 32");
    REQUIRE(add_in.status == 0);
    CHECK(add_in.out == "handle 1\n");

    // Bad arguments: a message naming them, exit 2; a refused request: errno text, exit 1.
    auto bad = run(ctl + "sa add src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x2002 dir sideways");
    CHECK(bad.status == 2);
    CHECK(bad.out.find("dir") != std::string::npos);
    auto dup = run(ctl +
                   "sa add src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x2001 dir in mode tunnel aead "
                   "'rfc4106(gcm(aes))' " +
                   kKey + " 128");
    CHECK(dup.status == 1);
    CHECK(dup.out.find("File exists") != std::string::npos);
    CHECK(run(ctl + "sa del 9").out.find("No such file") != std::string::npos);
    CHECK(run(ctl + "sa frobnicate").status == 2);
    CHECK(run(std::string(ESPCTL_BIN) + " -d bogus: dev info").status == 2);

    // Traffic: six packets out through handle 0 (soft limit 3, hard 5), two in.
    auto dev = espdrv::open_device("sim:" + sock);
    SaConfig out_cfg = simple_sa(false, 0x1001);
    out_cfg.key = esp_test::from_hex("0102030405060708090a0b0c0d0e0f10");
    out_cfg.salt = {0x11, 0x12, 0x13, 0x14};
    const Bytes inner = esp_test::ipv4_packet({192, 168, 1, 1}, {192, 168, 2, 1}, 17, Bytes(100, 9));
    int ok = 0, disabled = 0;
    for (int i = 0; i < 6; i++) {
        auto r = dev->inject(false, 0, inner);
        if (r.result == ESP_DROP_OK) {
            CHECK(esp_test::ref_decode(out_cfg, static_cast<uint64_t>(ok + 1), r.bytes).ok);
            ok++;
        } else if (r.result == ESP_DROP_SA_DISABLED) {
            disabled++;
        }
    }
    CHECK(ok == 5);
    CHECK(disabled == 1);
    SaConfig in_cfg = out_cfg;
    in_cfg.inbound = true;
    in_cfg.spi = 0x2001;
    in_cfg.src = {10, 0, 0, 2};
    in_cfg.dst = {10, 0, 0, 1};
    const Bytes esp_pkt = esp_test::ref_encrypt(in_cfg, 1, inner);
    CHECK(dev->inject(true, 0, esp_pkt).result == ESP_DROP_OK);
    CHECK(dev->inject(true, 0, esp_pkt).result == ESP_DROP_REPLAY);

    auto stats = run(ctl + "-j stats");
    REQUIRE(stats.status == 0);
    CHECK(stats.out.find("\"packets_in\": 8") != std::string::npos);
    CHECK(stats.out.find("\"packets_out\": 6") != std::string::npos);
    CHECK(stats.out.find("\"replay\": 1") != std::string::npos);
    CHECK(stats.out.find("\"sa_disabled\": 1") != std::string::npos);
    auto get = run(ctl + "sa get 0");
    CHECK(get.out.find("spi 0x00001001") != std::string::npos);
    CHECK(get.out.find("state disabled soft-packets-expired") != std::string::npos);
    CHECK(get.out.find("5(packets)") != std::string::npos);
    CHECK(get.out.find("0102030405") == std::string::npos); // keys never come back
    auto events = run(ctl + "events");
    CHECK(events.out.find("soft_packets handle 0") != std::string::npos);
    CHECK(events.out.find("hard_packets handle 0") != std::string::npos);

    // Update (rekey) the stopped SA: it works again, under the new SPI.
    auto upd = run(ctl +
                   "sa update 0 src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x1002 dir out mode tunnel aead "
                   "'rfc4106(gcm(aes))' " +
                   kKey + " 128");
    CHECK(upd.status == 0);
    CHECK(dev->inject(false, 0, inner).result == ESP_DROP_OK);
    auto list = run(ctl + "-j sa list");
    CHECK(list.out.find("\"spi\": \"0x00001002\"") != std::string::npos);
    CHECK(list.out.find("\"spi\": \"0x00002001\"") != std::string::npos);

    CHECK(run(ctl + "sa del 1").status == 0);
    CHECK(dev->inject(true, 0, esp_test::ref_encrypt(in_cfg, 2, inner)).result == ESP_DROP_NO_SA);
    CHECK(run(ctl + "events").out.find("sa_deleted handle 1") != std::string::npos);
    CHECK(run(ctl + "sa flush").status == 0);
    CHECK(run(ctl + "-j sa list").out.find("handle") == std::string::npos);

    dev.reset();
    CHECK(server.stop() == 0);
    struct stat st;
    CHECK(::stat(sock.c_str(), &st) != 0); // the socket is gone after SIGTERM
}

TEST_CASE("driver: espctl policy commands against espsim serve and model:") {
    const std::string sock = "/tmp/esp-e2e-pol-" + std::to_string(::getpid()) + ".sock";
    Server server(sock);
    const std::string ctl = std::string(ESPCTL_BIN) + " -d sim:" + sock + " ";

    REQUIRE(run(ctl +
                "sa add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 dir out mode tunnel aead "
                "'rfc4106(gcm(aes))' " +
                kKey + " 128")
                .status == 0);
    auto a = run(ctl +
                 "policy add src 10.1.0.0/24 dst 10.2.0.0/24 proto tcp dport 80-90 dir out priority 5 "
                 "tmpl spi 0x100");
    REQUIRE(a.status == 0);
    CHECK(a.out == "id 1\n");
    auto b = run(ctl + "policy add src 10.1.0.5-10.1.0.9 dst 10.2.0.0/16 dir out action block");
    REQUIRE(b.status == 0);
    CHECK(b.out == "id 2\n");
    REQUIRE(run(ctl + "policy add src 2001:db8::/32 dst 2001:db8:1::1-2001:db8:1::ff proto icmpv6 dir in "
                      "id 10 action allow")
                .status == 0);
    REQUIRE(run(ctl + "policy add src 10.9.0.0/16 dst 10.8.0.0/16 dir out action protect").status == 0);

    auto list = run(ctl + "-j policy list");
    REQUIRE(list.status == 0);
    CHECK(list.out.find("\"src\": \"10.1.0.0/24\"") != std::string::npos);
    CHECK(list.out.find("\"dport\": \"80-90\"") != std::string::npos);
    CHECK(list.out.find("\"src\": \"10.1.0.5-10.1.0.9\"") != std::string::npos);
    CHECK(list.out.find("\"dst\": \"2001:db8:1::1-2001:db8:1::ff\"") != std::string::npos);
    CHECK(list.out.find("\"proto\": \"icmpv6\"") != std::string::npos);
    CHECK(list.out.find("\"sa\": 0") != std::string::npos);
    auto get = run(ctl + "policy get 1");
    REQUIRE(get.status == 0);
    CHECK(get.out.find("src 10.1.0.0/24 dst 10.2.0.0/24 proto tcp sport any dport 80-90") != std::string::npos);
    CHECK(get.out.find("dir out priority 5 id 1 action protect sa 0") != std::string::npos);

    // Bad input: a message naming the fault; nothing changes on the card.
    struct Bad {
        const char* words;
        int status;
        const char* says;
    };
    const Bad bads[] = {
        {"policy add src 10.1.0.0/33 dst 10.2.0.0/24 dir out action block", 2, "prefix length 33 beyond 32"},
        {"policy add src 2001:db8::/129 dst 2001:db8::/64 dir out action block", 2, "beyond 128"},
        {"policy add src 10.1.0.9-10.1.0.5 dst 10.2.0.0/24 dir out action block", 2, "range reversed"},
        {"policy add src 10.1.0.0/24 dst 10.2.0.0/24 dport 90-80 dir out action block", 2, "port range reversed"},
        {"policy add src 10.1.0.0/24 dst 2001:db8::/32 dir out action block", 2, "different families"},
        {"policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir out tmpl spi 0x999", 2, "no outbound SA"},
        {"policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir out id 2 action allow", 1, "already exists"},
        {"policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir sideways action allow", 2, "dir"},
        {"policy del 77", 1, "No such file"},
    };
    for (const Bad& x : bads) {
        INFO(x.words);
        const auto r = run(ctl + x.words);
        CHECK(r.status == x.status);
        CHECK(r.out.find(x.says) != std::string::npos);
    }
    CHECK(run(ctl + "-j policy list").out == list.out);

    REQUIRE(run(ctl + "policy del 2").status == 0);
    CHECK(run(ctl + "policy get 2").status == 1);
    REQUIRE(run(ctl + "port set default-out block mtu 1400").status == 0);
    auto port = run(ctl + "-j port");
    CHECK(port.out.find("\"default_out\": \"block\"") != std::string::npos);
    CHECK(port.out.find("\"wire_mtu\": 1400") != std::string::npos);
    REQUIRE(run(ctl + "policy flush").status == 0);
    CHECK(run(ctl + "-j policy list").out.find("{") == std::string::npos);

    // An inbound SA with its selector, shown back by sa get.
    auto sel = run(ctl +
                   "sa add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x200 dir in mode tunnel aead "
                   "'rfc4106(gcm(aes))' " +
                   kKey + " 128 sel src 10.2.0.0/24 dst 10.1.0.0/24 proto udp dport 53");
    REQUIRE(sel.status == 0);
    const std::string handle = sel.out.substr(sel.out.find(' ') + 1, sel.out.size() - sel.out.find(' ') - 2);
    CHECK(run(ctl + "sa get " + handle).out.find("sel src 10.2.0.0/24 dst 10.1.0.0/24 proto udp sport any dport 53") !=
          std::string::npos);
    auto bad_sel = run(ctl +
                       "sa add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x201 dir in mode tunnel aead "
                       "'rfc4106(gcm(aes))' " +
                       kKey + " 128 sel src 10.2.0.0/40");
    CHECK(bad_sel.status == 2);
    CHECK(bad_sel.out.find("prefix length 40 beyond 32") != std::string::npos);

    // model: is a card in espctl's own process.
    auto m = run(std::string(ESPCTL_BIN) + " -d model: policy add src 10.0.0.0/8 dst 10.0.0.0/8 dir out action allow");
    CHECK(m.status == 0);
    CHECK(m.out == "id 1\n");
    CHECK(server.stop() == 0);
}
