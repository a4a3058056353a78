// Independent ESP codec for the tests (see esp_reference.h).
#include "esp_reference.h"

#include <openssl/evp.h>

#include <memory>

namespace esp_test {
namespace {

using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const EVP_CIPHER* gcm_cipher(const Bytes& key) {
    if (key.size() == 16) return EVP_aes_128_gcm();
    if (key.size() == 32) return EVP_aes_256_gcm();
    throw std::invalid_argument("AES-GCM key must be 16 or 32 bytes");
}

void check(int rc, const char* what) {
    if (rc != 1) throw std::runtime_error(std::string("OpenSSL: ") + what);
}

Bytes be_bytes(std::uint64_t v, unsigned n) {
    Bytes b(n);
    for (unsigned i = 0; i < n; ++i) b[i] = std::uint8_t(v >> (8 * (n - 1 - i)));
    return b;
}

Bytes aad_of(const SaConfig& sa, std::uint64_t seq) {
    Bytes aad = be_bytes(sa.spi, 4);
    const Bytes s = sa.esn ? be_bytes(seq, 8) : be_bytes(seq & 0xFFFFFFFFu, 4);
    aad.insert(aad.end(), s.begin(), s.end());
    return aad;
}

Bytes nonce_of(const SaConfig& sa, const Bytes& iv) {
    Bytes n(sa.salt.begin(), sa.salt.end());
    n.insert(n.end(), iv.begin(), iv.end());
    return n;
}

unsigned ip_header_len(const Bytes& p) { return (p[0] >> 4) == 4 ? (p[0] & 15u) * 4 : 40u; }

// Sets the protocol / next header and length fields of an IP header at the front of p
// and recomputes the IPv4 checksum.
void fix_ip_header(Bytes& p, std::uint8_t proto) {
    if ((p[0] >> 4) == 4) {
        const unsigned hl = ip_header_len(p);
        p[9] = proto;
        put_be16(p, 2, unsigned(p.size()));
        put_be16(p, 10, 0);
        put_be16(p, 10, inet_checksum(p.data(), hl));
    } else {
        p[6] = proto;
        put_be16(p, 4, unsigned(p.size() - 40));
    }
}

unsigned udp6_checksum(const Bytes& p, unsigned udp_off) {
    const unsigned udp_len = unsigned(p.size()) - udp_off;
    std::uint32_t acc = 0;
    for (unsigned i = 8; i < 40; i += 2) acc += be16(&p[i]);
    acc += udp_len + 17;
    // Sum the UDP part with its checksum field zeroed.
    Bytes u(p.begin() + udp_off, p.end());
    u[6] = u[7] = 0;
    const unsigned c = inet_checksum(u.data(), u.size(), acc);
    return c == 0 ? 0xFFFF : c;
}

} // namespace

Bytes evp_gcm_seal(const Bytes& key, const Bytes& nonce, const Bytes& aad, const Bytes& pt) {
    CtxPtr ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    check(EVP_EncryptInit_ex(ctx.get(), gcm_cipher(key), nullptr, nullptr, nullptr), "init");
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int(nonce.size()), nullptr), "ivlen");
    check(EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce.data()), "key");
    int n = 0;
    if (!aad.empty()) check(EVP_EncryptUpdate(ctx.get(), nullptr, &n, aad.data(), int(aad.size())), "aad");
    Bytes out(pt.size() + 16);
    if (!pt.empty()) check(EVP_EncryptUpdate(ctx.get(), out.data(), &n, pt.data(), int(pt.size())), "update");
    check(EVP_EncryptFinal_ex(ctx.get(), out.data() + pt.size(), &n), "final");
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + pt.size()), "tag");
    return out;
}

std::optional<Bytes> evp_gcm_open(const Bytes& key, const Bytes& nonce, const Bytes& aad, const Bytes& ct_and_tag) {
    if (ct_and_tag.size() < 16) return std::nullopt;
    const std::size_t ct_len = ct_and_tag.size() - 16;
    CtxPtr ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    check(EVP_DecryptInit_ex(ctx.get(), gcm_cipher(key), nullptr, nullptr, nullptr), "init");
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int(nonce.size()), nullptr), "ivlen");
    check(EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce.data()), "key");
    int n = 0;
    if (!aad.empty()) check(EVP_DecryptUpdate(ctx.get(), nullptr, &n, aad.data(), int(aad.size())), "aad");
    Bytes out(ct_len);
    if (ct_len) check(EVP_DecryptUpdate(ctx.get(), out.data(), &n, ct_and_tag.data(), int(ct_len)), "update");
    Bytes tag(ct_and_tag.end() - 16, ct_and_tag.end());
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()), "set tag");
    std::uint8_t dummy[16];
    if (EVP_DecryptFinal_ex(ctx.get(), dummy, &n) != 1) return std::nullopt;
    return out;
}

Bytes ref_esp(const SaConfig& sa, std::uint64_t seq, const Bytes& payload, std::uint8_t next_header,
              const RefEncryptOptions& o) {
    const unsigned min_pad = (4 - (payload.size() + 2) % 4) % 4;
    const unsigned pad = min_pad + o.extra_pad;
    Bytes pt = payload;
    for (unsigned i = 1; i <= pad; ++i) pt.push_back(std::uint8_t(i));
    if (o.corrupt_pad_byte >= 0) pt[payload.size() + unsigned(o.corrupt_pad_byte)] ^= 0x80;
    pt.push_back(std::uint8_t(o.pad_length.value_or(pad)));
    pt.push_back(o.next_header.value_or(next_header));
    const Bytes iv = o.iv.value_or(be_bytes(seq, 8));
    const Bytes sealed = evp_gcm_seal(sa.key, nonce_of(sa, iv), aad_of(sa, seq), pt);
    Bytes esp = be_bytes(sa.spi, 4);
    const Bytes lo = be_bytes(seq & 0xFFFFFFFFu, 4);
    esp.insert(esp.end(), lo.begin(), lo.end());
    esp.insert(esp.end(), iv.begin(), iv.end());
    esp.insert(esp.end(), sealed.begin(), sealed.end());
    return esp;
}

Bytes ref_encrypt(const SaConfig& sa, std::uint64_t seq, const Bytes& inner, const RefEncryptOptions& o) {
    const bool inner4 = (inner[0] >> 4) == 4;
    Bytes head; // IP header (+ UDP) in front of ESP
    Bytes payload;
    std::uint8_t nh;
    if (sa.transport) {
        const unsigned hl = ip_header_len(inner);
        head.assign(inner.begin(), inner.begin() + hl);
        payload.assign(inner.begin() + hl, inner.end());
        nh = inner4 ? inner[9] : inner[6];
    } else {
        payload = inner;
        payload.insert(payload.end(), o.tfc.begin(), o.tfc.end());
        nh = inner4 ? 4 : 41;
        if (sa.ipv6) {
            head = ipv6_packet(sa.src, sa.dst, 50, {});
            head[0] = 0x60;
            head[1] = head[2] = head[3] = 0;
            head[7] = 64;
        } else {
            head = ipv4_packet(sa.src, sa.dst, 50, {}, o.ip_id);
        }
    }
    const Bytes esp = ref_esp(sa, seq, payload, nh, o);
    const unsigned udp_off = unsigned(head.size());
    Bytes p = head;
    if (sa.udp) {
        p.resize(p.size() + 8, 0);
        put_be16(p, udp_off, o.udp_sport);
        put_be16(p, udp_off + 2, o.udp_dport);
        put_be16(p, udp_off + 4, unsigned(8 + esp.size()));
    }
    p.insert(p.end(), esp.begin(), esp.end());
    fix_ip_header(p, sa.udp ? 17 : 50);
    if (sa.udp && sa.ipv6) put_be16(p, udp_off + 6, udp6_checksum(p, udp_off));
    return p;
}

RefDecoded ref_decode(const SaConfig& sa, std::uint64_t seq, const Bytes& pkt) {
    RefDecoded r;
    auto fail = [&](const std::string& why) {
        r.error = why;
        return r;
    };
    if (pkt.size() < 40) return fail("short");
    const unsigned version = pkt[0] >> 4;
    if (version != (sa.ipv6 ? 6u : 4u)) return fail("outer version");
    const std::uint8_t want_proto = sa.udp ? 17 : 50;
    unsigned hl = 0;
    if (version == 4) {
        hl = ip_header_len(pkt);
        if (be16(&pkt[2]) != pkt.size()) return fail("ipv4 total length");
        if (inet_checksum(pkt.data(), hl) != 0) return fail("ipv4 checksum");
        if (pkt[9] != want_proto) return fail("ipv4 protocol");
        if (!sa.transport) {
            if (pkt[0] != 0x45 || pkt[1] != 0) return fail("outer ipv4 version/ihl/tos");
            if (be16(&pkt[4]) != (seq & 0xFFFF)) return fail("outer ipv4 id != seq low 16 bits");
            if (be16(&pkt[6]) != 0) return fail("outer ipv4 flags/fragment");
            if (pkt[8] != ESP_OUTER_TTL) return fail("outer ttl");
            if (!std::equal(sa.src.begin(), sa.src.begin() + 4, pkt.begin() + 12) ||
                !std::equal(sa.dst.begin(), sa.dst.begin() + 4, pkt.begin() + 16))
                return fail("outer ipv4 addresses");
        }
    } else {
        hl = 40;
        if (be16(&pkt[4]) + 40u != pkt.size()) return fail("ipv6 payload length");
        if (pkt[6] != want_proto) return fail("ipv6 next header");
        if (!sa.transport) {
            if (be32(&pkt[0]) != 0x60000000u) return fail("outer ipv6 tc/flow");
            if (pkt[7] != ESP_OUTER_TTL) return fail("outer hop limit");
            if (!std::equal(sa.src.begin(), sa.src.end(), pkt.begin() + 8) ||
                !std::equal(sa.dst.begin(), sa.dst.end(), pkt.begin() + 24))
                return fail("outer ipv6 addresses");
        }
    }
    unsigned esp_off = hl;
    if (sa.udp) {
        if (be16(&pkt[hl]) != sa.sport || be16(&pkt[hl + 2]) != sa.dport) return fail("udp ports");
        if (be16(&pkt[hl + 4]) != pkt.size() - hl) return fail("udp length");
        const unsigned want = version == 4 ? 0 : udp6_checksum(pkt, hl);
        if (be16(&pkt[hl + 6]) != want) return fail("udp checksum");
        esp_off += 8;
    }
    if (pkt.size() < esp_off + 16 + 2 + 16) return fail("esp too short");
    if (be32(&pkt[esp_off]) != sa.spi) return fail("spi");
    if (be32(&pkt[esp_off + 4]) != std::uint32_t(seq)) return fail("seq_lo");
    const Bytes iv(pkt.begin() + esp_off + 8, pkt.begin() + esp_off + 16);
    if (iv != be_bytes(seq, 8)) return fail("iv != seq");
    const Bytes ct(pkt.begin() + esp_off + 16, pkt.end());
    const auto pt = evp_gcm_open(sa.key, nonce_of(sa, iv), aad_of(sa, seq), ct);
    if (!pt) return fail("icv");
    const unsigned pad = (*pt)[pt->size() - 2];
    const std::uint8_t nh = pt->back();
    if (pad + 2 > pt->size()) return fail("pad length");
    const std::size_t plen = pt->size() - 2 - pad;
    for (unsigned i = 0; i < pad; ++i)
        if ((*pt)[plen + i] != i + 1) return fail("pad bytes");
    if (pad != (4 - (plen + 2) % 4) % 4) return fail("pad not minimal");
    if (pt->size() % 4 != 0) return fail("ciphertext not 4-aligned");
    const Bytes payload(pt->begin(), pt->begin() + long(plen));
    if (sa.transport) {
        r.inner.assign(pkt.begin(), pkt.begin() + hl);
        r.inner.insert(r.inner.end(), payload.begin(), payload.end());
        fix_ip_header(r.inner, nh);
    } else {
        if (payload.empty() || (nh != 4 && nh != 41) || (payload[0] >> 4) != (nh == 4 ? 4u : 6u))
            return fail("tunnel next header");
        r.inner = payload;
    }
    r.ok = true;
    return r;
}

} // namespace esp_test
