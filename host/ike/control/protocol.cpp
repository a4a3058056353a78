#include "control/protocol.h"

namespace ike::control {

namespace {

constexpr std::string_view command_names[] = {"tunnel list", "gateway list", "tunnel up",     "tunnel down",
                                              "reload",      "config check", "tunnel trigger"};

Json error_response(const std::string& message) {
    Json j = Json::object();
    j.set("ok", false);
    j.set("error", message);
    return j;
}

template <class Record>
Json list_response(const char* key, const std::vector<Record>& records) {
    Json j = Json::object();
    j.set("ok", true);
    Json list = Json::array();
    for (const auto& r : records) list.push_back(to_json(r));
    j.set(key, std::move(list));
    return j;
}

Json dispatch(const Request& r, ControlHandler& h) {
    switch (r.command) {
        case Command::tunnel_list:
            return list_response("tunnels", h.list_tunnels());
        case Command::gateway_list:
            return list_response("gateways", h.list_gateways());
        case Command::tunnel_up:
            return to_json(h.tunnel_up(r.name));
        case Command::tunnel_down:
            return to_json(h.tunnel_down(r.name));
        case Command::reload:
            return to_json(h.reload());
        case Command::config_check:
            return to_json(h.check_config());
        case Command::tunnel_trigger:
            return to_json(h.tunnel_trigger(r.trigger));
    }
    return error_response("unknown command");
}

// Throws ControlError for an error reply; returns the reply otherwise.
const Json& checked(const Json& response) {
    if (!response.is_object())
        throw ControlError(ControlError::Kind::protocol, "malformed reply from iked: not an object");
    if (const Json* e = response.find("error"))
        throw ControlError(ControlError::Kind::daemon, e->is_string() ? e->as_string() : "error");
    return response;
}

template <class F>
auto decode(F f) {
    try {
        return f();
    } catch (const JsonError& e) {
        throw ControlError(ControlError::Kind::protocol, std::string("malformed reply from iked: ") + e.what());
    }
}

} // namespace

std::string_view to_string(Command c) { return command_names[static_cast<size_t>(c)]; }

Json to_json(const Request& r) {
    Json j = Json::object();
    j.set("command", to_string(r.command));
    if (r.command == Command::tunnel_up || r.command == Command::tunnel_down) j.set("name", r.name);
    if (r.command == Command::tunnel_trigger) {
        j.set("src", r.trigger.src);
        j.set("dst", r.trigger.dst);
        j.set("proto", r.trigger.proto);
        j.set("sport", r.trigger.sport);
        j.set("dport", r.trigger.dport);
    }
    return j;
}

Request request_from_json(const Json& j) {
    const std::string& word = j.at("command").as_string();
    Request r;
    bool known = false;
    for (size_t k = 0; k < std::size(command_names); ++k)
        if (command_names[k] == word) {
            r.command = static_cast<Command>(k);
            known = true;
        }
    if (!known) {
        std::string valid;
        for (auto n : command_names) valid += std::string(valid.empty() ? "" : ", ") + "'" + std::string(n) + "'";
        throw JsonError("unknown command '" + word + "'; valid: " + valid);
    }
    if (r.command == Command::tunnel_up || r.command == Command::tunnel_down) {
        r.name = j.at("name").as_string();
        if (r.name.empty()) throw JsonError("empty tunnel name");
    }
    if (r.command == Command::tunnel_trigger) {
        auto narrow_field = [&](const char* key, uint64_t max) {
            uint64_t v = j.at(key).as_u64();
            if (v > max) throw JsonError(std::string(key) + " out of range");
            return v;
        };
        r.trigger.src = j.at("src").as_string();
        r.trigger.dst = j.at("dst").as_string();
        r.trigger.proto = static_cast<uint8_t>(narrow_field("proto", 255));
        r.trigger.sport = static_cast<uint16_t>(narrow_field("sport", 65535));
        r.trigger.dport = static_cast<uint16_t>(narrow_field("dport", 65535));
    }
    return r;
}

std::string handle_request_line(std::string_view line, ControlHandler& handler) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Json response;
    Request request;
    try {
        request = request_from_json(Json::parse(line));
    } catch (const JsonError& e) {
        return error_response(std::string("bad request: ") + e.what()).dump();
    }
    try {
        response = dispatch(request, handler);
    } catch (const std::exception& e) {
        response = error_response(std::string(to_string(request.command)) + " failed: " + e.what());
    }
    return response.dump();
}

std::vector<ChildSaStatus> tunnels_from_response(const Json& response) {
    return decode([&] {
        std::vector<ChildSaStatus> list;
        for (const auto& e : checked(response).at("tunnels").as_array()) list.push_back(child_sa_from_json(e));
        return list;
    });
}

std::vector<IkeSaStatus> gateways_from_response(const Json& response) {
    return decode([&] {
        std::vector<IkeSaStatus> list;
        for (const auto& e : checked(response).at("gateways").as_array()) list.push_back(ike_sa_from_json(e));
        return list;
    });
}

ActionResult action_from_response(const Json& response) {
    return decode([&] {
        const Json& r = checked(response);
        return ActionResult{r.at("ok").as_bool(), r.at("message").as_string()};
    });
}

CheckResult check_from_response(const Json& response) {
    return decode([&] {
        const Json& r = checked(response);
        CheckResult c{r.at("ok").as_bool(), {}};
        for (const auto& d : r.at("diagnostics").as_array()) c.diagnostics.push_back(d.as_string());
        return c;
    });
}

} // namespace ike::control
