// Test top for esp::RtlEngine (sim/harness/rtl_engine.h): the engine's port shape with the
// real control plane (esp_ctrl) behind AXI4-Lite and the stream looped back through a FIFO
// (no ESP datapath: it checks the adapter's register, stream and tuser plumbing only).
module tb_engine_shell (
  input  logic         clk,
  input  logic         rst_n,
  input  logic [11:0]  s_axil_awaddr,
  input  logic         s_axil_awvalid,
  output logic         s_axil_awready,
  input  logic [31:0]  s_axil_wdata,
  input  logic [3:0]   s_axil_wstrb,
  input  logic         s_axil_wvalid,
  output logic         s_axil_wready,
  output logic [1:0]   s_axil_bresp,
  output logic         s_axil_bvalid,
  input  logic         s_axil_bready,
  input  logic [11:0]  s_axil_araddr,
  input  logic         s_axil_arvalid,
  output logic         s_axil_arready,
  output logic [31:0]  s_axil_rdata,
  output logic [1:0]   s_axil_rresp,
  output logic         s_axil_rvalid,
  input  logic         s_axil_rready,
  output logic         irq,
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
  /* verilator lint_off UNUSEDSIGNAL */  // datapath ports of esp_ctrl stay idle in this shell
  logic        lk_done, lk_hit, sf_done, rp_ready, rp_done, rp_ok;
  logic [15:0] lk_handle, sf_handle_out;
  logic [3:0]  sf_result;
  logic [7:0]  sf_gen;
  logic [31*32-1:0] sf_cfg;
  logic [63:0] sf_seq, rp_seq_out;
  /* verilator lint_on UNUSEDSIGNAL */

  esp_ctrl u_ctrl (
    .clk, .rst_n,
    .s_axil_awaddr, .s_axil_awvalid, .s_axil_awready, .s_axil_wdata, .s_axil_wstrb, .s_axil_wvalid,
    .s_axil_wready, .s_axil_bresp, .s_axil_bvalid, .s_axil_bready, .s_axil_araddr, .s_axil_arvalid,
    .s_axil_arready, .s_axil_rdata, .s_axil_rresp, .s_axil_rvalid, .s_axil_rready, .irq,
    .lk_valid(1'b0), .lk_spi('0), .lk_dst('0), .lk_ipv6(1'b0), .lk_done, .lk_hit, .lk_handle,
    .sf_valid(1'b0), .sf_handle('0), .sf_dir(1'b0), .sf_alloc(1'b0), .sf_tp_bad4(1'b0), .sf_tp_bad6(1'b0), .sf_done, .sf_result, .sf_handle_out,
    .sf_gen, .sf_cfg, .sf_seq,
    .rp_valid(1'b0), .rp_ready, .rp_update(1'b0), .rp_handle('0), .rp_seq('0),
    .rp_gen_check(1'b0), .rp_gen('0), .rp_done, .rp_ok, .rp_seq_out,
    .pd_valid(1'b0), .pd_handle('0), .pd_gen('0), .pd_result('0), .pd_in_bytes('0), .pd_out_bytes('0),
    .pd_inner_bytes('0)
  );

  tb_axis_fifo u_loop (.*);
endmodule
