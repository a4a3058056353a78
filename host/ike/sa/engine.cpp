#include "engine.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstring>

#include "log.h"
#include "tasks.h"

namespace ike::sa {

namespace {
uint64_t random_spi64() {
    uint64_t v = 0;
    while (v == 0) {
        Bytes b = random_bytes(8);
        std::memcpy(&v, b.data(), 8);
    }
    return v;
}
std::string spi_hex(uint64_t v) {
    char b[17];
    std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
    return b;
}
// The source address the kernel would use towards `to` (a connected UDP
// socket sends nothing), so IDs and NAT detection carry a real address.
std::optional<boost::asio::ip::address> route_source(const boost::asio::ip::address& to) {
    boost::asio::io_context io;
    boost::asio::ip::udp::socket s(io);
    boost::system::error_code ec;
    s.open(to.is_v4() ? boost::asio::ip::udp::v4() : boost::asio::ip::udp::v6(), ec);
    if (!ec) s.connect(boost::asio::ip::udp::endpoint(to, 500), ec);
    if (ec) return std::nullopt;
    auto ep = s.local_endpoint(ec);
    if (ec) return std::nullopt;
    return ep.address();
}
std::string spi_hex32(uint32_t v) {
    char b[9];
    std::snprintf(b, sizeof b, "%08x", v);
    return b;
}
} // namespace

Engine::Engine(GatewayConfig cfg, Transport& transport, SaOffload* offload, const KeyExport* keys)
    : transport_(transport), offload_(offload), keys_(keys) {
    reload(std::move(cfg), TimePoint{});
}

Engine::~Engine() {
    for (auto& [spi, sa] : sas_)
        for (auto& c : sa->children)
            if (offload_) {
                if (c.hw_in) offload_->remove(*c.hw_in);
                if (c.hw_out) offload_->remove(*c.hw_out);
            }
}

void Engine::reload(GatewayConfig cfg, TimePoint now) {
    now_ = now;
    cfg_ = std::move(cfg);
    fragments_.limits = cfg_.fragment_limits;
    peers_.clear();
    for (const auto& p : cfg_.peers) peers_.push_back(std::make_shared<const PeerCfg>(p));
    // Auto-negotiate children that are not up get (re)scheduled.
    retry_at_.clear();
    for (const auto& p : peers_)
        for (const auto& c : p->children)
            if (c.auto_negotiate) retry_at_[c.name] = now;
    for (const auto& t : tunnels())
        if (t.up) retry_at_.erase(t.name);
}

std::shared_ptr<const PeerCfg> Engine::peer(const std::string& name) const {
    for (const auto& p : peers_)
        if (p->name == name) return p;
    return nullptr;
}

const ChildCfg* Engine::child_cfg(const PeerCfg& p, const std::string& name) const {
    for (const auto& c : p.children)
        if (c.name == name) return &c;
    return nullptr;
}

const ChildCfg* Engine::child_cfg(const IkeSa& sa, const std::string& name) const {
    if (const DynamicChild* d = sa.dynamic_child(name)) return &d->cfg;
    return child_cfg(*sa.cfg, name);
}

void Engine::start(TimePoint now) { on_timer(now); }

// ------------------------------------------------------------------ identities
IdPl Engine::own_id(const IkeSa& sa) const {
    IdPl id;
    const std::string& text = sa.cfg->local_id;
    // With a certificate the default identity is its subject (what charon and
    // FortiOS send); localid-type asn1dn names another DN.
    if (const auto& cr = sa.cfg->credentials; cr && (text.empty() || sa.cfg->local_id_dn)) {
        std::string error;
        auth::NamePtr dn = text.empty() ? nullptr : auth::parse_dn(text, error);
        id.type = ID_DER_ASN1_DN;
        id.data = auth::dn_der(dn ? dn.get() : X509_get_subject_name(cr->chain.front().get()));
        return id;
    }
    boost::system::error_code ec;
    auto addr = text.empty() ? sa.local.addr : boost::asio::ip::make_address(text, ec);
    if (!text.empty() && ec) {
        id.type = text.find('@') != std::string::npos ? ID_RFC822_ADDR : ID_FQDN;
        id.data.assign(text.begin(), text.end());
    } else if (addr.is_v4()) {
        id.type = ID_IPV4_ADDR;
        auto b = addr.to_v4().to_bytes();
        id.data.assign(b.begin(), b.end());
    } else {
        id.type = ID_IPV6_ADDR;
        auto b = addr.to_v6().to_bytes();
        id.data.assign(b.begin(), b.end());
    }
    return id;
}

bool Engine::peer_id_ok(const IkeSa& sa, const IdPl& id) const {
    const std::string& want = sa.cfg->peer_id;
    if (want.empty()) return true;
    if (id.type == ID_DER_ASN1_DN) return auth::dn_equals(id.data, want);
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(want, ec);
    if (!ec) {
        if (addr.is_v4() && id.type == ID_IPV4_ADDR && id.data.size() == 4) {
            auto b = addr.to_v4().to_bytes();
            return std::equal(b.begin(), b.end(), id.data.begin());
        }
        if (addr.is_v6() && id.type == ID_IPV6_ADDR && id.data.size() == 16) {
            auto b = addr.to_v6().to_bytes();
            return std::equal(b.begin(), b.end(), id.data.begin());
        }
        return false;
    }
    return std::string(id.data.begin(), id.data.end()) == want;
}

// ------------------------------------------------------------------ SA lifecycle
uint32_t Engine::alloc_child_spi() {
    for (;;) {
        Bytes b = random_bytes(4);
        uint32_t spi = uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
        if (spi < 256) continue; // 1..255 are reserved (RFC 4303 §2.1)
        bool used = false;
        for (auto& [k, sa] : sas_)
            if (sa->child_by_spi_in(spi)) used = true;
        if (!used) return spi;
    }
}

uint64_t Engine::alloc_ike_spi() const {
    uint64_t spi;
    do spi = random_spi64();
    while (sas_.count(spi));
    return spi;
}

IkeSa& Engine::adopt_rekeyed(IkeSa& old, std::unique_ptr<IkeSa> fresh) {
    fresh->uid = next_uid_++;
    fresh->cfg = old.cfg;
    fresh->local = old.local;
    fresh->remote = old.remote;
    fresh->nat_here = old.nat_here;
    fresh->nat_there = old.nat_there;
    fresh->peer_natt = old.peer_natt;
    fresh->peer_fragmentation = old.peer_fragmentation;
    fresh->created = now_;
    fresh->children = std::move(old.children);
    old.children.clear();
    fresh->dynamic_children = std::move(old.dynamic_children);
    old.dynamic_children.clear();
    fresh->queue = std::move(old.queue); // pending exchanges go on the new SA
    old.queue.clear();
    uint64_t key = fresh->local_spi();
    IkeSa& ref = *fresh;
    sas_[key] = std::move(fresh);
    old.rekeyed_into = ref.uid;
    IKE_LOG(info) << old.label() << " rekeyed into " << ref.label();
    established(ref);
    old.state = IkeState::deleting; // the peer deletes it next
    return ref;
}

IkeSa& Engine::child_home(IkeSa& sa) {
    IkeSa* home = &sa;
    while (home->rekeyed_into) {
        IkeSa* next = nullptr;
        for (auto& [spi, other] : sas_)
            if (other->uid == home->rekeyed_into && other->state != IkeState::dead) next = other.get();
        if (!next) break;
        home = next;
    }
    return *home;
}

IkeSa& Engine::new_sa(std::shared_ptr<const PeerCfg> cfg, bool initiator) {
    auto sa = std::make_unique<IkeSa>();
    sa->uid = next_uid_++;
    sa->cfg = std::move(cfg);
    sa->initiator = initiator;
    sa->created = now_;
    uint64_t spi = alloc_ike_spi();
    (initiator ? sa->spi_i : sa->spi_r) = spi;
    auto& ref = *sa;
    sas_[spi] = std::move(sa);
    return ref;
}

void Engine::start_ike(std::shared_ptr<const PeerCfg> cfg, const std::string& first_child) {
    if (!cfg->remote_addr) {
        IKE_LOG(warn) << cfg->name << ": dial-up gateway has no remote-gw to initiate to";
        return;
    }
    auto local = cfg->local_addr ? cfg->local_addr : route_source(*cfg->remote_addr);
    if (!local) {
        IKE_LOG(warn) << cfg->name << ": no route to " << cfg->remote_addr->to_string();
        for (const auto& c : cfg->children) child_failed(c.name);
        return;
    }
    IkeSa& sa = new_sa(cfg, true);
    sa.remote = Endpoint{*cfg->remote_addr, cfg->remote_port};
    sa.local = Endpoint{*local, cfg_.ike_port};
    IKE_LOG(info) << sa.label() << " initiating IKE SA to " << sa.remote.str()
                  << (first_child.empty() ? "" : " for " + first_child);
    sa.queue.push_back(make_ike_init_task());
    sa.queue.push_back(make_ike_auth_task(first_child));
    run_queue(sa);
}

bool Engine::initiate(const std::string& child, TimePoint now) {
    now_ = now;
    for (const auto& p : peers_) {
        if (!child_cfg(*p, child)) continue;
        retry_at_.erase(child);
        held_down_.erase(child);
        for (auto& [spi, sa] : sas_) {
            if (sa->cfg->name != p->name || sa->state == IkeState::dead || sa->state == IkeState::deleting) continue;
            if (sa->state == IkeState::connecting && !sa->initiator) continue;
            if (mesh_template(*sa, *child_cfg(*p, child))) break; // only its dynamic phase2s are negotiated
            // Already up, or on its way: nothing more to do.
            for (const auto& c : sa->children)
                if (c.name == child && c.state == ChildState::installed) return true;
            if (sa->active && sa->active->child() == child) return true;
            for (const auto& t : sa->queue)
                if (t->child() == child) return true;
            queue_task(*sa, make_child_create_task(child));
            return true;
        }
        start_ike(p, child);
        reap();
        return true;
    }
    return initiate_dynamic(child);
}

bool Engine::initiate_fresh(const std::string& child, TimePoint now) {
    now_ = now;
    for (const auto& p : peers_)
        if (child_cfg(*p, child)) {
            start_ike(p, child);
            reap();
            return true;
        }
    return false;
}

bool Engine::terminate_child(const std::string& child, TimePoint now) {
    now_ = now;
    bool any = false;
    retry_at_.erase(child);
    held_down_.insert(child); // an administrative down stays down

    for (auto& [spi, sa] : sas_)
        for (auto& c : sa->children)
            if (c.name == child && c.state == ChildState::installed) {
                c.state = ChildState::deleting;
                queue_task(*sa, make_child_delete_task(c.spi_in));
                any = true;
            }
    reap();
    return any;
}

bool Engine::terminate_ike(const std::string& peer_name, TimePoint now) {
    now_ = now;
    bool any = false;
    for (auto& [spi, sa] : sas_)
        if (sa->cfg->name == peer_name && sa->state == IkeState::established) {
            for (const auto& c : sa->cfg->children) {
                retry_at_.erase(c.name);
                held_down_.insert(c.name);
            }
            queue_task(*sa, make_ike_delete_task());
            any = true;
        }
    reap();
    return any;
}

void Engine::queue_task(IkeSa& sa, std::unique_ptr<Task> t) {
    sa.queue.push_back(std::move(t));
    if (sa.state == IkeState::established) run_queue(sa);
}

IkeSa* Engine::find_established(const std::string& peer_name) {
    for (auto& [spi, sa] : sas_)
        if (sa->cfg->name == peer_name && sa->state == IkeState::established) return sa.get();
    return nullptr;
}

void Engine::established(IkeSa& sa) {
    sa.state = IkeState::established;
    sa.established_at = now_;
    ++stats_.ike_established;
    IKE_LOG(info) << sa.label() << " IKE SA established " << sa.local.str() << " <-> " << sa.remote.str() << " SPIs "
                  << spi_hex(sa.spi_i) << "_i " << spi_hex(sa.spi_r) << "_r " << sa.proposal.str();
    if (keys_ && keys_->enabled()) {
        IkeKeyRecord r;
        r.spi_i = sa.spi_i;
        r.spi_r = sa.spi_r;
        r.sk_ei = sa.sk_ei.copy();
        r.sk_er = sa.sk_er.copy();
        r.sk_ai = sa.sk_ai.copy();
        r.sk_ar = sa.sk_ar.copy();
        uint16_t k = sa.proposal.key_bits;
        std::string kb = std::to_string(k);
        if (sa.proposal.encr == ENCR_AES_GCM_16)
            r.encr_name = "AES-GCM-" + kb + " with 16 octet ICV [RFC5282]";
        else if (sa.proposal.encr == ENCR_AES_CBC)
            r.encr_name = "AES-CBC-" + kb + " [RFC3602]";
        else {
            r.encr_name = "CHACHA20-POLY1305 [RFC7634]";
            r.wireshark_ok = false; // Wireshark 4.0 cannot decrypt it
        }
        r.integ_name = sa.proposal.integ == AUTH_NONE ? "NONE [RFC4306]" : integ_name(sa.proposal.integ) + " [RFC4868]";
        if (sa.proposal.integ == AUTH_HMAC_SHA1_96) r.integ_name = "HMAC_SHA1_96 [RFC2404]";
        keys_->write(r);
    }
}

void Engine::kill(IkeSa& sa, const char* why) {
    if (sa.state == IkeState::dead) return;
    IKE_LOG(info) << sa.label() << " IKE SA closed: " << why;
    bool was_up = sa.state == IkeState::established;
    if (!was_up) ++stats_.ike_failed;
    sa.state = IkeState::dead;
    if (sa.active) sa.active->abandon(*this, sa);
    for (auto& t : sa.queue) t->abandon(*this, sa);
    sa.active.reset();
    sa.queue.clear();
    sa.outstanding.clear();
    while (!sa.children.empty()) remove_child(sa, sa.children.front().spi_in, "IKE SA gone");
    // Auto-negotiate tunnels of this gateway come back after the retry delay.
    for (const auto& c : sa.cfg->children) {
        if (mesh_template(sa, c)) continue; // its dynamic phase2s go with this SA
        bool carried = false;               // e.g. by the IKE SA this one was rekeyed into
        for (const auto& [spi, other] : sas_)
            for (const auto& ch : other->children)
                if (ch.name == c.name) carried = true;
        if (c.auto_negotiate && !carried && !retry_at_.count(c.name) && !held_down_.count(c.name))
            retry_at_[c.name] = now_ + cfg_.auto_retry;
    }
}

void Engine::child_failed(const std::string& child) {
    if (held_down_.count(child)) return;
    for (const auto& p : peers_)
        if (const ChildCfg* c = child_cfg(*p, child); c && c->auto_negotiate) retry_at_[child] = now_ + cfg_.auto_retry;
    for (auto& [spi, sa] : sas_)
        if (DynamicChild* d = sa->dynamic_child(child); d && d->cfg.auto_negotiate)
            d->retry_at = now_ + cfg_.auto_retry;
}

void Engine::reap() {
    for (auto it = sas_.begin(); it != sas_.end();)
        it = it->second->state == IkeState::dead ? sas_.erase(it) : std::next(it);
}

// ------------------------------------------------------------------ Child SAs
namespace {
std::string wireshark_encr(const Selected& p) {
    if (p.encr == ENCR_AES_GCM_16) return "AES-GCM with 16 octet ICV [RFC4106]";
    if (p.encr == ENCR_AES_CBC) return "AES-CBC [RFC3602]";
    return ""; // ChaCha20-Poly1305: Wireshark 4.0 cannot decrypt it
}
std::string wireshark_integ(uint16_t i) {
    switch (i) {
        case AUTH_NONE:
            return "NULL";
        case AUTH_HMAC_SHA1_96:
            return "HMAC-SHA-1-96 [RFC2404]";
        case AUTH_HMAC_SHA2_256_128:
            return "HMAC-SHA-256-128 [RFC4868]";
        case AUTH_HMAC_SHA2_384_192:
            return "HMAC-SHA-384-192 [RFC4868]";
        case AUTH_HMAC_SHA2_512_256:
            return "HMAC-SHA-512-256 [RFC4868]";
    }
    return "";
}
void put_addr(uint8_t* out, const boost::asio::ip::address& a) {
    if (a.is_v4()) {
        auto b = a.to_v4().to_bytes();
        std::memcpy(out, b.data(), 4);
    } else {
        auto b = a.to_v6().to_bytes();
        std::memcpy(out, b.data(), 16);
    }
}
} // namespace

void Engine::install_child(IkeSa& sa, ChildSa child) {
    child.uid = next_child_uid_++;
    child.installed_at = now_;
    // ESP travels in UDP when IKE did (NAT, or a peer that floated to 4500).
    child.udp_encap = sa.nat_here || sa.nat_there || sa.local.port == cfg_.natt_port;
    retry_at_.erase(child.name);
    bool v6 = sa.local.addr.is_v6();
    if (offload_) { // the offload picks the card or the host path (iked's PathRouter)
        const bool aead = encr_is_aead(child.proposal.encr);
        bool tried = false;
        for (bool inbound : {true, false}) {
            OffloadSa p;
            p.inbound = inbound;
            p.transport = child.transport;
            p.v6 = v6;
            p.esn = child.proposal.esn;
            p.udp_encap = child.udp_encap;
            p.encr = child.proposal.encr;
            p.integ = child.proposal.integ;
            const auto& km = (inbound ? child.encr_in : child.encr_out).bytes();
            const auto& ik = (inbound ? child.integ_in : child.integ_out).bytes();
            size_t key_len = aead ? km.size() - std::min<size_t>(km.size(), 4) : km.size();
            if (key_len > sizeof p.key || ik.size() > sizeof p.integ_key) break; // no data path can take it
            p.key_len = static_cast<uint8_t>(key_len);
            std::memcpy(p.key, km.data(), key_len);
            if (aead && km.size() >= 4) std::memcpy(p.salt, km.data() + key_len, 4);
            p.integ_key_len = static_cast<uint8_t>(ik.size());
            if (!ik.empty()) std::memcpy(p.integ_key, ik.data(), ik.size());
            p.spi = inbound ? child.spi_in : child.spi_out;
            p.replay_window = inbound ? child.cfg.replay_window : 0;
            p.ts_local = child.ts_local;
            p.ts_remote = child.ts_remote;
            put_addr(p.src, inbound ? sa.remote.addr : sa.local.addr);
            put_addr(p.dst, inbound ? sa.local.addr : sa.remote.addr);
            if (child.udp_encap) {
                p.encap_sport = inbound ? sa.remote.port : sa.local.port;
                p.encap_dport = inbound ? sa.local.port : sa.remote.port;
            }
            set_byte_limits(p, child);
            if (!offload_->accepts(p)) {
                p.wipe();
                break;
            }
            tried = true;
            auto h = offload_->install(p);
            p.wipe();
            (inbound ? child.hw_in : child.hw_out) = h;
        }
        if (tried && !child.offloaded()) {
            if (child.hw_in) offload_->remove(*child.hw_in);
            if (child.hw_out) offload_->remove(*child.hw_out);
            child.hw_in.reset();
            child.hw_out.reset();
            IKE_LOG(warn) << sa.label() << " " << offload_->name() << " refused CHILD_SA " << child.name
                          << ": no data path";
        }
    }
    if (keys_ && keys_->enabled()) {
        for (bool inbound : {true, false}) {
            EspKeyRecord r;
            r.v6 = v6;
            r.src = (inbound ? sa.remote.addr : sa.local.addr).to_string();
            r.dst = (inbound ? sa.local.addr : sa.remote.addr).to_string();
            r.spi = inbound ? child.spi_in : child.spi_out;
            r.encr_name = wireshark_encr(child.proposal);
            r.encr_key = (inbound ? child.encr_in : child.encr_out).copy();
            r.integ_name = wireshark_integ(child.proposal.integ);
            r.integ_key = (inbound ? child.integ_in : child.integ_out).copy();
            if (r.encr_name.empty()) { // Wireshark 4.0 has no ChaCha20-Poly1305: a comment line
                r.encr_name = "CHACHA20-POLY1305 [RFC7634]";
                r.wireshark_ok = false;
            }
            keys_->write(r);
        }
    }
    IKE_LOG(info) << sa.label() << " CHILD_SA " << child.name << "{" << child.uid << "} established SPIs "
                  << spi_hex32(child.spi_in) << "_i " << spi_hex32(child.spi_out) << "_o " << child.proposal.str()
                  << (child.transport ? " transport" : " tunnel") << (child.udp_encap ? " UDP-encap" : "") << " TS "
                  << to_string(child.ts_local) << " === " << to_string(child.ts_remote) << " path "
                  << (child.offloaded() ? offload_->path(*child.hw_in) : "none");
    add_routes(sa, child);
    sa.children.push_back(std::move(child));
    ++stats_.children_installed;
}

void Engine::remove_child(IkeSa& sa, uint32_t spi_in, const char* why) {
    auto it =
        std::find_if(sa.children.begin(), sa.children.end(), [&](const ChildSa& c) { return c.spi_in == spi_in; });
    if (it == sa.children.end()) return;
    if (offload_) {
        if (it->hw_in) offload_->remove(*it->hw_in);
        if (it->hw_out) offload_->remove(*it->hw_out);
    }
    IKE_LOG(info) << sa.label() << " CHILD_SA " << it->name << "{" << it->uid << "} SPI " << spi_hex32(spi_in)
                  << " removed: " << why;
    std::string name = it->name;
    bool rekeyed = it->state == ChildState::rekeyed;
    drop_routes(sa, *it);
    sa.children.erase(it); // Secret members wipe the keys
    bool still_up =
        std::any_of(sa.children.begin(), sa.children.end(), [&](const ChildSa& c) { return c.name == name; });
    if (!still_up && !rekeyed) child_failed(name);
}

// ------------------------------------------------------------------ messages
void Engine::transmit(const IkeSa& sa, const Bytes& bytes) {
    Datagram d{sa.local, sa.remote, bytes};
    ++stats_.tx;
    transport_.send(d);
}

void Engine::transmit(const IkeSa& sa, const std::vector<Bytes>& datagrams) {
    for (const auto& b : datagrams) transmit(sa, b);
}

void Engine::float_to_natt(IkeSa& sa) {
    if (sa.local.port == cfg_.natt_port) return;
    sa.local.port = cfg_.natt_port;
    if (sa.remote.port == cfg_.ike_port || sa.remote.port == 500) sa.remote.port = 4500;
    IKE_LOG(debug) << sa.label() << " switching to port " << sa.local.port;
}

void Engine::run_queue(IkeSa& sa) {
    if (sa.active || sa.in_process || sa.state == IkeState::dead || sa.queue.empty()) return;
    // Only IKE_SA_INIT/IKE_AUTH run before the SA is up.
    if (sa.state == IkeState::connecting && !sa.initiator) return;
    sa.active = std::move(sa.queue.front());
    sa.queue.pop_front();
    send_request(sa);
}

void Engine::send_request(IkeSa& sa) {
    Payloads p;
    try {
        p = sa.active->build(*this, sa);
    } catch (const std::exception& ex) {
        IKE_LOG(error) << sa.label() << " cannot build " << sa.active->name() << ": " << ex.what();
        sa.active->abandon(*this, sa);
        sa.active.reset();
        if (sa.state != IkeState::established) kill(sa, "initiation failed");
        return;
    }
    Header h;
    h.spi_i = sa.spi_i;
    h.spi_r = sa.spi_r;
    h.exchange = sa.active->exchange();
    h.flags = sa.initiator ? F_INITIATOR : 0;
    h.mid = sa.next_mid_out;
    std::vector<Bytes> msg;
    if (h.exchange == IKE_SA_INIT) {
        sa.init_request = encode_plain(h, p);
        msg = {sa.init_request};
    } else {
        if (h.exchange == IKE_AUTH && (sa.nat_here || sa.nat_there)) float_to_natt(sa);
        msg = seal_message(sa, h, p, sa.local.port == cfg_.natt_port, fragments_.stats);
    }
    IKE_LOG(debug) << sa.label() << " sending " << exchange_name(h.exchange) << " request " << h.mid << " to "
                   << sa.remote.str();
    sa.outstanding.start(msg, now_, retransmit_policy(sa));
    transmit(sa, msg);
}

void Engine::send_response(IkeSa& sa, const Header& req, const Payloads& p) {
    Header h;
    h.spi_i = sa.spi_i;
    h.spi_r = sa.spi_r;
    h.exchange = req.exchange;
    h.flags = static_cast<uint8_t>(F_RESPONSE | (sa.initiator ? F_INITIATOR : 0));
    h.mid = req.mid;
    std::vector<Bytes> msg;
    if (h.exchange == IKE_SA_INIT) {
        sa.init_response = encode_plain(h, p);
        msg = {sa.init_response};
    } else {
        msg = seal_message(sa, h, p, sa.local.port == cfg_.natt_port, fragments_.stats);
    }
    sa.last_response = msg;
    sa.next_mid_in = req.mid + 1;
    transmit(sa, msg);
}

void Engine::send_plain_error(const Datagram& req, const Header& rh, uint16_t notify, const Bytes& data) {
    Header h;
    h.spi_i = rh.spi_i;
    h.spi_r = 0;
    h.exchange = rh.exchange;
    h.flags = F_RESPONSE;
    h.mid = rh.mid;
    Payloads p;
    p.add(notify, data);
    ++stats_.tx;
    transport_.send(Datagram{req.local, req.remote, encode_plain(h, p)});
}

void Engine::on_datagram(const Datagram& d, TimePoint now) {
    now_ = now;
    ++stats_.rx;
    Header h;
    try {
        h = decode_header(d.data);
    } catch (const WireError& e) {
        ++stats_.dropped;
        IKE_LOG(debug) << "dropped datagram from " << d.remote.str() << ": " << e.what();
        return;
    }
    if ((h.version >> 4) != 2) {
        ++stats_.dropped;
        return;
    }
    if (h.exchange == IKE_SA_INIT && !h.is_response()) {
        handle_init_request(h, d);
        reap();
        return;
    }
    // Our SPI is the one of the role we play in this SA.
    bool we_are_initiator = !h.from_initiator();
    auto it = sas_.find(we_are_initiator ? h.spi_i : h.spi_r);
    if (it == sas_.end() || it->second->initiator != we_are_initiator) {
        ++stats_.dropped;
        IKE_LOG(debug) << "no IKE SA for " << exchange_name(h.exchange) << " from " << d.remote.str();
        return;
    }
    IkeSa& sa = *it->second;
    if (h.is_response())
        handle_response(sa, h, d);
    else
        handle_request(sa, h, d);
    reap();
}

void Engine::handle_init_request(const Header& h, const Datagram& d) {
    // A retransmitted IKE_SA_INIT gets the same answer (same SA).
    for (auto& [spi, sa] : sas_)
        if (!sa->initiator && sa->spi_i == h.spi_i && sa->remote.addr == d.remote.addr) {
            if (sa->last_response && h.mid == 0) transmit(*sa, *sa->last_response);
            return;
        }
    if (h.spi_r != 0 || h.mid != 0) {
        ++stats_.dropped;
        return;
    }
    Payloads req;
    try {
        req = decode_plain(d.data);
    } catch (const WireError& e) {
        IKE_LOG(warn) << "malformed IKE_SA_INIT from " << d.remote.str() << ": " << e.what();
        send_plain_error(d, h, N_INVALID_SYNTAX, {});
        return;
    }
    if (!admit_init_request(h, d, req)) return;
    std::shared_ptr<const PeerCfg> cfg;
    for (const auto& p : peers_)
        if ((p->remote_addr && *p->remote_addr == d.remote.addr) || (!cfg && p->dynamic)) cfg = p;
    if (!cfg) {
        IKE_LOG(warn) << "IKE_SA_INIT from unknown peer " << d.remote.str();
        send_plain_error(d, h, N_NO_PROPOSAL_CHOSEN, {});
        return;
    }
    IkeSa& sa = new_sa(cfg, false);
    sa.spi_i = h.spi_i;
    sa.local = d.local;
    sa.remote = d.remote;
    Payloads resp;
    Bytes err_data;
    std::optional<uint16_t> err;
    try {
        err = respond_ike_init(*this, sa, h, req, d, resp, err_data);
    } catch (const std::exception& e) {
        IKE_LOG(error) << sa.label() << " IKE_SA_INIT failed: " << e.what();
        err = N_NO_PROPOSAL_CHOSEN;
    }
    if (err) {
        send_plain_error(d, h, *err, err_data);
        kill(sa, "IKE_SA_INIT refused");
        return;
    }
    sa.init_request = d.data;
    send_response(sa, h, resp);
}

void Engine::handle_request(IkeSa& sa, const Header& h, const Datagram& d) {
    if (h.mid + 1 == sa.next_mid_in && sa.last_response) { // retransmitted request
        if (answers_retransmission(d.data)) transmit(sa, *sa.last_response);
        return;
    }
    if (h.mid != sa.next_mid_in || !sa.sk_in) {
        ++stats_.dropped;
        return;
    }
    Payloads req;
    try {
        auto opened = open_message(sa, false, d.data, fragments_);
        if (!opened) return; // a fragment: held until its message is complete, or dropped
        req = std::move(*opened);
    } catch (const WireError& e) {
        // Integrity failures are dropped silently (§2.21.2); syntax errors get an answer.
        ++stats_.dropped;
        IKE_LOG(warn) << sa.label() << " bad " << exchange_name(h.exchange) << " request: " << e.what();
        if (!e.integrity()) {
            Payloads p;
            p.add(N_INVALID_SYNTAX);
            send_response(sa, h, p);
        }
        return;
    }
    // An authenticated message tells where the peer is now (NAT mapping, 4500).
    sa.remote = d.remote;
    sa.local = d.local;
    Payloads resp;
    switch (h.exchange) {
        case IKE_AUTH:
            if (sa.state != IkeState::connecting) return;
            resp = respond_ike_auth(*this, sa, req);
            if (resp.has(N_AUTHENTICATION_FAILED)) ++stats_.auth_failures;
            break;
        case CREATE_CHILD_SA:
            if (sa.state != IkeState::established)
                resp.add(N_INVALID_SYNTAX);
            else
                resp = respond_create_child(*this, sa, req);
            break;
        case INFORMATIONAL:
            resp = respond_informational(*this, sa, req);
            break;
        default:
            resp.add(N_INVALID_SYNTAX);
            break;
    }
    send_response(sa, h, resp);
    IKE_LOG(debug) << sa.label() << " answered " << exchange_name(h.exchange) << " request " << h.mid;
    run_queue(sa);
}

void Engine::handle_response(IkeSa& sa, const Header& h, const Datagram& d) {
    if (!sa.active || h.mid != sa.next_mid_out || h.exchange != sa.active->exchange()) {
        ++stats_.dropped;
        return;
    }
    Payloads resp;
    try {
        if (h.exchange == IKE_SA_INIT) {
            resp = decode_plain(d.data);
            if (sa.spi_r == 0 && h.spi_r != 0) sa.spi_r = h.spi_r;
            sa.init_response = d.data;
        } else {
            auto opened = open_message(sa, true, d.data, fragments_);
            if (!opened) return; // a fragment: held until its message is complete, or dropped
            resp = std::move(*opened);
        }
    } catch (const WireError& e) {
        ++stats_.dropped;
        IKE_LOG(warn) << sa.label() << " bad " << exchange_name(h.exchange) << " response: " << e.what();
        return; // a forgery must not end the exchange; retransmission goes on
    }
    sa.outstanding.clear();
    auto task = std::move(sa.active);
    Task::Result r;
    sa.in_process = true;
    try {
        r = task->process(*this, sa, resp);
    } catch (const std::exception& e) {
        IKE_LOG(error) << sa.label() << " " << task->name() << " failed: " << e.what();
        r = Task::Result::failed;
    }
    sa.in_process = false;
    if (h.exchange == IKE_SA_INIT && r == Task::Result::retry) {
        sa.active = std::move(task); // same message ID 0, new request
        sa.spi_r = 0;
        send_request(sa);
        return;
    }
    sa.next_mid_out++;
    if (r == Task::Result::retry) {
        sa.queue.push_front(std::move(task));
    } else if (r == Task::Result::failed) {
        if (h.exchange == IKE_SA_INIT || h.exchange == IKE_AUTH) {
            for (auto& t : sa.queue) t->abandon(*this, sa);
            sa.queue.clear();
            kill(sa, "negotiation failed");
            return;
        }
    }
    run_queue(sa);
}

// ------------------------------------------------------------------ timers
void Engine::on_timer(TimePoint now) {
    now_ = now;
    poll_offload_events();
    for (auto& [spi, sa] : sas_) {
        switch (sa->outstanding.tick(now, retransmit_policy(*sa))) {
            case Outstanding::Tick::idle:
                break;
            case Outstanding::Tick::resend:
                ++stats_.retransmits;
                IKE_LOG(info) << sa->label() << " retransmit " << sa->outstanding.sends() - 1 << " of "
                              << exchange_name(sa->active ? sa->active->exchange() : 0) << " request "
                              << sa->next_mid_out;
                transmit(*sa, sa->outstanding.datagrams());
                break;
            case Outstanding::Tick::give_up:
                kill(*sa, "peer not responding");
                break;
        }
        if (sa->state == IkeState::established) {
            expire_children(*sa);
            retry_dynamic(*sa); // mesh-selector-type subnet (mesh.cpp)
        }
        rekey_ike_if_due(*sa); // phase1 keylife (task_ike_rekey.cpp)
        // phase1 negotiate-timeout: an IKE SA not up by then goes, in either role.
        if (sa->state == IkeState::connecting && now - sa->created > std::chrono::seconds(sa->cfg->negotiate_timeout_s))
            kill(*sa, "not established within negotiate-timeout");
    }
    reap();
    check_liveness(); // DPD probes, NAT-T keepalives
    // Auto-negotiate tunnels that are down are retried (every 5 s on failure);
    // child_failed() puts them back here when an attempt fails.
    std::vector<std::string> due;
    for (const auto& [name, at] : retry_at_)
        if (at <= now) due.push_back(name);
    for (const auto& name : due) {
        retry_at_.erase(name);
        initiate(name, now);
    }
}

// Child SA lifetimes (keylifeseconds): rekey before the end (the side that
// created the SA a little earlier, to avoid both rekeying at once), delete
// at the end if no rekey made it.
void Engine::expire_children(IkeSa& sa) {
    std::vector<std::pair<std::string, uint32_t>> rekey, expire;
    for (auto& c : sa.children) {
        if (c.state != ChildState::installed || c.cfg.lifetime_s == 0) continue;
        auto life = std::chrono::seconds(c.cfg.lifetime_s);
        auto age = now_ - c.installed_at;
        if (age >= life) {
            c.state = ChildState::deleting;
            expire.emplace_back(c.name, c.spi_in);
        } else if (!c.rekey_queued && age >= (c.we_initiated ? life * 9 / 10 : life * 19 / 20)) {
            c.rekey_queued = true; // idle and no phase2 keepalive: let it expire
            if (c.cfg.keepalive || !child_idle(c)) rekey.emplace_back(c.name, c.spi_in);
        }
    }
    for (const auto& [name, spi] : expire) {
        IKE_LOG(info) << sa.label() << " CHILD_SA " << name << " lifetime over";
        queue_task(sa, make_child_delete_task(spi));
    }
    for (const auto& [name, spi] : rekey) queue_task(sa, make_child_rekey_task(name, spi));
}

std::optional<TimePoint> Engine::next_deadline() const {
    std::optional<TimePoint> best;
    auto consider = [&](TimePoint t) {
        if (!best || t < *best) best = t;
    };
    for (const auto& [spi, sa] : sas_) {
        if (auto d = sa->outstanding.deadline()) consider(*d);
        for (const auto& dc : sa->dynamic_children)
            if (dc.retry_at) consider(*dc.retry_at);
    }
    for (const auto& [name, at] : retry_at_) consider(at);
    return best;
}

// ------------------------------------------------------------------ status
TunnelInfo Engine::tunnel_info(const std::string& gateway, const IkeSa& sa, const ChildSa& ch) {
    TunnelInfo t;
    t.name = ch.name;
    t.gateway = gateway;
    t.up = true;
    t.spi_in = ch.spi_in;
    t.spi_out = ch.spi_out;
    t.proposal = ch.proposal.str();
    t.ts_local = to_string(ch.ts_local);
    t.ts_remote = to_string(ch.ts_remote);
    t.path = ch.offloaded() ? "offload in=" + std::to_string(*ch.hw_in) + " out=" + std::to_string(*ch.hw_out) : "host";
    t.transport = ch.transport;
    t.esn = ch.proposal.esn;
    t.udp_encap = ch.udp_encap;
    t.ike_uid = sa.uid;
    return t;
}

std::vector<TunnelInfo> Engine::tunnels() const {
    std::vector<TunnelInfo> out;
    for (const auto& p : peers_)
        for (const auto& c : p->children) {
            bool found = false;
            for (const auto& [spi, sa] : sas_)
                for (const auto& ch : sa->children) {
                    if (ch.name != c.name || ch.state != ChildState::installed) continue;
                    found = true;
                    out.push_back(tunnel_info(p->name, *sa, ch));
                }
            if (!found) {
                TunnelInfo t;
                t.name = c.name;
                t.gateway = p->name;
                t.ts_local = to_string(c.local_ts);
                t.ts_remote = to_string(c.remote_ts);
                out.push_back(t);
            }
            add_dynamic_tunnels(out, *p, c);
        }
    return out;
}

std::vector<GatewayInfo> Engine::gateways() const {
    std::vector<GatewayInfo> out;
    for (const auto& [spi, sa] : sas_) {
        GatewayInfo g;
        g.name = sa->cfg->name;
        g.uid = sa->uid;
        g.state = state_name(sa->state);
        g.role = sa->initiator ? "initiator" : "responder";
        g.local = sa->local.str();
        g.remote = sa->remote.str();
        g.proposal = sa->state == IkeState::connecting ? "" : sa->proposal.str();
        g.spi_i = sa->spi_i;
        g.spi_r = sa->spi_r;
        g.children = sa->children.size();
        g.nat_here = sa->nat_here;
        g.nat_there = sa->nat_there;
        out.push_back(g);
    }
    return out;
}

} // namespace ike::sa
