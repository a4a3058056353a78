// esp_encap: outbound ESP (RFC 4303, AES-GCM per RFC 4106) in tunnel mode, streaming at
// one beat per cycle: inner IPv4/IPv6 packet in, outer IPv4 (optionally in UDP, RFC 3948)
// or IPv6 + ESP header + IV + ciphertext (inner packet, pad 1,2,3..., pad length, next
// header) + ICV out. Framing follows the HLS model (hls/esp/esp_outbound.cpp,
// esp_framing.cpp): IV = the 64-bit sequence number, nonce = salt || IV, AAD = SPI || seq
// (|| seq_hi with ESN), outer IPv4 ID = seq[15:0], TTL/hop limit OUTER_TTL, DF clear,
// UDP checksum 0 over IPv4.
//
// Not handled here (dropped MALFORMED, see docs/rtl-crypto.md): transport mode (needs an
// input realigner for the kept header) and UDP over IPv6 (its checksum covers the
// ciphertext, which follows it on the wire: needs a packet buffer).
//
// Per-packet inputs (valid with the first beat) are the outbound SA after the control
// block's lookup: it has already checked the handle, limits and sequence exhaustion,
// assigned s_seq, and verified that the beats carry exactly s_len bytes.
//
// Input side: per packet, one AAD beat into gcm_core (the input waits a cycle), then the
// inner beats as GCM text with the ESP trailer merged into the last beat (or one extra
// beat), while the header plan goes into a small FIFO. Output side: header bytes from the
// plan, then gcm_core's ciphertext and tag, through stream_pack (headers are 36/44/56
// bytes, not beat multiples). A packet costs beats + 2 cycles (AAD beat, LEN slot) and
// + 1 more when the trailer spills into an extra beat.
module esp_encap (
    input  logic         clk,
    input  logic         rst_n,
    // inner packet, AXI lanes (byte i of a beat in s_data[8i+7:8i])
    input  logic         s_valid,
    output logic         s_ready,
    input  logic [127:0] s_data,
    input  logic         s_last,
    // per packet, with the first beat
    input  logic [15:0]  s_len,
    input  logic [15:0]  s_sa,
    input  logic         s_transport,
    input  logic         s_outer_ipv6,
    input  logic         s_udp,
    input  logic         s_esn,
    input  logic         s_key256,
    input  logic [31:0]  s_spi,
    input  logic [31:0]  s_salt,
    input  logic [255:0] s_key,
    input  logic [127:0] s_src,     // SRC_ADDR0..3, first octet in [127:120]; IPv4 in [127:96]
    input  logic [127:0] s_dst,
    input  logic [15:0]  s_sport,
    input  logic [15:0]  s_dport,
    input  logic [63:0]  s_seq,     // this packet's sequence number
    // ESP packet out
    output logic         m_valid,
    input  logic         m_ready,
    output logic [127:0] m_data,
    output logic [15:0]  m_keep,
    output logic         m_last,
    output logic [esp_contract_pkg::TUSER_OUT_WIDTH-1:0] m_user
);
  // Package items by name (yosys 0.23 has no import in a module header).
  localparam int TUSER_OUT_WIDTH = esp_contract_pkg::TUSER_OUT_WIDTH;
  localparam int MAX_PACKET_BYTES = esp_contract_pkg::MAX_PACKET_BYTES;
  localparam int OUTER_TTL = esp_contract_pkg::OUTER_TTL;
  localparam logic [3:0] DROP_OK = esp_contract_pkg::DROP_OK;
  localparam logic [3:0] DROP_MALFORMED = esp_contract_pkg::DROP_MALFORMED;

  // Block convention (byte 0 in [127:120]) <-> AXI lanes: a byte reversal, pure wiring.
  function automatic logic [127:0] reverse_bytes(input logic [127:0] x);
    for (int i = 0; i < 16; i++) reverse_bytes[8*i +: 8] = x[127-8*i -: 8];
  endfunction

  // ------------------------------------------------------------ plan (first beat)
  logic [7:0] b0;
  logic [15:0] inner_totlen4, inner_paylen6;
  logic inner_ok, supported;
  logic [1:0] pad;
  logic [7:0] next_header;
  logic [15:0] text_len, outer_len, total;
  logic [511:0] hdr;
  logic [6:0] hdr_len;

  assign b0 = s_data[7:0];
  assign inner_totlen4 = {s_data[23:16], s_data[31:24]};
  assign inner_paylen6 = {s_data[39:32], s_data[47:40]};

  always_comb begin
    inner_ok = 1'b0;
    if (b0[7:4] == 4'd4)
      inner_ok = s_len >= 16'd20 && b0[3:0] >= 4'd5 && {10'd0, b0[3:0], 2'b00} <= s_len &&
                 inner_totlen4 == s_len;
    else if (b0[7:4] == 4'd6)
      inner_ok = s_len >= 16'd40 && inner_paylen6 + 16'd40 == s_len;
    inner_ok = inner_ok && s_len <= 16'(MAX_PACKET_BYTES);
  end
  assign supported = !s_transport && !(s_outer_ipv6 && s_udp);
  // RFC 4303 2.4: pad so that payload + pad + 2 is a multiple of 4.
  assign pad = 2'(3'd4 - 3'(s_len[1:0] + 2'd2));
  assign next_header = (b0[7:4] == 4'd4) ? 8'd4 : 8'd41;
  assign text_len = s_len + 16'(pad) + 16'd2;
  assign outer_len = (s_outer_ipv6 ? 16'd40 : 16'd20) + (s_udp ? 16'd8 : 16'd0);
  assign total = outer_len + 16'd32 + text_len;
  assign hdr_len = 7'(outer_len + 16'd16);

  // Outer IPv4 header checksum: one's-complement sum of the ten header words.
  logic [15:0] ip4_csum;
  always_comb begin
    logic [19:0] sum;
    logic [16:0] fold;
    sum = 20'h04500 + 20'(total) + 20'(s_seq[15:0]) + {12'd0, 8'(OUTER_TTL)} * 20'd256 +
          (s_udp ? 20'd17 : 20'd50) + 20'(s_src[127:112]) + 20'(s_src[111:96]) +
          20'(s_dst[127:112]) + 20'(s_dst[111:96]);
    fold = {1'b0, sum[15:0]} + {13'd0, sum[19:16]};
    ip4_csum = ~(fold[15:0] + {15'd0, fold[16]});
  end

  // Header bytes in wire order (byte i at hdr[8i+7:8i]).
  always_comb begin
    logic [7:0] hb[64];
    int esp_off;
    for (int i = 0; i < 64; i++) hb[i] = 8'd0;
    if (!s_outer_ipv6) begin
      hb[0] = 8'h45;
      {hb[2], hb[3]} = total;
      {hb[4], hb[5]} = s_seq[15:0];
      hb[8] = 8'(OUTER_TTL);
      hb[9] = s_udp ? 8'd17 : 8'd50;
      {hb[10], hb[11]} = ip4_csum;
      {hb[12], hb[13], hb[14], hb[15]} = s_src[127:96];
      {hb[16], hb[17], hb[18], hb[19]} = s_dst[127:96];
      if (s_udp) begin
        {hb[20], hb[21]} = s_sport;
        {hb[22], hb[23]} = s_dport;
        {hb[24], hb[25]} = total - 16'd20;
      end
    end else begin
      hb[0] = 8'h60;
      {hb[4], hb[5]} = total - 16'd40;
      hb[6] = 8'd50;
      hb[7] = 8'(OUTER_TTL);
      for (int i = 0; i < 16; i++) begin
        hb[8+i] = s_src[127-8*i -: 8];
        hb[24+i] = s_dst[127-8*i -: 8];
      end
    end
    esp_off = s_outer_ipv6 ? 40 : (s_udp ? 28 : 20);
    for (int i = 0; i < 4; i++) begin
      hb[esp_off+i] = s_spi[31-8*i -: 8];
      hb[esp_off+4+i] = s_seq[31-8*i -: 8];
      hb[esp_off+8+i] = s_seq[63-8*i -: 8];
      hb[esp_off+12+i] = s_seq[31-8*i -: 8];
    end
    for (int i = 0; i < 64; i++) hdr[8*i +: 8] = hb[i];
  end

  // ------------------------------------------------------------ plan FIFO
  // {drop, hdr, hdr_len, total, sa}
  localparam int PLAN_W = 1 + 512 + 7 + 16 + 16;
  logic plan_push, plan_valid, plan_pop;
  logic [PLAN_W-1:0] plan_head;
  logic [2:0] plan_count;
  logic plan_room;
  assign plan_room = plan_count < 3'd4;

  stream_fifo #(.WIDTH(PLAN_W), .DEPTH(4)) u_plan_fifo (
      .clk, .rst_n,
      .wr_en(plan_push), .wr_data({!(inner_ok && supported), hdr, hdr_len, total, s_sa}),
      .rd_valid(plan_valid), .rd_ready(plan_pop), .rd_data(plan_head), .count(plan_count)
  );

  // ------------------------------------------------------------ input side -> gcm_core
  typedef enum logic [1:0] {IN_FIRST, IN_TEXT, IN_EXTRA, IN_DROP} in_state_t;
  in_state_t in_q;

  logic [3:0] len_lo_q;  // s_len mod 16: bytes in the last inner beat (0 = 16)
  logic [1:0] pad_q;
  logic [7:0] nh_q;
  logic [4:0] extra_k0_q;  // trailer bytes already sent in the last inner beat

  logic g_valid, g_ready, g_aad, g_last;
  logic [127:0] g_lanes;
  logic [4:0] g_nbytes;

  // Trailer byte k (0-based): pad bytes 1..pad, then pad length, then next header.
  function automatic logic [7:0] trailer_byte(input logic [4:0] k, input logic [1:0] p,
                                              input logic [7:0] nh);
    if (k < {3'd0, p}) trailer_byte = {3'd0, k} + 8'd1;
    else if (k == {3'd0, p}) trailer_byte = {6'd0, p};
    else trailer_byte = nh;
  endfunction

  logic [4:0] last_n;       // inner bytes in the last beat, 1..16
  logic [4:0] trail_total;  // pad + 2
  assign last_n = (len_lo_q == 4'd0) ? 5'd16 : {1'b0, len_lo_q};
  assign trail_total = {3'd0, pad_q} + 5'd2;

  always_comb begin
    g_valid = 1'b0;
    g_aad = 1'b0;
    g_last = 1'b0;
    g_lanes = s_data;
    g_nbytes = 5'd16;
    s_ready = 1'b0;
    plan_push = 1'b0;
    unique case (in_q)
      IN_FIRST: begin
        // The AAD beat; the first inner beat waits. Drops only queue their plan.
        g_lanes = '0;
        g_lanes[31:0] = {s_spi[7:0], s_spi[15:8], s_spi[23:16], s_spi[31:24]};
        if (s_esn) begin
          g_lanes[63:32] = {s_seq[39:32], s_seq[47:40], s_seq[55:48], s_seq[63:56]};
          g_lanes[95:64] = {s_seq[7:0], s_seq[15:8], s_seq[23:16], s_seq[31:24]};
          g_nbytes = 5'd12;
        end else begin
          g_lanes[63:32] = {s_seq[7:0], s_seq[15:8], s_seq[23:16], s_seq[31:24]};
          g_nbytes = 5'd8;
        end
        g_aad = 1'b1;
        g_valid = s_valid && plan_room && inner_ok && supported;
        plan_push = s_valid && plan_room && (!(inner_ok && supported) || g_ready);
      end
      IN_TEXT: begin
        g_valid = s_valid;
        if (s_last) begin
          for (int j = 0; j < 16; j++)
            if (5'(j) >= last_n) g_lanes[8*j +: 8] = trailer_byte(5'(j) - last_n, pad_q, nh_q);
          if (last_n + trail_total <= 5'd16) begin
            g_nbytes = last_n + trail_total;
            g_last = 1'b1;
          end
        end
        s_ready = g_ready;
      end
      IN_EXTRA: begin
        g_valid = 1'b1;
        g_lanes = '0;
        for (int j = 0; j < 5; j++)
          if (5'(j) < trail_total - extra_k0_q)
            g_lanes[8*j +: 8] = trailer_byte(extra_k0_q + 5'(j), pad_q, nh_q);
        g_nbytes = trail_total - extra_k0_q;
        g_last = 1'b1;
      end
      IN_DROP: s_ready = 1'b1;
      default: ;
    endcase
  end

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      in_q <= IN_FIRST;
    end else begin
      unique case (in_q)
        IN_FIRST:
          if (plan_push) in_q <= (inner_ok && supported) ? IN_TEXT : IN_DROP;
        IN_TEXT:
          if (s_valid && g_ready && s_last) in_q <= g_last ? IN_FIRST : IN_EXTRA;
        IN_EXTRA:
          if (g_ready) in_q <= IN_FIRST;
        IN_DROP:
          if (s_valid && s_last) in_q <= IN_FIRST;
        default: in_q <= IN_FIRST;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    if (in_q == IN_FIRST && plan_push) begin
      len_lo_q <= s_len[3:0];
      pad_q <= pad;
      nh_q <= next_header;
    end
    if (in_q == IN_TEXT) extra_k0_q <= 5'd16 - last_n;
  end

  // ------------------------------------------------------------ gcm_core
  logic c_valid, c_ready, c_tag;
  logic [127:0] c_data;
  logic [4:0] c_nbytes;
  logic c_user;

  gcm_core #(.USER_W(1)) u_gcm (
      .clk, .rst_n,
      .s_valid(g_valid), .s_ready(g_ready), .s_data(reverse_bytes(g_lanes)),
      .s_nbytes(g_nbytes), .s_aad(g_aad), .s_last(g_last),
      .s_decrypt(1'b0), .s_key, .s_key256, .s_nonce({s_salt, s_seq}), .s_user(1'b0),
      .m_valid(c_valid), .m_ready(c_ready), .m_data(c_data), .m_nbytes(c_nbytes),
      .m_tag(c_tag), .m_user(c_user)
  );

  // ------------------------------------------------------------ output side
  typedef enum logic [1:0] {OUT_IDLE, OUT_HDR, OUT_BODY, OUT_DROP} out_state_t;
  out_state_t out_q;

  logic [511:0] hdr_q;
  logic [6:0] hdr_len_q;
  logic [1:0] chunk_q;

  logic p_in_valid, p_in_ready, p_in_last, p_out_valid, p_out_ready, p_out_last, p_idle;
  logic [127:0] p_in_data, p_out_data;
  logic [4:0] p_in_nbytes;
  logic [15:0] p_out_keep;

  logic [6:0] hdr_left;
  assign hdr_left = hdr_len_q - {chunk_q, 4'd0};

  always_comb begin
    p_in_valid = 1'b0;
    p_in_data = reverse_bytes(c_data);
    p_in_nbytes = c_nbytes;
    p_in_last = c_tag;
    c_ready = 1'b0;
    unique case (out_q)
      OUT_HDR: begin
        p_in_valid = 1'b1;
        p_in_data = hdr_q[128*chunk_q +: 128];
        p_in_nbytes = (hdr_left >= 7'd16) ? 5'd16 : hdr_left[4:0];
        p_in_last = 1'b0;
      end
      OUT_BODY: begin
        p_in_valid = c_valid;
        c_ready = p_in_ready;
      end
      default: ;
    endcase
  end

  stream_pack u_pack (
      .clk, .rst_n,
      .in_valid(p_in_valid), .in_ready(p_in_ready), .in_data(p_in_data),
      .in_nbytes(p_in_nbytes), .in_last(p_in_last),
      .out_valid(p_out_valid), .out_ready(p_out_ready), .out_data(p_out_data),
      .out_keep(p_out_keep), .out_last(p_out_last), .idle(p_idle)
  );

  // Output sideband per packet, in order (a packet's tail can still be in stream_pack when
  // the next plan is taken).
  logic user_valid, user_pop;
  logic [TUSER_OUT_WIDTH-1:0] user_head, user_new;
  logic [2:0] user_count;
  logic plan_drop;
  logic [15:0] plan_total, plan_sa;
  assign plan_drop = plan_head[PLAN_W-1];
  assign plan_total = plan_head[31:16];
  assign plan_sa = plan_head[15:0];
  assign plan_pop = out_q == OUT_IDLE && plan_valid && user_count < 3'd4;
  assign user_new = {plan_drop ? DROP_MALFORMED : DROP_OK, plan_drop ? 16'd0 : plan_total, plan_sa, 1'b0};

  stream_fifo #(.WIDTH(TUSER_OUT_WIDTH), .DEPTH(4)) u_user_fifo (
      .clk, .rst_n,
      .wr_en(plan_pop), .wr_data(user_new),
      .rd_valid(user_valid), .rd_ready(user_pop), .rd_data(user_head), .count(user_count)
  );

  logic drop_beat;
  assign drop_beat = out_q == OUT_DROP && p_idle;
  assign m_valid = p_out_valid || drop_beat;
  assign m_data = drop_beat ? '0 : p_out_data;
  assign m_keep = drop_beat ? '0 : p_out_keep;
  assign m_last = drop_beat || p_out_last;
  assign m_user = user_head;
  assign p_out_ready = m_ready;
  assign user_pop = m_valid && m_ready && m_last;

  always_ff @(posedge clk) begin
    if (plan_pop) begin
      hdr_q <= plan_head[PLAN_W-2 -: 512];
      hdr_len_q <= plan_head[38:32];
    end
  end

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      out_q <= OUT_IDLE;
      chunk_q <= '0;
    end else begin
      unique case (out_q)
        OUT_IDLE:
          if (plan_pop) begin
            out_q <= plan_drop ? OUT_DROP : OUT_HDR;
            chunk_q <= '0;
          end
        OUT_HDR:
          if (p_in_ready) begin
            chunk_q <= chunk_q + 2'd1;
            if (hdr_left <= 7'd16) out_q <= OUT_BODY;
          end
        OUT_BODY:
          if (c_valid && p_in_ready && c_tag) out_q <= OUT_IDLE;
        OUT_DROP:
          if (drop_beat && m_ready) out_q <= OUT_IDLE;
        default: out_q <= OUT_IDLE;
      endcase
    end
  end

  // user_valid is implied by m_valid (every packet's sideband is queued before its beats).
  logic unused;
  assign unused = ^{user_valid, c_user};
endmodule
