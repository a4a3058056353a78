// IKE_AUTH (RFC 7296 §1.2, §2.15) with a pre-shared key or certificates
// (auth.h) and the first Child SA, whose keys come from the IKE_SA_INIT
// nonces (no KE: §1.2).
#include "auth.h"
#include "log.h"
#include "tasks.h"

namespace ike::sa {
namespace {

class IkeAuthTask : public Task {
public:
    explicit IkeAuthTask(std::string child) : child_(std::move(child)) {}
    const char* name() const override { return "IKE_AUTH"; }
    std::string child() const override { return child_; }
    uint8_t exchange() const override { return IKE_AUTH; }

    Payloads build(Engine& e, IkeSa& sa) override {
        Payloads p;
        p.idi = e.own_id(sa);
        add_own_auth(sa, p, *p.idi, true);
        p.add(N_INITIAL_CONTACT);
        if (const ChildCfg* c = e.child_cfg(sa, child_)) {
            if (!spi_) spi_ = e.alloc_child_spi();
            add_child_request(p, *c, spi_, false);
        }
        return p;
    }

    Result process(Engine& e, IkeSa& sa, const Payloads& r) override {
        std::optional<std::string> why;
        if (r.has(N_AUTHENTICATION_FAILED))
            why = "peer sent AUTHENTICATION_FAILED";
        else if (!r.idr)
            why = "no IDr";
        else
            why = peer_auth_error(sa, r, *r.idr);
        if (why) {
            IKE_LOG(error) << sa.label() << " authentication of the responder failed: " << *why;
            return Result::failed;
        }
        if (!e.peer_id_ok(sa, *r.idr)) {
            IKE_LOG(error) << sa.label() << " responder identity does not match peerid";
            return Result::failed;
        }
        e.established(sa);
        const ChildCfg* c = e.child_cfg(sa, child_);
        if (!c) return Result::done;
        ChildSa child;
        if (!accept_child(*c, spi_, r, false, child)) {
            e.child_failed(child_);
            return Result::done; // the IKE SA stands without the Child SA
        }
        sa.child_keys(child, {}, sa.ni, sa.nr);
        e.install_child(sa, std::move(child));
        return Result::done;
    }

    void abandon(Engine& e, IkeSa&) override {
        if (!child_.empty()) e.child_failed(child_);
    }

private:
    std::string child_;
    uint32_t spi_ = 0;
};

} // namespace

std::unique_ptr<Task> make_ike_auth_task(std::string child) { return std::make_unique<IkeAuthTask>(std::move(child)); }

Payloads respond_ike_auth(Engine& e, IkeSa& sa, const Payloads& req) {
    Payloads resp;
    if (!req.idi || !req.auth) {
        resp.add(N_INVALID_SYNTAX);
        e.kill(sa, "IKE_AUTH without IDi/AUTH");
        return resp;
    }
    std::optional<std::string> why = peer_auth_error(sa, req, *req.idi);
    if (!why && !e.peer_id_ok(sa, *req.idi)) why = "identity does not match peerid";
    if (!why) {
        resp.idr = e.own_id(sa);
        try {
            add_own_auth(sa, resp, *resp.idr, false);
        } catch (const std::exception& ex) {
            why = ex.what();
        }
    }
    if (why) {
        IKE_LOG(error) << sa.label() << " authentication of " << sa.remote.str() << " failed: " << *why;
        resp = Payloads{};
        resp.add(N_AUTHENTICATION_FAILED);
        e.kill(sa, "authentication failed");
        return resp;
    }
    e.established(sa);
    if (req.sa) {
        if (auto child = respond_child(e, sa, req, resp, false)) {
            sa.child_keys(*child, {}, sa.ni, sa.nr);
            e.install_child(sa, std::move(*child));
        }
    }
    return resp;
}

} // namespace ike::sa
