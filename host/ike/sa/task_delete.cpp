// INFORMATIONAL exchanges: Delete of Child SAs and of the IKE SA (RFC 7296
// §1.4.1), and empty liveness checks answered as such.
#include "log.h"
#include "tasks.h"

namespace ike::sa {
namespace {

class ChildDeleteTask : public Task {
public:
    explicit ChildDeleteTask(uint32_t spi_in) : spi_(spi_in) {}
    const char* name() const override { return "CHILD_DELETE"; }
    uint8_t exchange() const override { return INFORMATIONAL; }
    Payloads build(Engine&, IkeSa& sa) override {
        Payloads p;
        if (ChildSa* c = sa.child_by_spi_in(spi_)) c->state = ChildState::deleting;
        p.deletes.push_back(DeletePl{PROTO_ESP, {spi_}});
        return p;
    }
    // The Child SA may have moved to the IKE SA this one was rekeyed into.
    Result process(Engine& e, IkeSa& sa, const Payloads&) override {
        e.remove_child(e.child_home(sa), spi_, "deleted by us");
        return Result::done;
    }
    void abandon(Engine& e, IkeSa& sa) override {
        IkeSa& home = e.child_home(sa);
        if (&home != &sa && home.state == IkeState::established)
            e.queue_task(home, make_child_delete_task(spi_));
        else
            e.remove_child(home, spi_, "delete unanswered");
    }

private:
    uint32_t spi_;
};

class IkeDeleteTask : public Task {
public:
    const char* name() const override { return "IKE_DELETE"; }
    uint8_t exchange() const override { return INFORMATIONAL; }
    Payloads build(Engine&, IkeSa& sa) override {
        sa.state = IkeState::deleting;
        Payloads p;
        p.deletes.push_back(DeletePl{PROTO_IKE, {}});
        return p;
    }
    Result process(Engine& e, IkeSa& sa, const Payloads&) override {
        e.kill(sa, "deleted by us");
        return Result::done;
    }
};

} // namespace

std::unique_ptr<Task> make_child_delete_task(uint32_t spi_in) { return std::make_unique<ChildDeleteTask>(spi_in); }
std::unique_ptr<Task> make_ike_delete_task() { return std::make_unique<IkeDeleteTask>(); }

Payloads respond_informational(Engine& e, IkeSa& sa, const Payloads& req) {
    Payloads resp;
    for (const auto& d : req.deletes) {
        if (d.protocol == PROTO_IKE) {
            IKE_LOG(info) << sa.label() << " peer deleted the IKE SA";
            e.kill(sa, "deleted by the peer");
            return Payloads{};
        }
        if (d.protocol != PROTO_ESP) continue;
        DeletePl ours{PROTO_ESP, {}};
        for (uint32_t spi : d.spis) {
            ChildSa* c = sa.child_by_spi_out(spi);
            if (!c) continue;
            // A Child SA we are deleting ourselves is answered but not listed (§1.4.1).
            if (c->state != ChildState::deleting) ours.spis.push_back(c->spi_in);
            e.remove_child(sa, c->spi_in, "deleted by the peer");
        }
        if (!ours.spis.empty()) resp.deletes.push_back(ours);
    }
    return resp;
}

} // namespace ike::sa
