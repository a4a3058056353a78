// ESP framing: header, trailer, AAD, nonce and the GCM pass over the packet buffer.
#include "esp/esp_framing.h"

#include "esp/esp_bytes.h"

namespace esphls {
namespace {

// Up to 16 bytes of buf at off into a block (byte 0 at [127:120]); missing bytes zero.
block_t load_block(const std::uint8_t* buf, unsigned off, unsigned n) {
#pragma HLS INLINE
    std::uint8_t b[16];
    for (unsigned i = 0; i < 16; ++i) {
#pragma HLS UNROLL
        b[i] = i < n ? buf[off + i] : 0;
    }
    std::uint64_t hi = 0, lo = 0;
    for (unsigned i = 0; i < 8; ++i) {
#pragma HLS UNROLL
        hi = (hi << 8) | b[i];
        lo = (lo << 8) | b[8 + i];
    }
    block_t blk = 0;
    blk.range(127, 64) = ap_uint<64>(hi);
    blk.range(63, 0) = ap_uint<64>(lo);
    return blk;
}

void store_block(std::uint8_t* buf, unsigned off, unsigned n, const block_t& blk) {
#pragma HLS INLINE
    const std::uint64_t hi = blk.range(127, 64).to_uint64();
    const std::uint64_t lo = blk.range(63, 0).to_uint64();
    for (unsigned i = 0; i < 16; ++i) {
#pragma HLS UNROLL
        const std::uint64_t word = i < 8 ? hi : lo;
        if (i < n) buf[off + i] = std::uint8_t(word >> (8 * (7 - (i & 7))));
    }
}

} // namespace

ap_uint<96> esp_nonce(const ap_uint<32>& salt, const ap_uint<64>& iv) {
    ap_uint<96> n = 0;
    n.range(95, 64) = salt;
    n.range(63, 0) = iv;
    return n;
}

unsigned esp_aad(const ap_uint<32>& spi, const ap_uint<64>& seq, bool esn, block_t& aad) {
    aad = 0;
    aad.range(127, 96) = spi;
    if (esn) {
        aad.range(95, 32) = seq; // seq_hi || seq_lo
        return 12;
    }
    aad.range(95, 64) = ap_uint<32>(seq.range(31, 0));
    return 8;
}

block_t esp_gcm_in_place(const SaKeys& key, const ap_uint<96>& nonce, const block_t& aad, unsigned aad_len,
                         std::uint8_t* buf, unsigned off, unsigned len, bool encrypt) {
    GcmState gs;
    gcm_start(gs, key.ks, key.h, nonce);
    gcm_aad_block(gs, aad);
    for (unsigned done = 0; done < len; done += 16) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 582
        const unsigned n = len - done < 16 ? len - done : 16;
        const block_t out = gcm_crypt_block(gs, key.ks, load_block(buf, off + done, n), n, encrypt);
        store_block(buf, off + done, n, out);
    }
    return gcm_finish(gs, aad_len, len);
}

unsigned esp_seal(std::uint8_t* buf, unsigned off, unsigned payload_len, unsigned next_header, const ap_uint<32>& spi,
                  const ap_uint<64>& seq, bool esn, const ap_uint<64>& iv, const SaKeys& key, const ap_uint<32>& salt) {
    const unsigned text_off = off + kEspHeaderBytes + kEspIvBytes;
    const unsigned pad = esp_pad_length(payload_len);
    unsigned p = text_off + payload_len;
    for (unsigned i = 1; i <= pad; ++i) buf[p++] = std::uint8_t(i);
    buf[p++] = std::uint8_t(pad);
    buf[p++] = std::uint8_t(next_header);
    const unsigned text_len = payload_len + pad + kEspTrailerBytes;

    put32(buf, off, spi.to_uint());
    put32(buf, off + 4, ap_uint<32>(seq.range(31, 0)).to_uint());
    put32(buf, off + 8, ap_uint<32>(iv.range(63, 32)).to_uint());
    put32(buf, off + 12, ap_uint<32>(iv.range(31, 0)).to_uint());

    block_t aad;
    const unsigned aad_len = esp_aad(spi, seq, esn, aad);
    const block_t tag = esp_gcm_in_place(key, esp_nonce(salt, iv), aad, aad_len, buf, text_off, text_len, true);
    store_block(buf, text_off + text_len, ESP_ICV_BYTES, tag);
    return kEspHeaderBytes + kEspIvBytes + text_len + ESP_ICV_BYTES;
}

unsigned esp_open(std::uint8_t* buf, unsigned off, unsigned esp_len, const ap_uint<64>& seq, bool esn,
                  const SaKeys& key, const ap_uint<32>& salt, unsigned& payload_len, unsigned& next_header) {
    payload_len = 0;
    next_header = 0;
    if (esp_len < kEspMinBytes) return ESP_DROP_MALFORMED;
    const unsigned text_off = off + kEspHeaderBytes + kEspIvBytes;
    const unsigned text_len = esp_len - kEspHeaderBytes - kEspIvBytes - ESP_ICV_BYTES;

    ap_uint<64> iv = 0;
    iv.range(63, 32) = ap_uint<32>(get32(buf, off + 8));
    iv.range(31, 0) = ap_uint<32>(get32(buf, off + 12));
    block_t aad;
    const unsigned aad_len = esp_aad(ap_uint<32>(get32(buf, off)), seq, esn, aad);
    const block_t received = load_block(buf, text_off + text_len, ESP_ICV_BYTES);
    const block_t tag = esp_gcm_in_place(key, esp_nonce(salt, iv), aad, aad_len, buf, text_off, text_len, false);
    if (!gcm_tag_equal(tag, received)) return ESP_DROP_AUTH_FAIL;

    const unsigned pad = buf[text_off + text_len - 2];
    if (pad + kEspTrailerBytes > text_len) return ESP_DROP_BAD_PADDING;
    const unsigned plen = text_len - kEspTrailerBytes - pad;
    bool pad_ok = true;
    for (unsigned i = 0; i < pad; ++i) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 0 max = 255
        if (buf[text_off + plen + i] != std::uint8_t(i + 1)) pad_ok = false;
    }
    if (!pad_ok) return ESP_DROP_BAD_PADDING;
    payload_len = plen;
    next_header = buf[text_off + text_len - 1];
    return ESP_DROP_OK;
}

} // namespace esphls
