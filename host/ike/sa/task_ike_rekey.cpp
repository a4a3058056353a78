// IKE SA rekey as initiator (RFC 7296 §1.3.2, §2.18): a CREATE_CHILD_SA with
// an IKE proposal carrying our new SPI, a nonce and a KE. The new SA's keys
// come from SK_d of the old one; the Child SAs and pending tasks move to it,
// then the old IKE SA is deleted over itself. Triggered at 90 % of the
// phase1 keylife by the original initiator and at 95 % by the responder, so
// that normally only one side starts; a collision is settled by nonces.
#include <algorithm>

#include "log.h"
#include "tasks.h"

namespace ike::sa {
namespace {

class IkeRekeyTask : public Task {
public:
    const char* name() const override { return "IKE_REKEY"; }
    uint8_t exchange() const override { return CREATE_CHILD_SA; }
    const Bytes& nonce() const { return ni_; }

    Payloads build(Engine& e, IkeSa& sa) override {
        if (!spi_) spi_ = e.alloc_ike_spi();
        if (group_ == 0) group_ = sa.proposal.dh;
        dh_ = crypto::make_dh(group_);
        if (!dh_) throw std::runtime_error("cannot generate DH group " + std::to_string(group_));
        ni_ = random_bytes(32);
        Payloads p;
        p.sa = ike_proposals(*sa.cfg, spi_bytes());
        p.nonce = ni_;
        p.ke = KePl{group_, dh_->public_value()};
        return p;
    }

    Result process(Engine& e, IkeSa& sa, const Payloads& r) override {
        if (const Notify* ke = r.find(N_INVALID_KE_PAYLOAD)) {
            uint16_t want = ke->data.size() == 2 ? static_cast<uint16_t>(ke->data[0] << 8 | ke->data[1]) : 0;
            const auto& g = sa.cfg->dh_groups;
            if (!retried_ && std::find(g.begin(), g.end(), want) != g.end()) {
                retried_ = true;
                group_ = want;
                return Result::retry;
            }
        }
        if (const Notify* err = r.error()) {
            IKE_LOG(info) << sa.label() << " IKE SA rekey refused: " << notify_name(err->type);
            abandon(e, sa);
            return Result::done;
        }
        auto sel = r.sa ? accept_proposal(*r.sa, ike_proposals(*sa.cfg, spi_bytes())) : std::nullopt;
        std::optional<crypto::secure_bytes> shared;
        if (!sel || sel->spi.size() != 8 || !r.nonce || !r.ke || r.ke->group != group_ || sel->dh != group_ ||
            !(shared = dh_->shared_secret(r.ke->data))) {
            IKE_LOG(error) << sa.label() << " bad IKE SA rekey response";
            abandon(e, sa);
            return Result::done;
        }
        auto fresh = std::make_unique<IkeSa>();
        fresh->initiator = true; // the rekey's initiator is the new SA's initiator (§2.18)
        fresh->spi_i = spi_;
        for (uint8_t b : sel->spi) fresh->spi_r = fresh->spi_r << 8 | b;
        fresh->proposal = *sel;
        fresh->proposal.spi.clear();
        fresh->ni = ni_;
        fresh->nr = *r.nonce;
        fresh->derive_keys(*shared, &sa);
        e.adopt_rekeyed(sa, std::move(fresh));
        // The old SA says goodbye over itself; the engine sends it next.
        sa.queue.push_back(make_ike_delete_task());
        return Result::done;
    }

    void abandon(Engine& e, IkeSa& sa) override {
        // The SA lives on; the timer tries again in a twentieth of the lifetime.
        sa.rekey_queued = false;
        sa.established_at += std::chrono::seconds(std::max<uint32_t>(sa.cfg->ike_lifetime_s / 20, 1));
        (void)e;
    }

private:
    Bytes spi_bytes() const {
        Bytes b;
        for (int i = 7; i >= 0; --i) b.push_back(static_cast<uint8_t>(spi_ >> (8 * i)));
        return b;
    }
    uint64_t spi_ = 0;
    uint16_t group_ = 0;
    bool retried_ = false;
    Bytes ni_;
    std::unique_ptr<crypto::DhGroup> dh_;
};

} // namespace

std::unique_ptr<Task> make_ike_rekey_task() { return std::make_unique<IkeRekeyTask>(); }

const Bytes* ike_rekey_nonce_in_flight(const IkeSa& sa) {
    auto* t = dynamic_cast<const IkeRekeyTask*>(sa.active.get());
    return t && !t->nonce().empty() && sa.outstanding.deadline() ? &t->nonce() : nullptr;
}

void drop_queued_ike_rekey(IkeSa& sa) {
    std::erase_if(sa.queue, [](const std::unique_ptr<Task>& t) { return dynamic_cast<IkeRekeyTask*>(t.get()); });
}

void Engine::rekey_ike_if_due(IkeSa& sa) {
    if (sa.state != IkeState::established || sa.rekey_queued || sa.cfg->ike_lifetime_s == 0) return;
    auto life = std::chrono::seconds(sa.cfg->ike_lifetime_s);
    if (now_ - sa.established_at < (sa.initiator ? life * 9 / 10 : life * 19 / 20)) return;
    sa.rekey_queued = true;
    IKE_LOG(info) << sa.label() << " IKE SA lifetime nearly over, rekeying";
    queue_task(sa, make_ike_rekey_task());
}

} // namespace ike::sa
