// espsim serve streams: INJECT requests a client sends without waiting for the replies go
// through the RTL engine back to back, answered in order; one at a time they do not overlap.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "device.h"
#include "espsim_run.h"
#include "sa_file.h"
#include "sim_io.h"
#include "sim_protocol.h"
#include "traffic.h"

using namespace espsim_test;

namespace {

// `espsim serve` as a child process, stopped with SIGTERM.
class Server {
public:
    explicit Server(const std::string& socket) {
        pid_ = fork();
        if (pid_ == 0) {
            execl(ESPSIM_PATH, ESPSIM_PATH, "serve", "--socket", socket.c_str(), "--engine", "rtl", nullptr);
            _exit(127);
        }
        for (int i = 0; i < 600 && !std::filesystem::exists(socket); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ~Server() {
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
    }

private:
    pid_t pid_;
};

int connect_to(const std::string& path) {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) FAIL("connect " << path);
    return fd;
}

struct Reply {
    std::uint8_t result = 0xff;
    std::uint64_t cycles = 0;
    std::size_t bytes = 0;
};

Reply read_reply(int fd) {
    const auto f = espdrv::sim::recv_frame(fd);
    REQUIRE(f);
    REQUIRE(f->first == espdrv::sim::kInject);
    Reply r;
    std::size_t pos = 0;
    std::uint8_t pad = 0;
    std::uint16_t sa = 0;
    std::uint32_t zero = 0;
    REQUIRE(espdrv::sim::get(f->second, pos, r.result));
    REQUIRE(espdrv::sim::get(f->second, pos, pad));
    REQUIRE(espdrv::sim::get(f->second, pos, sa));
    REQUIRE(espdrv::sim::get(f->second, pos, zero));
    REQUIRE(espdrv::sim::get(f->second, pos, r.cycles));
    r.bytes = f->second.size() - pos;
    return r;
}

} // namespace

TEST_CASE("espsim serve streams INJECT requests that queue up", "[espsim][stream]") {
    ScratchDir dir;
    if (run_espsim(dir, {"--help"}).out.find("rtl (") == std::string::npos) {
        WARN("espsim was built without the RTL engine: nothing to stream");
        return;
    }
    const std::string path = dir.file("card.sock");
    Server server(path);
    auto dev = espdrv::open_device("sim:" + path);
    const auto sas = esphost::parse_sa_text(
        "src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x100 dir out mode tunnel aead 'rfc4106(gcm(aes))' "
        "0x000102030405060708090a0b0c0d0e0fa0a1a2a3 128\n",
        "serve.sa");
    const std::uint32_t handle = dev->sa_add(sas.at(0).spec.params);
    const auto packet =
        espsim::traffic::udp(espsim::traffic::Address::parse("10.1.0.1"), espsim::traffic::Address::parse("10.2.0.1"),
                             1000, 2000, espsim::traffic::pattern(1372, 1));
    REQUIRE(packet.size() == 1400);
    // outbound, pad, u16 handle (host order), the packet; sized first (g++ 12 misreads inserts)
    std::vector<std::uint8_t> body(4 + packet.size());
    const auto handle16 = static_cast<std::uint16_t>(handle);
    std::memcpy(&body[2], &handle16, 2);
    std::memcpy(&body[4], packet.data(), packet.size());

    // One at a time: each packet waits for the previous reply.
    const int fd = connect_to(path);
    std::vector<Reply> single;
    for (int i = 0; i < 4; ++i) {
        REQUIRE(espdrv::sim::send_frame(fd, espdrv::sim::kInject, body));
        single.push_back(read_reply(fd));
    }
    // Queued: all sent before any reply is read.
    constexpr int kQueued = 20;
    for (int i = 0; i < kQueued; ++i) REQUIRE(espdrv::sim::send_frame(fd, espdrv::sim::kInject, body));
    std::vector<Reply> queued;
    for (int i = 0; i < kQueued; ++i) queued.push_back(read_reply(fd));
    close(fd);

    for (const auto& r : single) CHECK(r.result == 0);
    for (const auto& r : queued) {
        CHECK(r.result == 0);
        CHECK(r.bytes > packet.size());
    }
    // 1400 bytes in, 1456 out: 91 output beats a packet. Streamed, the packets leave one
    // every ~91 cycles (the first ones may trail the requests still arriving on the socket);
    // one at a time each also waits out the engine's latency (~100 cycles) and the registers.
    const double one_at_a_time = double(single.back().cycles - single.front().cycles) / 3;
    const double streamed = double(queued.back().cycles - queued[kQueued / 2].cycles) / (kQueued - 1 - kQueued / 2);
    INFO("one at a time " << one_at_a_time << " cycles/packet, queued " << streamed);
    CHECK(one_at_a_time > 180);
    CHECK(streamed < 100);
    for (int i = 1; i < kQueued; ++i) CHECK(queued[i].cycles > queued[i - 1].cycles);
}
