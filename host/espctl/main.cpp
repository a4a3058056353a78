// espctl: program SA tables and read counters of an ESP offload card.
//
//   espctl [-d DEVICE] [-j] [--keys] dev info | dev load FILE.xclbin
//          | sa add WORDS... | sa update HANDLE WORDS... | sa del HANDLE
//          | sa get HANDLE | sa list | sa flush | stats | events [--follow]
//          | policy add WORDS... | policy update id N WORDS... | policy del|get ID
//          | policy list | policy flush | port [stats] | port set WORDS...
//
// DEVICE is /dev/espN (default /dev/esp0, or $ESP_DEVICE), sim:PATH, model: or xrt:N[:FILE.xclbin].
// Exit status: 0 done, 1 the card refused (the errno's meaning is printed), 2 bad usage.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "commands.h"

namespace {

void usage(FILE* f) {
    std::fputs(
        "usage: espctl [-d DEVICE] [-j] [--keys] COMMAND\n"
        "  dev info | dev load FILE.xclbin\n"
        "  sa add WORDS... | sa update HANDLE WORDS... | sa del HANDLE | sa get HANDLE\n"
        "  sa list | sa flush | stats | events [--follow]\n"
        "  policy add src A[/LEN|-B] dst A[/LEN|-B] [proto tcp|udp|icmp|N] [sport N[-M]]\n"
        "    [dport N[-M]] dir out|in [priority N] [id N] (tmpl spi 0xSPI | action allow|block|protect)\n"
        "  policy update id N WORDS... | policy del ID | policy get ID | policy list | policy flush\n"
        "  port [stats] | port set [default-out allow|block] [default-in allow|block] [mtu N]\n"
        "    [acquire-holdoff-us N]\n"
        "DEVICE: /dev/espN (default $ESP_DEVICE or /dev/esp0), sim:PATH, model:, xrt:N[:FILE.xclbin]\n"
        "WORDS: those of `ip xfrm state add` plus `dir in|out`, e.g.\n"
        "  src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 dir out mode tunnel\n"
        "  aead 'rfc4106(gcm(aes))' 0x<key||salt> 128\n"
        "  and for dir in, the check of decrypted packets:\n"
        "  sel src PREFIX dst PREFIX [proto P] [sport N] [dport N]\n",
        f);
}

} // namespace

int main(int argc, char** argv) {
    const char* env = std::getenv("ESP_DEVICE");
    std::string device = env && *env ? env : "/dev/esp0";
    espctl::Options opt;
    std::vector<std::string> words;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (words.empty() && (a == "-d" || a == "--device")) {
            if (++i == argc) {
                std::fprintf(stderr, "espctl: %s needs a device string\n", a.c_str());
                return 2;
            }
            device = argv[i];
        } else if (a == "-j" || a == "--json") {
            opt.json = true;
        } else if (a == "--keys") {
            opt.keys = true;
        } else if (a == "--follow") {
            opt.follow = true;
        } else if (a == "-h" || a == "--help") {
            usage(stdout);
            return 0;
        } else {
            words.push_back(a);
        }
    }
    if (words.empty()) {
        usage(stderr);
        return 2;
    }
    try {
        auto dev = espdrv::open_device(device);
        return espctl::run_command(*dev, words, opt);
    } catch (const espctl::UsageError& e) {
        std::fprintf(stderr, "espctl: %s\n(try espctl --help)\n", e.message.c_str());
        return 2;
    } catch (const espdrv::BadDeviceString& e) {
        std::fprintf(stderr, "espctl: %s\n(try espctl --help)\n", e.what());
        return 2;
    } catch (const espdrv::Error& e) {
        // "sa add: File exists": what was asked, then the errno's meaning.
        std::fprintf(stderr, "espctl: %s\n", e.what());
        return 1;
    }
}
