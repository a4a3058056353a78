// esp_out_header: builds esp_encap's outbound header plan (IP part, UDP, SPI, seq, IV) in a
// fixed-latency pipeline, so that the byte mux and the IPv4 header checksum are not one
// combinational path (docs/rtl-crypto.md "ESP encapsulation").
//
// Header layout (the model's ip_rewrite_header / outer header, docs/engine.md "Outbound"):
// tunnel IPv4 (ID = seq[15:0], TTL OUTER_TTL, DF clear) or IPv6 outer header; transport:
// the kept inner header with protocol/next header 50 (17 with UDP) and length rewritten;
// then UDP (checksum 0; over IPv6 esp_encap's ring patches it), SPI, seq, IV = seq.
//
// Stages (every input is a register of esp_encap, held in the cycle of in_valid):
//   S1  header bytes with the checksum field 0 (out_*), and the IPv4 header words
//   S2  the words' one's-complement sum reduced to two 16-bit rows: five levels of 6:3
//       column compressors, carries out of bit 15 wrapping to bit 0 (mod 2^16 - 1)
//   S3  the two rows added byte by byte
//   S4  the bytes' carries added in (end-around): the sum, inverted = csum_* out
// Every stage is at most a few LUT levels (no carry chain longer than 8 bits); the plan
// (S1) goes ahead of its checksum (S4), which the caller puts in bytes 10..11 of an IPv4
// header (csum_en). No back-pressure: the caller keeps room for the plans in flight.
module esp_out_header #(
    parameter int HDR_BYTES = 84  // kept IPv4 header with options (60) + UDP (8) + ESP/IV (16)
) (
    input  logic                   clk,
    input  logic                   rst_n,
    input  logic                   in_valid,
    input  logic                   in_drop,       // a drop: only sa travels
    input  logic [15:0]            in_sa,
    input  logic [15:0]            in_total,      // output packet bytes
    input  logic [15:0]            in_esp_len,    // bytes after the IP part (IPv6/UDP lengths)
    input  logic                   in_transport,
    input  logic                   in_outer6,
    input  logic                   in_udp,
    input  logic                   in_v4,         // inner packet is IPv4
    input  logic [6:0]             in_ip_len,     // bytes before UDP/ESP
    input  logic [511:0]           in_inner,      // first four inner beats, byte i in [8i+7:8i]
    input  logic [31:0]            in_spi,
    input  logic [63:0]            in_seq,
    input  logic [127:0]           in_src,        // first octet in [127:120]; IPv4 in [127:96]
    input  logic [127:0]           in_dst,
    input  logic [15:0]            in_sport,
    input  logic [15:0]            in_dport,
    output logic                   out_valid,     // S1: the plan, checksum field 0
    output logic                   out_drop,
    output logic                   out_udp6,      // UDP over IPv6: the ring patches the checksum
    output logic [8*HDR_BYTES-1:0] out_hdr,       // byte i in [8i+7:8i]
    output logic [6:0]             out_hdr_len,
    output logic [15:0]            out_total,
    output logic [15:0]            out_sa,
    output logic                   csum_valid,    // S4: that plan's IPv4 header checksum
    output logic                   csum_en,       // an IPv4 header (outer, or kept) takes it
    output logic [15:0]            csum
);
  localparam int OUTER_TTL = esp_contract_pkg::OUTER_TTL;
  localparam int WORDS = 30;   // 60-byte IPv4 header

  // Fields that travel unchanged from S1 to the output.
  typedef struct packed {
    logic drop;
    logic udp6;
    logic csum_en;   // an IPv4 header (outer, or kept in transport) gets its checksum
    logic [6:0] hdr_len;
    logic [15:0] total;
    logic [15:0] sa;
  } meta_t;

  // ------------------------------------------------------------ S1: bytes and words
  logic [8*HDR_BYTES-1:0] hdr_c;
  logic [15:0] words_c[WORDS];
  meta_t meta_c;

  always_comb begin
    logic [7:0] hb[HDR_BYTES];
    logic [7:0] tail[24];
    int toff;
    for (int i = 0; i < HDR_BYTES; i++) hb[i] = 8'd0;
    if (in_transport) begin
      // The kept header, with the model's rewrite (ip_rewrite_header).
      for (int i = 0; i < 60; i++)
        if (7'(i) < in_ip_len) hb[i] = in_inner[8*i +: 8];
      if (in_v4) begin
        {hb[2], hb[3]} = in_total;
        hb[9] = in_udp ? 8'd17 : 8'd50;
        {hb[10], hb[11]} = 16'd0;
      end else begin
        {hb[4], hb[5]} = in_esp_len;
        hb[6] = in_udp ? 8'd17 : 8'd50;
      end
    end else if (!in_outer6) begin
      hb[0] = 8'h45;
      {hb[2], hb[3]} = in_total;
      {hb[4], hb[5]} = in_seq[15:0];
      hb[8] = 8'(OUTER_TTL);
      hb[9] = in_udp ? 8'd17 : 8'd50;
      {hb[12], hb[13], hb[14], hb[15]} = in_src[127:96];
      {hb[16], hb[17], hb[18], hb[19]} = in_dst[127:96];
    end else begin
      hb[0] = 8'h60;
      {hb[4], hb[5]} = in_esp_len;
      hb[6] = in_udp ? 8'd17 : 8'd50;
      hb[7] = 8'(OUTER_TTL);
      for (int i = 0; i < 16; i++) begin
        hb[8+i] = in_src[127-8*i -: 8];
        hb[24+i] = in_dst[127-8*i -: 8];
      end
    end
    // The IPv4 header words (zero past the header; the checksum field is 0 here).
    for (int w = 0; w < WORDS; w++)
      words_c[w] = (7'(2 * w) < in_ip_len) ? {hb[2*w], hb[2*w+1]} : 16'd0;
    // UDP (checksum 0), then SPI, seq, IV, behind the IP part.
    for (int i = 0; i < 24; i++) tail[i] = 8'd0;
    toff = in_udp ? 8 : 0;
    if (in_udp) begin
      {tail[0], tail[1]} = in_sport;
      {tail[2], tail[3]} = in_dport;
      {tail[4], tail[5]} = in_esp_len;
    end
    for (int i = 0; i < 4; i++) begin
      tail[toff+i] = in_spi[31-8*i -: 8];
      tail[toff+4+i] = in_seq[31-8*i -: 8];
      tail[toff+8+i] = in_seq[63-8*i -: 8];
      tail[toff+12+i] = in_seq[31-8*i -: 8];
    end
    for (int i = 0; i < 24; i++) hb[32'(in_ip_len) + i] = tail[i];
    for (int i = 0; i < HDR_BYTES; i++) hdr_c[8*i +: 8] = hb[i];
    meta_c.drop = in_drop;
    meta_c.udp6 = in_udp && in_outer6;
    meta_c.csum_en = in_transport ? in_v4 : !in_outer6;
    meta_c.hdr_len = in_ip_len + (in_udp ? 7'd24 : 7'd16);
    meta_c.total = in_total;
    meta_c.sa = in_sa;
  end

  // 6:3 column compressor over six 16-bit rows: per column the count of ones, its bits
  // into three rows at weights c, c+1, c+2, wrapping past bit 15 (2^16 = 1 mod 2^16 - 1).
  // Each output bit is a function of six inputs: one LUT level.
  function automatic logic [47:0] csa63(input logic [95:0] x);
    logic [2:0] n;
    csa63 = '0;
    for (int c = 0; c < 16; c++) begin
      n = 3'(x[c]) + 3'(x[16+c]) + 3'(x[32+c]) + 3'(x[48+c]) + 3'(x[64+c]) + 3'(x[80+c]);
      csa63[c] = n[0];
      csa63[16 + (c + 1) % 16] = n[1];
      csa63[32 + (c + 2) % 16] = n[2];
    end
  endfunction

  logic v1_q, v2_q, v3_q, v4_q;
  meta_t m1_q;
  logic [8*HDR_BYTES-1:0] h1_q;
  logic [16*WORDS-1:0] w1_q;
  logic e2_q, e3_q, e4_q;      // csum_en
  logic [31:0] r2_q;           // two rows
  logic [8:0] lo3_q, hi3_q;    // their byte sums
  logic [15:0] sum4_q;

  // S2: 30 rows -> 15 -> 9 (one all-zero) -> 6 -> 3 -> 2.
  logic [239:0] rows1;
  logic [143:0] rows2;
  logic [95:0] rows3;
  logic [47:0] rows4, rows5;
  always_comb begin
    for (int g = 0; g < 5; g++) rows1[48*g +: 48] = csa63(w1_q[96*g +: 96]);
    rows2 = {csa63({48'd0, rows1[192 +: 48]}), csa63(rows1[96 +: 96]), csa63(rows1[0 +: 96])};
    rows3 = {csa63({48'd0, rows2[96 +: 48]}), csa63(rows2[0 +: 96])};
    rows4 = csa63(rows3);
    rows5 = csa63({48'd0, rows4});  // three rows in: the third output row is zero
  end
  logic unused_row;
  assign unused_row = ^rows5[47:32];

  // S4: lo3 + hi3 * 2^8 with hi3's carry (2^16) wrapped to bit 0, once more wrapped.
  logic [16:0] comb_c;
  assign comb_c = {1'b0, hi3_q[7:0], lo3_q[7:0]} + {8'd0, lo3_q[8], 7'd0, hi3_q[8]};

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      v1_q <= 1'b0;
      v2_q <= 1'b0;
      v3_q <= 1'b0;
      v4_q <= 1'b0;
    end else begin
      v1_q <= in_valid;
      v2_q <= v1_q;
      v3_q <= v2_q;
      v4_q <= v3_q;
    end
  end

  always_ff @(posedge clk) begin
    m1_q <= meta_c;
    h1_q <= hdr_c;
    for (int w = 0; w < WORDS; w++) w1_q[16*w +: 16] <= words_c[w];
    e2_q <= m1_q.csum_en;
    r2_q <= rows5[31:0];
    e3_q <= e2_q;
    lo3_q <= {1'b0, r2_q[7:0]} + {1'b0, r2_q[23:16]};
    hi3_q <= {1'b0, r2_q[15:8]} + {1'b0, r2_q[31:24]};
    e4_q <= e3_q;
    sum4_q <= comb_c[15:0] + {15'd0, comb_c[16]};
  end

  assign out_valid = v1_q;
  assign out_drop = m1_q.drop;
  assign out_udp6 = m1_q.udp6;
  assign out_hdr = h1_q;
  assign out_hdr_len = m1_q.hdr_len;
  assign out_total = m1_q.total;
  assign out_sa = m1_q.sa;
  assign csum_valid = v4_q;
  assign csum_en = e4_q;
  assign csum = ~sum4_q;
endmodule
