// esp_in_ring: one of esp_decap's two packet rings (2^AW beats of 16 bytes). One write
// port; one read port that returns two consecutive beats, raddr and raddr + 1 (mod the
// ring), in the cycle after the address (a registered read, so the ring maps to block RAM
// rather than ~10 K LUTs of LUT-RAM). The beats are interleaved over two banks, even and
// odd, so the pair is one read of each bank: bank-even row (raddr + 1) / 2, bank-odd row
// raddr / 2, swapped back by raddr's low bit.
// Readers present the next cycle's address (a prefetch) and never read a beat written in the
// same cycle: a packet's beats are read only after all of them are in the ring.
module esp_in_ring #(
    parameter int unsigned AW = esp_in_pkg::RING_AW
) (
    input  logic          clk,
    input  logic          we,
    input  logic [AW-1:0] waddr,
    input  logic [127:0]  wdata,
    input  logic [AW-1:0] raddr,
    output logic [127:0]  rdata0,  // beat raddr of the cycle before
    output logic [127:0]  rdata1   // beat raddr + 1
);
  localparam int unsigned ROWS = 1 << (AW - 1);
  logic [127:0] even_mem[ROWS];
  logic [127:0] odd_mem[ROWS];
  logic [127:0] even_q, odd_q;
  logic [AW-2:0] even_row;  // the even beat of the pair: raddr or raddr + 1
  logic odd_first_q;

  assign even_row = raddr[AW-1:1] + (AW-1)'(raddr[0]);
  always_ff @(posedge clk) if (we && !waddr[0]) even_mem[waddr[AW-1:1]] <= wdata;
  always_ff @(posedge clk) if (we && waddr[0]) odd_mem[waddr[AW-1:1]] <= wdata;
  always_ff @(posedge clk) even_q <= even_mem[even_row];
  always_ff @(posedge clk) odd_q <= odd_mem[raddr[AW-1:1]];
  always_ff @(posedge clk) odd_first_q <= raddr[0];

  assign rdata0 = odd_first_q ? odd_q : even_q;
  assign rdata1 = odd_first_q ? even_q : odd_q;
endmodule
