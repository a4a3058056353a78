// IKE_SA_INIT (RFC 7296 §1.2): SA, KE, nonces, NAT detection, cookies and
// INVALID_KE_PAYLOAD retries.
#include "auth.h"
#include "log.h"
#include "tasks.h"

namespace ike::sa {
namespace {

// nattraversal forced: a source hash that matches no address makes the
// peer see a NAT in front of us, so both sides encapsulate (RFC 3948).
void add_nat_detection(Payloads& p, const IkeSa& sa, uint64_t spi_r, const Endpoint& src, const Endpoint& dst) {
    constexpr std::size_t kSha1Bytes = 20;
    p.add(N_NAT_DETECTION_SOURCE_IP,
          sa.cfg->natt_forced ? random_bytes(kSha1Bytes) : IkeSa::nat_hash(sa.spi_i, spi_r, src));
    p.add(N_NAT_DETECTION_DESTINATION_IP, IkeSa::nat_hash(sa.spi_i, spi_r, dst));
}

// RFC 7383 2.3: both sides announce fragmentation in IKE_SA_INIT.
void add_fragmentation_supported(Payloads& p, const IkeSa& sa) {
    if (sa.cfg->fragmentation) p.add(N_IKEV2_FRAGMENTATION_SUPPORTED);
}

// Compares the peer's NAT_DETECTION hashes with what we see. `peer_src` is the
// peer's address as seen here; `us` is our address.
void detect_nat(IkeSa& sa, const Payloads& p, uint64_t spi_r, const Endpoint& peer_src, const Endpoint& us) {
    const Notify* src = p.find(N_NAT_DETECTION_SOURCE_IP);
    const Notify* dst = p.find(N_NAT_DETECTION_DESTINATION_IP);
    sa.peer_natt = src && dst;
    if (!sa.peer_natt) return;
    sa.nat_there = true;
    for (const auto& n : p.notifies)
        if (n.type == N_NAT_DETECTION_SOURCE_IP && n.data == IkeSa::nat_hash(sa.spi_i, spi_r, peer_src))
            sa.nat_there = false;
    sa.nat_here = dst->data != IkeSa::nat_hash(sa.spi_i, spi_r, us) || sa.cfg->natt_forced;
}

class IkeInitTask : public Task {
public:
    const char* name() const override { return "IKE_INIT"; }
    uint8_t exchange() const override { return IKE_SA_INIT; }

    Payloads build(Engine&, IkeSa& sa) override {
        const auto& cfg = *sa.cfg;
        if (!sa.dh || sa.dh->group() != group_) {
            if (group_ == 0) group_ = cfg.dh_groups.empty() ? 14 : cfg.dh_groups.front();
            sa.dh = crypto::make_dh(group_);
            if (!sa.dh) throw std::runtime_error("cannot generate DH group " + std::to_string(group_));
        }
        // A COOKIE or INVALID_KE_PAYLOAD retry keeps Ni: the cookie covers it (§2.6).
        if (sa.ni.empty()) sa.ni = random_bytes(32);
        Payloads p;
        if (!sa.cookie.empty()) p.add(N_COOKIE, sa.cookie);
        p.sa = ike_proposals(cfg);
        p.ke = KePl{group_, sa.dh->public_value()};
        p.nonce = sa.ni;
        add_init_auth_payloads(sa, p, false);
        add_nat_detection(p, sa, 0, sa.local, sa.remote);
        add_fragmentation_supported(p, sa);
        return p;
    }

    Result process(Engine&, IkeSa& sa, const Payloads& r) override {
        if (const Notify* c = r.find(N_COOKIE)) {
            sa.cookie = c->data;
            IKE_LOG(info) << sa.label() << " responder asked for a COOKIE, retrying";
            return Result::retry;
        }
        if (const Notify* ke = r.find(N_INVALID_KE_PAYLOAD)) {
            uint16_t want = ke->data.size() == 2 ? static_cast<uint16_t>(ke->data[0] << 8 | ke->data[1]) : 0;
            const auto& g = sa.cfg->dh_groups;
            if (retried_ke_ || std::find(g.begin(), g.end(), want) == g.end()) {
                IKE_LOG(error) << sa.label() << " peer wants DH group " << want << ", not configured";
                return Result::failed;
            }
            IKE_LOG(info) << sa.label() << " INVALID_KE_PAYLOAD: retrying with " << dh_name(want);
            retried_ke_ = true;
            group_ = want;
            sa.spi_r = 0;
            return Result::retry;
        }
        if (const Notify* err = r.error()) {
            IKE_LOG(error) << sa.label() << " IKE_SA_INIT failed: " << notify_name(err->type);
            return Result::failed;
        }
        if (!r.sa || !r.ke || !r.nonce) {
            IKE_LOG(error) << sa.label() << " IKE_SA_INIT response lacks SA, KE or nonce";
            return Result::failed;
        }
        auto sel = accept_proposal(*r.sa, ike_proposals(*sa.cfg));
        if (!sel || sel->dh != group_ || r.ke->group != group_) {
            IKE_LOG(error) << sa.label() << " responder chose a proposal we did not offer";
            return Result::failed;
        }
        sa.proposal = *sel;
        sa.nr = *r.nonce;
        note_init_auth_payloads(sa, r);
        auto shared = sa.dh->shared_secret(r.ke->data);
        if (!shared) {
            IKE_LOG(error) << sa.label() << " invalid KE payload from the responder";
            return Result::failed;
        }
        sa.dh.reset();
        sa.derive_keys(*shared);
        detect_nat(sa, r, sa.spi_r, sa.remote, sa.local);
        sa.peer_fragmentation = r.has(N_IKEV2_FRAGMENTATION_SUPPORTED);
        IKE_LOG(info) << sa.label() << " selected " << sa.proposal.str() << (sa.nat_here ? ", NAT in front of us" : "")
                      << (sa.nat_there ? ", peer behind NAT" : "");
        return Result::done;
    }

private:
    uint16_t group_ = 0;
    bool retried_ke_ = false;
};

} // namespace

std::unique_ptr<Task> make_ike_init_task() { return std::make_unique<IkeInitTask>(); }

std::optional<uint16_t> respond_ike_init(Engine&, IkeSa& sa, const Header& h, const Payloads& req, const Datagram& d,
                                         Payloads& out, Bytes& err_data) {
    if (!req.sa || !req.ke || !req.nonce) return N_INVALID_SYNTAX;
    auto ours = ike_proposals(*sa.cfg);
    auto sel = select_proposal(*req.sa, ours);
    if (!sel) {
        IKE_LOG(warn) << sa.label() << " no acceptable IKE proposal from " << d.remote.str();
        return N_NO_PROPOSAL_CHOSEN;
    }
    // The KE the initiator guessed is fine if both sides allow its group.
    for (const auto& p : *req.sa)
        if (p.num == sel->num)
            for (const auto& t : p.transforms)
                if (t.type == TT_DH && t.id == req.ke->group)
                    for (uint16_t g : sa.cfg->dh_groups)
                        if (g == t.id) sel->dh = g;
    if (req.ke->group != sel->dh) {
        err_data = {static_cast<uint8_t>(sel->dh >> 8), static_cast<uint8_t>(sel->dh)};
        IKE_LOG(info) << sa.label() << " asking " << d.remote.str() << " for DH group " << dh_name(sel->dh);
        return N_INVALID_KE_PAYLOAD;
    }
    sa.proposal = *sel;
    sa.proposal.spi.clear();
    sa.dh = crypto::make_dh(sel->dh);
    if (!sa.dh) return N_NO_PROPOSAL_CHOSEN;
    auto shared = sa.dh->shared_secret(req.ke->data);
    if (!shared) return N_INVALID_SYNTAX;
    sa.ni = *req.nonce;
    sa.nr = random_bytes(32);
    detect_nat(sa, req, 0, d.remote, d.local);
    sa.derive_keys(*shared);
    out.sa = std::vector<Proposal>{sa.proposal.to_proposal()};
    out.ke = KePl{sel->dh, sa.dh->public_value()};
    out.nonce = sa.nr;
    note_init_auth_payloads(sa, req);
    add_init_auth_payloads(sa, out, true);
    if (sa.peer_natt) add_nat_detection(out, sa, sa.spi_r, d.local, d.remote);
    sa.peer_fragmentation = req.has(N_IKEV2_FRAGMENTATION_SUPPORTED);
    if (sa.peer_fragmentation) add_fragmentation_supported(out, sa);
    sa.dh.reset();
    (void)h;
    IKE_LOG(info) << sa.label() << " IKE_SA_INIT from " << d.remote.str() << ": " << sa.proposal.str()
                  << (sa.nat_there ? ", peer behind NAT" : "");
    return std::nullopt;
}

} // namespace ike::sa
