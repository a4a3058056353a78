// The xrt: backend's own code (host/libespdrv/xrt_device.cpp, compiled against XRT 2.26's
// headers) against the stand-in XRT of xrt_standin.cpp, whose cards run the HLS model:
// loading an xclbin, finding the compute unit, SA programming, counters and events, and
// every error path. Packets are pushed through the model card directly, as they would
// arrive on the card's network ports.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "device.h"
#include "driver_test_util.h"
#include "esp_contract.h"
#include "esp_packet_gen.h"
#include "esp_reference.h"
#include "hls_card.h"
#include "hls_engine.h"
#include "xclbin_file.h"
#include "xrt_device.h"
#include "xrt_standin.h"

using namespace driver_test;
namespace fs = std::filesystem;

namespace {

const std::string kCu = "esp_engine_kernel:esp_engine_kernel_1";
const xrt::uuid kEspUuid("5e1f0c7a-9a52-4e57-a1d4-3f1b6a0c2d11");
const xrt::uuid kOtherUuid("0b6c3e2a-1111-4222-8333-944455556666");

// A scratch folder with xclbin files, and a clean stand-in and environment.
struct Bench {
    fs::path dir;
    Bench() {
        char tmpl[] = "/tmp/test_xrt_XXXXXX";
        REQUIRE(::mkdtemp(tmpl));
        dir = tmpl;
        xrt_standin::unplug_all();
        ::unsetenv("ESP_XCLBIN");
        ::unsetenv("ESP_XRT_CU");
    }
    ~Bench() {
        xrt_standin::unplug_all();
        fs::remove_all(dir);
    }
    std::string xclbin(const std::string& name, const xrt::uuid& uuid, std::vector<std::string> cus,
                       unsigned range = 0x1000) {
        const std::string path = (dir / name).string();
        std::string metadata;
        for (const auto& cu : cus) metadata += xrt_test::kernel_metadata(cu.substr(0, cu.find(':')), range);
        xrt_test::write_xclbin(path, {uuid, std::move(cus), metadata});
        return path;
    }
    std::string esp_xclbin() { return xclbin("esp.xclbin", kEspUuid, {kCu}); }
};

xrt_standin::Card& plug_model_card(unsigned index) {
    return xrt_standin::plug(index, [] { return std::make_unique<esp::HlsEngine>(); });
}

// Runs fn, which must throw espdrv::Error; returns it.
template <typename F>
espdrv::Error error_of(F&& fn) {
    try {
        fn();
    } catch (const espdrv::Error& e) {
        return e;
    }
    FAIL("no error");
    return espdrv::Error(0, "");
}

bool contains(const espdrv::Error& e, const std::string& s) {
    return std::string(e.what()).find(s) != std::string::npos;
}

// A logic that answers every register read with 0: not an ESP engine.
class SilentLogic : public esp::PacketEngine {
public:
    uint32_t read_reg(uint32_t) override { return 0; }
    void write_reg(uint32_t, uint32_t) override {}
    PacketResult process(bool, uint16_t, std::span<const uint8_t>) override { return {}; }
    uint64_t cycles() const override { return 0; }
    bool irq() override { return false; }
};

} // namespace

TEST_CASE("xrt: load, compute unit, SA programming, counters and events through xrt::ip", "[xrt]") {
    Bench b;
    auto& card = plug_model_card(0);
    const std::string path = b.esp_xclbin();

    auto dev = espdrv::open_xrt_device("0");
    // Not attached: every request says how to attach.
    auto e = error_of([&] { dev->info(); });
    CHECK(e.errnum() == ENODEV);
    CHECK(contains(e, "the card runs no xclbin"));
    CHECK(contains(e, "xrt:0:FILE.xclbin"));

    dev->load_xclbin(path);
    CHECK(card.loads == 1);
    CHECK(card.image == kEspUuid);
    CHECK(card.open_compute_units == 1);
    const esp_dev_info info = dev->info();
    CHECK(info.dev_id == ESP_DEV_ID_VALUE);
    CHECK(info.version == ESP_CONTRACT_VERSION);
    CHECK(info.sa_slots > 0);

    // An outbound SA programmed through the compute unit's registers encrypts exactly as
    // the reference codec says: key, salt, SPI and addresses arrived intact.
    SaConfig out_cfg = simple_sa(false, 0x100, 0x5a);
    out_cfg.pkt_soft = 2;
    const uint32_t h = dev->sa_add(to_params(out_cfg));
    const esp_sa_state st = dev->sa_get(h);
    CHECK(st.spi == 0x100);
    CHECK(st.state & ESP_SA_S_VALID);
    std::mt19937_64 rng(7);
    for (uint64_t seq = 1; seq <= 2; seq++) {
        const auto inner = esp_test::random_inner(rng, false, 100);
        const auto r = card.logic->process(false, static_cast<uint16_t>(h), inner);
        REQUIRE(r.result == ESP_DROP_OK);
        const auto d = esp_test::ref_decode(out_cfg, seq, r.bytes);
        CHECK(d.ok);
        CHECK(d.inner == inner);
    }
    // A packet on an inbound SA that does not exist: a counted drop.
    card.logic->process(true, 0, esp_test::random_inner(rng, false, 60));

    const esp_stats s = dev->stats();
    CHECK(s.packets_in == 3);
    CHECK(s.packets_out == 2);
    CHECK(s.bytes_in > 200);
    uint64_t drops = 0;
    for (auto d : s.drops) drops += d;
    CHECK(drops == 1);
    CHECK(dev->sa_get(h).packets == 2);

    dev->sa_del(h);
    const auto events = dev->read_events(std::chrono::milliseconds(100));
    REQUIRE(events.size() == 2);
    CHECK(events[0].type == ESP_EV_SOFT_PACKETS);
    CHECK(events[0].handle == h);
    CHECK(events[1].type == ESP_EV_SA_DELETED);
    CHECK(events[1].handle == h);
    CHECK(dev->register_writes() > 0);

    // The compute unit is exclusive: a second opener (another process) is refused.
    e = error_of([&] { espdrv::open_xrt_device("0:" + path); });
    CHECK(e.errnum() == EBUSY);
    CHECK(contains(e, "cannot open compute unit esp_engine_kernel:{esp_engine_kernel_1}"));
    CHECK(card.open_compute_units == 1);

    // Closed, the card keeps its image; the next opener attaches without loading it
    // again and starts from a known card (empty SA table).
    const uint32_t h2 = dev->sa_add(to_params(simple_sa(true, 0x200)));
    dev.reset();
    CHECK(card.open_compute_units == 0);
    ::setenv("ESP_XCLBIN", path.c_str(), 1);
    auto again = espdrv::open_xrt_device("0");
    CHECK(card.loads == 1);
    CHECK(error_of([&] { again->sa_get(h2); }).errnum() == ENOENT);
}

TEST_CASE("xrt: the policy table and port settings go through the driver core", "[xrt]") {
    Bench b;
    auto& card = xrt_standin::plug(0, [] { return std::make_unique<esp::HlsCard>(); });
    auto dev = espdrv::open_xrt_device("0:" + b.esp_xclbin());
    REQUIRE(card.open_compute_units == 1);

    esp_policy p{};
    p.id = 7;
    p.priority = 10;
    p.dir = ESP_POLICY_OUT;
    p.action = ESP_POLICY_BLOCK;
    p.sel.family = ESP_FAMILY_IPV4;
    p.sel.src_lo[0] = 10, p.sel.src_lo[1] = 1;
    p.sel.src_hi[0] = 10, p.sel.src_hi[1] = 1, p.sel.src_hi[2] = 255, p.sel.src_hi[3] = 255;
    p.sel.dst_hi[0] = p.sel.dst_hi[1] = p.sel.dst_hi[2] = p.sel.dst_hi[3] = 255;
    p.sel.sport_hi = p.sel.dport_hi = 0xFFFF;
    dev->policy_add(p);
    const auto list = dev->policy_list();
    REQUIRE(list.size() == 1);
    CHECK(list[0].policy.id == 7);
    CHECK(list[0].policy.action == ESP_POLICY_BLOCK);
    CHECK(dev->policy_get(7).policy.priority == 10);
    esp_port_config pc = dev->port_config();
    pc.default_action = ESP_PORT_OUT_BLOCK;
    dev->set_port_config(pc);
    CHECK(dev->port_config().default_action == ESP_PORT_OUT_BLOCK);
    dev->policy_del(7);
    CHECK(dev->policy_list().empty());

    // The ESP engine alone has no ports: the core's refusal, not the backend's.
    dev.reset();
    plug_model_card(0);
    auto engine_only = espdrv::open_xrt_device("0:" + b.esp_xclbin());
    CHECK(error_of([&] { engine_only->policy_list(); }).errnum() == EOPNOTSUPP);
}

TEST_CASE("xrt: device strings and missing cards", "[xrt]") {
    Bench b;
    for (const char* bad : {"", "x", "-1", "0:", "99999999999"})
        CHECK_THROWS_AS(espdrv::open_xrt_device(bad), espdrv::BadDeviceString);
    const auto e = error_of([] { espdrv::open_xrt_device("7"); });
    CHECK(e.errnum() == ENODEV);
    CHECK(contains(e, "xrt:7: no such card"));
}

TEST_CASE("xrt: xclbins that are not ESP bitstreams are refused before the card is touched", "[xrt]") {
    Bench b;
    auto& card = plug_model_card(0);
    auto dev = espdrv::open_xrt_device("0");

    auto e = error_of([&] { dev->load_xclbin((b.dir / "missing.xclbin").string()); });
    CHECK(e.errnum() == ENOENT);
    CHECK(contains(e, "cannot read xclbin"));

    const std::string junk = (b.dir / "junk.xclbin").string();
    std::ofstream(junk) << "not an xclbin, but long enough to hold a header? no." << std::string(600, 'x');
    e = error_of([&] { dev->load_xclbin(junk); });
    CHECK(e.errnum() == EINVAL);
    CHECK(contains(e, "cannot read xclbin"));

    e = error_of([&] { dev->load_xclbin(b.xclbin("vadd.xclbin", kOtherUuid, {"vadd:vadd_1", "vsub:vsub_1"})); });
    CHECK(e.errnum() == ENOENT);
    CHECK(contains(e, "has no compute unit esp_engine_kernel:esp_engine_kernel_1 (it has: vadd:vadd_1, vsub:vsub_1)"));

    e = error_of([&] { dev->load_xclbin(b.xclbin("small.xclbin", kOtherUuid, {kCu}, 0x100)); });
    CHECK(e.errnum() == EINVAL);
    CHECK(contains(e, "0x100-byte register space; the ESP register map needs 0x1000"));

    CHECK(card.loads == 0);
    CHECK(!card.image);
    CHECK(error_of([&] { dev->info(); }).errnum() == ENODEV);

    // $ESP_XRT_CU names another compute unit.
    ::setenv("ESP_XRT_CU", "esp_alt:{esp_alt_2}", 1);
    dev->load_xclbin(b.xclbin("alt.xclbin", kEspUuid, {"vadd:vadd_1", "esp_alt:esp_alt_2"}));
    CHECK(dev->info().dev_id == ESP_DEV_ID_VALUE);
}

TEST_CASE("xrt: a card that does not take the bitstream, or is held by another image", "[xrt]") {
    Bench b;
    auto& card = plug_model_card(0);
    card.image = kOtherUuid; // another bitstream runs on the card
    card.logic = std::make_unique<SilentLogic>();
    auto dev = espdrv::open_xrt_device("0");

    auto e = error_of([&] { dev->info(); });
    CHECK(contains(e, "the card runs xclbin " + kOtherUuid.to_string()));

    card.busy = "xclbin in use by process 4242";
    e = error_of([&] { dev->load_xclbin(b.esp_xclbin()); });
    CHECK(e.errnum() == EBUSY);
    CHECK(contains(e, "cannot load"));
    CHECK(contains(e, "in use by process 4242"));

    // The load "succeeds" but the card still runs the old image: wrong UUID.
    card.busy.clear();
    card.ignores_loads = true;
    e = error_of([&] { dev->load_xclbin(b.esp_xclbin()); });
    CHECK(e.errnum() == EIO);
    CHECK(contains(e, "the card runs xclbin " + kOtherUuid.to_string() + ", not "));
    CHECK(contains(e, kEspUuid.to_string()));
    CHECK(card.open_compute_units == 0);
    CHECK(error_of([&] { dev->stats(); }).errnum() == ENODEV);
}

TEST_CASE("xrt: a compute unit that is not an ESP engine", "[xrt]") {
    Bench b;
    xrt_standin::plug(0, [] { return std::make_unique<SilentLogic>(); });
    auto dev = espdrv::open_xrt_device("0");
    const auto e = error_of([&] { dev->load_xclbin(b.esp_xclbin()); });
    CHECK(e.errnum() == ENODEV);
    CHECK(contains(e, "is not an ESP engine of this driver's contract version"));
    CHECK(xrt_standin::card(0)->open_compute_units == 0);
}

TEST_CASE("xrt: register access failures fail the request and every later one", "[xrt]") {
    Bench b;
    auto& card = plug_model_card(0);
    const std::string path = b.esp_xclbin();

    // At attach: the identification reads fail.
    card.accesses_before_failure = 0;
    auto dev = espdrv::open_xrt_device("0");
    auto e = error_of([&] { dev->load_xclbin(path); });
    CHECK(e.errnum() == EIO);
    CHECK(contains(e, "register read at 0x0 failed"));

    // During a request: the SA command half written.
    card.accesses_before_failure = -1;
    dev->load_xclbin(path);
    card.accesses_before_failure = 5;
    const long before = card.register_accesses;
    e = error_of([&] { dev->sa_add(to_params(simple_sa(false, 0x300))); });
    CHECK(e.errnum() == EIO);
    CHECK(contains(e, "failed"));
    CHECK(contains(e, "reopen or reload"));
    CHECK(card.register_accesses == before + 5);
    // Later requests do not touch the card and fail the same way.
    card.accesses_before_failure = -1;
    CHECK(error_of([&] { dev->stats(); }).errnum() == EIO);
    CHECK(card.register_accesses == before + 5);

    // Reloading starts afresh.
    dev->load_xclbin(path);
    CHECK(dev->sa_add(to_params(simple_sa(false, 0x300))) < ESP_N_SA);

    // The card disappears under an open device.
    xrt_standin::unplug_all();
    e = error_of([&] { dev->stats(); });
    CHECK(e.errnum() == ENODEV);
    CHECK(contains(e, "gone"));
}

#ifndef ESP_HAVE_XRT
TEST_CASE("xrt: a build without XRT says so for xrt:N, in libespdrv and in espctl", "[xrt]") {
    const auto e = error_of([] { espdrv::open_device("xrt:0"); });
    CHECK(e.errnum() == ENOTSUP);
    CHECK(contains(e, "this build has no XRT backend"));

    FILE* f = ::popen(ESPCTL_BIN " -d xrt:0 dev info 2>&1", "r");
    REQUIRE(f);
    std::string out;
    std::array<char, 512> buf;
    for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), f)) > 0;) out.append(buf.data(), n);
    const int st = ::pclose(f);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 1);
    CHECK(out.find("espctl: device 'xrt:0': this build has no XRT backend") != std::string::npos);
    INFO(out);
}
#endif
