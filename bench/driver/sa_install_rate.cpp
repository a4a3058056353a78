// SA installs per second through each libespdrv backend reachable here, in one run,
// with the in-process model as the baseline, and control-port writes per install.
//
//   bench_sa_install [--sas N] [--rounds R] [--engine hls|rtl] [--espsim PATH]
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "device.h"

namespace {

esp_sa_params sa(uint32_t i) {
    esp_sa_params p{};
    p.alg = ESP_ALG_AES_GCM_16;
    p.dir = i % 2 ? ESP_DIR_IN : ESP_DIR_OUT;
    p.mode = ESP_MODE_TUNNEL;
    p.family = ESP_FAMILY_IPV4;
    p.key_len = 16;
    p.spi = (i * 2654435761u) ^ 0x5bd1e995u; // spread like the random SPIs IKE picks
    p.replay_window = p.dir == ESP_DIR_IN ? 64 : 0;
    for (int k = 0; k < 16; k++) p.key[k] = static_cast<uint8_t>(i * 31 + k);
    std::memcpy(p.salt, &i, 4);
    const uint8_t src[4] = {192, 0, 2, 1}, dst[4] = {192, 0, 2, static_cast<uint8_t>(2 + i % 200)};
    std::memcpy(p.src, src, 4);
    std::memcpy(p.dst, dst, 4);
    return p;
}

struct Figure {
    double installs_per_s;
    double writes_per_install;
};

Figure measure(espdrv::Device& dev, uint32_t n, int rounds) {
    std::vector<uint32_t> handles(n);
    dev.sa_flush();
    const uint64_t w0 = dev.register_writes();
    double best = 0;
    for (int r = 0; r < rounds; r++) {
        auto t0 = std::chrono::steady_clock::now();
        for (uint32_t i = 0; i < n; i++) handles[i] = dev.sa_add(sa(i));
        auto t1 = std::chrono::steady_clock::now();
        best = std::max(best, n / std::chrono::duration<double>(t1 - t0).count());
        for (uint32_t h : handles) dev.sa_del(h);
    }
    const uint64_t writes = dev.register_writes() - w0;
    // Deletes cost one SA_CMD write each; count installs' writes only.
    const double per_install = writes ? static_cast<double>(writes - uint64_t(n) * rounds) / (double(n) * rounds) : 0;
    return {best, per_install};
}

} // namespace

int main(int argc, char** argv) {
    uint32_t n = 1000;
    int rounds = 3;
    std::string engine = "hls";
    std::string espsim = ESPSIM_BIN;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--sas"))
            n = static_cast<uint32_t>(std::stoul(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--rounds"))
            rounds = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--engine"))
            engine = argv[i + 1];
        else if (!std::strcmp(argv[i], "--espsim"))
            espsim = argv[i + 1];
    }
    std::printf("SA installs (IPv4, AES-128, alternating in/out), %u SAs x %d rounds, best round\n", n, rounds);
    std::printf("%-28s %14s %10s %18s\n", "backend", "installs/s", "vs model:", "reg writes/install");

    auto model = espdrv::open_device("model:");
    const Figure base = measure(*model, n, rounds);
    std::printf("%-28s %14.0f %10.2f %18.1f\n", "model: (in-process HLS)", base.installs_per_s, 1.0,
                base.writes_per_install);

    const std::string sock = "/tmp/esp-bench-" + std::to_string(::getpid()) + ".sock";
    pid_t pid = ::fork();
    if (pid == 0) {
        ::execl(espsim.c_str(), espsim.c_str(), "serve", "--socket", sock.c_str(), "--engine", engine.c_str(), nullptr);
        ::_exit(127);
    }
    struct stat st;
    for (int i = 0; i < 1000 && ::stat(sock.c_str(), &st) != 0; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    {
        auto sim = espdrv::open_device("sim:" + sock);
        const Figure f = measure(*sim, n, rounds);
        std::printf("%-28s %14.0f %10.2f %18s\n", ("sim: (espsim serve, " + engine + ")").c_str(), f.installs_per_s,
                    f.installs_per_s / base.installs_per_s, "(server side)");
        // Card cycles per install (timed engines): the cycle counter read through two
        // probe packets around the installs, minus what one probe packet costs.
        const std::vector<uint8_t> probe(20, 0); // not IP: dropped MALFORMED, no state touched
        const uint64_t c0 = sim->inject(false, 0, probe).card_cycles;
        std::vector<uint32_t> handles;
        for (uint32_t i = 0; i < n; i++) handles.push_back(sim->sa_add(sa(i)));
        const uint64_t c1 = sim->inject(false, 0, probe).card_cycles;
        const uint64_t c2 = sim->inject(false, 0, probe).card_cycles;
        for (uint32_t h : handles) sim->sa_del(h);
        if (c2 > c1) {
            const double per = (double(c1 - c0) - double(c2 - c1)) / n;
            std::printf("%-28s %14.1f   (control-port cycles per SA install on the %s card)\n", "  cycles/install", per,
                        engine.c_str());
        }
    }
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);

    if (::stat("/dev/esp0", &st) == 0) {
        auto chr = espdrv::open_device("/dev/esp0");
        const Figure f = measure(*chr, n, rounds);
        std::printf("%-28s %14.0f %10.2f\n", "/dev/esp0", f.installs_per_s, f.installs_per_s / base.installs_per_s);
    } else {
        std::printf("%-28s %14s\n", "/dev/esp0", "absent (no card here)");
    }
    std::printf("%-28s %14s\n", "xrt:0", "not built (XRT not installed)");
    return 0;
}
