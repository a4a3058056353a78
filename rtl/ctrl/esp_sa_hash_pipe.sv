// One lookup pipeline of the inbound hash (esp_sa_hash has two: datapath lookups and
// command probes, each on its own memory read port, so neither can starve the other).
// Stage 0 hashes the key into the two candidate buckets (rd_b0/rd_b1 registered), the
// parent returns both buckets' entries one cycle later (rd_e), stage 2 compares: hit and
// handle; for probes also duplicate (an entry with the key other than excl_h), the
// 2-left choice and whether both buckets are full. Results three cycles after in_valid.
module esp_sa_hash_pipe #(
  parameter int unsigned HW   = 10,
  parameter int unsigned LOG2 = 10,
  parameter int unsigned WAYS = 4,
  localparam int unsigned WW  = $clog2(WAYS),
  localparam int unsigned EW  = 1 + 1 + 32 + 128 + HW
) (
  input  logic          clk,
  input  logic          rst_n,
  input  logic          in_valid,
  input  logic [31:0]   in_spi,
  input  logic [127:0]  in_dst,
  input  logic          in_ipv6,
  input  logic          in_excl,
  input  logic [HW-1:0] in_excl_h,
  output logic [LOG2-1:0] rd_b0,
  output logic [LOG2-1:0] rd_b1,
  input  logic [2*WAYS*EW-1:0] rd_e,           // entry {t, w} at (t*WAYS + w)*EW
  output logic          done,
  output logic          hit,
  output logic [HW-1:0] hit_handle,
  output logic          dup,
  output logic          full,
  output logic [LOG2+WW:0] loc                 // {table, bucket, way} for an insert
);
  logic [31:0] key;
  /* verilator lint_off UNUSEDSIGNAL */  // the bucket is the top LOG2 bits of the product
  logic [31:0] p0, p1;
  /* verilator lint_on UNUSEDSIGNAL */
  assign key = in_spi ^ in_dst[127:96] ^ in_dst[95:64] ^ in_dst[63:32] ^ in_dst[31:0];
  assign p0  = key * esp_contract_pkg::HASH_MULT0;
  assign p1  = key * esp_contract_pkg::HASH_MULT1;

  logic          s1_valid, s1_ipv6, s1_excl;
  logic [31:0]   s1_spi;
  logic [127:0]  s1_dst;
  logic [HW-1:0] s1_excl_h;
  logic          s2_valid, s2_ipv6, s2_excl;
  logic [31:0]   s2_spi;
  logic [127:0]  s2_dst;
  logic [HW-1:0] s2_excl_h;
  logic [LOG2-1:0] s2_b0, s2_b1;

  always_ff @(posedge clk) begin
    s1_valid  <= rst_n && in_valid;
    s1_spi    <= in_spi;
    s1_dst    <= in_dst;
    s1_ipv6   <= in_ipv6;
    s1_excl   <= in_excl;
    s1_excl_h <= in_excl_h;
    rd_b0     <= p0[31 -: LOG2];
    rd_b1     <= p1[31 -: LOG2];
    s2_valid  <= rst_n && s1_valid;
    s2_spi    <= s1_spi;
    s2_dst    <= s1_dst;
    s2_ipv6   <= s1_ipv6;
    s2_excl   <= s1_excl;
    s2_excl_h <= s1_excl_h;
    s2_b0     <= rd_b0;
    s2_b1     <= rd_b1;
  end

  // stage 2 compare
  logic          c_hit, c_dup, c_full, tsel;
  logic [HW-1:0] c_hit_h;
  logic [WW:0]   load [2];
  logic [WW-1:0] free_way [2];
  logic          free_found [2];
  logic [EW-1:0] e;
  logic          v, mine;
  always_comb begin
    c_hit = 1'b0; c_dup = 1'b0; c_hit_h = '0;
    for (int t = 0; t < 2; t++) begin
      load[t] = '0;
      free_way[t] = '0;
      free_found[t] = 1'b0;
      for (int w = 0; w < WAYS; w++) begin
        e    = rd_e[(t*WAYS + w)*EW +: EW];
        v    = e[EW-1];
        mine = s2_excl && e[HW-1:0] == s2_excl_h;
        if (v && e[EW-2] == s2_ipv6 && e[EW-3 -: 32] == s2_spi && e[HW +: 128] == s2_dst) begin
          if (!c_hit) c_hit_h = e[HW-1:0];
          c_hit = 1'b1;
          if (!mine) c_dup = 1'b1;
        end
        if (v && !mine) load[t] = load[t] + 1'b1;
        else if (!free_found[t]) begin
          free_found[t] = 1'b1;
          free_way[t] = WW'(w);
        end
      end
    end
    c_full = !free_found[0] && !free_found[1];
    tsel = load[1] < load[0];                // tie goes to table 0
  end

  always_ff @(posedge clk) begin
    done       <= rst_n && s2_valid;
    hit        <= c_hit;
    hit_handle <= c_hit_h;
    dup        <= c_dup;
    full       <= c_full;
    loc        <= tsel ? {1'b1, s2_b1, free_way[1]} : {1'b0, s2_b0, free_way[0]};
  end
endmodule
