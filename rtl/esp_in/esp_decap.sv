// esp_decap: the inbound (decrypt) ESP datapath, store-and-forward, one beat per cycle.
//
//   s_axis -> esp_in_parser -> input ring + descriptor
//          -> esp_in_resolve (lookup, SA fetch, replay pre-check: esp_ctrl's lk/sf/rp ports)
//          -> feeder (here): AAD beat, then the ciphertext realigned to 16-byte blocks
//          -> gcm_core (decrypt) -> esp_in_trailer (plaintext into the output ring, ICV and
//             trailer checks, final replay operation) -> esp_in_emit -> m_axis (+ pd_*)
//
// Nothing leaves before the packet's ICV verified: the emitter only sees decided packets.
// Every input packet gives one output packet or one drop beat, in order. Behaviour and drop
// codes follow the HLS model (hls/esp/esp_inbound.cpp, docs/engine.md "Inbound").
module esp_decap #(
    parameter int unsigned RING_AW = esp_in_pkg::RING_AW
) (
    input  logic                 clk,
    input  logic                 rst_n,
    // inbound packets (tuser: DIR, SA, LEN as the contract's tuser in)
    input  logic                 s_axis_tvalid,
    output logic                 s_axis_tready,
    input  logic [127:0]         s_axis_tdata,
    input  logic [15:0]          s_axis_tkeep,
    input  logic                 s_axis_tlast,
    input  logic [32:0]          s_axis_tuser,
    // results (tuser: DIR, SA, LEN, RESULT as the contract's tuser out)
    output logic                 m_axis_tvalid,
    input  logic                 m_axis_tready,
    output logic [127:0]         m_axis_tdata,
    output logic [15:0]          m_axis_tkeep,
    output logic                 m_axis_tlast,
    output logic [36:0]          m_axis_tuser,
    // to esp_ctrl: SA lookup
    output logic                 lk_valid,
    output logic [31:0]          lk_spi,
    output logic [127:0]         lk_dst,
    output logic                 lk_ipv6,
    input  logic                 lk_done,
    input  logic                 lk_hit,
    input  logic [15:0]          lk_handle,
    // to esp_ctrl: SA fetch
    output logic                 sf_valid,
    output logic [15:0]          sf_handle,
    output logic                 sf_dir,
    output logic                 sf_alloc,
    input  logic                 sf_done,
    input  logic [3:0]           sf_result,
    input  logic [7:0]           sf_gen,
    input  logic [31*32-1:0]     sf_cfg,
    // to esp_ctrl: replay check (pre-ICV) and update (the "authenticated" operation)
    output logic                 rp_valid,
    input  logic                 rp_ready,
    output logic                 rp_update,
    output logic [15:0]          rp_handle,
    output logic [7:0]           rp_gen,       // sf_gen of the packet's fetch: a stale op is a no-op
    output logic [63:0]          rp_seq,
    input  logic                 rp_done,
    input  logic                 rp_ok,
    input  logic [63:0]          rp_seq_out,
    // to esp_ctrl: one record per output packet (counters, lifetime)
    output logic                 pd_valid,
    output logic [15:0]          pd_handle,
    output logic [7:0]           pd_gen,
    output logic [3:0]           pd_result,
    output logic [15:0]          pd_in_bytes,
    output logic [15:0]          pd_out_bytes,
    output logic [15:0]          pd_inner_bytes
);
  // queue widths: the package's written-out record widths (yosys 0.23 has no $bits(type));
  // the simulator and the linter check them against the records
  localparam int unsigned IN_W = esp_in_pkg::IN_DESC_W;
  localparam int unsigned SA_W = esp_in_pkg::SA_DESC_W;
  localparam int unsigned CTX_W = esp_in_pkg::CTX_W;
  localparam int unsigned OUT_W = esp_in_pkg::OUT_DESC_W;
`ifndef SYNTHESIS
  if (IN_W != $bits(esp_in_pkg::in_desc_t) || SA_W != $bits(esp_in_pkg::sa_desc_t) ||
      CTX_W != $bits(esp_in_pkg::ctx_t) || OUT_W != $bits(esp_in_pkg::out_desc_t))
    $error("esp_in_pkg record widths differ from the records");
`endif

  // ---------------------------------------------------------------- input ring + parser
  logic in_we;
  logic [RING_AW-1:0] in_waddr, in_raddr;
  logic [127:0] in_wdata;
  logic [RING_AW:0] in_free_q;
  logic [127:0] ra, rb;  // input-ring beats f_beat and f_beat + 1

  esp_in_ring #(.AW(RING_AW)) u_in_ring (
      .clk, .we(in_we), .waddr(in_waddr), .wdata(in_wdata), .raddr(in_raddr), .rdata0(ra), .rdata1(rb));

  logic pd_desc_valid;
  esp_in_pkg::in_desc_t pd_desc;
  logic [2:0] pq_count;
  logic pq_valid, pq_ready;
  logic [IN_W-1:0] pq_data;

  esp_in_parser #(.RING_AW(RING_AW)) u_parser (
      .clk, .rst_n, .s_axis_tvalid, .s_axis_tready, .s_axis_tdata, .s_axis_tkeep, .s_axis_tlast,
      .s_axis_tuser, .ring_we(in_we), .ring_waddr(in_waddr), .ring_wdata(in_wdata), .ring_free(in_free_q),
      .desc_valid(pd_desc_valid), .desc(pd_desc), .desc_room(pq_count < 3'd2));

  stream_fifo #(.WIDTH(IN_W), .DEPTH(4)) u_parse_q (
      .clk, .rst_n, .wr_en(pd_desc_valid), .wr_data(pd_desc), .rd_valid(pq_valid), .rd_ready(pq_ready),
      .rd_data(pq_data), .count(pq_count));

  // ---------------------------------------------------------------- SA resolution
  logic rs_valid;
  esp_in_pkg::sa_desc_t rs_desc;
  logic [2:0] sq_count;
  logic sq_valid, sq_pop;
  esp_in_pkg::sa_desc_t sq;
  logic rc_valid, rc_ready, rc_done;
  logic [15:0] rc_handle;
  logic [7:0] rc_gen;
  logic [31:0] rc_seq_lo;

  esp_in_resolve u_resolve (
      .clk, .rst_n, .in_valid(pq_valid), .in_ready(pq_ready), .in_desc(pq_data),
      .lk_valid, .lk_spi, .lk_dst, .lk_ipv6, .lk_done, .lk_hit, .lk_handle,
      .sf_valid, .sf_handle, .sf_dir, .sf_alloc, .sf_done, .sf_result, .sf_gen, .sf_cfg,
      .rc_valid, .rc_ready, .rc_handle, .rc_gen, .rc_seq_lo, .rc_done, .rc_ok(rp_ok), .rc_seq(rp_seq_out), .pd_done(pd_valid),
      .out_valid(rs_valid), .out_room(sq_count < 3'd4), .out_desc(rs_desc));

  stream_fifo #(.WIDTH(SA_W), .DEPTH(4)) u_sa_q (
      .clk, .rst_n, .wr_en(rs_valid), .wr_data(rs_desc), .rd_valid(sq_valid), .rd_ready(sq_pop),
      .rd_data(sq), .count(sq_count));

  // ---------------------------------------------------------------- feeder -> gcm_core
  // The AAD beat (SPI || seq_lo, or SPI || seq_hi || seq_lo with ESN) comes straight from the
  // head of the queue; the ciphertext follows, read from the input ring two beats at a time
  // and shifted by the text offset (esp_off + 16) mod 16 into whole blocks. The ring read is
  // registered: each cycle it reads at the next cycle's f_beat (the first text beat of the
  // packet whose AAD beat goes now, or the current one + 1 when a block goes).
  logic feeding_q;
  logic [RING_AW:0] f_start, f_nbeats;  // the packet being fed
  logic [15:0] f_esp_len;
  logic [3:0] f_esp_off;  // the text's lane offset in its first beat
  logic [11:0] blk_q;           // text block index
  logic [15:0] f_text_len;
  logic [11:0] f_nblk;
  logic [3:0] f_shift;
  logic [RING_AW:0] f_beat, f_beat_next;
  logic [127:0] f_block;
  logic [255:0] f_lanes;
  logic [15:0] f_left;

  logic g_s_valid, g_s_ready, g_s_aad, g_s_last;
  logic [127:0] g_s_data;
  logic [4:0] g_s_nbytes;
  logic cq_push;
  logic [3:0] cq_count;
  esp_in_pkg::ctx_t cq_in;

  logic head_ok, head_drop;
  assign head_ok = !feeding_q && sq_valid && sq.code == esp_contract_pkg::DROP_OK && cq_count < 4'd8;
  assign head_drop = !feeding_q && sq_valid && sq.code != esp_contract_pkg::DROP_OK && cq_count < 4'd8;

  assign f_text_len = f_esp_len - 16'd32;  // minus header, IV and ICV
  assign f_nblk = 12'((f_text_len + 16'd15) >> 4);
  assign f_shift = f_esp_off[3:0];
  assign in_raddr = f_beat_next[RING_AW-1:0];
  assign f_left = f_text_len - {blk_q, 4'd0};
  always_comb begin
    f_lanes = ({rb, ra} >> {f_shift, 3'b000});
    for (int j = 0; j < 16; j++) f_block[127 - 8 * j -: 8] = f_lanes[8 * j +: 8];
  end

  always_comb begin
    g_s_valid = 1'b0;
    g_s_aad = 1'b0;
    g_s_last = 1'b0;
    g_s_data = '0;
    g_s_nbytes = '0;
    if (head_ok) begin
      g_s_valid = 1'b1;
      g_s_aad = 1'b1;
      if (sq.esn) begin
        g_s_data = {sq.d.spi, sq.seq[63:32], sq.d.seq_lo, 32'd0};
        g_s_nbytes = 5'd12;
      end else begin
        g_s_data = {sq.d.spi, sq.d.seq_lo, 64'd0};
        g_s_nbytes = 5'd8;
      end
    end else if (feeding_q) begin
      g_s_valid = 1'b1;
      g_s_data = f_block;
      g_s_nbytes = f_left >= 16'd16 ? 5'd16 : f_left[4:0];
      g_s_last = blk_q == f_nblk - 12'd1;
    end
  end

  always_comb begin
    f_beat_next = f_beat;
    if (feeding_q && g_s_ready) f_beat_next = f_beat + 1'b1;
    else if (!feeding_q && head_ok && g_s_ready)
      f_beat_next = sq.d.start + (RING_AW + 1)'(sq.d.esp_off[6:4]) + (RING_AW + 1)'(1);
  end

  assign sq_pop = (head_ok && g_s_ready) || head_drop;
  assign cq_push = sq_pop;
  always_comb begin
    cq_in = '0;
    cq_in.code = sq.code;
    cq_in.handle = sq.handle;
    cq_in.gen = sq.gen;
    cq_in.in_bytes = sq.d.in_bytes;
    cq_in.text_len = sq.d.esp_len - 16'd32;
    cq_in.icv = sq.d.icv;
    cq_in.transport = sq.transport;
    cq_in.ipv6 = sq.d.ipv6;
    cq_in.ip_len = sq.d.ip_len;
    cq_in.seq = sq.seq;
    cq_in.hdr = sq.d.hdr;
  end

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      feeding_q <= 1'b0;
      in_free_q <= '0;
      blk_q <= '0;
    end else if (feeding_q) begin
      if (g_s_ready) begin
        blk_q <= blk_q + 12'd1;
        if (g_s_last) begin
          feeding_q <= 1'b0;
          in_free_q <= f_start + f_nbeats;
        end
      end
    end else if (head_ok && g_s_ready) begin
      feeding_q <= 1'b1;
      blk_q <= '0;
    end else if (head_drop) begin
      in_free_q <= sq.d.start + sq.d.nbeats;
    end
  end
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) f_beat <= '0;
    else f_beat <= f_beat_next;
  end
  always_ff @(posedge clk) begin
    if (!feeding_q && head_ok && g_s_ready) begin
      f_start <= sq.d.start;
      f_nbeats <= sq.d.nbeats;
      f_esp_len <= sq.d.esp_len;
      f_esp_off <= sq.d.esp_off[3:0];
    end
  end

  logic g_m_valid, g_m_ready, g_m_tag;
  logic [127:0] g_m_data;
  logic [4:0] g_m_nbytes;
  /* verilator lint_off UNUSEDSIGNAL */
  logic g_m_user;  // order is kept by the context queue: gcm_core's user field is not needed
  /* verilator lint_on UNUSEDSIGNAL */

  gcm_core #(.USER_W(1), .FIFO_DEPTH(32)) u_gcm (
      .clk, .rst_n, .s_valid(g_s_valid), .s_ready(g_s_ready), .s_data(g_s_data), .s_nbytes(g_s_nbytes),
      .s_aad(g_s_aad), .s_last(g_s_last), .s_decrypt(1'b1), .s_key(sq.key), .s_key256(sq.key256),
      .s_nonce({sq.salt, sq.d.iv}), .s_user(1'b0),
      .m_valid(g_m_valid), .m_ready(g_m_ready), .m_data(g_m_data), .m_nbytes(g_m_nbytes),
      .m_tag(g_m_tag), .m_user(g_m_user));

  // ---------------------------------------------------------------- trailer, output ring
  logic cq_valid, cq_ready;
  esp_in_pkg::ctx_t cq;
  stream_fifo #(.WIDTH(CTX_W), .DEPTH(8)) u_ctx_q (
      .clk, .rst_n, .wr_en(cq_push), .wr_data(cq_in), .rd_valid(cq_valid), .rd_ready(cq_ready),
      .rd_data(cq), .count(cq_count));

  logic out_we;
  logic [RING_AW-1:0] out_waddr, out_raddr;
  logic [127:0] out_wdata, out_rdata0, out_rdata1;
  logic [RING_AW:0] out_free;
  esp_in_ring #(.AW(RING_AW)) u_out_ring (
      .clk, .we(out_we), .waddr(out_waddr), .wdata(out_wdata), .raddr(out_raddr), .rdata0(out_rdata0),
      .rdata1(out_rdata1));

  logic rf_valid, rf_ready, rf_update, rf_done;
  logic [15:0] rf_handle;
  logic [7:0] rf_gen;
  logic [63:0] rf_seq;
  logic tr_valid;
  esp_in_pkg::out_desc_t tr_desc;
  logic [2:0] oq_count;
  logic oq_valid, oq_ready;
  esp_in_pkg::out_desc_t oq;

  esp_in_trailer #(.RING_AW(RING_AW)) u_trailer (
      .clk, .rst_n, .ctx_valid(cq_valid), .ctx_ready(cq_ready), .ctx(cq),
      .g_valid(g_m_valid), .g_ready(g_m_ready), .g_data(g_m_data), .g_nbytes(g_m_nbytes), .g_tag(g_m_tag),
      .ring_we(out_we), .ring_waddr(out_waddr), .ring_wdata(out_wdata), .ring_free(out_free),
      .rf_valid, .rf_ready, .rf_update, .rf_handle, .rf_gen, .rf_seq, .rf_done, .rf_ok(rp_ok),
      .out_valid(tr_valid), .out_room(oq_count < 3'd3), .out_desc(tr_desc));

  stream_fifo #(.WIDTH(OUT_W), .DEPTH(4)) u_out_q (
      .clk, .rst_n, .wr_en(tr_valid), .wr_data(tr_desc), .rd_valid(oq_valid), .rd_ready(oq_ready),
      .rd_data(oq), .count(oq_count));

  esp_in_emit #(.RING_AW(RING_AW)) u_emit (
      .clk, .rst_n, .in_valid(oq_valid), .in_ready(oq_ready), .in_desc(oq),
      .ring_raddr(out_raddr), .ring_rdata0(out_rdata0), .ring_rdata1(out_rdata1), .ring_free(out_free),
      .m_axis_tvalid, .m_axis_tready, .m_axis_tdata, .m_axis_tkeep, .m_axis_tlast, .m_axis_tuser,
      .pd_valid, .pd_handle, .pd_gen, .pd_result, .pd_in_bytes, .pd_out_bytes, .pd_inner_bytes);

  // ---------------------------------------------------------------- replay port arbiter
  // One operation at a time on esp_ctrl's rp port; the final operation (trailer) first, so
  // the older packet's verdict is never held up by a younger packet's pre-check.
  logic rp_busy_q, rp_owner_q;  // owner 1: trailer
  assign rp_valid = !rp_busy_q && (rf_valid || rc_valid);
  assign rp_update = rf_valid ? rf_update : 1'b0;
  assign rp_handle = rf_valid ? rf_handle : rc_handle;
  assign rp_gen = rf_valid ? rf_gen : rc_gen;
  assign rp_seq = rf_valid ? rf_seq : {32'd0, rc_seq_lo};
  assign rf_ready = !rp_busy_q && rp_ready && rf_valid;
  assign rc_ready = !rp_busy_q && rp_ready && !rf_valid;
  assign rf_done = rp_done && rp_owner_q;
  assign rc_done = rp_done && !rp_owner_q;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      rp_busy_q <= 1'b0;
      rp_owner_q <= 1'b0;
    end else begin
      if (rp_valid && rp_ready) begin
        rp_busy_q <= 1'b1;
        rp_owner_q <= rf_valid;
      end
      if (rp_done) rp_busy_q <= 1'b0;
    end
  end
endmodule
