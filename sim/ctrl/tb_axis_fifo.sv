// Test top for the stream agents of sim/harness: a 4-deep AXI4-Stream FIFO
// with the engine's port shapes (tuser in 33 bits, out 37 bits, zero-extended).
module tb_axis_fifo (
  input  logic         clk,
  input  logic         rst_n,
  input  logic [127:0] s_axis_tdata,
  input  logic [15:0]  s_axis_tkeep,
  input  logic         s_axis_tlast,
  input  logic [32:0]  s_axis_tuser,
  input  logic         s_axis_tvalid,
  output logic         s_axis_tready,
  output logic [127:0] m_axis_tdata,
  output logic [15:0]  m_axis_tkeep,
  output logic         m_axis_tlast,
  output logic [36:0]  m_axis_tuser,
  output logic         m_axis_tvalid,
  input  logic         m_axis_tready
);
  localparam int W = 128 + 16 + 1 + 33;
  logic [W-1:0] mem [4];
  logic [1:0]   rd, wr;
  logic [2:0]   cnt;
  logic         push, pop;
  assign s_axis_tready = cnt != 3'd4;
  assign m_axis_tvalid = cnt != 3'd0;
  assign push = s_axis_tvalid && s_axis_tready;
  assign pop  = m_axis_tvalid && m_axis_tready;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      rd <= '0; wr <= '0; cnt <= '0;
    end else begin
      if (push) begin
        mem[wr] <= {s_axis_tuser, s_axis_tlast, s_axis_tkeep, s_axis_tdata};
        wr <= wr + 1'b1;
      end
      if (pop) rd <= rd + 1'b1;
      cnt <= cnt + {2'b0, push} - {2'b0, pop};
    end
  end
  assign {m_axis_tuser[32:0], m_axis_tlast, m_axis_tkeep, m_axis_tdata} = mem[rd];
  assign m_axis_tuser[36:33] = 4'd0;
endmodule
