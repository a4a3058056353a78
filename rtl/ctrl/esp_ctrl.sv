// Control plane of the ESP engine: register file, SA table with its command
// engine and inbound hash, counters with lifetime limits, event queue and the
// anti-replay windows. The datapath talks to it through four ports:
//   lk_*  inbound lookup by (SPI, destination, family)      3 cycles
//   sf_*  SA fetch (snapshot; outbound: allocate the seq)   2 cycles
//   rp_*  replay check (pre-ICV) / update (post-ICV)         2 cycles, one op per 2 cycles
//         An op carrying a generation older than the slot's (the packet was fetched before
//         an UPDATE/DELETE committed) is a no-op that answers ok: the model processed that
//         packet, under the old SA, before the change, so it must not touch the new window.
//   pd_*  packet result: global and per-SA counters, lifetime, events
module esp_ctrl
#(
  parameter int unsigned NSA   = esp_contract_pkg::N_SA,
  parameter int unsigned LOG2  = esp_contract_pkg::HASH_BUCKETS_LOG2,
  parameter int unsigned WAYS  = esp_contract_pkg::HASH_WAYS,
  parameter int unsigned EVQ   = esp_contract_pkg::EVENT_QUEUE_DEPTH,
  parameter logic [31:0] CAPS  = 32'h1f,
  localparam int unsigned HW   = $clog2(NSA)
) (
  input  logic        clk,
  input  logic        rst_n,
  // AXI4-Lite slave
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
  output logic        irq,
  // inbound lookup
  input  logic        lk_valid,
  input  logic [31:0] lk_spi,
  input  logic [127:0] lk_dst,
  input  logic        lk_ipv6,
  output logic        lk_done,
  output logic        lk_hit,
  output logic [15:0] lk_handle,
  // SA fetch
  input  logic        sf_valid,
  input  logic [15:0] sf_handle,
  input  logic        sf_dir,
  input  logic        sf_alloc,
  input  logic        sf_tp_bad4,      // the packet is malformed for a transport SA of IPv4 / IPv6:
  input  logic        sf_tp_bad6,      //   the SA's CTRL then refuses it the sequence number
  output logic        sf_done,
  output logic [3:0]  sf_result,
  output logic [15:0] sf_handle_out,
  output logic [7:0]  sf_gen,
  output logic [31*32-1:0] sf_cfg,
  output logic [63:0] sf_seq,
  // replay
  input  logic        rp_valid,
  output logic        rp_ready,
  input  logic        rp_update,
  /* verilator lint_off UNUSEDSIGNAL */  // datapath handles are 16-bit; a replay op only ever names a live SA (< NSA)
  input  logic [15:0] rp_handle,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [63:0] rp_seq,
  input  logic        rp_gen_check,    // rp_gen is the op's fetch generation:
  input  logic [7:0]  rp_gen,          //   an op of a replaced SA changes nothing, answers ok
  output logic        rp_done,
  output logic        rp_ok,
  output logic [63:0] rp_seq_out,
  // packet result
  input  logic        pd_valid,
  input  logic [15:0] pd_handle,       // 0xFFFF: no SA
  input  logic [7:0]  pd_gen,          // sf_gen of the packet's fetch
  input  logic [3:0]  pd_result,
  input  logic [15:0] pd_in_bytes,
  input  logic [15:0] pd_out_bytes,
  input  logic [15:0] pd_inner_bytes
);
  logic        cmd_valid, soft_reset, busy, evt_pop;
  logic [15:0] cmd_handle;
  logic [3:0]  cmd_op, error;
  logic [esp_contract_pkg::SA_DATA_WORDS*32-1:0] staging;
  logic [esp_contract_pkg::SA_READ_WORDS*32-1:0] sa_read;
  logic [12*64-1:0] glob;
  logic [31:0] evt_head, evt_count, evt_overflow;

  esp_csr #(.NSA(NSA), .CAPS(CAPS)) u_csr (.*);

  logic            gq_ok, dis_valid;
  logic [HW-1:0]   dis_handle;
  logic [1:0]      tab_ev_valid;
  logic [63:0]     tab_ev_word;
  logic [3:0]      cnt_ev_valid;
  logic [127:0]    cnt_ev_word;
  logic            cnt_inst_valid;
  logic [HW-1:0]   cnt_inst_handle, cnt_rb_handle;
  logic [255:0]    cnt_inst_limits;
  logic [575:0]    cnt_rb_counts;
  logic [1:0]      cnt_rb_soft;
  logic            rp_init_valid, rp_init_esn;
  logic [HW-1:0]   rp_init_handle, rp_rb_handle;
  logic [12:0]     rp_init_window;
  logic [63:0]     rp_init_top, rp_rb_top;

  esp_sa_table #(.NSA(NSA), .LOG2(LOG2), .WAYS(WAYS)) u_table (
    .clk, .rst_n, .cmd_valid, .cmd_handle, .cmd_op, .staging, .soft_reset, .busy, .error, .sa_read,
    .lk_valid, .lk_spi, .lk_dst, .lk_ipv6, .lk_done, .lk_hit, .lk_handle,
    .sf_valid, .sf_handle, .sf_dir, .sf_alloc, .sf_tp_bad4, .sf_tp_bad6,
    .sf_done, .sf_result, .sf_handle_out, .sf_gen, .sf_cfg, .sf_seq,
    .rq_handle(rq_h), .rq_gen, .rq_ok,
    .gq_handle(pd_handle), .gq_gen(pd_gen), .gq_ok,
    .dis_valid, .dis_handle,
    .ev_valid(tab_ev_valid), .ev_word(tab_ev_word),
    .cnt_inst_valid, .cnt_inst_handle, .cnt_inst_limits, .cnt_rb_handle, .cnt_rb_counts, .cnt_rb_soft,
    .rp_init_valid, .rp_init_handle, .rp_init_window, .rp_init_esn, .rp_init_top,
    .rp_rb_handle, .rp_rb_top
  );

  esp_counters #(.NSA(NSA)) u_counters (
    .clk, .rst_n, .clear_global(soft_reset),
    .inst_valid(cnt_inst_valid), .inst_handle(cnt_inst_handle), .inst_limits(cnt_inst_limits),
    .pd_valid, .pd_sa_valid(gq_ok), .pd_handle(pd_handle[HW-1:0]), .pd_result,
    .pd_in_bytes, .pd_out_bytes, .pd_inner_bytes,
    .ev_valid(cnt_ev_valid), .ev_word(cnt_ev_word), .dis_valid, .dis_handle,
    .rb_handle(cnt_rb_handle), .rb_counts(cnt_rb_counts), .rb_soft(cnt_rb_soft),
    .glob
  );

  esp_event_queue #(.DEPTH(EVQ), .NPUSH(6)) u_events (
    .clk, .rst_n, .clear(soft_reset),
    .push_valid({cnt_ev_valid, tab_ev_valid}), .push_word({cnt_ev_word, tab_ev_word}),
    .pop(evt_pop), .head(evt_head), .count(evt_count), .overflow(evt_overflow)
  );

  // generation check of a replay op, in the cycle the window computes it (stage 1): a commit
  // up to the cycle the op was read is seen; a later one re-installs the window anyway
  logic          rq_valid, rq_ok;
  logic [HW-1:0] rq_h;
  logic [7:0]    rq_gen;
  always_ff @(posedge clk) begin
    rq_valid <= rst_n && rp_valid && rp_ready && rp_gen_check;
    rq_h     <= rp_handle[HW-1:0];
    rq_gen   <= rp_gen;
  end

  esp_replay_window #(.NSA(NSA)) u_replay (
    .clk, .rst_n,
    .init_valid(rp_init_valid), .init_handle(rp_init_handle), .init_window(rp_init_window),
    .init_esn(rp_init_esn), .init_top(rp_init_top),
    .op_valid(rp_valid), .op_ready(rp_ready), .op_update(rp_update), .op_handle(rp_handle[HW-1:0]),
    .op_seq(rp_seq), .op_stale(rq_valid && !rq_ok), .res_valid(rp_done), .res_ok(rp_ok), .res_seq(rp_seq_out),
    .rb_handle(rp_rb_handle), .rb_top(rp_rb_top)
  );
endmodule
