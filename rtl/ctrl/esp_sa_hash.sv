// Inbound SA lookup: 2-left hashing over two tables of HASH_WAYS-way buckets
// (contract: bucket_t = ((key * HASH_MULT_t) mod 2^32) >> (32 - LOG2), key = SPI ^ dst words).
// Entries hold the full match key (SPI, destination, family) so a lookup needs
// no SA table access. Lookups and command probes run in two 3-cycle pipelines on
// the two ports of the bucket memories (one block RAM per table and way; writes come
// from commands only), so a lookup every cycle never holds a command back; pr_ready
// is always 1. The owner must not write an entry in the cycle after pr_valid (the
// probe's read); a flush then spoils the probe's result.
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

  // datapath lookups
  logic [LOG2-1:0] lb0, lb1, qb0, qb1;
  logic [2*WAYS*EW-1:0] le, qe;
  logic [HW-1:0]   lk_h;
  logic            lk_dup_unused, lk_full_unused;
  logic [LOG2+WW:0] lk_loc_unused;
  esp_sa_hash_pipe #(.HW(HW), .LOG2(LOG2), .WAYS(WAYS)) u_lookup (
    .clk, .rst_n, .in_valid(lk_valid), .in_spi(lk_spi), .in_dst(lk_dst), .in_ipv6(lk_ipv6),
    .in_excl(1'b0), .in_excl_h('0), .rd_b0(lb0), .rd_b1(lb1), .rd_e(le),
    .done(lk_done), .hit(lk_hit), .hit_handle(lk_h), .dup(lk_dup_unused), .full(lk_full_unused),
    .loc(lk_loc_unused)
  );
  assign lk_handle = 16'(lk_h);

  // command probes
  logic [HW-1:0] pr_h_unused;
  logic          pr_hit_unused;
  assign pr_ready = 1'b1;
  esp_sa_hash_pipe #(.HW(HW), .LOG2(LOG2), .WAYS(WAYS)) u_probe (
    .clk, .rst_n, .in_valid(pr_valid), .in_spi(pr_spi), .in_dst(pr_dst), .in_ipv6(pr_ipv6),
    .in_excl(pr_excl_valid), .in_excl_h(pr_excl_handle), .rd_b0(qb0), .rd_b1(qb1), .rd_e(qe),
    .done(pr_done), .hit(pr_hit_unused), .hit_handle(pr_h_unused), .dup(pr_dup), .full(pr_full),
    .loc(pr_loc)
  );

  // One memory per (table, way), NB entries each, so each maps to one block RAM: port A
  // reads for lookups every cycle; port B writes (commands) or else reads for probes.
  // Probes and writes come from the same serial command engine and never need port B in
  // the same cycle (checked in simulation below). Registered reads; a read in the cycle of
  // a write to its entry returns the old entry, as the lookup side relies on (UPDATE).
  logic            wr_t;
  logic [WW-1:0]   wr_w;
  logic [LOG2-1:0] wr_b;
  logic [EW-1:0]   wr_entry;
  assign {wr_t, wr_b, wr_w} = wr_loc;
  assign wr_entry = (wr_set && !clr_valid) ? {1'b1, wr_ipv6, wr_spi, wr_dst, wr_handle} : '0;

  for (genvar t = 0; t < 2; t++) begin : g_table
    logic [LOG2-1:0] pb_addr;   // port B of this table's memories
    assign pb_addr = clr_valid ? clr_bucket : wr_valid ? wr_b : (t == 0 ? qb0 : qb1);
    for (genvar w = 0; w < WAYS; w++) begin : g_way
      localparam int unsigned SLOT = t*WAYS + w;
      logic [EW-1:0] mem [NB];
      logic [EW-1:0] rd_a, rd_b;
      logic          we;
      assign we = clr_valid || (wr_valid && wr_t == 1'(t) && wr_w == WW'(w));
      always_ff @(posedge clk) rd_a <= mem[t == 0 ? lb0 : lb1];
      always_ff @(posedge clk) begin
        if (we) mem[pb_addr] <= wr_entry;
        rd_b <= mem[pb_addr];
      end
      assign le[SLOT*EW +: EW] = rd_a;
      assign qe[SLOT*EW +: EW] = rd_b;
    end
  end

`ifndef SYNTHESIS
  // A probe reads port B in the cycle after pr_valid: no entry write may take the port
  // then. (A flush may: the owner abandons its command, and the probe with it.)
  logic pr_reading;
  always_ff @(posedge clk) begin
    pr_reading <= rst_n && pr_valid;
    if (pr_reading && wr_valid && !clr_valid)
      $error("esp_sa_hash: entry write in the cycle of a probe read");
  end
`endif
endmodule
