// Event FIFO read through EVT_POP. Several sources may push in one cycle
// (a packet can reach two limits at once); entries are stored in port order.
// The slots are interleaved over NB >= NPUSH banks (slot s in bank s % NB), so the
// pushes of one cycle land in consecutive slots of distinct banks and every bank has
// one write port: each is a small RAM (LUT RAM, read asynchronously for `head`)
// instead of one array with NPUSH write ports, which could only be flip-flops.
// The overflow count adds the pushes lost in a cycle one cycle later (the 32-bit saturating
// add does not fit the cycle that also decides which pushes fit): `overflow` lags by one.
module esp_event_queue #(
  parameter int unsigned DEPTH = esp_contract_pkg::EVENT_QUEUE_DEPTH,  // a power of two >= NB
  parameter int unsigned NPUSH = 6
) (
  input  logic               clk,
  input  logic               rst_n,
  input  logic               clear,        // soft reset: empty the queue, zero the overflow count
  input  logic [NPUSH-1:0]   push_valid,
  input  logic [NPUSH*32-1:0] push_word,
  input  logic               pop,          // EVT_POP read accepted this cycle
  output logic [31:0]        head,         // oldest event, 0 when empty
  output logic [31:0]        count,
  output logic [31:0]        overflow
);
  localparam int unsigned AW = $clog2(DEPTH);
  localparam int unsigned LB = (NPUSH > 1) ? $clog2(NPUSH) : 1;  // log2 of the bank count
  localparam int unsigned NB = 1 << LB;
  localparam int unsigned BD = DEPTH / NB;                       // slots per bank
  localparam int unsigned BA = (AW > LB) ? AW - LB : 1;          // bank address bits

  logic [AW-1:0] rd_ptr, wr_ptr;
  logic [AW:0]   cnt;
  logic [AW:0]   free_q;                    // DEPTH - cnt, kept apart so `room` needs no subtraction

  logic          do_pop;
  logic [AW:0]   room;                      // free slots after this cycle's pop
  logic [AW:0]   offset [NPUSH];            // slot offset of each accepted push
  logic [NPUSH-1:0] accept;
  logic [AW:0]   n_valid;                   // pushes asked for this cycle
  logic          fills;                     // they fill the queue: the first `room` are kept
  logic [LB:0]   n_lost, n_lost_q;          // pushes lost this cycle / the cycle before
  logic [NB*32-1:0] bank_rd;                // each bank's word at rd_ptr's row

  assign do_pop = pop && (cnt != '0);
  assign room   = free_q + {{AW{1'b0}}, do_pop};

  // Pushes are kept in port order while there is room, so a push is kept iff fewer than
  // `room` valid ports precede it, and its slot offset is that number.
  always_comb begin
    n_valid = '0;
    for (int i = 0; i < NPUSH; i++) begin
      offset[i] = n_valid;
      accept[i] = push_valid[i] && (n_valid < room);
      if (push_valid[i]) n_valid = n_valid + 1'b1;
    end
    fills  = n_valid >= room;
    n_lost = fills ? (LB+1)'(n_valid - room) : '0;
  end

  for (genvar b = 0; b < NB; b++) begin : g_bank
    logic [31:0]   mem [BD];
    logic [LB-1:0] k;                       // this bank's slot is wr_ptr + k
    logic [AW-1:0] slot;
    logic          we;
    logic [31:0]   wd;

    always_comb begin
      k    = LB'(b) - wr_ptr[LB-1:0];
      slot = wr_ptr + AW'(k);
      we   = 1'b0;
      wd   = '0;
      // at most one accepted push has offset k (offsets are distinct and < NPUSH <= NB)
      for (int i = 0; i < NPUSH; i++)
        if (accept[i] && offset[i] == (AW+1)'(k)) begin
          we = 1'b1;
          wd = push_word[i*32 +: 32];
        end
    end

    always_ff @(posedge clk)
      if (rst_n && !clear && we) mem[BA'(slot >> LB)] <= wd;

    assign bank_rd[b*32 +: 32] = mem[BA'(rd_ptr >> LB)];
  end

  always_ff @(posedge clk) begin
    if (!rst_n || clear) begin
      rd_ptr   <= '0;
      wr_ptr   <= '0;
      cnt      <= '0;
      free_q   <= (AW+1)'(DEPTH);
      overflow <= '0;
      n_lost_q <= '0;
    end else begin
      if (do_pop) rd_ptr <= rd_ptr + 1'b1;
      // full after this cycle: the write pointer meets the read pointer
      if (fills) begin
        wr_ptr <= rd_ptr + AW'(do_pop);
        cnt    <= (AW+1)'(DEPTH);
        free_q <= '0;
      end else begin
        wr_ptr <= wr_ptr + n_valid[AW-1:0];
        cnt    <= cnt + n_valid - {{AW{1'b0}}, do_pop};
        free_q <= free_q - n_valid + {{AW{1'b0}}, do_pop};
      end
      // saturate rather than wrap so a huge loss never looks small
      n_lost_q <= n_lost;
      if (overflow + 32'(n_lost_q) < overflow) overflow <= '1;
      else overflow <= overflow + 32'(n_lost_q);
    end
  end

  assign head  = (cnt != '0) ? bank_rd[32 * rd_ptr[LB-1:0] +: 32] : 32'd0;
  assign count = 32'(cnt);
endmodule
