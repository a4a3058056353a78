// esp_engine_kernel: esp_engine_top as a Vitis RTL kernel (user-managed control).
// Vitis wants the kernel's clock and reset named ap_clk / ap_rst_n (active low, synchronous
// to ap_clk) and its AXI4-Lite control interface packaged as s_axi_control; the streams keep
// the engine's names (s_axis, m_axis) and contract sideband in tuser. Nothing else changes:
// the register map, beats and sideband are docs/contract.md's, and xrt:N (libespdrv) drives
// the control port through xrt::ip.
module esp_engine_kernel (
  input  logic         ap_clk,
  input  logic         ap_rst_n,
  // AXI4-Lite control: the contract's register map, 4 KiB (kernel.xml range 0x1000)
  input  logic [11:0]  s_axi_control_awaddr,
  input  logic         s_axi_control_awvalid,
  output logic         s_axi_control_awready,
  input  logic [31:0]  s_axi_control_wdata,
  input  logic [3:0]   s_axi_control_wstrb,
  input  logic         s_axi_control_wvalid,
  output logic         s_axi_control_wready,
  output logic [1:0]   s_axi_control_bresp,
  output logic         s_axi_control_bvalid,
  input  logic         s_axi_control_bready,
  input  logic [11:0]  s_axi_control_araddr,
  input  logic         s_axi_control_arvalid,
  output logic         s_axi_control_arready,
  output logic [31:0]  s_axi_control_rdata,
  output logic [1:0]   s_axi_control_rresp,
  output logic         s_axi_control_rvalid,
  input  logic         s_axi_control_rready,
  /* verilator lint_off SYMRSVDWORD */  // Vitis names the interrupt port so
  output logic         interrupt,
  /* verilator lint_on SYMRSVDWORD */
  // AXI4-Stream packets in and out (128-bit beats, contract tuser)
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
  // The platform's reset reaches every kernel through long routes: two local registers give
  // the engine's large reset fan-out a short path (it leaves reset two cycles later).
  logic [1:0] rst_pipe;
  always_ff @(posedge ap_clk) rst_pipe <= {rst_pipe[0], ap_rst_n};

  esp_engine_top u_engine (
    .clk(ap_clk), .rst_n(rst_pipe[1]),
    .s_axil_awaddr(s_axi_control_awaddr), .s_axil_awvalid(s_axi_control_awvalid),
    .s_axil_awready(s_axi_control_awready), .s_axil_wdata(s_axi_control_wdata),
    .s_axil_wstrb(s_axi_control_wstrb), .s_axil_wvalid(s_axi_control_wvalid),
    .s_axil_wready(s_axi_control_wready), .s_axil_bresp(s_axi_control_bresp),
    .s_axil_bvalid(s_axi_control_bvalid), .s_axil_bready(s_axi_control_bready),
    .s_axil_araddr(s_axi_control_araddr), .s_axil_arvalid(s_axi_control_arvalid),
    .s_axil_arready(s_axi_control_arready), .s_axil_rdata(s_axi_control_rdata),
    .s_axil_rresp(s_axi_control_rresp), .s_axil_rvalid(s_axi_control_rvalid),
    .s_axil_rready(s_axi_control_rready),
    .irq(interrupt),
    .s_axis_tdata, .s_axis_tkeep, .s_axis_tlast, .s_axis_tuser, .s_axis_tvalid, .s_axis_tready,
    .m_axis_tdata, .m_axis_tkeep, .m_axis_tlast, .m_axis_tuser, .m_axis_tvalid, .m_axis_tready
  );
endmodule
