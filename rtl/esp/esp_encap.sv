// esp_encap: outbound ESP (RFC 4303, AES-GCM per RFC 4106) at one beat per cycle, tunnel
// and transport mode, optionally in UDP (RFC 3948) over IPv4 or IPv6. Framing follows the
// HLS model (hls/esp/esp_outbound.cpp, esp_framing.cpp; docs/engine.md "Outbound"):
// IV = the 64-bit sequence number, nonce = salt || IV, AAD = SPI || seq (|| seq_hi with
// ESN), pad 1, 2, 3... Tunnel: outer IPv4 (ID = seq[15:0], TTL OUTER_TTL, DF clear) or
// IPv6, next header 4/41. Transport: the inner IP header (IPv4 with its options, or the
// IPv6 fixed header) stays in front with protocol/next header 50 (17 with UDP), length
// and IPv4 checksum rewritten; the rest is encrypted. UDP checksum: 0 over IPv4, computed
// over IPv6 (RFC 8200 8.1; 0 sent as 0xFFFF).
//
// Per-packet inputs (valid with the first beat) are the outbound SA after the control
// block's lookup: it has already checked the handle, limits and sequence exhaustion,
// assigned s_seq, and verified that the beats carry exactly s_len bytes. The inner checks
// of the model (version, lengths, and for transport: family = SA family, no IPv4
// fragment, no IPv6 hop-by-hop/routing/fragment header) are repeated on the first beat; a
// failure gives one drop beat (keep 0, last, MALFORMED, SA = handle, LEN 0).
//
// Input side: per packet, one AAD beat into gcm_core, then the GCM text: the inner beats
// (tunnel) or the bytes after the kept header, realigned by a 32-byte funnel over the
// previous and current beat (transport: the header is 20..60 bytes, a multiple of 4); the
// ESP trailer is merged into the last text beat (or one extra beat). The header plan is
// built by esp_out_header's pipeline (3 stages: bytes, IPv4 checksum sums) once it is known
// (tunnel: at once; transport: with the beat that completes the kept header) into a small
// FIFO. Output side: header bytes from the plan, 32 per cycle, its last 0..16 bytes in
// front of gcm_core's first ciphertext chunk, then ciphertext and tag, through esp_out_pack
// (no gap between packets); then a packet ring that releases a packet at
// once (cut-through) unless it is UDP over IPv6, whose checksum covers the ciphertext
// behind it: such a packet leaves once its last beat is in, checksum patched.
module esp_encap #(
    parameter int RING_DEPTH = 2048  // beats; 2 jumbo packets keep UDP/IPv6 at full rate
) (
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
  localparam logic [3:0] DROP_OK = esp_contract_pkg::DROP_OK;
  localparam logic [3:0] DROP_MALFORMED = esp_contract_pkg::DROP_MALFORMED;
  localparam int HDR_BYTES = 84;  // kept IPv4 header with options (60) + UDP (8) + ESP/IV (16)

  // Block convention (byte 0 in [127:120]) <-> AXI lanes: a byte reversal, pure wiring.
  function automatic logic [127:0] reverse_bytes(input logic [127:0] x);
    for (int i = 0; i < 16; i++) reverse_bytes[8*i +: 8] = x[127-8*i -: 8];
  endfunction

  // ------------------------------------------------------------ first beat: checks, sizes
  logic [7:0] b0, b6, b7, b9;
  logic [15:0] inner_totlen4, inner_paylen6;
  logic inner_v4, inner_ok;
  logic [1:0] pad;
  logic [7:0] next_header;
  logic [6:0] clear_len, ip_len;  // kept inner header bytes; bytes before UDP/ESP
  logic [15:0] total, esp_len;

  assign b0 = s_data[7:0];
  assign b6 = s_data[55:48];
  assign b7 = s_data[63:56];
  assign b9 = s_data[79:72];
  assign inner_totlen4 = {s_data[23:16], s_data[31:24]};
  assign inner_paylen6 = {s_data[39:32], s_data[47:40]};
  assign inner_v4 = b0[7:4] == 4'd4;

  always_comb begin
    inner_ok = 1'b0;
    if (inner_v4)
      inner_ok = s_len >= 16'd20 && b0[3:0] >= 4'd5 && {10'd0, b0[3:0], 2'b00} <= s_len &&
                 inner_totlen4 == s_len &&
                 // RFC 4303 3.1.1: transport takes whole datagrams, of the SA's family.
                 (!s_transport || (!s_outer_ipv6 && {b6[5:0], b7} == 14'd0));
    else if (b0[7:4] == 4'd6)
      inner_ok = s_len >= 16'd40 && inner_paylen6 + 16'd40 == s_len &&
                 // Hop-by-hop, routing and fragment headers must stay in clear: refused.
                 (!s_transport || (s_outer_ipv6 && b6 != 8'd0 && b6 != 8'd43 && b6 != 8'd44));
    inner_ok = inner_ok && s_len <= 16'(MAX_PACKET_BYTES);
  end
  // RFC 4303 2.4: pad so that payload + pad + 2 is a multiple of 4 (the kept header is a
  // multiple of 4, so the inner length decides).
  assign pad = 2'(3'd4 - 3'(s_len[1:0] + 2'd2));
  assign clear_len = !s_transport ? 7'd0 : inner_v4 ? {1'b0, b0[3:0], 2'b00} : 7'd40;
  assign next_header = s_transport ? (inner_v4 ? b9 : b6) : (inner_v4 ? 8'd4 : 8'd41);
  assign ip_len = s_transport ? clear_len : (s_outer_ipv6 ? 7'd40 : 7'd20);
  // Bytes after the IP part (UDP length; IPv6 payload length, the IP part being 40 then).
  assign esp_len = (s_udp ? 16'd8 : 16'd0) + 16'd34 + s_len - 16'(clear_len) + 16'(pad);
  assign total = 16'(ip_len) + esp_len;

  // Per-packet fields held from the first beat for the header plan and the realigner.
  logic [15:0] sa_q, total_q, esp_len_q, sport_q, dport_q;
  logic transport_q, outer6_q, udp_q, v4_q;
  logic [31:0] spi_q;
  logic [63:0] seq_q;
  logic [127:0] src_q, dst_q;
  logic [6:0] ip_len_q;
  logic [4:0] sh_q;   // transport: text starts at lane sh_q (1..16) of beat bk_q
  logic [1:0] bk_q;
  logic [127:0] hcap_q[4];  // transport: the first four inner beats (the kept header)

  // ------------------------------------------------------------ header plan
  // A plan is asked for (plan_req) when it is known: tunnel, once the first beat's fields
  // are held; transport, with the beat that completes the kept header (in hcap_q a cycle
  // later); a drop, on its first beat. The request is registered, so esp_out_header reads
  // only registers, and its plans land in the FIFO in request order.
  logic [2:0] k_q;          // inner beat index of the current beat (saturates at 7)
  logic plan_req, plan_wr_drop;
  logic req_q, req_drop_q;
  logic [15:0] req_sa_q;
  logic csum_push, csum_en_o, csum_valid;
  logic [15:0] csum_o;
  logic [16:0] csum_head;

  // {drop, udp6, hdr, hdr_len, total, sa}
  localparam int PLAN_W = 2 + 8 * HDR_BYTES + 7 + 16 + 16;
  localparam int PLAN_DEPTH = 8;
  logic [$clog2(PLAN_DEPTH):0] csum_count;
  logic plan_push, plan_valid, plan_pop, plan_drop_o, plan_udp6_o;
  logic [8*HDR_BYTES-1:0] plan_hdr_o;
  logic [6:0] plan_hdr_len_o;
  logic [15:0] plan_total_o, plan_sa_o;
  logic [PLAN_W-1:0] plan_head;
  logic [$clog2(PLAN_DEPTH):0] plan_count;
  logic plan_room;
  // Room for one more request beside those in the FIFO, requested and in S1. (The
  // checksum FIFO never holds more than the plan FIFO: a checksum follows its plan.)
  assign plan_room = 32'(plan_count) + 32'(req_q) + 32'(plan_push) < PLAN_DEPTH;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) req_q <= 1'b0;
    else req_q <= plan_req;
  end
  always_ff @(posedge clk) begin
    req_drop_q <= plan_wr_drop;
    req_sa_q <= plan_wr_drop ? s_sa : sa_q;
  end

  esp_out_header #(.HDR_BYTES(HDR_BYTES)) u_header (
      .clk, .rst_n,
      .in_valid(req_q), .in_drop(req_drop_q), .in_sa(req_sa_q), .in_total(total_q),
      .in_esp_len(esp_len_q),
      .in_transport(transport_q), .in_outer6(outer6_q), .in_udp(udp_q), .in_v4(v4_q),
      .in_ip_len(ip_len_q), .in_inner({hcap_q[3], hcap_q[2], hcap_q[1], hcap_q[0]}),
      .in_spi(spi_q), .in_seq(seq_q), .in_src(src_q), .in_dst(dst_q),
      .in_sport(sport_q), .in_dport(dport_q),
      .out_valid(plan_push), .out_drop(plan_drop_o), .out_udp6(plan_udp6_o),
      .out_hdr(plan_hdr_o), .out_hdr_len(plan_hdr_len_o), .out_total(plan_total_o),
      .out_sa(plan_sa_o),
      .csum_valid(csum_push), .csum_en(csum_en_o), .csum(csum_o)
  );

  stream_fifo #(.WIDTH(PLAN_W), .DEPTH(PLAN_DEPTH)) u_plan_fifo (
      .clk, .rst_n,
      .wr_en(plan_push),
      .wr_data({plan_drop_o, plan_udp6_o, plan_hdr_o, plan_hdr_len_o, plan_total_o, plan_sa_o}),
      .rd_valid(plan_valid), .rd_ready(plan_pop), .rd_data(plan_head), .count(plan_count)
  );

  stream_fifo #(.WIDTH(17), .DEPTH(PLAN_DEPTH)) u_csum_fifo (
      .clk, .rst_n,
      .wr_en(csum_push), .wr_data({csum_en_o, csum_o}),
      .rd_valid(csum_valid), .rd_ready(plan_pop), .rd_data(csum_head), .count(csum_count)
  );

  // ------------------------------------------------------------ input side -> gcm_core
  typedef enum logic [1:0] {IN_FIRST, IN_TEXT, IN_EXTRA, IN_DROP} in_state_t;
  in_state_t in_q;

  logic [3:0] len_lo_q;  // s_len mod 16: bytes in the last inner beat (0 = 16)
  logic [1:0] pad_q;
  logic [7:0] nh_q;
  logic pend_q;          // this packet's plan is not pushed yet
  logic [127:0] prev_q;  // the previous inner beat (transport funnel)
  logic [127:0] extra_q; // the trailer's spill beat
  logic [4:0] extra_n_q;

  logic g_valid, g_ready, g_aad, g_last;
  logic [127:0] g_lanes;
  logic [4:0] g_nbytes;

  // Trailer byte k (0-based): pad bytes 1..pad, then pad length, then next header.
  function automatic logic [7:0] trailer_byte(input logic [5:0] k, input logic [1:0] p,
                                              input logic [7:0] nh);
    if (k < {4'd0, p}) trailer_byte = {2'd0, k} + 8'd1;
    else if (k == {4'd0, p}) trailer_byte = {6'd0, p};
    else trailer_byte = nh;
  endfunction

  // Text window: 32 lanes from the previous and current beat, starting at lane st (tunnel:
  // the current beat; transport: sh_q, or sh_q + 16 on the beat that ends the header).
  logic cap_beat, emit, push_ok, first_ok;
  logic [5:0] st, text_n, trail_total, win_n;
  logic [255:0] win;
  logic [4:0] last_n;
  assign last_n = (len_lo_q == 4'd0) ? 5'd16 : {1'b0, len_lo_q};
  assign trail_total = {4'd0, pad_q} + 6'd2;
  assign cap_beat = transport_q && k_q == {1'b0, bk_q};
  assign emit = !transport_q || k_q > {1'b0, bk_q} || (cap_beat && s_last);
  assign st = !transport_q ? 6'd16 : cap_beat ? {1'b0, sh_q} + 6'd16 : {1'b0, sh_q};
  assign text_n = 6'd16 + {1'b0, last_n} - st;  // text bytes in win on the last beat
  assign win_n = text_n + trail_total;
  // The plan of a transport packet goes with the beat that completes the kept header.
  assign push_ok = !cap_beat || plan_room;
  assign first_ok = s_valid && !pend_q && plan_room;

  always_comb begin
    win = {s_data, prev_q} >> {st, 3'b000};
    if (s_last)
      for (int j = 0; j < 32; j++)
        if (6'(j) >= text_n && 6'(j) < win_n) win[8*j +: 8] = trailer_byte(6'(j) - text_n, pad_q, nh_q);
  end

  always_comb begin
    g_valid = 1'b0;
    g_aad = 1'b0;
    g_last = 1'b0;
    g_lanes = win[127:0];
    g_nbytes = 5'd16;
    s_ready = 1'b0;
    plan_wr_drop = 1'b0;
    unique case (in_q)
      IN_FIRST: begin
        // The AAD beat. Tunnel: the first inner beat waits; transport: it is all header
        // (>= 20 bytes), taken now. Drops only queue their plan.
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
        g_valid = first_ok && inner_ok;
        s_ready = first_ok && inner_ok && s_transport && g_ready;
        plan_wr_drop = first_ok && !inner_ok;
      end
      IN_TEXT: begin
        g_valid = s_valid && emit && push_ok;
        s_ready = push_ok && (!emit || g_ready);
        if (s_last) begin
          g_nbytes = (win_n <= 6'd16) ? win_n[4:0] : 5'd16;
          g_last = win_n <= 6'd16;
        end
      end
      IN_EXTRA: begin
        g_valid = 1'b1;
        g_lanes = extra_q;
        g_nbytes = extra_n_q;
        g_last = 1'b1;
      end
      IN_DROP: s_ready = 1'b1;
      default: ;
    endcase
    // A pending plan: tunnel, as soon as there is room; transport, with the header's end.
    plan_req = plan_wr_drop ||
               (pend_q && (transport_q ? (in_q == IN_TEXT && cap_beat && s_valid && s_ready)
                                       : plan_room));
  end

  logic in_fire;
  assign in_fire = s_valid && s_ready;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      in_q <= IN_FIRST;
      pend_q <= 1'b0;
    end else begin
      if (plan_req) pend_q <= 1'b0;
      unique case (in_q)
        IN_FIRST:
          if (plan_wr_drop) in_q <= IN_DROP;
          else if (g_valid && g_ready) begin
            in_q <= IN_TEXT;
            pend_q <= 1'b1;
          end
        IN_TEXT:
          if (in_fire && s_last) in_q <= win_n <= 6'd16 ? IN_FIRST : IN_EXTRA;
        IN_EXTRA:
          if (g_ready) in_q <= IN_FIRST;
        IN_DROP:
          if (s_valid && s_last) in_q <= IN_FIRST;
        default: in_q <= IN_FIRST;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    if (in_q == IN_FIRST && g_valid && g_ready) begin
      len_lo_q <= s_len[3:0];
      pad_q <= pad;
      nh_q <= next_header;
      sa_q <= s_sa;
      total_q <= total;
      esp_len_q <= esp_len;
      sport_q <= s_sport;
      dport_q <= s_dport;
      transport_q <= s_transport;
      outer6_q <= s_outer_ipv6;
      udp_q <= s_udp;
      v4_q <= inner_v4;
      spi_q <= s_spi;
      seq_q <= s_seq;
      src_q <= s_src;
      dst_q <= s_dst;
      ip_len_q <= ip_len;
      sh_q <= {1'b0, 4'(clear_len - 7'd1)} + 5'd1;
      bk_q <= 2'((clear_len - 7'd1) >> 4);
      k_q <= 3'd1;  // tunnel: unused; transport: beat 0 is taken now
      hcap_q[0] <= s_data;
      prev_q <= s_data;
    end
    if (in_q == IN_TEXT && in_fire) begin
      prev_q <= s_data;
      if (k_q != 3'd7) k_q <= k_q + 3'd1;
      if (k_q < 3'd4) hcap_q[k_q[1:0]] <= s_data;
      extra_q <= win[255:128];
      extra_n_q <= 5'(win_n - 6'd16);
    end
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
  // Per packet: the header in 32-byte chunks while more than 16 bytes are left, the rest
  // (0..16 bytes) in front of the first ciphertext chunk, then ciphertext and tag, into
  // esp_out_pack. The next plan is taken in the cycle the tag goes in.
  typedef enum logic [1:0] {OUT_IDLE, OUT_HDR, OUT_BODY, OUT_DROP} out_state_t;
  out_state_t out_q;

  logic [8*HDR_BYTES-1:0] hdr_q;  // header bytes not sent yet, from byte 0
  logic [6:0] hdr_left_q;         // OUT_HDR: their count
  logic [4:0] rem_q;              // OUT_BODY: header bytes still in front of the next chunk

  logic p_in_valid, p_in_ready, p_in_last, p_out_valid, p_out_ready, p_out_last, p_idle;
  logic [255:0] p_in_data;
  logic [127:0] p_out_data, c_lanes;
  logic [5:0] p_in_nbytes;
  logic [15:0] p_out_keep;
  logic tag_in, plan_take;

  assign c_lanes = reverse_bytes(c_data);
  assign tag_in = out_q == OUT_BODY && c_valid && c_tag && p_in_ready;

  always_comb begin
    p_in_valid = 1'b0;
    p_in_data = {128'd0, hdr_q[127:0] & ~({128{1'b1}} << {rem_q, 3'b000})} |
                ({128'd0, c_lanes} << {rem_q, 3'b000});
    p_in_nbytes = {1'b0, c_nbytes} + {1'b0, rem_q};
    p_in_last = c_tag;
    c_ready = 1'b0;
    unique case (out_q)
      OUT_HDR: begin
        p_in_valid = 1'b1;
        p_in_data = hdr_q[255:0];
        p_in_nbytes = (hdr_left_q > 7'd32) ? 6'd32 : hdr_left_q[5:0];
        p_in_last = 1'b0;
      end
      OUT_BODY: begin
        p_in_valid = c_valid;
        c_ready = p_in_ready;
      end
      default: ;
    endcase
  end

  esp_out_pack u_pack (
      .clk, .rst_n,
      .in_valid(p_in_valid), .in_ready(p_in_ready), .in_data(p_in_data),
      .in_nbytes(p_in_nbytes), .in_last(p_in_last),
      .out_valid(p_out_valid), .out_ready(p_out_ready), .out_data(p_out_data),
      .out_keep(p_out_keep), .out_last(p_out_last), .idle(p_idle)
  );

  // Output sideband per packet, in order (a packet's tail can still be in the packer when
  // the next plan is taken), with the UDP/IPv6 flag for the ring.
  logic user_valid, user_pop;
  logic [TUSER_OUT_WIDTH:0] user_head, user_new;
  logic [2:0] user_count;
  logic plan_drop, plan_udp6;
  logic [15:0] plan_total, plan_sa;
  assign plan_drop = plan_head[PLAN_W-1];
  assign plan_udp6 = plan_head[PLAN_W-2];
  assign plan_total = plan_head[31:16];
  assign plan_sa = plan_head[15:0];
  assign plan_take = plan_valid && csum_valid && user_count < 3'd4 && (out_q == OUT_IDLE || tag_in);
  assign plan_pop = plan_take;
  assign user_new = {plan_udp6, plan_drop ? DROP_MALFORMED : DROP_OK, plan_drop ? 16'd0 : plan_total,
                     plan_sa, 1'b0};

  stream_fifo #(.WIDTH(TUSER_OUT_WIDTH + 1), .DEPTH(4)) u_user_fifo (
      .clk, .rst_n,
      .wr_en(plan_pop), .wr_data(user_new),
      .rd_valid(user_valid), .rd_ready(user_pop), .rd_data(user_head), .count(user_count)
  );

  // The packed stream (before the ring).
  logic q_valid, q_ready, q_last, drop_beat;
  logic [127:0] q_data;
  logic [15:0] q_keep;
  assign drop_beat = out_q == OUT_DROP && p_idle;
  assign q_valid = p_out_valid || drop_beat;
  assign q_data = drop_beat ? '0 : p_out_data;
  assign q_keep = drop_beat ? '0 : p_out_keep;
  assign q_last = drop_beat || p_out_last;
  assign p_out_ready = q_ready;
  assign user_pop = q_valid && q_ready && q_last;

  always_ff @(posedge clk) begin
    if (plan_take) begin
      hdr_q <= plan_head[PLAN_W-3 -: 8 * HDR_BYTES];
      if (csum_head[16]) hdr_q[8*10 +: 16] <= {csum_head[7:0], csum_head[15:8]};
      hdr_left_q <= plan_head[38:32];
    end else if (out_q == OUT_HDR && p_in_ready) begin
      hdr_q <= hdr_q >> 256;
      hdr_left_q <= hdr_left_q - 7'd32;  // wraps when the last chunk goes: not used then
    end
  end

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      out_q <= OUT_IDLE;
      rem_q <= '0;
    end else begin
      unique case (out_q)
        OUT_HDR:
          if (p_in_ready) begin
            // More than 32 left: 32 go; the rest, 16 or fewer, rides on the first chunk.
            if (hdr_left_q > 7'd32) begin
              if (hdr_left_q <= 7'd48) begin
                out_q <= OUT_BODY;
                rem_q <= 5'(hdr_left_q - 7'd32);
              end
            end else begin
              out_q <= OUT_BODY;
              rem_q <= '0;
            end
          end
        OUT_BODY:
          if (c_valid && p_in_ready) rem_q <= '0;
        OUT_DROP:
          if (drop_beat && q_ready) out_q <= OUT_IDLE;
        default: ;
      endcase
      if (tag_in) out_q <= OUT_IDLE;
      if (plan_take) out_q <= plan_drop ? OUT_DROP : OUT_HDR;
    end
  end

  // ------------------------------------------------------------ packet ring
  // Beats {data, keep, last} in a RAM with a registered read (block RAM); a release record
  // per packet {tuser, udp6, checksum} in a small FIFO: written with the packet's first beat
  // (cut-through) or, for UDP over IPv6, with its last beat once the checksum is summed.
  // The reader sends a packet's beats only while its record is there.
  localparam int RAW = $clog2(RING_DEPTH);
  localparam int RING_W = 128 + 16 + 1;
  localparam int REC_DEPTH = 16;

  logic [RING_W-1:0] ring_mem[RING_DEPTH];
  logic [RAW-1:0] ring_wp, ring_rp, ring_rp_next;
  logic [RAW:0] ring_count;
  logic [RING_W-1:0] ring_rd_q;
  logic ring_wr, ring_rd;

  logic rec_push, rec_valid, rec_pop;
  logic [TUSER_OUT_WIDTH+16:0] rec_head, rec_new;
  logic [$clog2(REC_DEPTH):0] rec_count;

  logic w_first_q;      // the next written beat starts a packet
  logic [1:0] w_idx_q;  // beat index within the packet (saturates at 3)
  logic w_udp6, rec_now, rec_direct;
  logic [16:0] pair_d [4];

  assign w_udp6 = user_head[TUSER_OUT_WIDTH];
  assign ring_wr = q_valid && q_ready;

  // UDP/IPv6 checksum: the payload length (bytes 4..5, = UDP length), the addresses and
  // everything from the UDP header on (bytes 8..); + 17 for the pseudo-header's next header.
  // Summed in a pipeline behind the ring write (a 16-byte beat into a one's-complement sum
  // does not fit one cycle): pairs of words, 4 -> 2 -> 1, into the packet's sum, folded
  // twice. A record goes straight into the FIFO (a cut-through packet, with its first beat)
  // unless a record is in the pipeline; there it keeps the packets' order and, for UDP over
  // IPv6, waits for the sum of its last beat (5 cycles after it).
  localparam int CS_STAGES = 5;  // the sum of a beat written in cycle t is folded in t + 4, pushed in t + 5
  always_comb begin
    for (int k = 0; k < 4; k++) begin
      pair_d[k] = '0;
      for (int w = 2 * k; w < 2 * k + 2; w++)
        if (w_idx_q != 2'd0 || w == 2 || w >= 4)
          pair_d[k] = pair_d[k] + 17'({q_data[16*w +: 8] & {8{q_keep[2*w]}},
                                       q_data[16*w+8 +: 8] & {8{q_keep[2*w+1]}}});
    end
  end

  logic [CS_STAGES-1:0] cs_rec_q;                      // a record in stage i
  logic [TUSER_OUT_WIDTH:0] cs_user_q [CS_STAGES];     // its {udp6, tuser}
  logic cs1_v, cs1_first, cs2_v, cs2_first, cs3_v, cs3_first;
  logic [16:0] cs1_pair [4];
  logic [17:0] cs2_pair [2];
  logic [18:0] cs3_sum;
  logic [31:0] acc_q;
  logic [16:0] cfold1_q;
  logic [15:0] cfold2, udp_csum;
  logic [$clog2(CS_STAGES+1)-1:0] cs_pending;

  assign rec_now = ring_wr && (w_udp6 ? q_last : w_first_q);
  assign rec_direct = rec_now && !w_udp6 && cs_rec_q == '0;
  assign rec_push = rec_direct || cs_rec_q[CS_STAGES-1];
  assign cfold2 = cfold1_q[15:0] + {15'd0, cfold1_q[16]};
  assign udp_csum = ~cfold2 == 16'd0 ? 16'hFFFF : ~cfold2;
  assign rec_new = rec_direct ? {user_head[TUSER_OUT_WIDTH-1:0], 1'b0, 16'hFFFF}
                              : {cs_user_q[CS_STAGES-1][TUSER_OUT_WIDTH-1:0],
                                 cs_user_q[CS_STAGES-1][TUSER_OUT_WIDTH], udp_csum};
  always_comb begin
    cs_pending = '0;
    for (int i = 0; i < CS_STAGES; i++) cs_pending = cs_pending + {{($clog2(CS_STAGES+1)-1){1'b0}}, cs_rec_q[i]};
  end
  // records in the pipeline count as queued
  assign q_ready = ring_count < (RAW+1)'(RING_DEPTH) &&
                   rec_count + ($clog2(REC_DEPTH)+1)'(cs_pending) < ($clog2(REC_DEPTH)+1)'(REC_DEPTH);

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      w_first_q <= 1'b1;
      w_idx_q <= '0;
      cs_rec_q <= '0;
      cs1_v <= 1'b0;
      cs2_v <= 1'b0;
      cs3_v <= 1'b0;
      acc_q <= '0;
    end else begin
      if (ring_wr) begin
        w_first_q <= q_last;
        w_idx_q <= q_last ? 2'd0 : (w_idx_q == 2'd3 ? 2'd3 : w_idx_q + 2'd1);
      end
      cs_rec_q <= {cs_rec_q[CS_STAGES-2:0], rec_now && !rec_direct};
      cs1_v <= ring_wr;
      cs2_v <= cs1_v;
      cs3_v <= cs2_v;
      if (cs3_v) acc_q <= (cs3_first ? 32'd17 : acc_q) + 32'(cs3_sum);
    end
  end
  always_ff @(posedge clk) begin
    cs_user_q[0] <= user_head;
    for (int i = 1; i < CS_STAGES; i++) cs_user_q[i] <= cs_user_q[i-1];
    cs1_first <= w_first_q;
    for (int k = 0; k < 4; k++) cs1_pair[k] <= pair_d[k];
    cs2_first <= cs1_first;
    for (int k = 0; k < 2; k++) cs2_pair[k] <= 18'(cs1_pair[2*k]) + 18'(cs1_pair[2*k+1]);
    cs3_first <= cs2_first;
    cs3_sum <= 19'(cs2_pair[0]) + 19'(cs2_pair[1]);
    cfold1_q <= {1'b0, acc_q[15:0]} + {1'b0, acc_q[31:16]};
  end

  stream_fifo #(.WIDTH(TUSER_OUT_WIDTH + 17), .DEPTH(REC_DEPTH)) u_rec_fifo (
      .clk, .rst_n,
      .wr_en(rec_push), .wr_data(rec_new),
      .rd_valid(rec_valid), .rd_ready(rec_pop), .rd_data(rec_head), .count(rec_count)
  );

  // Registered read at the next read address, with write-through for the same address.
  assign ring_rd = m_valid && m_ready;
  assign ring_rp_next = ring_rd ? ring_rp + RAW'(1) : ring_rp;
  always_ff @(posedge clk) begin
    if (ring_wr) ring_mem[ring_wp] <= {q_data, q_keep, q_last};
    ring_rd_q <= (ring_wr && ring_wp == ring_rp_next) ? {q_data, q_keep, q_last} : ring_mem[ring_rp_next];
  end

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      ring_wp <= '0;
      ring_rp <= '0;
      ring_count <= '0;
    end else begin
      if (ring_wr) ring_wp <= ring_wp + RAW'(1);
      ring_rp <= ring_rp_next;
      ring_count <= ring_count + (RAW+1)'(ring_wr) - (RAW+1)'(ring_rd);
    end
  end

  // Reader: beat index for the checksum patch (UDP checksum at bytes 46..47: beat 2).
  logic [1:0] r_idx_q;
  logic rec_udp6;
  assign rec_udp6 = rec_head[16];
  assign m_valid = ring_count != 0 && rec_valid;
  assign m_keep = ring_rd_q[16:1];
  assign m_last = ring_rd_q[0];
  assign m_user = rec_head[TUSER_OUT_WIDTH+16:17];
  assign rec_pop = ring_rd && m_last;
  always_comb begin
    m_data = ring_rd_q[RING_W-1:17];
    if (rec_udp6 && r_idx_q == 2'd2) m_data[127:112] = {rec_head[7:0], rec_head[15:8]};
  end
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) r_idx_q <= '0;
    else if (ring_rd) r_idx_q <= m_last ? 2'd0 : (r_idx_q == 2'd3 ? 2'd3 : r_idx_q + 2'd1);
  end

  // user_valid is implied by q_valid (every packet's sideband is queued before its beats).
  logic unused;
  assign unused = ^{user_valid, c_user, csum_count};
endmodule
