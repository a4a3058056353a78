#include "control/server.h"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <istream>
#include <stdexcept>

#include "control/json.h"
#include "control/protocol.h"

namespace ike::control {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

class ControlServer::Session : public std::enable_shared_from_this<Session> {
public:
    Session(stream::socket socket, ControlHandler& handler)
        : socket_(std::move(socket)), handler_(handler), buffer_(max_line_bytes + 1) {}

    void start() { read_next(); }
    void close() {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

private:
    void read_next() {
        asio::async_read_until(
            socket_, buffer_, '\n',
            [self = shared_from_this()](boost::system::error_code ec, size_t n) { self->on_line(ec, n); });
    }

    void on_line(boost::system::error_code ec, size_t n) {
        if (ec == asio::error::not_found) { // buffer full without a newline
            Json e = Json::object();
            e.set("ok", false);
            e.set("error", "request longer than " + std::to_string(max_line_bytes) + " bytes");
            reply(e.dump() + "\n", false);
            return;
        }
        if (ec) return; // peer closed, or the server stopped
        std::string line(asio::buffers_begin(buffer_.data()), asio::buffers_begin(buffer_.data()) + n - 1);
        buffer_.consume(n);
        reply(handle_request_line(line, handler_) + "\n", true);
    }

    void reply(std::string text, bool keep_open) {
        out_ = std::move(text);
        asio::async_write(socket_, asio::buffer(out_),
                          [self = shared_from_this(), keep_open](boost::system::error_code ec, size_t) {
                              if (!ec && keep_open)
                                  self->read_next();
                              else
                                  self->close();
                          });
    }

    stream::socket socket_;
    ControlHandler& handler_;
    asio::streambuf buffer_;
    std::string out_;
};

ControlServer::ControlServer(asio::io_context& io, ControlHandler& handler, std::string socket_path)
    : io_(io), handler_(handler), path_(std::move(socket_path)) {}

ControlServer::~ControlServer() { stop(); }

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error("control socket " + path + ": " + what);
}

// Leaves the path free for bind(), or throws when it must not be taken.
void clear_stale_socket(asio::io_context& io, const std::string& path) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) return; // nothing there
    if (!S_ISSOCK(st.st_mode)) fail(path, "exists and is not a socket");
    stream::socket probe(io);
    boost::system::error_code ec;
    probe.connect(stream::endpoint(path), ec);
    if (!ec) fail(path, "another iked is already listening there");
    if (::unlink(path.c_str()) != 0) fail(path, std::string("cannot remove the stale socket: ") + std::strerror(errno));
}

} // namespace

void ControlServer::start() {
    if (path_.empty() || path_.size() >= sizeof(sockaddr_un::sun_path))
        fail(path_, "path must be 1 to " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes");
    clear_stale_socket(io_, path_);
    boost::system::error_code ec;
    acceptor_.emplace(io_);
    acceptor_->open(stream(), ec);
    if (!ec) acceptor_->bind(stream::endpoint(path_), ec);
    if (!ec && ::chmod(path_.c_str(), 0600) != 0) ec.assign(errno, boost::system::system_category());
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        acceptor_.reset();
        fail(path_, ec.message());
    }
    accept_next();
}

void ControlServer::accept_next() {
    acceptor_->async_accept([this](boost::system::error_code ec, stream::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_ || !acceptor_->is_open()) return;
        if (!ec) {
            auto session = std::make_shared<Session>(std::move(socket), handler_);
            std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
            sessions_.push_back(session);
            session->start();
        }
        accept_next();
    });
}

void ControlServer::stop() {
    if (!acceptor_) return;
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    acceptor_.reset();
    for (auto& w : sessions_)
        if (auto s = w.lock()) s->close();
    sessions_.clear();
    ::unlink(path_.c_str());
}

size_t ControlServer::open_connections() const {
    size_t n = 0;
    for (const auto& w : sessions_) n += !w.expired();
    return n;
}

} // namespace ike::control
