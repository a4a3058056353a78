// IKE_AUTH with a pre-shared key (RFC 7296 §1.2, §2.15) and the first Child
// SA, whose keys come from the IKE_SA_INIT nonces (no KE: §1.2).
#include "crypto/secure_bytes.hpp"
#include "log.hpp"
#include "tasks.hpp"

namespace ike::sa {
namespace {

bool auth_ok(const IkeSa& sa, const Payloads& p, const IdPl& id) {
    if (!p.auth || p.auth->method != AUTH_PSK) return false;
    Bytes want = sa.psk_auth(false, id);
    return crypto::equal_ct(want, p.auth->data);
}

class IkeAuthTask : public Task {
public:
    explicit IkeAuthTask(std::string child) : child_(std::move(child)) {}
    const char* name() const override { return "IKE_AUTH"; }
    std::string child() const override { return child_; }
    uint8_t exchange() const override { return IKE_AUTH; }

    Payloads build(Engine& e, IkeSa& sa) override {
        Payloads p;
        p.idi = e.own_id(sa);
        p.auth = AuthPl{AUTH_PSK, sa.psk_auth(true, *p.idi)};
        p.add(N_INITIAL_CONTACT);
        if (const ChildCfg* c = e.child_cfg(sa, child_)) {
            if (!spi_) spi_ = e.alloc_child_spi();
            add_child_request(p, *c, spi_, false);
        }
        return p;
    }

    Result process(Engine& e, IkeSa& sa, const Payloads& r) override {
        if (r.has(N_AUTHENTICATION_FAILED) || !r.idr || !auth_ok(sa, r, *r.idr)) {
            IKE_LOG(error) << sa.label() << " authentication of the responder failed"
                           << (r.has(N_AUTHENTICATION_FAILED) ? " (peer sent AUTHENTICATION_FAILED)" : "");
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
    if (!auth_ok(sa, req, *req.idi) || !e.peer_id_ok(sa, *req.idi)) {
        IKE_LOG(error) << sa.label() << " authentication of " << sa.remote.str() << " failed";
        resp.add(N_AUTHENTICATION_FAILED);
        e.kill(sa, "authentication failed");
        return resp;
    }
    resp.idr = e.own_id(sa);
    resp.auth = AuthPl{AUTH_PSK, sa.psk_auth(true, *resp.idr)};
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
