// CREATE_CHILD_SA for an additional Child SA or a Child SA rekey (RFC 7296
// §1.3.1, §1.3.3), with a PFS KE exchange when the phase2 has pfs enable.
#include "log.h"
#include "tasks.h"

namespace ike::sa {
namespace {

Payloads respond_ike_rekey(Engine& e, IkeSa& sa, const Payloads& req);

class ChildCreateTask : public Task {
public:
    explicit ChildCreateTask(std::string child, uint32_t rekey_spi = 0) : child_(std::move(child)), rekey_(rekey_spi) {}
    const char* name() const override { return "CHILD_CREATE"; }
    std::string child() const override { return child_; }
    uint8_t exchange() const override { return CREATE_CHILD_SA; }

    // The phase2's config; for a rekey with the old Child SA's narrowed selectors.
    // `sa` carries the exchange; its Child SAs may have moved on in an IKE SA
    // rekey meanwhile (child_home), and the new Child SA goes there too.
    std::optional<ChildCfg> config(Engine& e, IkeSa& sa) const {
        IkeSa& home = e.child_home(sa);
        const ChildCfg* c = e.child_cfg(home, child_);
        if (!c) return std::nullopt;
        ChildCfg out = *c;
        if (rekey_) {
            const ChildSa* old = home.child_by_spi_in(rekey_);
            if (!old) return std::nullopt;
            out.local_ts = old->ts_local;
            out.remote_ts = old->ts_remote;
        }
        return out;
    }

    Payloads build(Engine& e, IkeSa& sa) override {
        auto c = config(e, sa);
        if (!c) throw std::runtime_error("phase2 " + child_ + " (or the SA to rekey) vanished");
        if (!spi_) spi_ = e.alloc_child_spi();
        Payloads p;
        if (rekey_)
            p.add(N_REKEY_SA, {}, PROTO_ESP,
                  {static_cast<uint8_t>(rekey_ >> 24), static_cast<uint8_t>(rekey_ >> 16),
                   static_cast<uint8_t>(rekey_ >> 8), static_cast<uint8_t>(rekey_)});
        add_child_request(p, *c, spi_, true);
        ni_ = random_bytes(32);
        p.nonce = ni_;
        if (c->pfs && !c->dh_groups.empty()) {
            if (group_ == 0) group_ = c->dh_groups.front();
            dh_ = crypto::make_dh(group_);
            if (!dh_) throw std::runtime_error("cannot generate DH group " + std::to_string(group_));
            p.ke = KePl{group_, dh_->public_value()};
        }
        return p;
    }

    Result process(Engine& e, IkeSa& sa, const Payloads& r) override {
        auto c = config(e, sa);
        if (!c) return Result::failed;
        if (const Notify* ke = r.find(N_INVALID_KE_PAYLOAD)) {
            uint16_t want = ke->data.size() == 2 ? static_cast<uint16_t>(ke->data[0] << 8 | ke->data[1]) : 0;
            bool allowed = std::find(c->dh_groups.begin(), c->dh_groups.end(), want) != c->dh_groups.end();
            if (retried_ || !allowed) {
                IKE_LOG(error) << sa.label() << " CHILD_SA " << child_ << ": peer wants DH group " << want;
                abandon(e, sa);
                return Result::failed;
            }
            retried_ = true;
            group_ = want;
            return Result::retry;
        }
        ChildSa child;
        if (!accept_child(*c, spi_, r, true, child) || !r.nonce) {
            abandon(e, sa);
            return Result::done; // a failed Child SA leaves the IKE SA alone
        }
        std::optional<crypto::secure_bytes> shared;
        if (child.proposal.dh) {
            if (!dh_ || !r.ke || r.ke->group != child.proposal.dh || !(shared = dh_->shared_secret(r.ke->data))) {
                IKE_LOG(error) << sa.label() << " CHILD_SA " << child_ << ": bad KE in the response";
                abandon(e, sa);
                return Result::done;
            }
        }
        sa.child_keys(child, shared ? std::span<const uint8_t>(*shared) : std::span<const uint8_t>(), ni_, *r.nonce);
        IkeSa& home = e.child_home(sa); // KEYMAT from the SA that carried the exchange (§2.17)
        e.install_child(home, std::move(child));
        if (rekey_) {
            if (ChildSa* old = home.child_by_spi_in(rekey_)) {
                old->state = ChildState::rekeyed;
                IKE_LOG(info) << home.label() << " CHILD_SA " << child_ << " rekeyed, deleting the old one";
                e.queue_task(home, make_child_delete_task(rekey_));
            }
        }
        return Result::done;
    }

    void abandon(Engine& e, IkeSa& sa) override {
        if (!rekey_) {
            e.child_failed(child_);
        } else if (ChildSa* old = e.child_home(sa).child_by_spi_in(rekey_)) {
            old->rekey_queued = false; // the old SA lives on; the timer tries again
            old->installed_at += std::chrono::seconds(std::max<uint32_t>(old->cfg.lifetime_s / 20, 1));
        }
    }

private:
    std::string child_;
    uint32_t rekey_ = 0; // inbound SPI of the Child SA being rekeyed
    uint32_t spi_ = 0;
    uint16_t group_ = 0;
    bool retried_ = false;
    Bytes ni_;
    std::unique_ptr<crypto::DhGroup> dh_;
};

// The peer rekeys the IKE SA (RFC 7296 §1.3.2, §2.18): new SPIs, nonces and
// DH; the Child SAs move to the new IKE SA, the peer then deletes the old one.
Payloads respond_ike_rekey(Engine& e, IkeSa& sa, const Payloads& req) {
    Payloads resp;
    if (!req.nonce || !req.ke) {
        resp.add(N_INVALID_SYNTAX);
        return resp;
    }
    // Both sides rekey at once (§2.25.2): only the exchange with the higher Ni
    // goes ahead (both sides know both nonces, so both decide alike); the
    // other is refused with TEMPORARY_FAILURE and its initiator lets it go.
    if (const Bytes* ours = ike_rekey_nonce_in_flight(sa); ours && *req.nonce < *ours) {
        IKE_LOG(info) << sa.label() << " simultaneous IKE SA rekey: ours goes ahead";
        resp.add(N_TEMPORARY_FAILURE);
        return resp;
    }
    auto sel = select_proposal(*req.sa, ike_proposals(*sa.cfg));
    if (!sel || sel->spi.size() != 8) {
        resp.add(N_NO_PROPOSAL_CHOSEN);
        return resp;
    }
    if (req.ke->group != sel->dh) {
        resp.add(N_INVALID_KE_PAYLOAD, {static_cast<uint8_t>(sel->dh >> 8), static_cast<uint8_t>(sel->dh)});
        return resp;
    }
    auto dh = crypto::make_dh(sel->dh);
    std::optional<crypto::secure_bytes> shared;
    if (!dh || !(shared = dh->shared_secret(req.ke->data))) {
        resp.add(N_INVALID_SYNTAX);
        return resp;
    }
    auto fresh = std::make_unique<IkeSa>();
    fresh->initiator = false; // the rekey's initiator is the new SA's initiator
    fresh->spi_i = 0;
    for (uint8_t b : sel->spi) fresh->spi_i = fresh->spi_i << 8 | b;
    fresh->spi_r = e.alloc_ike_spi();
    fresh->proposal = *sel;
    fresh->ni = *req.nonce;
    fresh->nr = random_bytes(32);
    fresh->derive_keys(*shared, &sa);
    Selected mine = *sel;
    mine.spi.clear();
    for (int i = 7; i >= 0; --i) mine.spi.push_back(static_cast<uint8_t>(fresh->spi_r >> (8 * i)));
    resp.sa = std::vector<Proposal>{mine.to_proposal()};
    resp.nonce = fresh->nr;
    resp.ke = KePl{sel->dh, dh->public_value()};
    drop_queued_ike_rekey(sa); // the peer's rekey replaces a queued one of ours
    e.adopt_rekeyed(sa, std::move(fresh));
    return resp;
}

} // namespace

std::unique_ptr<Task> make_child_create_task(std::string child) {
    return std::make_unique<ChildCreateTask>(std::move(child));
}
std::unique_ptr<Task> make_child_rekey_task(std::string child, uint32_t spi_in) {
    return std::make_unique<ChildCreateTask>(std::move(child), spi_in);
}

Payloads respond_create_child(Engine& e, IkeSa& sa, const Payloads& req) {
    Payloads resp;
    if (req.sa && !req.sa->empty() && req.sa->front().protocol == PROTO_IKE) return respond_ike_rekey(e, sa, req);
    if (!req.nonce) {
        resp.add(N_INVALID_SYNTAX);
        return resp;
    }
    std::string only;
    const ChildSa* old = nullptr;
    if (const Notify* rk = req.find(N_REKEY_SA); rk && rk->spi.size() == 4) {
        uint32_t spi = uint32_t(rk->spi[0]) << 24 | uint32_t(rk->spi[1]) << 16 | uint32_t(rk->spi[2]) << 8 | rk->spi[3];
        old = sa.child_by_spi_out(spi);
        if (!old) {
            resp.add(N_CHILD_SA_NOT_FOUND, {}, PROTO_ESP, rk->spi);
            return resp;
        }
        only = old->name;
    }
    Payloads draft;
    auto child = respond_child(e, sa, req, draft, true, only);
    if (!child) return draft;
    std::optional<crypto::secure_bytes> shared;
    std::unique_ptr<crypto::DhGroup> dh;
    if (child->proposal.dh) {
        if (!req.ke || req.ke->group != child->proposal.dh) {
            uint16_t g = child->proposal.dh;
            resp.add(N_INVALID_KE_PAYLOAD, {static_cast<uint8_t>(g >> 8), static_cast<uint8_t>(g)});
            return resp;
        }
        dh = crypto::make_dh(child->proposal.dh);
        if (!dh || !(shared = dh->shared_secret(req.ke->data))) {
            resp.add(N_INVALID_SYNTAX);
            return resp;
        }
        draft.ke = KePl{child->proposal.dh, dh->public_value()};
    }
    Bytes nr = random_bytes(32);
    draft.nonce = nr;
    sa.child_keys(*child, shared ? std::span<const uint8_t>(*shared) : std::span<const uint8_t>(), *req.nonce, nr);
    if (old) {
        for (auto& c : sa.children)
            if (c.spi_in == old->spi_in) c.state = ChildState::rekeyed;
        IKE_LOG(info) << sa.label() << " CHILD_SA " << child->name << " rekeyed by the peer";
    }
    e.install_child(sa, std::move(*child));
    return draft;
}

} // namespace ike::sa
