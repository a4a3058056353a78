// Parser and formatters of SA specs (see sa_spec.h for the syntax).
#include "sa_spec.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>

#include "esp_contract.h"

namespace esphost {

namespace {

constexpr std::string_view kAeadName = "rfc4106(gcm(aes))";
constexpr unsigned kIcvBits = ESP_ICV_BYTES * 8;
constexpr std::size_t kSaltBytes = 4;

unsigned addr_len(std::uint8_t family) { return family == ESP_FAMILY_IPV6 ? 16 : 4; }

// Reads an unsigned number (decimal or 0x hex) no larger than max.
bool parse_number(const std::string& word, std::uint64_t max, std::uint64_t& out) {
    if (word.empty()) return false;
    std::size_t i = 0;
    unsigned base = 10;
    if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
        base = 16;
        i = 2;
    }
    std::uint64_t v = 0;
    for (; i < word.size(); ++i) {
        const char c = word[i];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = static_cast<unsigned>(c - '0');
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            d = static_cast<unsigned>(c - 'a' + 10);
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            d = static_cast<unsigned>(c - 'A' + 10);
        } else {
            return false;
        }
        if (v > (max - d) / base) return false;
        v = v * base + d;
    }
    out = v;
    return true;
}

bool parse_address(const std::string& word, std::uint8_t& family, std::uint8_t* addr) {
    std::uint8_t buf[16] = {};
    if (inet_pton(AF_INET, word.c_str(), buf) == 1) {
        family = ESP_FAMILY_IPV4;
    } else if (inet_pton(AF_INET6, word.c_str(), buf) == 1) {
        family = ESP_FAMILY_IPV6;
    } else {
        return false;
    }
    std::memcpy(addr, buf, 16);
    return true;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string hex_octets(const std::uint8_t* p, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s = "0x";
    for (std::size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

// Walks the words, remembering which keywords were seen.
class SpecParser {
public:
    SpecParser(std::span<const std::string> words, std::string& error) : w_(words), err_(error) {
        spec_.params.mode = ESP_MODE_TRANSPORT; // the ip(8) default
    }

    std::optional<SaSpec> run();

private:
    bool fail(const std::string& msg) {
        err_ = msg;
        return false;
    }
    // The value word after keyword `key`, or an error naming the keyword.
    bool value(const std::string& key, std::string& out) {
        if (i_ >= w_.size()) return fail(key + ": missing value");
        out = w_[i_++];
        return true;
    }
    bool once(const std::string& key) {
        if (!seen_.insert(key).second) return fail(key + ": given twice");
        return true;
    }
    bool number(const std::string& key, std::uint64_t max, std::uint64_t& out) {
        std::string v;
        if (!value(key, v)) return false;
        if (!parse_number(v, max, out)) {
            std::uint64_t dummy;
            if (parse_number(v, ~std::uint64_t{0}, dummy))
                return fail(key + ": " + v + " is out of range (at most " + std::to_string(max) + ")");
            return fail(key + ": expected a number, got '" + v + "'");
        }
        return true;
    }
    bool address(const std::string& key, std::uint8_t& family, std::uint8_t* addr) {
        std::string v;
        if (!value(key, v)) return false;
        if (!parse_address(v, family, addr)) return fail(key + ": expected an IPv4 or IPv6 address, got '" + v + "'");
        return true;
    }
    bool prefix(const std::string& key, Prefix& p);
    bool keyword(const std::string& key);
    bool aead();
    bool flags();
    bool encap();
    bool selector();
    bool limit();
    bool finish();

    std::span<const std::string> w_;
    std::string& err_;
    std::size_t i_ = 0;
    std::set<std::string> seen_;
    SaSpec spec_;
    std::uint8_t src_family_ = 0;
    std::uint8_t dst_family_ = 0;
    std::uint64_t oseq_ = 0, oseq_hi_ = 0, seq_ = 0, seq_hi_ = 0;
};

bool SpecParser::prefix(const std::string& key, Prefix& p) {
    std::string v;
    if (!value(key, v)) return false;
    const auto slash = v.find('/');
    const std::string host = v.substr(0, slash);
    if (!parse_address(host, p.family, p.addr)) return fail(key + ": expected an address or prefix, got '" + v + "'");
    const unsigned bits = addr_len(p.family) * 8;
    std::uint64_t len = bits;
    if (slash != std::string::npos && !parse_number(v.substr(slash + 1), bits, len))
        return fail(key + ": prefix length of '" + v + "' must be 0.." + std::to_string(bits));
    p.len = static_cast<std::uint8_t>(len);
    for (unsigned b = p.len; b < 128; ++b) p.addr[b / 8] &= static_cast<std::uint8_t>(~(0x80u >> (b % 8)));
    return true;
}

bool SpecParser::aead() {
    if (!once("aead")) return false;
    std::string name, key, icv;
    if (!value("aead", name) || !value("aead", key) || !value("aead", icv)) return false;
    if (name != kAeadName)
        return fail("aead: algorithm '" + name + "' is not supported (only " + std::string(kAeadName) + ")");
    if (key.size() < 2 || key[0] != '0' || (key[1] != 'x' && key[1] != 'X'))
        return fail("aead: key must be 0x followed by hex digits, got '" + key.substr(0, 4) + "...'");
    const std::size_t digits = key.size() - 2;
    for (std::size_t k = 2; k < key.size(); ++k)
        if (hex_digit(key[k]) < 0) return fail("aead: key has a non-hex character '" + std::string(1, key[k]) + "'");
    if (digits % 2 != 0) return fail("aead: key has an odd number of hex digits");
    const std::size_t octets = digits / 2;
    if (octets != 16 + kSaltBytes && octets != 32 + kSaltBytes)
        return fail("aead: key must be 20 or 36 octets (AES-128/256 key and 4-octet salt), got " +
                    std::to_string(octets));
    std::array<std::uint8_t, 36> raw{};
    for (std::size_t k = 0; k < octets; ++k)
        raw[k] = static_cast<std::uint8_t>(hex_digit(key[2 + 2 * k]) * 16 + hex_digit(key[3 + 2 * k]));
    auto& p = spec_.params;
    p.key_len = static_cast<std::uint8_t>(octets - kSaltBytes);
    std::memcpy(p.key, raw.data(), p.key_len);
    std::memcpy(p.salt, raw.data() + p.key_len, kSaltBytes);
    OPENSSL_cleanse(raw.data(), raw.size());
    std::uint64_t bits = 0;
    if (!parse_number(icv, 1024, bits) || bits != kIcvBits)
        return fail("aead: ICV length must be " + std::to_string(kIcvBits) + ", got '" + icv + "'");
    p.alg = ESP_ALG_AES_GCM_16;
    return true;
}

bool SpecParser::flags() {
    if (!once("flag")) return false;
    static const std::set<std::string> kIpFlags = {"noecn", "decap-dscp", "nopmtudisc", "wildrecv",
                                                   "icmp",  "af-unspec",  "align4"};
    bool any = false;
    while (i_ < w_.size()) {
        const std::string& f = w_[i_];
        if (f == "esn") {
            spec_.params.flags |= ESP_SA_F_ESN;
        } else if (kIpFlags.count(f)) {
            return fail("flag: '" + f + "' is not supported by the card (only esn)");
        } else {
            break;
        }
        ++i_;
        any = true;
    }
    if (!any) return fail(i_ < w_.size() ? "flag: unknown flag '" + w_[i_] + "' (only esn)" : "flag: missing value");
    return true;
}

bool SpecParser::encap() {
    if (!once("encap")) return false;
    std::string type;
    if (!value("encap", type)) return false;
    if (type != "espinudp") return fail("encap: type '" + type + "' is not supported (only espinudp)");
    std::uint64_t sport = 0, dport = 0;
    if (!number("encap sport", 65535, sport) || !number("encap dport", 65535, dport)) return false;
    if (sport == 0 || dport == 0) return fail("encap: ports must be 1..65535");
    std::uint8_t fam = 0, oa[16];
    if (!address("encap oaddr", fam, oa)) return false;
    for (unsigned k = 0; k < 16; ++k)
        if (oa[k] != 0) return fail("encap: original address must be 0.0.0.0 (NAT-OA is not used)");
    spec_.params.flags |= ESP_SA_F_UDP_ENCAP;
    spec_.params.encap_sport = static_cast<std::uint16_t>(sport);
    spec_.params.encap_dport = static_cast<std::uint16_t>(dport);
    return true;
}

bool SpecParser::selector() {
    if (!once("sel")) return false;
    bool any = false;
    while (i_ < w_.size() && (w_[i_] == "src" || w_[i_] == "dst")) {
        const std::string key = "sel " + w_[i_++];
        auto& slot = key == "sel src" ? spec_.sel_src : spec_.sel_dst;
        if (slot) return fail(key + ": given twice");
        Prefix p;
        if (!prefix(key, p)) return false;
        slot = p;
        any = true;
    }
    if (!any) return fail("sel: expected 'src PREFIX' and/or 'dst PREFIX'");
    return true;
}

bool SpecParser::limit() {
    std::string kind;
    if (!value("limit", kind)) return false;
    decltype(&spec_.params.byte_soft) slot = nullptr; // __u64 of the uapi header
    auto& p = spec_.params;
    if (kind == "byte-soft")
        slot = &p.byte_soft;
    else if (kind == "byte-hard")
        slot = &p.byte_hard;
    else if (kind == "packet-soft")
        slot = &p.packet_soft;
    else if (kind == "packet-hard")
        slot = &p.packet_hard;
    else
        return fail("limit: '" + kind + "' is not supported (byte-soft, byte-hard, packet-soft, packet-hard)");
    const std::string key = "limit " + kind;
    std::uint64_t v = 0;
    if (!once(key) || !number(key, ~std::uint64_t{0}, v)) return false;
    *slot = v;
    return true;
}

bool SpecParser::keyword(const std::string& key) {
    auto& p = spec_.params;
    std::uint64_t v = 0;
    std::string s;
    if (key == "src") return once(key) && address(key, src_family_, p.src);
    if (key == "dst") return once(key) && address(key, dst_family_, p.dst);
    if (key == "proto") {
        if (!once(key) || !value(key, s)) return false;
        return s == "esp" || fail("proto: only esp is supported, got '" + s + "'");
    }
    if (key == "spi") {
        if (!once(key) || !number(key, 0xFFFFFFFFull, v)) return false;
        if (v < 256) return fail("spi: " + w_[i_ - 1] + " is reserved (RFC 4303: 0..255)");
        p.spi = static_cast<std::uint32_t>(v);
        return true;
    }
    if (key == "dir") {
        if (!once(key) || !value(key, s)) return false;
        if (s == "in")
            p.dir = ESP_DIR_IN;
        else if (s == "out")
            p.dir = ESP_DIR_OUT;
        else
            return fail("dir: expected in or out, got '" + s + "'");
        return true;
    }
    if (key == "mode") {
        if (!once(key) || !value(key, s)) return false;
        if (s == "tunnel")
            p.mode = ESP_MODE_TUNNEL;
        else if (s == "transport")
            p.mode = ESP_MODE_TRANSPORT;
        else
            return fail("mode: expected tunnel or transport, got '" + s + "'");
        return true;
    }
    if (key == "replay-window") {
        if (!once(key) || !number(key, ESP_MAX_REPLAY_WINDOW, v)) return false;
        p.replay_window = static_cast<std::uint32_t>(v);
        return true;
    }
    if (key == "reqid") {
        if (!once(key) || !number(key, 0xFFFFFFFFull, v)) return false;
        spec_.reqid = static_cast<std::uint32_t>(v);
        return true;
    }
    if (key == "replay-oseq") return once(key) && number(key, 0xFFFFFFFFull, oseq_);
    if (key == "replay-oseq-hi") return once(key) && number(key, 0xFFFFFFFFull, oseq_hi_);
    if (key == "replay-seq") return once(key) && number(key, 0xFFFFFFFFull, seq_);
    if (key == "replay-seq-hi") return once(key) && number(key, 0xFFFFFFFFull, seq_hi_);
    if (key == "aead") return aead();
    if (key == "flag") return flags();
    if (key == "encap") return encap();
    if (key == "sel") return selector();
    if (key == "limit") return limit();
    if (key == "enc" || key == "auth" || key == "auth-trunc" || key == "comp")
        return fail(key + ": only aead 'rfc4106(gcm(aes))' is supported");
    return fail(key + ": unknown keyword");
}

bool SpecParser::finish() {
    auto& p = spec_.params;
    for (const char* req : {"src", "dst", "proto", "spi", "dir", "aead"})
        if (!seen_.count(req)) return fail(std::string("missing '") + req + "'");
    if (src_family_ != dst_family_)
        return fail("dst: " + format_address(dst_family_, p.dst) + " is not of the same family as src " +
                    format_address(src_family_, p.src));
    p.family = src_family_;
    const bool esn = p.flags & ESP_SA_F_ESN;
    const bool out = p.dir == ESP_DIR_OUT;
    for (const char* k : {"replay-seq", "replay-seq-hi"})
        if (out && seen_.count(k)) return fail(std::string(k) + ": only for dir in (dir out uses replay-oseq)");
    for (const char* k : {"replay-oseq", "replay-oseq-hi"})
        if (!out && seen_.count(k)) return fail(std::string(k) + ": only for dir out (dir in uses replay-seq)");
    const std::uint64_t hi = out ? oseq_hi_ : seq_hi_;
    if (hi != 0 && !esn) return fail(std::string(out ? "replay-oseq-hi" : "replay-seq-hi") + ": needs flag esn");
    p.seq = hi << 32 | (out ? oseq_ : seq_);
    if (p.byte_soft && p.byte_hard && p.byte_soft > p.byte_hard) return fail("limit byte-soft: larger than byte-hard");
    if (p.packet_soft && p.packet_hard && p.packet_soft > p.packet_hard)
        return fail("limit packet-soft: larger than packet-hard");
    return true;
}

std::optional<SaSpec> SpecParser::run() {
    // Accept a pasted `ip xfrm state add` prefix.
    static const char* kPrefix[] = {"ip", "xfrm", "state", "add"};
    if (!w_.empty() && w_[0] == "ip") {
        for (const char* k : kPrefix) {
            if (i_ >= w_.size() || w_[i_] != k) {
                fail("expected 'ip xfrm state add', got '" + (i_ < w_.size() ? w_[i_] : std::string()) + "'");
                return std::nullopt;
            }
            ++i_;
        }
    }
    if (i_ >= w_.size()) {
        fail("empty SA line");
        return std::nullopt;
    }
    while (i_ < w_.size()) {
        const std::string key = w_[i_++];
        if (!keyword(key)) return std::nullopt;
    }
    if (!finish()) return std::nullopt;
    return std::move(spec_);
}

} // namespace

bool Prefix::contains(std::uint8_t fam, const std::uint8_t* a) const {
    if (fam != family) return false;
    for (unsigned b = 0; b < len; b += 8) {
        const unsigned take = len - b >= 8 ? 8 : len - b;
        const auto mask = static_cast<std::uint8_t>(0xFF00u >> take);
        if ((a[b / 8] & mask) != addr[b / 8]) return false;
    }
    return true;
}

SaSpec::~SaSpec() { OPENSSL_cleanse(&params, sizeof params); }

bool SaSpec::selector_matches(std::uint8_t family, const std::uint8_t* src, const std::uint8_t* dst) const {
    if (sel_src && !sel_src->contains(family, src)) return false;
    if (sel_dst && !sel_dst->contains(family, dst)) return false;
    return true;
}

std::string format_address(std::uint8_t family, const std::uint8_t* addr) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(family == ESP_FAMILY_IPV6 ? AF_INET6 : AF_INET, addr, buf, sizeof buf);
    return buf;
}

bool tokenize_sa_line(std::string_view line, std::vector<std::string>& words, std::string& error) {
    words.clear();
    std::string cur;
    bool in_word = false;
    std::size_t i = 0;
    auto end_word = [&] {
        if (in_word) words.push_back(cur);
        cur.clear();
        in_word = false;
    };
    while (i < line.size()) {
        const char c = line[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            end_word();
            ++i;
        } else if (c == '#' && !in_word) {
            break;
        } else if (c == '\\') {
            if (i + 1 >= line.size()) {
                error = "trailing backslash";
                return false;
            }
            cur += line[i + 1];
            in_word = true;
            i += 2;
        } else if (c == '\'') {
            const auto close = line.find('\'', i + 1);
            if (close == std::string_view::npos) {
                error = "unterminated single quote";
                return false;
            }
            cur.append(line.substr(i + 1, close - i - 1));
            in_word = true;
            i = close + 1;
        } else if (c == '"') {
            ++i;
            bool closed = false;
            while (i < line.size()) {
                const char d = line[i];
                if (d == '"') {
                    closed = true;
                    ++i;
                    break;
                }
                if (d == '\\' && i + 1 < line.size() && std::strchr("\"\\$`", line[i + 1])) {
                    cur += line[i + 1];
                    i += 2;
                } else {
                    cur += d;
                    ++i;
                }
            }
            if (!closed) {
                error = "unterminated double quote";
                return false;
            }
            in_word = true;
        } else {
            cur += c;
            in_word = true;
            ++i;
        }
    }
    end_word();
    OPENSSL_cleanse(cur.data(), cur.size());
    return true;
}

std::optional<SaSpec> parse_sa_spec(std::span<const std::string> words, std::string& error) {
    return SpecParser(words, error).run();
}

namespace {

std::string key_text(const esp_sa_params& p, bool show_key) {
    if (!show_key) return "0x<hidden>";
    std::uint8_t buf[36];
    std::memcpy(buf, p.key, p.key_len);
    std::memcpy(buf + p.key_len, p.salt, kSaltBytes);
    std::string s = hex_octets(buf, p.key_len + kSaltBytes);
    OPENSSL_cleanse(buf, sizeof buf);
    return s;
}

std::string prefix_text(const Prefix& p) { return format_address(p.family, p.addr) + "/" + std::to_string(p.len); }

} // namespace

std::string format_sa_spec(const SaSpec& spec, bool show_key) {
    const auto& p = spec.params;
    const bool out = p.dir == ESP_DIR_OUT;
    std::ostringstream o;
    o << "src " << format_address(p.family, p.src) << " dst " << format_address(p.family, p.dst) << "\n";
    o << "\tproto esp spi " << hex32(p.spi) << " reqid " << spec.reqid << " mode "
      << (p.mode == ESP_MODE_TUNNEL ? "tunnel" : "transport") << " dir " << (out ? "out" : "in") << "\n";
    o << "\treplay-window " << p.replay_window;
    if (p.flags & ESP_SA_F_ESN) o << " flag esn";
    o << "\n";
    o << "\t" << (out ? "oseq " : "seq ") << "0x" << std::hex << p.seq << std::dec << "\n";
    o << "\taead " << kAeadName << " " << key_text(p, show_key) << " " << kIcvBits << "\n";
    if (p.flags & ESP_SA_F_UDP_ENCAP)
        o << "\tencap type espinudp sport " << p.encap_sport << " dport " << p.encap_dport << " addr 0.0.0.0\n";
    if (p.byte_soft || p.byte_hard || p.packet_soft || p.packet_hard) {
        auto lim = [](std::uint64_t v) { return v ? std::to_string(v) : std::string("(INF)"); };
        o << "\tlifetime config:\n";
        o << "\t  limit: soft " << lim(p.byte_soft) << "(bytes), hard " << lim(p.byte_hard) << "(bytes)\n";
        o << "\t  limit: soft " << lim(p.packet_soft) << "(packets), hard " << lim(p.packet_hard) << "(packets)\n";
    }
    if (spec.sel_src || spec.sel_dst) {
        o << "\tsel";
        if (spec.sel_src) o << " src " << prefix_text(*spec.sel_src);
        if (spec.sel_dst) o << " dst " << prefix_text(*spec.sel_dst);
        o << "\n";
    }
    return o.str();
}

std::string sa_spec_to_line(const SaSpec& spec) {
    const auto& p = spec.params;
    const bool out = p.dir == ESP_DIR_OUT;
    const bool esn = p.flags & ESP_SA_F_ESN;
    std::ostringstream o;
    o << "src " << format_address(p.family, p.src) << " dst " << format_address(p.family, p.dst) << " proto esp spi "
      << hex32(p.spi) << " dir " << (out ? "out" : "in") << " mode "
      << (p.mode == ESP_MODE_TUNNEL ? "tunnel" : "transport") << " aead '" << kAeadName << "' " << key_text(p, true)
      << " " << kIcvBits << " replay-window " << p.replay_window;
    if (spec.reqid) o << " reqid " << spec.reqid;
    if (esn) o << " flag esn";
    const char* seq_word = out ? "replay-oseq" : "replay-seq";
    o << " " << seq_word << " " << (p.seq & 0xFFFFFFFFull);
    if (esn) o << " " << seq_word << "-hi " << (p.seq >> 32);
    if (p.flags & ESP_SA_F_UDP_ENCAP) o << " encap espinudp " << p.encap_sport << " " << p.encap_dport << " 0.0.0.0";
    if (spec.sel_src || spec.sel_dst) {
        o << " sel";
        if (spec.sel_src) o << " src " << prefix_text(*spec.sel_src);
        if (spec.sel_dst) o << " dst " << prefix_text(*spec.sel_dst);
    }
    const std::pair<const char*, std::uint64_t> limits[] = {{"byte-soft", p.byte_soft},
                                                            {"byte-hard", p.byte_hard},
                                                            {"packet-soft", p.packet_soft},
                                                            {"packet-hard", p.packet_hard}};
    for (const auto& [name, v] : limits)
        if (v) o << " limit " << name << " " << v;
    return o.str();
}

} // namespace esphost
