// Child SA negotiation shared by IKE_AUTH and CREATE_CHILD_SA: the SA
// proposal with our inbound SPI, traffic selectors (narrowed by the
// responder, §2.9), transport mode, and checks of what comes back.
#include "log.h"
#include "tasks.h"

namespace ike::sa {
namespace {

uint32_t spi_of(const Bytes& b) {
    if (b.size() != 4) return 0;
    return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
}

} // namespace

void add_child_request(Payloads& p, const ChildCfg& c, uint32_t spi_in, bool with_dh) {
    p.sa = esp_proposals(c, spi_in, with_dh);
    p.tsi = c.local_ts;
    p.tsr = c.remote_ts;
    if (c.transport) p.add(N_USE_TRANSPORT_MODE);
}

bool accept_child(const ChildCfg& c, uint32_t spi_in, const Payloads& resp, bool with_dh, ChildSa& child) {
    if (!resp.sa || !resp.tsi || !resp.tsr) {
        const Notify* err = resp.error();
        IKE_LOG(error) << "CHILD_SA " << c.name << " not established: "
                       << (err ? notify_name(err->type) : std::string("no SA/TS in the response"));
        return false;
    }
    auto sel = accept_proposal(*resp.sa, esp_proposals(c, spi_in, with_dh));
    if (!sel || spi_of(sel->spi) == 0) {
        IKE_LOG(error) << "CHILD_SA " << c.name << ": responder chose a proposal we did not offer";
        return false;
    }
    if (!all_within(*resp.tsi, c.local_ts) || !all_within(*resp.tsr, c.remote_ts)) {
        IKE_LOG(error) << "CHILD_SA " << c.name << ": responder's selectors are wider than ours";
        return false;
    }
    bool transport = resp.has(N_USE_TRANSPORT_MODE);
    if (c.transport && !transport) {
        IKE_LOG(error) << "CHILD_SA " << c.name << ": responder refused transport mode";
        return false;
    }
    child.name = c.name;
    child.cfg = c;
    child.spi_in = spi_in;
    child.spi_out = spi_of(sel->spi);
    child.proposal = *sel;
    child.transport = transport;
    child.ts_local = *resp.tsi;
    child.ts_remote = *resp.tsr;
    child.we_initiated = true;
    return true;
}

std::optional<ChildSa> respond_child(Engine& e, IkeSa& sa, const Payloads& req, Payloads& resp, bool with_dh,
                                     const std::string& only) {
    if (!req.sa || !req.tsi || !req.tsr) {
        resp.add(N_INVALID_SYNTAX);
        return std::nullopt;
    }
    // The phase2s that may answer: the one being rekeyed (a dynamic phase2
    // of this IKE SA or a configured one), else every configured phase2.
    std::vector<const ChildCfg*> candidates;
    if (!only.empty()) {
        if (const ChildCfg* c = e.child_cfg(sa, only)) candidates.push_back(c);
    } else {
        for (const auto& c : sa.cfg->children) candidates.push_back(&c);
    }
    bool any_proposal = false;
    for (const ChildCfg* cp : candidates) {
        ChildCfg c = *cp;
        // Initiator's TSi is our remote side, its TSr our local side.
        auto remote = narrow(*req.tsi, c.remote_ts);
        auto local = narrow(*req.tsr, c.local_ts);
        if (remote.empty() || local.empty()) continue;
        auto sel = select_proposal(*req.sa, esp_proposals(c, 0, with_dh));
        if (!sel || spi_of(sel->spi) == 0) continue;
        any_proposal = true;
        bool transport = req.has(N_USE_TRANSPORT_MODE);
        if (transport != c.transport) continue; // mode must match the policy
        if (only.empty() && Engine::mesh_template(sa, c)) {
            // mesh-selector-type subnet: one subnet pair, a dynamic phase2 of its own.
            auto dynamic = e.mesh_expand(sa, c, local, remote);
            if (!dynamic) continue;
            c = std::move(*dynamic);
            local = c.local_ts;
            remote = c.remote_ts;
        }
        ChildSa child;
        child.name = c.name;
        child.cfg = c;
        child.spi_in = e.alloc_child_spi();
        child.spi_out = spi_of(sel->spi);
        child.proposal = *sel;
        child.transport = transport;
        child.ts_local = local;
        child.ts_remote = remote;
        child.we_initiated = false;
        Selected mine = *sel;
        mine.spi = {static_cast<uint8_t>(child.spi_in >> 24), static_cast<uint8_t>(child.spi_in >> 16),
                    static_cast<uint8_t>(child.spi_in >> 8), static_cast<uint8_t>(child.spi_in)};
        resp.sa = std::vector<Proposal>{mine.to_proposal()};
        resp.tsi = remote;
        resp.tsr = local;
        if (transport) resp.add(N_USE_TRANSPORT_MODE);
        return child;
    }
    // Tell the initiator which part failed: selectors or algorithms.
    bool ts_ok = false;
    for (const ChildCfg* c : candidates)
        if (!narrow(*req.tsi, c->remote_ts).empty() && !narrow(*req.tsr, c->local_ts).empty()) ts_ok = true;
    uint16_t err = ts_ok && !any_proposal ? N_NO_PROPOSAL_CHOSEN : N_TS_UNACCEPTABLE;
    IKE_LOG(warn) << sa.label() << " CHILD_SA refused (" << notify_name(err) << "): TSi " << to_string(*req.tsi)
                  << " TSr " << to_string(*req.tsr);
    resp.add(err);
    return std::nullopt;
}

} // namespace ike::sa
