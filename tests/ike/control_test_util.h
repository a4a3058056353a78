// A fake daemon for the ike-control tests: a ControlHandler returning canned
// records, served by a real ControlServer on a temporary UNIX socket with
// its io_context on a thread of its own.
#pragma once

#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "control/server.h"

namespace ike_control_test {

using namespace ike::control;

inline ike::config::TrafficSelector ts(const char* first, const char* last, uint8_t proto = 0, uint16_t lo = 0,
                                       uint16_t hi = 65535) {
    auto a = *ike::config::IpAddress::parse(first);
    auto b = *ike::config::IpAddress::parse(last);
    ike::config::TrafficSelector t = ike::config::TrafficSelector::from_range(a, b, proto, 0);
    t.start_port = lo;
    t.end_port = hi;
    return t;
}

inline ChildSaStatus sample_child() {
    ChildSaStatus c;
    c.tunnel = "lan \"v4\"\n"; // quotes and a newline must survive the JSON trip
    c.phase1 = "to-site-b";
    c.local_ts = {ts("10.1.0.0", "10.1.0.255")};
    c.remote_ts = {ts("10.2.0.0", "10.2.0.255", 6, 443, 443), ts("2001:db8::", "2001:db8::ffff")};
    c.spi_in = 0xc0ffee01;
    c.spi_out = 0x0badf00d;
    c.proposal = "aes128gcm";
    c.esn = true;
    c.replay_window = 2048;
    c.seq_out = 0x1'0000'002aull;
    c.replay_top_in = 41;
    c.bytes_in = 18446744073709551615ull; // full 64-bit precision
    c.bytes_out = 53000;
    c.packets_in = 41;
    c.packets_out = 42;
    c.lifetime_left_s = 3412;
    c.lifetime_s = 3600;
    c.lifetime_left_kb = std::nullopt;
    c.lifetime_kb = std::nullopt;
    c.offload_handle = 3;
    c.state = ChildSaState::established;
    return c;
}

inline IkeSaStatus sample_ike() {
    IkeSaStatus g;
    g.name = "to-site-b";
    g.local_addr = *ike::config::IpAddress::parse("192.0.2.1");
    g.peer_addr = *ike::config::IpAddress::parse("2001:db8::2");
    g.local_port = 4500;
    g.peer_port = 4500;
    g.spi_i = 0x0123456789abcdefull;
    g.spi_r = 0xfedcba9876543210ull;
    g.initiator = true;
    g.proposal = "aes256gcm-prfsha384";
    g.dh_group = 20;
    g.state = IkeSaState::established;
    g.age_s = 120;
    g.lifetime_left_s = 28680;
    g.nat_detected = true;
    g.child_sas = 2;
    return g;
}

class FakeHandler : public ControlHandler {
public:
    std::vector<ChildSaStatus> list_tunnels() override { return {sample_child()}; }
    std::vector<IkeSaStatus> list_gateways() override { return {sample_ike()}; }
    ActionResult tunnel_up(const std::string& name) override {
        record("up " + name);
        if (name == "boom") throw std::runtime_error("handler exploded");
        if (name != "lan-v4") return {false, "no phase2 named '" + name + "'"};
        return {true, "negotiating lan-v4"};
    }
    ActionResult tunnel_down(const std::string& name) override {
        record("down " + name);
        return {true, "deleted " + name};
    }
    CheckResult reload() override {
        record("reload");
        return {false, {"/etc/iked.conf:3:9: unknown option 'x' in phase1-interface"}};
    }
    CheckResult check_config() override {
        record("check");
        return {true, {"/etc/iked.conf:7:1: warning: something"}};
    }
    std::vector<std::string> calls() {
        std::lock_guard lock(mutex_);
        return calls_;
    }

private:
    void record(std::string s) {
        std::lock_guard lock(mutex_);
        calls_.push_back(std::move(s));
    }
    std::mutex mutex_;
    std::vector<std::string> calls_;
};

inline std::string temp_socket_path(const char* tag) {
    static std::atomic<int> counter{0};
    return "/tmp/ike-control-" + std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
           ".sock";
}

// A ControlServer with its own io thread; start/stop run on that thread.
class LiveServer {
public:
    explicit LiveServer(std::string path) : path_(std::move(path)), server_(io_, handler_, path_) {
        thread_ = std::thread([this] { io_.run(); });
        on_io([this] { server_.start(); });
    }
    ~LiveServer() {
        on_io([this] { server_.stop(); });
        work_.reset();
        io_.stop();
        thread_.join();
    }
    const std::string& path() const { return path_; }
    FakeHandler& handler() { return handler_; }
    size_t open_connections() {
        size_t n = 0;
        on_io([&] { n = server_.open_connections(); });
        return n;
    }

    template <class F>
    void on_io(F f) {
        std::promise<void> done;
        boost::asio::post(io_, [&] {
            try {
                f();
                done.set_value();
            } catch (...) {
                done.set_exception(std::current_exception());
            }
        });
        done.get_future().get();
    }

private:
    std::string path_;
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
    FakeHandler handler_;
    ControlServer server_;
    std::thread thread_;
};

} // namespace ike_control_test
