#include "sim_server.h"

#include <csignal>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <openssl/crypto.h>

#include "core_device.h"
#include "packet_engine.h"
#include "sim_io.h"
#include "sim_protocol.h"

namespace espdrv {
namespace {

bool known_ioctl(uint32_t cmd) {
    switch (cmd) {
        case ESP_IOC_DEV_INFO:
        case ESP_IOC_SA_ADD:
        case ESP_IOC_SA_UPDATE:
        case ESP_IOC_SA_DEL:
        case ESP_IOC_SA_GET:
        case ESP_IOC_SA_FLUSH:
        case ESP_IOC_STATS:
        case ESP_IOC_POLICY_ADD:
        case ESP_IOC_POLICY_UPDATE:
        case ESP_IOC_POLICY_DEL:
        case ESP_IOC_POLICY_GET:
        case ESP_IOC_POLICY_NEXT:
        case ESP_IOC_POLICY_FLUSH:
        case ESP_IOC_PORT_GET:
        case ESP_IOC_PORT_SET:
        case ESP_IOC_PORT_STATS:
            return true;
        default:
            return false;
    }
}

using Frame = std::pair<uint32_t, std::vector<uint8_t>>;

// INJECT requests of one client that already wait on its socket go to the card as one
// stream, back to back (bounded, so one client cannot hold the card for long).
constexpr size_t kMaxInjectBatch = 256;

bool readable_now(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
}

// Answers a run of INJECT requests, in order; false when the connection must close (a
// malformed request, answered up to the one before it, or a failed send).
bool answer_injects(int fd, CoreCard& card, const std::vector<Frame>& frames) {
    std::vector<CoreCard::Injection> batch;
    bool malformed = false;
    for (const auto& [kind, body] : frames) {
        size_t pos = 0;
        uint8_t inbound = 0, pad = 0;
        uint16_t handle = 0;
        if (!sim::get(body, pos, inbound) || !sim::get(body, pos, pad) || !sim::get(body, pos, handle)) {
            malformed = true;
            break;
        }
        batch.push_back({inbound != 0, handle, std::span<const uint8_t>(body.data() + pos, body.size() - pos)});
    }
    for (const PacketResult& r : card.inject_batch(batch)) {
        std::vector<uint8_t> reply;
        sim::put(reply, r.result);
        sim::put(reply, uint8_t{0});
        sim::put(reply, r.sa);
        sim::put(reply, uint32_t{0});
        sim::put(reply, r.card_cycles);
        reply.insert(reply.end(), r.bytes.begin(), r.bytes.end());
        if (!sim::send_frame(fd, sim::kInject, reply)) return false;
    }
    return !malformed;
}

// One connection: requests are answered in order until the client leaves.
void serve_client(int fd, std::shared_ptr<CoreCard> card) {
    CoreDevice dev(card);      // the client's own event cursor
    std::deque<Frame> waiting; // read while gathering INJECTs, not yet answered
    for (;;) {
        if (waiting.empty()) {
            auto f = sim::recv_frame(fd);
            if (!f) break;
            waiting.push_back(std::move(*f));
        }
        Frame frame = std::move(waiting.front());
        waiting.pop_front();
        auto& [kind, body] = frame;
        if (kind == sim::kInject) {
            std::vector<Frame> injects;
            injects.push_back(std::move(frame));
            bool eof = false;
            while (injects.size() < kMaxInjectBatch && waiting.empty() && readable_now(fd)) {
                auto f = sim::recv_frame(fd);
                if (!f) {
                    eof = true;
                    break;
                }
                if (f->first == sim::kInject)
                    injects.push_back(std::move(*f));
                else
                    waiting.push_back(std::move(*f));
            }
            if (!answer_injects(fd, *card, injects) || eof) break;
            continue;
        }
        std::vector<uint8_t> reply;
        size_t pos = 0;
        if (kind == sim::kIoctl) {
            uint32_t cmd = 0;
            if (!sim::get(body, pos, cmd)) break;
            int32_t status;
            std::vector<uint8_t> arg(body.begin() + static_cast<long>(pos), body.end());
            if (!known_ioctl(cmd)) {
                status = -ENOTTY;
            } else if (arg.size() != _IOC_SIZE(cmd)) {
                status = -EINVAL;
            } else {
                status = static_cast<int32_t>(card->ioctl(cmd, arg.data()));
            }
            sim::put(reply, status);
            if ((cmd == ESP_IOC_SA_ADD || cmd == ESP_IOC_SA_UPDATE) && arg.size() == sizeof(esp_sa_params)) {
                auto* sa = reinterpret_cast<esp_sa_params*>(arg.data()); // never echo a key back
                OPENSSL_cleanse(sa->key, sizeof sa->key);
                OPENSSL_cleanse(sa->salt, sizeof sa->salt);
            }
            reply.insert(reply.end(), arg.begin(), arg.end());
        } else if (kind == sim::kEvents) {
            uint32_t timeout_ms = 0, max = 0;
            if (!sim::get(body, pos, timeout_ms) || !sim::get(body, pos, max)) break;
            auto evs = dev.read_events(std::chrono::milliseconds(std::min(timeout_ms, sim::kMaxEventWaitMs)));
            uint32_t n = static_cast<uint32_t>(std::min<size_t>(evs.size(), std::min(max, sim::kMaxEventsPerRead)));
            sim::put(reply, n);
            for (uint32_t i = 0; i < n; i++) sim::put(reply, evs[i]);
        } else {
            break; // unknown kind: the client is not speaking this protocol
        }
        if (!sim::send_frame(fd, kind, reply)) break;
    }
}

} // namespace

int run_sim_server(std::unique_ptr<esp::PacketEngine> engine, const std::string& socket_path) {
    std::shared_ptr<CoreCard> card;
    try {
        card = std::make_shared<CoreCard>(std::move(engine));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "espsim serve: %s\n", e.what());
        return 1;
    }

    sockaddr_un addr{};
    if (socket_path.size() >= sizeof(addr.sun_path)) {
        std::fprintf(stderr, "espsim serve: socket path too long: %s\n", socket_path.c_str());
        return 2;
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);

    // Signals are taken by one thread with sigwait; every other thread blocks them.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

    int lfd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ::unlink(socket_path.c_str());
    if (lfd < 0 || ::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || ::listen(lfd, 16) < 0) {
        std::fprintf(stderr, "espsim serve: %s: %s\n", socket_path.c_str(), std::strerror(errno));
        if (lfd >= 0) ::close(lfd);
        return 1;
    }
    std::fprintf(stderr, "espsim serve: card ready on %s\n", socket_path.c_str());

    std::mutex clients_lock;
    std::set<int> clients;
    std::vector<std::thread> threads;
    bool stopping = false;

    std::thread signal_waiter([&] {
        int sig = 0;
        sigwait(&sigs, &sig);
        std::lock_guard g(clients_lock);
        stopping = true;
        ::shutdown(lfd, SHUT_RDWR); // wakes accept()
        for (int fd : clients) ::shutdown(fd, SHUT_RDWR);
    });

    for (;;) {
        int fd = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
        std::lock_guard g(clients_lock);
        if (stopping) {
            if (fd >= 0) ::close(fd);
            break;
        }
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            std::fprintf(stderr, "espsim serve: accept: %s\n", std::strerror(errno));
            pthread_kill(signal_waiter.native_handle(), SIGTERM); // let the stopper finish
            break;
        }
        clients.insert(fd);
        threads.emplace_back([fd, card, &clients_lock, &clients] {
            serve_client(fd, card);
            std::lock_guard g2(clients_lock);
            clients.erase(fd);
            ::close(fd); // under the lock, so the stopper never shuts a reused descriptor
        });
    }
    for (auto& t : threads) t.join();
    signal_waiter.join();
    ::close(lfd);
    ::unlink(socket_path.c_str());
    std::fprintf(stderr, "espsim serve: stopped\n");
    return 0;
}

} // namespace espdrv
