// Event FIFO read through EVT_POP. Several sources may push in one cycle
// (a packet can reach two limits at once); entries are stored in port order.
module esp_event_queue #(
  parameter int unsigned DEPTH = esp_contract_pkg::EVENT_QUEUE_DEPTH,
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

  logic [31:0]   mem [DEPTH];
  logic [AW-1:0] rd_ptr, wr_ptr;
  logic [AW:0]   cnt;

  logic          do_pop;
  logic [AW:0]   room;                      // free slots after this cycle's pop
  logic [AW:0]   offset [NPUSH];            // slot offset of each accepted push
  logic [NPUSH-1:0] accept;
  logic [AW:0]   n_accept;
  logic [31:0]   n_lost;

  assign do_pop = pop && (cnt != '0);
  assign room   = (AW+1)'(DEPTH) - cnt + {{AW{1'b0}}, do_pop};

  always_comb begin
    n_accept = '0;
    n_lost   = '0;
    for (int i = 0; i < NPUSH; i++) begin
      offset[i] = n_accept;
      accept[i] = push_valid[i] && (n_accept < room);
      if (accept[i]) n_accept = n_accept + 1'b1;
      else if (push_valid[i]) n_lost = n_lost + 1;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n || clear) begin
      rd_ptr   <= '0;
      wr_ptr   <= '0;
      cnt      <= '0;
      overflow <= '0;
    end else begin
      for (int i = 0; i < NPUSH; i++)
        if (accept[i]) mem[wr_ptr + offset[i][AW-1:0]] <= push_word[i*32 +: 32];
      wr_ptr <= wr_ptr + n_accept[AW-1:0];
      if (do_pop) rd_ptr <= rd_ptr + 1'b1;
      cnt <= cnt + n_accept - {{AW{1'b0}}, do_pop};
      // saturate rather than wrap so a huge loss never looks small
      if (overflow + n_lost < overflow) overflow <= '1;
      else overflow <= overflow + n_lost;
    end
  end

  assign head  = (cnt != '0) ? mem[rd_ptr] : 32'd0;
  assign count = 32'(cnt);
endmodule
