// AXI4-Lite register file of the contract's map (32-bit, 4 KiB). AW and W are
// accepted together and B follows the next cycle; with bready held high a new
// write is accepted while B is returned, so a master can issue one write per cycle.
// SA_CMD goes straight to the SA engine in the accepting cycle, so SA_STATUS
// shows BUSY from the next cycle on. SA_DATA writes are ignored while BUSY (the
// engine reads the staging window during the command).
module esp_csr
#(
  parameter int unsigned NSA  = esp_contract_pkg::N_SA,
  parameter logic [31:0] CAPS = 32'h1f      // ESN, UDP_ENCAP, IPV6, AES256, TRANSPORT
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [11:0] s_axil_awaddr,
  input  logic        s_axil_awvalid,
  output logic        s_axil_awready,
  input  logic [31:0] s_axil_wdata,
  input  logic [3:0]  s_axil_wstrb,
  input  logic        s_axil_wvalid,
  output logic        s_axil_wready,
  output logic [1:0]  s_axil_bresp,
  output logic        s_axil_bvalid,
  input  logic        s_axil_bready,
  input  logic [11:0] s_axil_araddr,
  input  logic        s_axil_arvalid,
  output logic        s_axil_arready,
  output logic [31:0] s_axil_rdata,
  output logic [1:0]  s_axil_rresp,
  output logic        s_axil_rvalid,
  input  logic        s_axil_rready,
  // SA command engine
  output logic        cmd_valid,
  output logic [15:0] cmd_handle,
  output logic [3:0]  cmd_op,
  output logic [esp_contract_pkg::SA_DATA_WORDS*32-1:0] staging,
  output logic        soft_reset,
  input  logic        busy,
  input  logic [3:0]  error,
  input  logic [esp_contract_pkg::SA_READ_WORDS*32-1:0] sa_read,
  // counters, index (offset - CNT_PKTS_IN) / 4
  input  logic [12*64-1:0] glob,
  // events
  output logic        evt_pop,
  input  logic [31:0] evt_head,
  input  logic [31:0] evt_count,
  input  logic [31:0] evt_overflow,
  output logic        irq
);
  logic        irq_enable;
  logic [31:0] hi_latch;

  // ------------------------------------------------------------ writes
  logic        wr_fire;
  logic [11:0] wa;
  assign wr_fire        = s_axil_awvalid && s_axil_wvalid && (!s_axil_bvalid || s_axil_bready);
  assign s_axil_awready = wr_fire;
  assign s_axil_wready  = wr_fire;
  assign s_axil_bresp   = 2'b00;
  assign wa             = {s_axil_awaddr[11:2], 2'b00};

  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] nw, input logic [3:0] strb);
    for (int b = 0; b < 4; b++) merge[8*b +: 8] = strb[b] ? nw[8*b +: 8] : old[8*b +: 8];
  endfunction

  // Unaligned addresses reach no register (reads return 0), as in the HLS model.
  logic w_ok, r_ok;
  assign w_ok = s_axil_awaddr[1:0] == 2'b00;
  assign r_ok = s_axil_araddr[1:0] == 2'b00;
  assign cmd_valid  = wr_fire && w_ok && wa == esp_contract_pkg::REG_SA_CMD;
  assign cmd_handle = s_axil_wdata[esp_contract_pkg::REG_SA_CMD_HANDLE_LSB +: 16];
  assign cmd_op     = s_axil_wdata[esp_contract_pkg::REG_SA_CMD_OP_LSB +: 4];
  assign soft_reset = wr_fire && w_ok && wa == esp_contract_pkg::REG_DEV_CONTROL && s_axil_wstrb[0]
                      && s_axil_wdata[esp_contract_pkg::REG_DEV_CONTROL_SOFT_RESET_LSB];

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s_axil_bvalid <= 1'b0;
      irq_enable    <= 1'b0;
      staging       <= '0;
    end else begin
      if (s_axil_bready) s_axil_bvalid <= 1'b0;
      if (wr_fire) s_axil_bvalid <= 1'b1;
      if (soft_reset) begin            // SOFT_RESET returns the whole card to power-on state
        irq_enable <= 1'b0;
        staging    <= '0;
      end else if (wr_fire && w_ok) begin
        if (wa == esp_contract_pkg::REG_IRQ_ENABLE && s_axil_wstrb[0]) irq_enable <= s_axil_wdata[0];
        if (wa >= esp_contract_pkg::REG_SA_DATA && wa < esp_contract_pkg::REG_SA_DATA + 12'(4 * esp_contract_pkg::SA_DATA_WORDS) && !busy)
          staging[32 * 32'(wa[6:2]) +: 32] <= merge(staging[32 * 32'(wa[6:2]) +: 32], s_axil_wdata, s_axil_wstrb);
      end
    end
  end

  // ------------------------------------------------------------ reads
  logic        rd_fire;
  logic [11:0] ra;
  logic [31:0] rd;
  logic [3:0]  cidx;
  logic        is_cnt;
  assign rd_fire        = s_axil_arvalid && (!s_axil_rvalid || s_axil_rready);
  assign s_axil_arready = !s_axil_rvalid || s_axil_rready;
  assign s_axil_rresp   = 2'b00;
  assign ra             = {s_axil_araddr[11:2], 2'b00};
  assign evt_pop        = rd_fire && r_ok && ra == esp_contract_pkg::REG_EVT_POP;
  assign is_cnt         = r_ok && ra >= esp_contract_pkg::REG_CNT_PKTS_IN && ra < esp_contract_pkg::REG_CNT_HI_LATCH;
  assign cidx           = ra[5:2];
  assign irq            = irq_enable && evt_count != 0;

  always_comb begin
    rd = 32'd0;
    if (!r_ok) rd = 32'd0;
    else if (ra >= esp_contract_pkg::REG_SA_DATA && ra < esp_contract_pkg::REG_SA_DATA + 12'(4 * esp_contract_pkg::SA_DATA_WORDS))
      rd = staging[32 * 32'(ra[6:2]) +: 32];
    else if (ra >= esp_contract_pkg::REG_SA_READ && ra < esp_contract_pkg::REG_SA_READ + 12'(4 * esp_contract_pkg::SA_READ_WORDS))
      rd = sa_read[32 * 32'(ra[6:2]) +: 32];
    else if (is_cnt)
      rd = glob[64 * 32'(cidx) +: 32];
    else
      case (ra)
        esp_contract_pkg::REG_DEV_ID:         rd = esp_contract_pkg::DEV_ID_VALUE;
        esp_contract_pkg::REG_DEV_VERSION:    rd = esp_contract_pkg::CONTRACT_VERSION;
        esp_contract_pkg::REG_DEV_CAPS:       rd = CAPS;
        esp_contract_pkg::REG_DEV_SA_SLOTS:   rd = NSA;
        esp_contract_pkg::REG_DEV_MAX_WINDOW: rd = esp_contract_pkg::MAX_REPLAY_WINDOW;
        esp_contract_pkg::REG_SA_STATUS:      rd = {24'd0, error, 3'd0, busy};
        esp_contract_pkg::REG_CNT_HI_LATCH:   rd = hi_latch;
        esp_contract_pkg::REG_EVT_COUNT:      rd = evt_count;
        esp_contract_pkg::REG_EVT_POP:        rd = evt_head;
        esp_contract_pkg::REG_EVT_OVERFLOW:   rd = evt_overflow;
        esp_contract_pkg::REG_IRQ_ENABLE:     rd = {31'd0, irq_enable};
        esp_contract_pkg::REG_IRQ_STATUS:     rd = {31'd0, irq};
        default:            rd = 32'd0;
      endcase
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s_axil_rvalid <= 1'b0;
      hi_latch      <= '0;
    end else begin
      if (soft_reset) hi_latch <= '0;
      if (s_axil_rready) s_axil_rvalid <= 1'b0;
      if (rd_fire) begin
        s_axil_rvalid <= 1'b1;
        s_axil_rdata  <= rd;
        if (is_cnt) hi_latch <= glob[64 * 32'(cidx) + 32 +: 32];
      end
    end
  end
endmodule
