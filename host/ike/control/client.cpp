#include "control/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

namespace ike::control {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

ControlClient::ControlClient(std::string socket_path, std::chrono::milliseconds timeout)
    : path_(std::move(socket_path)), timeout_(timeout) {}

namespace {

ControlError connect_error(const std::string& path, const boost::system::error_code& ec) {
    if (ec == asio::error::not_found || ec.value() == ENOENT)
        return {ControlError::Kind::not_running, "iked is not running (no control socket at " + path + ")"};
    if (ec.value() == ECONNREFUSED)
        return {ControlError::Kind::not_running, "iked is not running (nothing listens on " + path + ")"};
    if (ec.value() == EACCES)
        return {ControlError::Kind::io, "permission denied on " + path +
                                            " (ikectl needs the daemon's user, "
                                            "usually root)"};
    return {ControlError::Kind::io, "cannot connect to " + path + ": " + ec.message()};
}

} // namespace

Json ControlClient::call(const Request& request) {
    if (path_.empty() || path_.size() >= 108)
        throw ControlError(ControlError::Kind::io, "bad control socket path '" + path_ + "'");
    asio::io_context io;
    stream::socket socket(io);
    boost::system::error_code ec;
    socket.connect(stream::endpoint(path_), ec);
    if (ec) throw connect_error(path_, ec);

    std::string out = to_json(request).dump() + "\n";
    asio::streambuf in(max_line_bytes * 1024); // replies (lists) can be much longer than requests
    boost::system::error_code result = asio::error::would_block;
    size_t line_length = 0;
    asio::async_write(socket, asio::buffer(out), [&](boost::system::error_code wec, size_t) {
        if (wec) {
            result = wec;
            return;
        }
        asio::async_read_until(socket, in, '\n', [&](boost::system::error_code rec, size_t n) {
            result = rec;
            line_length = n;
        });
    });
    io.run_for(timeout_);
    if (result == asio::error::would_block)
        throw ControlError(ControlError::Kind::timeout,
                           "no reply from iked within " + std::to_string(timeout_.count()) + " ms");
    if (result == asio::error::eof)
        throw ControlError(ControlError::Kind::protocol, "iked closed the connection without a reply");
    if (result) throw ControlError(ControlError::Kind::io, "control socket " + path_ + ": " + result.message());
    std::string line(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + line_length - 1);
    try {
        return Json::parse(line);
    } catch (const JsonError& e) {
        throw ControlError(ControlError::Kind::protocol, std::string("malformed reply from iked: ") + e.what());
    }
}

std::vector<ChildSaStatus> ControlClient::list_tunnels() {
    return tunnels_from_response(call({Command::tunnel_list, {}}));
}
std::vector<IkeSaStatus> ControlClient::list_gateways() {
    return gateways_from_response(call({Command::gateway_list, {}}));
}
ActionResult ControlClient::tunnel_up(const std::string& name) {
    return action_from_response(call({Command::tunnel_up, name}));
}
ActionResult ControlClient::tunnel_down(const std::string& name) {
    return action_from_response(call({Command::tunnel_down, name}));
}
CheckResult ControlClient::reload() { return check_from_response(call({Command::reload, {}})); }
CheckResult ControlClient::check_config() { return check_from_response(call({Command::config_check, {}})); }

} // namespace ike::control
