// The daemon's end of the control socket: a UNIX stream socket served on the
// daemon's io_context. Each connection reads newline-delimited JSON requests
// and answers each through the ControlHandler (see protocol.h).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/handler.h"

namespace ike::control {

class ControlServer {
public:
    ControlServer(boost::asio::io_context& io, ControlHandler& handler, std::string socket_path);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Binds and listens (mode 0600: the socket controls tunnels). A stale
    // socket file left by a dead daemon is replaced; a live one, or a path that
    // is not a socket, is an error. Throws std::runtime_error with the reason.
    void start();
    // Stops accepting, closes open connections and removes the socket file.
    void stop();
    const std::string& path() const { return path_; }
    size_t open_connections() const;

private:
    class Session;
    void accept_next();

    boost::asio::io_context& io_;
    ControlHandler& handler_;
    std::string path_;
    std::optional<boost::asio::local::stream_protocol::acceptor> acceptor_;
    std::vector<std::weak_ptr<Session>> sessions_;
};

} // namespace ike::control
