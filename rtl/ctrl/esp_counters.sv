// Global and per-SA counters, lifetime limits and their events.
// Per-SA rows live in RAM and are updated read-modify-write in two stages;
// a 'fresh' bit per slot makes an install take one cycle (the row reads as
// zero until the first packet rewrites it) so installs never collide with
// the datapath's write port.
module esp_counters
#(
  parameter int unsigned NSA = esp_contract_pkg::N_SA
) (
  input  logic               clk,
  input  logic               rst_n,
  input  logic               clear_global,   // soft reset
  // install from the SA command engine: counters restart, limits replaced
  input  logic               inst_valid,
  input  logic [$clog2(NSA)-1:0] inst_handle,
  input  logic [255:0]       inst_limits,    // {pkt_hard, pkt_soft, byte_hard, byte_soft}, 64 bits each
  // packet result from the datapath
  input  logic               pd_valid,
  input  logic               pd_sa_valid,    // the packet belongs to a live SA (generation matched)
  input  logic [$clog2(NSA)-1:0] pd_handle,
  input  logic [3:0]         pd_result,
  input  logic [15:0]        pd_in_bytes,
  input  logic [15:0]        pd_out_bytes,
  input  logic [15:0]        pd_inner_bytes,
  // lifetime consequences
  output logic [3:0]         ev_valid,       // SOFT_BYTES, SOFT_PACKETS, HARD_BYTES, HARD_PACKETS
  output logic [4*32-1:0]    ev_word,
  output logic               dis_valid,
  output logic [$clog2(NSA)-1:0] dis_handle,
  // readback for SA READ (one cycle latency)
  input  logic [$clog2(NSA)-1:0] rb_handle,
  output logic [575:0]       rb_counts,      // {drops[7..1], bytes, pkts}
  output logic [1:0]         rb_soft,        // {soft_packets, soft_bytes}
  // global counters, index = (register offset - CNT_PKTS_IN) / 4
  output logic [12*64-1:0]   glob
);
  localparam int unsigned HW = $clog2(NSA);
  // row: {hard_raised, soft_p, soft_b, drops7..1 (7x64), bytes, pkts}
  localparam int unsigned RW = 3 + 9*64;

  logic [RW-1:0]  rows   [NSA];
  logic [255:0]   limits [NSA];
  logic [NSA-1:0] fresh;

  // stage 1 registers
  logic          s1_valid, s1_sa;
  logic [HW-1:0] s1_h;
  logic [3:0]    s1_res;
  logic [15:0]   s1_inner;
  logic [RW-1:0] s1_row;
  logic [255:0]  s1_lim;
  logic          s1_fresh;
  // last row written, for a packet of the same SA right behind
  logic          lw_valid;
  logic [HW-1:0] lw_h;
  logic [RW-1:0] lw_row;

  always_ff @(posedge clk) begin
    s1_valid <= rst_n && pd_valid && pd_sa_valid;
    s1_sa    <= pd_sa_valid;
    s1_h     <= pd_handle;
    s1_res   <= pd_result;
    s1_inner <= pd_inner_bytes;
    s1_row   <= rows[pd_handle];
    s1_lim   <= limits[pd_handle];
    s1_fresh <= fresh[pd_handle] || (inst_valid && inst_handle == pd_handle);
    rb_counts <= rows[rb_handle][575:0];
    rb_soft   <= rows[rb_handle][577:576];
    if (fresh[rb_handle]) begin
      rb_counts <= '0;
      rb_soft   <= '0;
    end
  end

  // stage 1: new row and lifetime checks
  logic [RW-1:0] base, nrow;
  logic [63:0]   pk, by, byte_soft, byte_hard, pkt_soft, pkt_hard;
  logic          hit_sb, hit_sp, hit_hb, hit_hp, hard_first;
  always_comb begin
    // fresh (read with the row) first: a write right before this packet is newer than both
    base = s1_fresh ? '0 : s1_row;
    if (lw_valid && lw_h == s1_h) base = lw_row;
    {pkt_hard, pkt_soft, byte_hard, byte_soft} = s1_lim;
    nrow = base;
    pk = base[63:0] + 64'd1;
    by = base[127:64] + 64'(s1_inner);
    hit_sb = 1'b0; hit_sp = 1'b0; hit_hb = 1'b0; hit_hp = 1'b0;
    if (s1_res == esp_contract_pkg::DROP_OK) begin
      nrow[63:0]   = pk;
      nrow[127:64] = by;
      hit_sb = byte_soft != 0 && by >= byte_soft && !base[RW-3];
      hit_sp = pkt_soft  != 0 && pk >= pkt_soft  && !base[RW-2];
      hit_hb = byte_hard != 0 && by >= byte_hard && !base[RW-1];
      hit_hp = pkt_hard  != 0 && pk >= pkt_hard  && !base[RW-1];
      if (hit_sb) nrow[RW-3] = 1'b1;
      if (hit_sp) nrow[RW-2] = 1'b1;
      if (hit_hb || hit_hp) nrow[RW-1] = 1'b1;
    end else if (s1_res <= 4'd7) begin
      for (int c = 1; c < 8; c++)
        if (s1_res == 4'(c)) nrow[64*(c+1) +: 64] = base[64*(c+1) +: 64] + 64'd1;
    end
    hard_first = hit_hb || hit_hp;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      fresh    <= '1;
      lw_valid <= 1'b0;
    end else begin
      lw_valid <= 1'b0;
      if (s1_valid) begin
        rows[s1_h] <= nrow;
        fresh[s1_h] <= 1'b0;
        lw_valid <= 1'b1;
        lw_h     <= s1_h;
        lw_row   <= nrow;
      end
      if (inst_valid) begin
        limits[inst_handle] <= inst_limits;
        fresh[inst_handle]  <= 1'b1;
        if (lw_valid && lw_h == inst_handle) lw_valid <= 1'b0;
        if (s1_valid && s1_h == inst_handle) lw_valid <= 1'b0;
      end
    end
  end

  always_comb begin
    ev_valid = {hit_hp, hit_hb, hit_sp, hit_sb} & {4{s1_valid && !(inst_valid && inst_handle == s1_h)}};
    ev_word = '0;
    ev_word[0*32 +: 32] = {esp_contract_pkg::EVT_SOFT_BYTES,   8'd0, 16'(s1_h)};
    ev_word[1*32 +: 32] = {esp_contract_pkg::EVT_SOFT_PACKETS, 8'd0, 16'(s1_h)};
    ev_word[2*32 +: 32] = {esp_contract_pkg::EVT_HARD_BYTES,   8'd0, 16'(s1_h)};
    ev_word[3*32 +: 32] = {esp_contract_pkg::EVT_HARD_PACKETS, 8'd0, 16'(s1_h)};
    dis_valid  = s1_valid && hard_first && !(inst_valid && inst_handle == s1_h);
    dis_handle = s1_h;
  end

  // global counters: index 0 pkts_in, 1 pkts_out, 2 bytes_in, 3 bytes_out, 4+c drops[c]
  logic [63:0] g [12];
  always_ff @(posedge clk) begin
    if (!rst_n || clear_global) begin
      for (int i = 0; i < 12; i++) g[i] <= '0;
    end else if (pd_valid) begin
      g[0] <= g[0] + 64'd1;
      g[2] <= g[2] + 64'(pd_in_bytes);
      if (pd_result == esp_contract_pkg::DROP_OK) begin
        g[1] <= g[1] + 64'd1;
        g[3] <= g[3] + 64'(pd_out_bytes);
      end else if (pd_result <= 4'd7) begin
        g[4 + 32'(pd_result[2:0])] <= g[4 + 32'(pd_result[2:0])] + 64'd1;
      end
    end
  end
  always_comb for (int i = 0; i < 12; i++) glob[i*64 +: 64] = g[i];

  logic unused;
  assign unused = s1_sa;
endmodule
