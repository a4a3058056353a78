// SA table and SA command engine (SA_CMD ops WRITE/UPDATE/DELETE/READ/FLUSH).
// Every check of a command runs before any state changes, so a failed command
// changes nothing. WRITE/UPDATE commit in one cycle (config row, generation,
// sequence, counters, replay state, hash entry), which is what makes UPDATE
// atomic between packets: a packet's snapshot (fetch port) is old or new, and
// its later write-backs carry the generation so a stale packet cannot touch the
// new SA. After reset (and SOFT_RESET / FLUSH) the engine wipes every slot and
// bucket, with BUSY set, max(NSA, 2^LOG2) cycles.
module esp_sa_table
#(
  parameter int unsigned NSA  = esp_contract_pkg::N_SA,
  parameter int unsigned LOG2 = esp_contract_pkg::HASH_BUCKETS_LOG2,
  parameter int unsigned WAYS = esp_contract_pkg::HASH_WAYS,
  localparam int unsigned HW  = $clog2(NSA),
  localparam int unsigned LW  = 1 + LOG2 + $clog2(WAYS)
) (
  input  logic            clk,
  input  logic            rst_n,
  // command side (CSR)
  input  logic            cmd_valid,
  input  logic [15:0]     cmd_handle,
  input  logic [3:0]      cmd_op,
  input  logic [esp_contract_pkg::SA_DATA_WORDS*32-1:0] staging,
  input  logic            soft_reset,
  output logic            busy,
  output logic [3:0]      error,
  output logic [esp_contract_pkg::SA_READ_WORDS*32-1:0] sa_read,
  // inbound lookup (see esp_sa_hash)
  input  logic            lk_valid,
  input  logic [31:0]     lk_spi,
  input  logic [127:0]    lk_dst,
  input  logic            lk_ipv6,
  output logic            lk_done,
  output logic            lk_hit,
  output logic [15:0]     lk_handle,
  // packet-start fetch: sf_done two cycles after sf_valid
  input  logic            sf_valid,
  input  logic [15:0]     sf_handle,
  input  logic            sf_dir,
  input  logic            sf_alloc,      // outbound: take the next sequence number (packet is well-formed in tunnel mode)
  input  logic            sf_tp_bad4,    //   unless the SA is transport of IPv4 / IPv6 and the packet is
  input  logic            sf_tp_bad6,    //   malformed for it (decided here, from the CTRL of the fetch)
  output logic            sf_done,
  output logic [3:0]      sf_result,     // OK, NO_SA, SA_DISABLED or SEQ_EXHAUSTED
  output logic [15:0]     sf_handle_out,
  output logic [7:0]      sf_gen,
  output logic [31*32-1:0] sf_cfg,       // SA_DATA words 0..30 as installed
  output logic [63:0]     sf_seq,        // outbound: the sequence number allocated to this packet
  // generation check for replay ops (one cycle after the op)
  input  logic [HW-1:0]   rq_handle,
  input  logic [7:0]      rq_gen,
  output logic            rq_ok,
  // generation check for packet results
  input  logic [15:0]     gq_handle,
  input  logic [7:0]      gq_gen,
  output logic            gq_ok,
  // hard limit reached (from esp_counters)
  input  logic            dis_valid,
  input  logic [HW-1:0]   dis_handle,
  // events: [0] SA_DELETED, [1] SEQ_EXHAUSTED
  output logic [1:0]      ev_valid,
  output logic [63:0]     ev_word,
  // counters install and readback
  output logic            cnt_inst_valid,
  output logic [HW-1:0]   cnt_inst_handle,
  output logic [255:0]    cnt_inst_limits,
  output logic [HW-1:0]   cnt_rb_handle,
  input  logic [575:0]    cnt_rb_counts,
  input  logic [1:0]      cnt_rb_soft,
  // replay window install and readback
  output logic            rp_init_valid,
  output logic [HW-1:0]   rp_init_handle,
  output logic [12:0]     rp_init_window,
  output logic            rp_init_esn,
  output logic [63:0]     rp_init_top,
  output logic [HW-1:0]   rp_rb_handle,
  input  logic [63:0]     rp_rb_top
);
  localparam int unsigned NB = 1 << LOG2;
  localparam int unsigned NFLUSH = (NSA > NB) ? NSA : NB;
  localparam int unsigned FW = $clog2(NFLUSH + 1);

  function automatic logic [31:0] word(input logic [esp_contract_pkg::SA_DATA_WORDS*32-1:0] v, input int unsigned i);
    word = v[32*i +: 32];
  endfunction

  // ---------------------------------------------------------------- storage
  logic [31*32-1:0] cfg      [NSA];   // SA_DATA words 0..30
  logic [63:0]      seq_ram  [NSA];   // outbound last sequence sent, datapath-owned
  logic [63:0]      seq_init [NSA];   // value installed by the last WRITE/UPDATE
  logic [LW-1:0]    loc      [NSA];   // where the inbound SA sits in the hash
  logic [7:0]       gen      [NSA];
  logic [NSA-1:0]   valid, disabled, seq_fresh;

  // ---------------------------------------------------------------- hash
  logic          pr_valid, pr_ready, pr_done, pr_dup, pr_full;
  logic [LW-1:0] pr_loc;
  logic          hw_valid, hw_set;
  logic [LW-1:0] hw_loc;
  logic          clr_valid;
  logic [LOG2-1:0] clr_bucket;

  // ---------------------------------------------------------------- command engine
  typedef enum logic [2:0] {S_IDLE, S_CHECK, S_PROBE, S_PROBE_WAIT, S_COMMIT, S_REMOVE, S_READ, S_FLUSH} state_t;
  state_t          st;
  logic [3:0]      op_q;
  logic [HW-1:0]   h_q;
  logic [31*32-1:0] old_cfg;        // cfg row of h_q, read in S_IDLE
  logic [LW-1:0]   old_loc;        // its hash location, kept for the removal after an UPDATE
  logic [FW-1:0]   fl_i;

  logic [31:0] s_ctrl;
  logic        s_in, s_ipv6, s_esn, s_udp, bad_param;
  assign s_ctrl = word(staging, esp_contract_pkg::SA_W_CTRL);
  assign s_in   = s_ctrl[esp_contract_pkg::SA_W_CTRL_DIR_LSB];
  assign s_ipv6 = s_ctrl[esp_contract_pkg::SA_W_CTRL_IPV6_LSB];
  assign s_esn  = s_ctrl[esp_contract_pkg::SA_W_CTRL_ESN_LSB];
  assign s_udp  = s_ctrl[esp_contract_pkg::SA_W_CTRL_UDP_ENCAP_LSB];
  always_comb begin
    bad_param = (s_ctrl[31:6] != 0)
             || (word(staging, esp_contract_pkg::SA_W_REPLAY_WINDOW) > esp_contract_pkg::MAX_REPLAY_WINDOW)
             || (!s_esn && word(staging, esp_contract_pkg::SA_W_SEQ_HI) != 0)
             || (s_udp && (word(staging, esp_contract_pkg::SA_W_UDP_PORTS) & 32'h0000ffff) == 0)
             || (s_udp && (word(staging, esp_contract_pkg::SA_W_UDP_PORTS) & 32'hffff0000) == 0)
             || (!s_udp && word(staging, esp_contract_pkg::SA_W_UDP_PORTS) != 0);
    if (!s_ctrl[esp_contract_pkg::SA_W_CTRL_KEY256_LSB])
      for (int i = 4; i < 8; i++)
        if (word(staging, esp_contract_pkg::SA_W_KEY + i) != 0) bad_param = 1'b1;
    if (!s_ipv6)
      for (int i = 1; i < 4; i++)
        if (word(staging, esp_contract_pkg::SA_W_SRC_ADDR + i) != 0 || word(staging, esp_contract_pkg::SA_W_DST_ADDR + i) != 0)
          bad_param = 1'b1;
  end

  logic old_in;
  assign old_in = old_cfg[esp_contract_pkg::SA_W_CTRL_DIR_LSB];
  logic [127:0] s_dst;
  assign s_dst = {word(staging, esp_contract_pkg::SA_W_DST_ADDR), word(staging, esp_contract_pkg::SA_W_DST_ADDR + 1),
                  word(staging, esp_contract_pkg::SA_W_DST_ADDR + 2), word(staging, esp_contract_pkg::SA_W_DST_ADDR + 3)};

  logic commit_now;       // WRITE/UPDATE/DELETE changes state this cycle
  assign commit_now = (st == S_COMMIT);

  always_ff @(posedge clk) begin
    if (st == S_IDLE) old_cfg <= cfg[cmd_handle[HW-1:0]];
    if (st == S_CHECK) old_loc <= loc[h_q];
    if (!rst_n || soft_reset) begin
      st    <= S_FLUSH;
      fl_i  <= '0;
      busy  <= 1'b1;
      error <= esp_contract_pkg::SA_ERR_NONE;
      sa_read <= '0;
    end else begin
      case (st)
        S_IDLE: if (cmd_valid) begin
          op_q <= cmd_op;
          h_q  <= cmd_handle[HW-1:0];
          busy <= 1'b1;
          if (cmd_op > esp_contract_pkg::SA_OP_FLUSH) begin
            error <= esp_contract_pkg::SA_ERR_BAD_OP; busy <= 1'b0;
          end else if (cmd_op == esp_contract_pkg::SA_OP_NOP) begin
            error <= esp_contract_pkg::SA_ERR_NONE; busy <= 1'b0;
          end else if (cmd_op == esp_contract_pkg::SA_OP_FLUSH) begin
            st <= S_FLUSH; fl_i <= '0;
          end else if (32'(cmd_handle) >= NSA) begin
            error <= esp_contract_pkg::SA_ERR_BAD_HANDLE; busy <= 1'b0;
          end else begin
            st <= S_CHECK;
          end
        end
        S_CHECK: begin
          if (op_q == esp_contract_pkg::SA_OP_WRITE && valid[h_q]) begin
            error <= esp_contract_pkg::SA_ERR_SLOT_IN_USE; busy <= 1'b0; st <= S_IDLE;
          end else if (op_q != esp_contract_pkg::SA_OP_WRITE && !valid[h_q]) begin
            error <= esp_contract_pkg::SA_ERR_SLOT_EMPTY; busy <= 1'b0; st <= S_IDLE;
          end else if ((op_q == esp_contract_pkg::SA_OP_WRITE || op_q == esp_contract_pkg::SA_OP_UPDATE) && bad_param) begin
            error <= esp_contract_pkg::SA_ERR_BAD_PARAM; busy <= 1'b0; st <= S_IDLE;
          end else if (op_q == esp_contract_pkg::SA_OP_READ) begin
            st <= S_READ;
          end else if (op_q != esp_contract_pkg::SA_OP_DELETE && s_in) begin
            st <= S_PROBE;
          end else begin
            st <= S_COMMIT;
          end
        end
        S_PROBE: if (pr_ready) st <= S_PROBE_WAIT;
        S_PROBE_WAIT: if (pr_done) begin
          if (pr_dup) begin
            error <= esp_contract_pkg::SA_ERR_DUPLICATE; busy <= 1'b0; st <= S_IDLE;
          end else if (pr_full) begin
            error <= esp_contract_pkg::SA_ERR_HASH_FULL; busy <= 1'b0; st <= S_IDLE;
          end else st <= S_COMMIT;
        end
        S_COMMIT: begin
          error <= esp_contract_pkg::SA_ERR_NONE;
          // UPDATE that moved (or dropped) an inbound entry still has to remove the old one
          if (op_q == esp_contract_pkg::SA_OP_UPDATE && old_in && !(s_in && pr_loc == old_loc)) st <= S_REMOVE;
          else begin st <= S_IDLE; busy <= 1'b0; end
        end
        S_REMOVE: begin st <= S_IDLE; busy <= 1'b0; end
        S_READ: begin
          sa_read <= '0;
          sa_read[32*esp_contract_pkg::SA_R_STATE +: 32] <= {16'd0, old_cfg[7:0], 4'd0, cnt_rb_soft[1], cnt_rb_soft[0],
                                           disabled[h_q], 1'b1};
          sa_read[32*esp_contract_pkg::SA_R_SPI +: 32]   <= old_cfg[32*esp_contract_pkg::SA_W_SPI +: 32];
          sa_read[32*esp_contract_pkg::SA_R_SEQ_LO +: 64] <= old_in ? rp_rb_top
                                          : (seq_fresh[h_q] ? seq_init[h_q] : seq_ram[h_q]);
          sa_read[32*esp_contract_pkg::SA_R_PKTS_LO +: 128] <= cnt_rb_counts[127:0];
          sa_read[32*(esp_contract_pkg::SA_R_DROPS + 2) +: 7*64] <= cnt_rb_counts[575:128];
          sa_read[32*esp_contract_pkg::SA_R_REPLAY_WINDOW +: 32] <= old_cfg[32*esp_contract_pkg::SA_W_REPLAY_WINDOW +: 32];
          error <= esp_contract_pkg::SA_ERR_NONE; busy <= 1'b0; st <= S_IDLE;
        end
        S_FLUSH: begin
          if (32'(fl_i) == NFLUSH - 1) begin
            st <= S_IDLE; busy <= 1'b0; error <= esp_contract_pkg::SA_ERR_NONE;
          end
          fl_i <= fl_i + 1'b1;
        end
        default: st <= S_IDLE;
      endcase
    end
  end

  // side effects of the engine, including the flush sweep
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      valid <= '0;
      disabled <= '0;
      seq_fresh <= '1;   // gen needs no reset: the reset flush bumps it and only equality matters
    end else begin
      if (st == S_FLUSH && 32'(fl_i) < NSA) begin
        cfg[fl_i[HW-1:0]] <= '0;
        valid[fl_i[HW-1:0]] <= 1'b0;
        disabled[fl_i[HW-1:0]] <= 1'b0;
        gen[fl_i[HW-1:0]] <= gen[fl_i[HW-1:0]] + 1'b1;
      end
      if (fetch_write) begin
        seq_ram[f_h] <= f_next;
        seq_fresh[f_h] <= 1'b0;
      end
      if (fetch_exhaust) disabled[f_h] <= 1'b1;
      if (dis_valid) disabled[dis_handle] <= 1'b1;
      if (commit_now) begin
        gen[h_q] <= gen[h_q] + 1'b1;
        disabled[h_q] <= 1'b0;
        if (op_q == esp_contract_pkg::SA_OP_DELETE) begin
          cfg[h_q] <= '0;                      // wipes the key
          valid[h_q] <= 1'b0;
        end else begin
          cfg[h_q] <= staging[31*32-1:0];
          valid[h_q] <= 1'b1;
          seq_init[h_q] <= {word(staging, esp_contract_pkg::SA_W_SEQ_HI), word(staging, esp_contract_pkg::SA_W_SEQ_LO)};
          seq_fresh[h_q] <= 1'b1;
          if (s_in) loc[h_q] <= pr_loc;
        end
      end
      // SOFT_RESET and FLUSH empty the table at once, as the model does between two packets:
      // the sweep that follows only wipes the rows. (Clearing valid slot by slot left a slot
      // the sweep had not reached yet serving packets with its old key for up to N_SA cycles.)
      if (soft_reset || (st == S_IDLE && cmd_valid && cmd_op == esp_contract_pkg::SA_OP_FLUSH)) begin
        valid <= '0;
        disabled <= '0;
      end
    end
  end

  // hash writes: insert at commit, remove the old entry at DELETE commit or in S_REMOVE
  always_comb begin
    hw_valid = 1'b0; hw_set = 1'b0; hw_loc = old_loc;
    if (commit_now && op_q == esp_contract_pkg::SA_OP_DELETE && old_in) begin
      hw_valid = 1'b1;
    end else if (commit_now && op_q != esp_contract_pkg::SA_OP_DELETE && s_in) begin
      hw_valid = 1'b1; hw_set = 1'b1; hw_loc = pr_loc;
    end else if (st == S_REMOVE) begin
      hw_valid = 1'b1;
    end
    clr_valid  = (st == S_FLUSH) && 32'(fl_i) < NB;
    clr_bucket = fl_i[LOG2-1:0];
  end
  assign pr_valid = (st == S_PROBE);

  esp_sa_hash #(.NSA(NSA), .LOG2(LOG2), .WAYS(WAYS)) u_hash (
    .clk, .rst_n,
    .lk_valid, .lk_spi, .lk_dst, .lk_ipv6, .lk_done, .lk_hit, .lk_handle,
    .pr_valid, .pr_ready, .pr_spi(word(staging, esp_contract_pkg::SA_W_SPI)), .pr_dst(s_dst), .pr_ipv6(s_ipv6),
    .pr_excl_valid(op_q == esp_contract_pkg::SA_OP_UPDATE && old_in), .pr_excl_handle(h_q),
    .pr_done, .pr_dup, .pr_full, .pr_loc,
    .wr_valid(hw_valid), .wr_set(hw_set), .wr_loc(hw_loc),
    .wr_spi(word(staging, esp_contract_pkg::SA_W_SPI)), .wr_dst(s_dst), .wr_ipv6(s_ipv6), .wr_handle(h_q),
    .clr_valid, .clr_bucket
  );

  // counters and replay follow the commit
  assign cnt_inst_valid  = commit_now && op_q != esp_contract_pkg::SA_OP_DELETE;
  assign cnt_inst_handle = h_q;
  assign cnt_inst_limits = {word(staging, esp_contract_pkg::SA_W_PKT_HARD_HI),  word(staging, esp_contract_pkg::SA_W_PKT_HARD_LO),
                            word(staging, esp_contract_pkg::SA_W_PKT_SOFT_HI),  word(staging, esp_contract_pkg::SA_W_PKT_SOFT_LO),
                            word(staging, esp_contract_pkg::SA_W_BYTE_HARD_HI), word(staging, esp_contract_pkg::SA_W_BYTE_HARD_LO),
                            word(staging, esp_contract_pkg::SA_W_BYTE_SOFT_HI), word(staging, esp_contract_pkg::SA_W_BYTE_SOFT_LO)};
  assign cnt_rb_handle   = h_q;
  assign rp_init_valid   = commit_now && op_q != esp_contract_pkg::SA_OP_DELETE;
  assign rp_init_handle  = h_q;
  /* verilator lint_off UNUSEDSIGNAL */  // windows above MAX_REPLAY_WINDOW are BAD_PARAM
  logic [31:0] s_window;
  /* verilator lint_on UNUSEDSIGNAL */
  assign s_window        = word(staging, esp_contract_pkg::SA_W_REPLAY_WINDOW);
  assign rp_init_window  = s_window[12:0];
  assign rp_init_esn     = s_esn;
  assign rp_init_top     = {word(staging, esp_contract_pkg::SA_W_SEQ_HI), word(staging, esp_contract_pkg::SA_W_SEQ_LO)};
  assign rp_rb_handle    = h_q;

  // ---------------------------------------------------------------- fetch port
  logic          f_valid, f_inrange, f_valid_sa, f_dis, f_dir, f_fresh, f_alloc, f_tp_bad4, f_tp_bad6, f_take;
  logic [HW-1:0] f_h;
  logic [15:0]   f_h16;
  logic [7:0]    f_gen;
  logic [31*32-1:0] f_cfg;
  logic [63:0]   f_seq_ram, f_seq_init, f_cur, f_next;
  logic          lx_valid;            // previous fetch exhausted this SA (disabled not yet visible)
  logic [HW-1:0] lx_h;
  logic          lw_valid;            // previous fetch's write, for back-to-back packets of one SA
  logic [HW-1:0] lw_h;
  logic [63:0]   lw_seq;
  logic          fetch_write, fetch_exhaust, f_out, f_esn, f_same_gen;
  logic [3:0]    f_res;

  always_ff @(posedge clk) begin
    f_valid    <= rst_n && sf_valid;
    f_h16      <= sf_handle;
    f_h        <= sf_handle[HW-1:0];
    f_inrange  <= 32'(sf_handle) < NSA;
    f_dir      <= sf_dir;
    f_alloc    <= sf_alloc;
    f_tp_bad4  <= sf_tp_bad4;
    f_tp_bad6  <= sf_tp_bad6;
    f_cfg      <= cfg[sf_handle[HW-1:0]];
    f_valid_sa <= valid[sf_handle[HW-1:0]];
    f_dis      <= disabled[sf_handle[HW-1:0]];
    f_gen      <= gen[sf_handle[HW-1:0]];
    f_fresh    <= seq_fresh[sf_handle[HW-1:0]];
    f_seq_ram  <= seq_ram[sf_handle[HW-1:0]];
    f_seq_init <= seq_init[sf_handle[HW-1:0]];
  end

  always_comb begin
    f_out  = !f_cfg[esp_contract_pkg::SA_W_CTRL_DIR_LSB];
    f_esn  = f_cfg[esp_contract_pkg::SA_W_CTRL_ESN_LSB];
    f_cur  = f_fresh ? f_seq_init : f_seq_ram;
    if (lw_valid && lw_h == f_h) f_cur = lw_seq;
    f_next = f_cur + 64'd1;
    f_same_gen = gen[f_h] == f_gen;
    // the mode that decides the number is the snapshot's own, never one learned earlier
    f_take = f_alloc && !(f_cfg[esp_contract_pkg::SA_W_CTRL_TRANSPORT_LSB] &&
                          (f_cfg[esp_contract_pkg::SA_W_CTRL_IPV6_LSB] ? f_tp_bad6 : f_tp_bad4));
    fetch_write = 1'b0; fetch_exhaust = 1'b0;
    if (!f_inrange || !f_valid_sa || f_cfg[esp_contract_pkg::SA_W_CTRL_DIR_LSB] != f_dir) f_res = esp_contract_pkg::DROP_NO_SA;
    else if (f_dis || (lx_valid && lx_h == f_h)) f_res = esp_contract_pkg::DROP_SA_DISABLED;
    else if (!f_out || !f_take) f_res = esp_contract_pkg::DROP_OK;
    else if (f_esn ? (f_cur == '1) : (f_cur[31:0] == '1)) begin
      f_res = esp_contract_pkg::DROP_SEQ_EXHAUSTED;
      fetch_exhaust = f_valid && f_same_gen;
    end else begin
      f_res = esp_contract_pkg::DROP_OK;
      fetch_write = f_valid && f_same_gen;
    end
  end

  always_ff @(posedge clk) begin
    lw_valid <= rst_n && fetch_write;
    lx_valid <= rst_n && fetch_exhaust;
    lx_h     <= f_h;
    lw_h     <= f_h;
    lw_seq   <= f_next;
    if (commit_now && h_q == f_h) lw_valid <= 1'b0;
    sf_done       <= rst_n && f_valid;
    sf_result     <= f_res;
    sf_handle_out <= f_h16;
    sf_gen        <= f_gen;
    sf_cfg        <= f_cfg;
    sf_seq        <= f_next;
  end

  assign ev_valid = {fetch_exhaust, commit_now && op_q == esp_contract_pkg::SA_OP_DELETE};
  assign ev_word  = {esp_contract_pkg::EVT_SEQ_EXHAUSTED, 8'd0, f_h16, esp_contract_pkg::EVT_SA_DELETED, 8'd0, 16'(h_q)};

  assign rq_ok = gen[rq_handle] == rq_gen;
  assign gq_ok = 32'(gq_handle) < NSA && valid[gq_handle[HW-1:0]] && gen[gq_handle[HW-1:0]] == gq_gen;
endmodule
