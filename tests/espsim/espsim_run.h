// espsim_run.h: helpers of the espsim end-to-end tests: a scratch directory, running the
// espsim binary as a subprocess, reading and writing captures, reading the stats JSON.
#pragma once

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pcap_io.h"

namespace espsim_test {

using Bytes = std::vector<std::uint8_t>;

class ScratchDir {
public:
    ScratchDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "espsim-test-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(file(name)) << text;
        return file(name);
    }

private:
    std::filesystem::path path_;
};

inline std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

struct RunResult {
    int status = -1;
    std::string out, err;
};

// Runs espsim with the given arguments (each single-quoted for the shell).
inline RunResult run_espsim(const ScratchDir& dir, const std::vector<std::string>& args) {
    std::string cmd = "'" + std::string(ESPSIM_PATH) + "'";
    for (const auto& a : args) cmd += " '" + a + "'";
    cmd += " >'" + dir.file("stdout") + "' 2>'" + dir.file("stderr") + "'";
    const int raw = std::system(cmd.c_str());
    RunResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = slurp(dir.file("stdout"));
    r.err = slurp(dir.file("stderr"));
    return r;
}

inline void write_capture(const std::string& path, int dlt, const std::vector<Bytes>& frames) {
    esphost::PcapWriter w(path, dlt);
    timeval ts{1767225600, 0};
    for (const auto& f : frames) {
        w.write(ts, f);
        ++ts.tv_usec;
    }
    w.close();
}

struct Capture {
    int dlt = 0;
    std::vector<esphost::CapturedPacket> packets;
    std::vector<Bytes> frames() const {
        std::vector<Bytes> v;
        for (const auto& p : packets) v.push_back(p.frame);
        return v;
    }
};

inline Capture read_capture(const std::string& path) {
    Capture c;
    esphost::PcapReader r(path);
    c.dlt = r.link_type();
    esphost::CapturedPacket p;
    while (r.next(p)) c.packets.push_back(p);
    return c;
}

// A number of the stats JSON (read as text: ptree's numeric getters trip
// -Wmaybe-uninitialized under the sanitizer build). `fallback` when the key is absent.
inline long long num(const boost::property_tree::ptree& t, const std::string& path, long long fallback = -1) {
    const auto v = t.get_optional<std::string>(path);
    return v ? std::stoll(*v) : fallback;
}

inline boost::property_tree::ptree read_json(const std::string& path) {
    boost::property_tree::ptree t;
    boost::property_tree::read_json(path, t);
    return t;
}

} // namespace espsim_test
