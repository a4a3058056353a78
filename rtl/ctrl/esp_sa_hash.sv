// Inbound SA lookup: 2-left hashing over two tables of HASH_WAYS-way buckets
// (contract: bucket_t = ((key * HASH_MULT_t) mod 2^32) >> (32 - LOG2), key = SPI ^ dst words).
// Entries hold the full match key (SPI, destination, family) so a lookup needs
// no SA table access. Lookups and command probes share one 3-cycle pipeline;
// lookups have priority (probe_ready low while lk_valid).
module esp_sa_hash
#(
  parameter int unsigned NSA  = esp_contract_pkg::N_SA,
  parameter int unsigned LOG2 = esp_contract_pkg::HASH_BUCKETS_LOG2,
  parameter int unsigned WAYS = esp_contract_pkg::HASH_WAYS
) (
  input  logic          clk,
  input  logic          rst_n,
  // datapath lookup: result lk_done three cycles after lk_valid
  input  logic          lk_valid,
  input  logic [31:0]   lk_spi,
  input  logic [127:0]  lk_dst,
  input  logic          lk_ipv6,
  output logic          lk_done,
  output logic          lk_hit,
  output logic [15:0]   lk_handle,
  // command probe for WRITE/UPDATE of an inbound SA; the entry of excl_handle
  // counts as absent (UPDATE replaces it)
  input  logic          pr_valid,
  output logic          pr_ready,
  input  logic [31:0]   pr_spi,
  input  logic [127:0]  pr_dst,
  input  logic          pr_ipv6,
  input  logic          pr_excl_valid,
  input  logic [$clog2(NSA)-1:0] pr_excl_handle,
  output logic          pr_done,
  output logic          pr_dup,
  output logic          pr_full,
  output logic [LOG2+$clog2(WAYS):0] pr_loc,   // {table, bucket, way}
  // one entry write per cycle: insert (wr_set) or remove
  input  logic          wr_valid,
  input  logic          wr_set,
  input  logic [LOG2+$clog2(WAYS):0] wr_loc,
  input  logic [31:0]   wr_spi,
  input  logic [127:0]  wr_dst,
  input  logic          wr_ipv6,
  input  logic [$clog2(NSA)-1:0] wr_handle,
  // FLUSH: empty bucket clr_bucket of both tables
  input  logic          clr_valid,
  input  logic [LOG2-1:0] clr_bucket
);
  localparam int unsigned HW = $clog2(NSA);
  localparam int unsigned WW = $clog2(WAYS);
  localparam int unsigned NB = 1 << LOG2;
  localparam int unsigned EW = 1 + 1 + 32 + 128 + HW;   // {valid, ipv6, spi, dst, handle}

  // way w of bucket b in table t at index {t, w, b} (flat: yosys takes 1-D memories only)
  logic [EW-1:0] mem [2*WAYS*NB];

  // stage 0: bucket indices
  logic        in_lk;
  logic [31:0] in_spi;
  logic [127:0] in_dst;
  logic        in_ipv6;
  logic [31:0] key;
  /* verilator lint_off UNUSEDSIGNAL */  // the bucket is the top LOG2 bits of the product
  logic [31:0] p0, p1;
  /* verilator lint_on UNUSEDSIGNAL */
  assign pr_ready = !lk_valid;
  assign in_lk   = lk_valid;
  assign in_spi  = lk_valid ? lk_spi  : pr_spi;
  assign in_dst  = lk_valid ? lk_dst  : pr_dst;
  assign in_ipv6 = lk_valid ? lk_ipv6 : pr_ipv6;
  assign key = in_spi ^ in_dst[127:96] ^ in_dst[95:64] ^ in_dst[63:32] ^ in_dst[31:0];
  assign p0  = key * esp_contract_pkg::HASH_MULT0;
  assign p1  = key * esp_contract_pkg::HASH_MULT1;

  logic          s1_valid, s1_lk, s1_ipv6, s1_excl;
  logic [31:0]   s1_spi;
  logic [127:0]  s1_dst;
  logic [HW-1:0] s1_excl_h;
  logic [LOG2-1:0] s1_b0, s1_b1;
  // stage 2: bucket contents
  logic          s2_valid, s2_lk, s2_ipv6, s2_excl;
  logic [31:0]   s2_spi;
  logic [127:0]  s2_dst;
  logic [HW-1:0] s2_excl_h;
  logic [LOG2-1:0] s2_b0, s2_b1;
  logic [2*WAYS*EW-1:0] s2_e;                    // entry {t, w} at (t*WAYS + w)*EW

  always_ff @(posedge clk) begin
    s1_valid  <= rst_n && (lk_valid || pr_valid);
    s1_lk     <= in_lk;
    s1_spi    <= in_spi;
    s1_dst    <= in_dst;
    s1_ipv6   <= in_ipv6;
    s1_excl   <= !lk_valid && pr_excl_valid;
    s1_excl_h <= pr_excl_handle;
    s1_b0     <= p0[31 -: LOG2];
    s1_b1     <= p1[31 -: LOG2];

    s2_valid  <= rst_n && s1_valid;
    s2_lk     <= s1_lk;
    s2_spi    <= s1_spi;
    s2_dst    <= s1_dst;
    s2_ipv6   <= s1_ipv6;
    s2_excl   <= s1_excl;
    s2_excl_h <= s1_excl_h;
    s2_b0     <= s1_b0;
    s2_b1     <= s1_b1;
    for (int w = 0; w < WAYS; w++) begin
      s2_e[w*EW +: EW]        <= mem[{1'b0, WW'(w), s1_b0}];
      s2_e[(WAYS+w)*EW +: EW] <= mem[{1'b1, WW'(w), s1_b1}];
    end
  end

  // stage 2 compare
  logic          hit, dup, full, tsel;
  logic [HW-1:0] hit_h;
  logic [WW:0]   load [2];
  logic [WW-1:0] free_way [2];
  logic          free_found [2];
  logic [EW-1:0] e;
  logic          v, mine;
  always_comb begin
    hit = 1'b0; dup = 1'b0; hit_h = '0;
    for (int t = 0; t < 2; t++) begin
      load[t] = '0;
      free_way[t] = '0;
      free_found[t] = 1'b0;
      for (int w = 0; w < WAYS; w++) begin
        e    = s2_e[(t*WAYS + w)*EW +: EW];
        v    = e[EW-1];
        mine = s2_excl && e[HW-1:0] == s2_excl_h;
        if (v && e[EW-2] == s2_ipv6 && e[EW-3 -: 32] == s2_spi && e[HW +: 128] == s2_dst) begin
          if (!hit) hit_h = e[HW-1:0];
          hit = 1'b1;
          if (!mine) dup = 1'b1;
        end
        if (v && !mine) load[t] = load[t] + 1'b1;
        else if (!free_found[t]) begin
          free_found[t] = 1'b1;
          free_way[t] = WW'(w);
        end
      end
    end
    full = !free_found[0] && !free_found[1];
    tsel = load[1] < load[0];                // tie goes to table 0
  end

  always_ff @(posedge clk) begin
    lk_done   <= rst_n && s2_valid && s2_lk;
    lk_hit    <= hit;
    lk_handle <= 16'(hit_h);
    pr_done   <= rst_n && s2_valid && !s2_lk;
    pr_dup    <= dup;
    pr_full   <= full;
    pr_loc    <= tsel ? {1'b1, s2_b1, free_way[1]} : {1'b0, s2_b0, free_way[0]};
  end

  // writes
  always_ff @(posedge clk) begin
    if (clr_valid) begin
      for (int t = 0; t < 2; t++)
        for (int w = 0; w < WAYS; w++)
          mem[{t[0], WW'(w), clr_bucket}] <= '0;
    end else if (wr_valid) begin
      // wr_loc is {table, bucket, way}; the memory index is {table, way, bucket}
      mem[{wr_loc[LOG2+WW], wr_loc[WW-1:0], wr_loc[WW +: LOG2]}] <=
        wr_set ? {1'b1, wr_ipv6, wr_spi, wr_dst, wr_handle} : '0;
    end
  end
endmodule
