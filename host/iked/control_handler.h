// The control socket's handler (ike_control's ControlHandler) over the
// protocol engine: tunnel list / gateway list from the live SAs, tunnel
// up/down through the task queues, reload and config check by re-reading
// the configuration file.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "control/handler.h"
#include "sa/engine.h"

namespace iked {

class EngineControl : public ike::control::ControlHandler {
public:
    // `load` parses the configuration file: a GatewayConfig, or nullopt with
    // the diagnostics (both ways the diagnostics are filled).
    using Loader = std::function<std::optional<ike::sa::GatewayConfig>(std::vector<std::string>& diagnostics)>;
    using Now = std::function<ike::sa::TimePoint()>;
    // `now` is the engine's clock (tests pass their virtual one).
    EngineControl(
        ike::sa::Engine& engine, Loader load, Now now = [] { return ike::sa::Clock::now(); })
        : engine_(engine), load_(std::move(load)), now_(std::move(now)) {}

    std::vector<ike::control::ChildSaStatus> list_tunnels() override;
    std::vector<ike::control::IkeSaStatus> list_gateways() override;
    ike::control::ActionResult tunnel_up(const std::string& phase2) override;
    ike::control::ActionResult tunnel_down(const std::string& phase2) override;
    ike::control::ActionResult tunnel_trigger(const ike::control::Trigger& t) override;
    ike::control::CheckResult reload() override;
    ike::control::CheckResult check_config() override;

    // FortiOS proposal words for what was negotiated ("aes128gcm", "aes256gcm-prfsha384").
    static std::string esp_word(const ike::sa::Selected& s);
    static std::string ike_word(const ike::sa::Selected& s);

private:
    ike::sa::Engine& engine_;
    Loader load_;
    Now now_;
};

} // namespace iked
