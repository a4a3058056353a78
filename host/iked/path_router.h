// Where each Child SA direction runs: the card when it supports the transform
// and has room, else the host path. Both are SaOffloads; the router gives the
// engine one handle space (host-path handles have bit 31 set).
#pragma once

#include <memory>

#include "sa/sa_offload.h"

namespace iked {

class PathRouter : public ike::sa::SaOffload {
public:
    // Either may be null (no card: everything on the host path; no TUN: card only).
    PathRouter(std::unique_ptr<ike::sa::SaOffload> card, std::unique_ptr<ike::sa::SaOffload> host);

    bool accepts(const ike::sa::OffloadSa& sa) const override;
    std::optional<uint32_t> install(const ike::sa::OffloadSa& sa) override;
    void remove(uint32_t handle) override;
    std::string name() const override;
    std::string path(uint32_t handle) const override;
    std::optional<ike::sa::OffloadCounters> counters(uint32_t handle) override;
    std::vector<ike::sa::OffloadEvent> poll_events() override;

    ike::sa::SaOffload* card() const { return card_.get(); }
    ike::sa::SaOffload* host() const { return host_.get(); }

private:
    static constexpr uint32_t kHostBit = 0x80000000u;
    std::unique_ptr<ike::sa::SaOffload> card_, host_;
};

} // namespace iked
