// tb_gcm_core: checks gcm_core against OpenSSL EVP AES-GCM and the Wycheproof 96-bit-IV
// vectors, then measures throughput.
//  - random packets: AES-128/256, encrypt and decrypt, AAD 0..40 bytes, text 0..2000 bytes
//    (random partial last beats), optional trailing empty beat, garbage in the ignored bytes
//    and in the sideband of non-first beats, random input bubbles and output back-pressure;
//  - Wycheproof aes_gcm_test.json, 96-bit IV, 128/256-bit keys: valid cases must give the
//    vector's ciphertext/plaintext and tag, invalid ones a tag that differs;
//  - back-to-back ESP-sized and jumbo packets without bubbles: measured beats per cycle.
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cstdio>
#include <deque>

#include "Vgcm_core.h"
#include "tb_common.h"

namespace {

struct Packet {
    bool decrypt = false;
    tbc::Bytes key, nonce, aad, text; // text: the input (plaintext or ciphertext)
    tbc::Bytes want_text, want_tag;   // expected output text and computed tag
    bool expect_tag_match = true;     // false: Wycheproof invalid case, tag must differ
    bool trailing_empty_beat = false;
    std::uint16_t user = 0;
};

struct InBeat {
    tbc::Bytes data; // up to 16 bytes
    bool aad = false, last = false, first = false;
    const Packet* pkt = nullptr;
};

struct OutBeat {
    tbc::Bytes data; // 16 bytes, zero past nbytes
    unsigned nbytes = 0;
    bool tag = false;
    bool tag_must_match = true;
    std::uint16_t user = 0;
};

std::vector<InBeat> beats_of(const Packet& p, std::mt19937_64& rng) {
    std::vector<InBeat> beats;
    for (std::size_t off = 0; off < p.aad.size(); off += 16)
        beats.push_back({tbc::Bytes(p.aad.begin() + static_cast<long>(off),
                                    p.aad.begin() + static_cast<long>(std::min(off + 16, p.aad.size()))),
                         true, false, false, &p});
    for (std::size_t off = 0; off < p.text.size(); off += 16)
        beats.push_back({tbc::Bytes(p.text.begin() + static_cast<long>(off),
                                    p.text.begin() + static_cast<long>(std::min(off + 16, p.text.size()))),
                         false, false, false, &p});
    if (beats.empty() || p.trailing_empty_beat) beats.push_back({{}, rng() % 2 == 0, false, false, &p});
    beats.front().first = true;
    beats.back().last = true;
    return beats;
}

std::vector<OutBeat> outputs_of(const Packet& p) {
    std::vector<OutBeat> outs;
    for (std::size_t off = 0; off < p.want_text.size(); off += 16) {
        OutBeat o;
        o.nbytes = static_cast<unsigned>(std::min<std::size_t>(16, p.want_text.size() - off));
        o.data.assign(16, 0);
        std::copy_n(p.want_text.begin() + static_cast<long>(off), o.nbytes, o.data.begin());
        o.user = p.user;
        outs.push_back(o);
    }
    outs.push_back({p.want_tag, 16, true, p.expect_tag_match, p.user});
    return outs;
}

struct Bench {
    VerilatedContext ctx;
    Vgcm_core top{&ctx};
    std::mt19937_64 rng{0x6C3u};
    std::deque<Packet> packets; // owned here so beats can point at them
    std::deque<InBeat> in_q;
    std::deque<OutBeat> out_q;
    std::uint64_t cycle = 0, in_beats = 0, out_beats = 0, packets_done = 0;
    unsigned in_bubble_pct = 0, out_stall_pct = 0;

    void reset() {
        top.s_valid = 0;
        top.m_ready = 0;
        tbc::reset_model(top);
    }

    void add(Packet p) {
        packets.push_back(std::move(p));
        for (auto& b : beats_of(packets.back(), rng)) in_q.push_back(std::move(b));
        for (auto& o : outputs_of(packets.back())) out_q.push_back(std::move(o));
    }

    void drive_input() {
        if (in_q.empty() || (in_bubble_pct && rng() % 100 < in_bubble_pct)) {
            top.s_valid = 0;
            return;
        }
        const InBeat& b = in_q.front();
        top.s_valid = 1;
        // Bytes past nbytes carry garbage: the core must ignore them.
        tbc::Bytes data = tbc::random_bytes(rng, 16);
        std::copy(b.data.begin(), b.data.end(), data.begin());
        tbc::put_be(top.s_data, data.data(), 16, 16);
        top.s_nbytes = static_cast<CData>(b.data.size());
        top.s_aad = b.aad;
        top.s_last = b.last;
        // Sideband matters on the first beat only; elsewhere it is garbage.
        const Packet& p = *b.pkt;
        tbc::Bytes key = b.first ? p.key : tbc::random_bytes(rng, 32);
        tbc::Bytes nonce = b.first ? p.nonce : tbc::random_bytes(rng, 12);
        tbc::put_be(top.s_key, key.data(), key.size(), 32);
        tbc::put_be(top.s_nonce, nonce.data(), 12, 12);
        top.s_key256 = b.first ? p.key.size() == 32 : rng() % 2;
        top.s_decrypt = b.first ? p.decrypt : rng() % 2;
        top.s_user = b.first ? p.user : static_cast<SData>(rng());
    }

    void check_output() {
        ++out_beats;
        if (out_q.empty()) {
            tbc::check(false, "unexpected output beat");
            return;
        }
        OutBeat want = out_q.front();
        out_q.pop_front();
        tbc::Bytes got = tbc::get_be(top.m_data, 16, 16);
        std::string where = "packet " + std::to_string(packets_done) + (want.tag ? " tag" : " text");
        tbc::check(top.m_tag == want.tag, where + ": m_tag");
        tbc::check(top.m_nbytes == want.nbytes, where + ": m_nbytes");
        tbc::check(top.m_user == want.user, where + ": m_user");
        if (!want.tag || want.tag_must_match)
            tbc::check(got == want.data, where + ": got " + tbc::hex(got) + " want " + tbc::hex(want.data));
        else
            tbc::check(got != want.data, where + ": invalid vector's tag matched");
        if (want.tag) ++packets_done;
    }

    void cycle_once() {
        top.clk = 0;
        drive_input();
        top.m_ready = !(out_stall_pct && rng() % 100 < out_stall_pct);
        top.eval();
        bool in_fire = top.s_valid && top.s_ready;
        if (top.m_valid && top.m_ready) check_output();
        top.clk = 1;
        top.eval();
        ++cycle;
        if (in_fire) {
            in_q.pop_front();
            ++in_beats;
        }
    }

    // Runs until everything queued came out (or a generous timeout).
    void run_all() {
        std::uint64_t limit = cycle + 1000 + 20 * (in_q.size() + out_q.size());
        while ((!in_q.empty() || !out_q.empty()) && cycle < limit) cycle_once();
        tbc::check(in_q.empty() && out_q.empty(), "core stalled: " + std::to_string(in_q.size()) + " beats in, " +
                                                      std::to_string(out_q.size()) + " beats out pending");
        for (int i = 0; i < 30; ++i) cycle_once(); // nothing more may come out
        packets.clear();
    }
};

Packet random_packet(std::mt19937_64& rng, std::size_t max_text) {
    Packet p;
    p.decrypt = rng() % 2;
    p.key = tbc::random_bytes(rng, rng() % 2 ? 32 : 16);
    p.nonce = tbc::random_bytes(rng, 12);
    p.aad = tbc::random_bytes(rng, rng() % 4 == 0 ? 0 : rng() % 41);
    tbc::Bytes pt = tbc::random_bytes(rng, rng() % (max_text + 1));
    tbc::GcmResult enc = tbc::gcm_encrypt(p.key, p.nonce, p.aad, pt);
    p.text = p.decrypt ? enc.text : pt;
    p.want_text = p.decrypt ? pt : enc.text;
    p.want_tag = enc.tag;
    p.trailing_empty_beat = rng() % 10 == 0;
    p.user = static_cast<std::uint16_t>(rng());
    return p;
}

void random_packets(Bench& b, int n, unsigned bubble, unsigned stall) {
    b.in_bubble_pct = bubble;
    b.out_stall_pct = stall;
    for (int i = 0; i < n; ++i) b.add(random_packet(b.rng, 2000));
    // A few empty packets in the mix.
    for (int i = 0; i < 3; ++i) {
        Packet p = random_packet(b.rng, 0);
        p.aad.clear();
        p.want_tag = tbc::gcm_encrypt(p.key, p.nonce, {}, {}).tag;
        b.add(p);
    }
    b.run_all();
}

// Integers read as strings: get<int> trips GCC's -Wmaybe-uninitialized inside
// boost::optional under the sanitizer build.
int json_int(const boost::property_tree::ptree& t, const char* key) { return std::stoi(t.get<std::string>(key)); }

int wycheproof(Bench& b) {
    namespace pt = boost::property_tree;
    pt::ptree root;
    pt::read_json(std::string(ESP_VECTORS_DIR) + "/aes_gcm_test.json", root);
    b.in_bubble_pct = 10;
    b.out_stall_pct = 10;
    int n = 0;
    for (const auto& g : root.get_child("testGroups")) {
        int key_bits = json_int(g.second, "keySize"), iv_bits = json_int(g.second, "ivSize");
        if (iv_bits != 96 || (key_bits != 128 && key_bits != 256)) continue; // what the core supports
        for (const auto& t : g.second.get_child("tests")) {
            const auto& v = t.second;
            bool valid = v.get<std::string>("result") == "valid";
            Packet p;
            p.key = tbc::unhex(v.get<std::string>("key"));
            p.nonce = tbc::unhex(v.get<std::string>("iv"));
            p.aad = tbc::unhex(v.get<std::string>("aad"));
            tbc::Bytes msg = tbc::unhex(v.get<std::string>("msg")), ct = tbc::unhex(v.get<std::string>("ct"));
            p.want_tag = tbc::unhex(v.get<std::string>("tag"));
            p.user = static_cast<std::uint16_t>(json_int(v, "tcId"));
            // Decrypt every case: plaintext and the tag verdict.
            p.decrypt = true;
            p.text = ct;
            p.want_text = msg;
            p.expect_tag_match = valid;
            b.add(p);
            // Encrypt the valid ones: ciphertext and tag.
            if (valid) {
                p.decrypt = false;
                p.text = msg;
                p.want_text = ct;
                b.add(p);
            }
            ++n;
        }
    }
    b.run_all();
    return n;
}

// Back-to-back packets of text_bytes with an 8-byte AAD (ESP SPI+SEQ), no bubbles.
void throughput(Bench& b, std::size_t text_bytes, int n) {
    b.in_bubble_pct = 0;
    b.out_stall_pct = 0;
    for (int i = 0; i < n; ++i) {
        Packet p;
        p.key = tbc::random_bytes(b.rng, i % 2 ? 32 : 16);
        p.nonce = tbc::random_bytes(b.rng, 12);
        p.aad = tbc::random_bytes(b.rng, 8);
        p.text = tbc::random_bytes(b.rng, text_bytes);
        tbc::GcmResult enc = tbc::gcm_encrypt(p.key, p.nonce, p.aad, p.text);
        p.want_text = enc.text;
        p.want_tag = enc.tag;
        b.add(p);
    }
    std::uint64_t c0 = b.cycle;
    tbc::Stopwatch sw;
    tbc::Window w = tbc::run_counting(
        b, [&] { return (b.in_q.empty() && b.out_q.empty()) || b.cycle - c0 > 100000000; }, [&] { return b.in_beats; });
    double secs = sw.seconds();
    std::uint64_t beats = w.events;
    double per_cycle = static_cast<double>(beats) / static_cast<double>(w.cycles());
    std::size_t beats_per_pkt = (text_bytes + 15) / 16 + 1;
    double ideal = static_cast<double>(beats_per_pkt) / static_cast<double>(beats_per_pkt + 1);
    std::printf(
        "gcm_core: %d packets x (8 B AAD + %zu B text) = %llu beats in %llu cycles: %.4f beats/cycle "
        "(expected %zu/%zu = %.4f); %.0f cycles/s simulated (model + checks)\n",
        n, text_bytes, static_cast<unsigned long long>(beats), static_cast<unsigned long long>(w.cycles()), per_cycle,
        beats_per_pkt, beats_per_pkt + 1, ideal, static_cast<double>(b.cycle - c0) / secs);
    tbc::check(per_cycle >= ideal - 1e-3, "gcm_core throughput below one beat per cycle plus one slot per packet");
    b.run_all();
}

// Latency on an idle core: first text beat accepted -> its output beat accepted, and last
// beat accepted -> tag accepted (same-cycle handshakes count as 0).
void latency(Bench& b) {
    b.in_bubble_pct = 0;
    b.out_stall_pct = 0;
    Packet p;
    p.key = tbc::random_bytes(b.rng, 16);
    p.nonce = tbc::random_bytes(b.rng, 12);
    p.aad = tbc::random_bytes(b.rng, 8);
    p.text = tbc::random_bytes(b.rng, 64);
    tbc::GcmResult enc = tbc::gcm_encrypt(p.key, p.nonce, p.aad, p.text);
    p.want_text = enc.text;
    p.want_tag = enc.tag;
    b.add(p);
    std::vector<std::uint64_t> in_at, out_at;
    for (int i = 0; i < 200 && (!b.in_q.empty() || !b.out_q.empty()); ++i) {
        std::uint64_t now = b.cycle, in0 = b.in_beats, out0 = b.out_beats;
        b.cycle_once();
        if (b.in_beats != in0) in_at.push_back(now);
        if (b.out_beats != out0) out_at.push_back(now);
    }
    tbc::check(in_at.size() == 5 && out_at.size() == 5, "latency packet did not complete");
    if (in_at.size() != 5 || out_at.size() != 5) return;
    std::printf("gcm_core latency: first text beat in -> out %llu cycles, last beat in -> tag out %llu cycles\n",
                static_cast<unsigned long long>(out_at[0] - in_at[1]),
                static_cast<unsigned long long>(out_at[4] - in_at[4]));
    b.run_all();
}

} // namespace

int main(int argc, char** argv) {
    Bench b;
    b.ctx.commandArgs(argc, argv);
    b.reset();
    random_packets(b, 300, 0, 0);
    random_packets(b, 300, 30, 0);
    random_packets(b, 300, 20, 40);
    random_packets(b, 100, 50, 80);
    std::printf("gcm_core: %llu random packets checked against OpenSSL\n",
                static_cast<unsigned long long>(b.packets_done));
    std::uint64_t before = b.packets_done;
    int wp = wycheproof(b);
    std::printf("gcm_core: %d Wycheproof 96-bit-IV cases (%llu packets) checked\n", wp,
                static_cast<unsigned long long>(b.packets_done - before));
    tbc::check(wp > 100, "Wycheproof vectors not found");
    latency(b);
    throughput(b, 1400, 200);
    throughput(b, 9000, 40);
    return tbc::finish("tb_gcm_core");
}
