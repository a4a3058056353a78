// esp_in_trailer: collects gcm_core's plaintext into the output ring and decides each
// packet (docs/engine.md "Inbound" 9-13):
//   ICV: computed tag XOR received ICV, OR-reduced (constant time) -> AUTH_FAIL
//   trailer: pad length + 2 > text, or pad bytes not 1, 2, 3 ... -> BAD_PADDING
//   tunnel: next header 4 / 41 with a consistent inner IPv4 / IPv6 header, else MALFORMED;
//           the inner packet's own length drops TFC padding
//   transport: the outer header with protocol / length / IPv4 checksum rewritten
//   replay: a final operation on the window, in packet order: an OK packet updates it
//           (the update re-checks: a duplicate that overtook this one in the pipeline is
//           REPLAY), any other decrypted packet re-checks it, because the reference model
//           checks each packet against the window as every earlier packet left it.
// Two state machines: the collector takes gcm_core's beats at one per cycle and hands each
// packet's scan results to the finalizer (one-entry handoff), which decides, runs the replay
// operation and writes the descriptor while the collector already takes the next packet.
// The pad bytes are checked while the plaintext streams: the text length is known, so the
// pad length byte's position is too; with run = length of the run of bytes each one more
// than the one before, ending at the last pad byte, the pad is right iff pad = 0, or the
// last pad byte equals pad and run >= pad.
// The run is found in two cycles (a serial scan of 16 lanes does not fit one 4 ns cycle):
// in the beat's cycle each lane's "one more than the lane before" bit, and for the two lanes
// of interest (the last pad byte, the beat's last byte) those bits read downwards from the
// lane; in the next, the run at such a lane is 1 + the leading ones of that vector (a
// priority encoder), or the previous beat's run plus the lane's index + 1 when all lanes up
// to it continue the run. The tag beat comes at least a cycle after the last text beat and
// takes the second stage's result directly.
module esp_in_trailer #(
    parameter int unsigned RING_AW = esp_in_pkg::RING_AW
) (
    input  logic                  clk,
    input  logic                  rst_n,
    input  logic                  ctx_valid,
    output logic                  ctx_ready,
    input  esp_in_pkg::ctx_t      ctx,
    // gcm_core output (block convention)
    input  logic                  g_valid,
    output logic                  g_ready,
    input  logic [127:0]          g_data,
    input  logic [4:0]            g_nbytes,
    input  logic                  g_tag,
    // output ring (write side)
    output logic                  ring_we,
    output logic [RING_AW-1:0]    ring_waddr,
    output logic [127:0]          ring_wdata,
    input  logic [RING_AW:0]      ring_free,
    // final replay operation (through esp_decap's arbiter)
    output logic                  rf_valid,
    input  logic                  rf_ready,
    output logic                  rf_update,
    output logic [15:0]           rf_handle,
    output logic [7:0]            rf_gen,
    output logic [63:0]           rf_seq,
    input  logic                  rf_done,
    input  logic                  rf_ok,
    // decided packets
    output logic                  out_valid,
    input  logic                  out_room,
    output esp_in_pkg::out_desc_t out_desc
);
  // ---------------------------------------------------------------- collector
  typedef enum logic {C_IDLE, C_TEXT} cstate_t;
  cstate_t cs_q;
  esp_in_pkg::ctx_t c_q;
  logic [RING_AW:0] wptr_q, start_q, nbeats_q;
  logic [15:0] q0_q;          // packet byte index of the current beat's lane 0
  logic [15:0] rem_q;         // text_len - q0_q (mod 2^16): lane j is byte text_len - k iff rem_q == j + k
  logic [8:0] run_q, run1_q;  // increment run (saturating at 256)
  logic [7:0] lastb_q, b1_q, pad_q, nh_q;
  logic [47:0] first_q;
  logic p_valid_q;            // handoff holds a packet for the finalizer
  esp_in_pkg::scan_t p_q;

  logic [127:0] lanes;
  logic [7:0] lastb_d, b1_d, pad_d, nh_d;
  logic [15:0] in_text, inc_d, below_hit_d, below_end_d, look_hit_d, look_end_d;
  logic [3:0] hit_lane, end_lane;
  logic hit_any_d, end_any_d;
  logic [RING_AW:0] used;
  logic take_ctx, text_hs, tag_hs;

  // look_back(inc, lane)[k]: lane k below `lane` continues the run (0 below lane 0), so the
  // run at `lane` is 1 + the number of leading ones of this vector (unless all are ones)
  function automatic logic [15:0] look_back(input logic [15:0] inc, input logic [3:0] lane);
    for (int k = 0; k < 16; k++) look_back[k] = 4'(k) <= lane ? inc[4'(lane - 4'(k))] : 1'b0;
  endfunction

  // scan stage 1 (the beat's cycle)
  always_comb begin
    for (int j = 0; j < 16; j++) lanes[8 * j +: 8] = g_data[127 - 8 * j -: 8];
    lastb_d = lastb_q;
    b1_d = b1_q;
    pad_d = pad_q;
    nh_d = nh_q;
    for (int j = 0; j < 16; j++) begin
      in_text[j] = 5'(j) < g_nbytes;
      if (j == 0) inc_d[j] = q0_q != 16'd0 && lanes[7:0] == lastb_q + 8'd1;
      else inc_d[j] = lanes[8 * j +: 8] == lanes[8 * (j - 1) +: 8] + 8'd1;
    end
    // byte text_len - k is in this beat iff k <= rem_q <= k + 15, at lane rem_q - k
    hit_lane = 4'(rem_q[4:0] - 5'd3);
    hit_any_d = rem_q >= 16'd3 && rem_q <= 16'd18 && in_text[hit_lane];
    if (hit_any_d) b1_d = lanes[8 * hit_lane +: 8];
    if (rem_q >= 16'd2 && rem_q <= 16'd17 && in_text[4'(rem_q[4:0] - 5'd2)]) pad_d = lanes[8 * 4'(rem_q[4:0] - 5'd2) +: 8];
    if (rem_q >= 16'd1 && rem_q <= 16'd16 && in_text[4'(rem_q[4:0] - 5'd1)]) nh_d = lanes[8 * 4'(rem_q[4:0] - 5'd1) +: 8];
    end_any_d = g_nbytes != 5'd0;
    end_lane = g_nbytes >= 5'd16 ? 4'd15 : 4'(g_nbytes - 5'd1);
    if (end_any_d) lastb_d = lanes[8 * end_lane +: 8];
    for (int j = 0; j < 16; j++) begin
      below_hit_d[j] = 4'(j) <= hit_lane;
      below_end_d[j] = 4'(j) <= end_lane;
    end
    look_hit_d = look_back(inc_d, hit_lane);
    look_end_d = look_back(inc_d, end_lane);
  end

  // scan stage 2 (the next cycle): the run at the last pad byte and at the beat's last byte
  logic s_valid_q, s_hit_q, s_end_q, s_all_hit_q, s_all_end_q;
  logic [15:0] s_look_hit_q, s_look_end_q;
  logic [4:0] s_hit1_q, s_end1_q;
  logic [8:0] run_hit, run_end;

  function automatic logic [8:0] run_at(input logic all_inc, input logic [15:0] look,
                                        input logic [4:0] lane1, input logic [8:0] run_before);
    logic [4:0] first_break;  // 1 + the index of look's first 0
    logic [9:0] sum;
    logic [15:0] ones_before;  // look[0 .. k-1] all ones
    ones_before[0] = 1'b1;
    for (int k = 1; k < 16; k++) ones_before[k] = ones_before[k - 1] & look[k - 1];
    first_break = '0;
    for (int k = 0; k < 16; k++)
      if (!look[k] && ones_before[k]) first_break = first_break | 5'(k + 1);
    sum = {1'b0, run_before} + {5'd0, lane1};
    if (!all_inc) run_at = {4'd0, first_break};
    else run_at = sum > 10'd256 ? 9'd256 : sum[8:0];
  endfunction

  assign run_hit = run_at(s_all_hit_q, s_look_hit_q, s_hit1_q, run_q);
  assign run_end = run_at(s_all_end_q, s_look_end_q, s_end1_q, run_q);

  assign used = wptr_q - ring_free;
  assign g_ready = cs_q == C_TEXT && (g_tag ? !p_valid_q : used < (RING_AW + 1)'(1 << RING_AW));
  assign text_hs = g_valid && g_ready && !g_tag;
  assign tag_hs = g_valid && g_ready && g_tag;
  assign ring_we = text_hs;
  assign ring_waddr = wptr_q[RING_AW-1:0];
  assign ring_wdata = lanes;
  assign ctx_ready = cs_q == C_IDLE && !p_valid_q;
  assign take_ctx = ctx_valid && ctx_ready;

  // ---------------------------------------------------------------- finalizer
  typedef enum logic [2:0] {F_IDLE, F_VERDICT, F_CSUM, F_RP, F_RP_WAIT, F_OUT} fstate_t;
  fstate_t fs_q;
  /* verilator lint_off UNUSEDSIGNAL */
  esp_in_pkg::scan_t f_q;  // start and nbeats go to o_q straight from the handoff
  /* verilator lint_on UNUSEDSIGNAL */
  esp_in_pkg::out_desc_t o_q;
  logic take_p;
  assign take_p = fs_q == F_IDLE && p_valid_q && out_room;

  logic [15:0] plen, inner_len, out_len, v4_tot, v6_tot, v6_pl;
  logic [6:0] v4_ihl;
  logic pad_ok, inner_ok;
  logic [3:0] code;
  always_comb begin
    pad_ok = {8'd0, f_q.pad} + 16'd2 <= f_q.c.text_len &&
             (f_q.pad == 8'd0 || (f_q.b1 == f_q.pad && f_q.run1 >= {1'b0, f_q.pad}));
    plen = f_q.c.text_len - 16'd2 - {8'd0, f_q.pad};
    v4_ihl = {1'b0, f_q.first[3:0], 2'b00};
    v4_tot = {f_q.first[23:16], f_q.first[31:24]};
    v6_tot = {f_q.first[39:32], f_q.first[47:40]} + 16'd40;  // Payload Length + 40
    inner_ok = 1'b0;
    inner_len = 16'd0;
    if (f_q.nh == 8'd4) begin
      inner_ok = plen >= 16'd20 && f_q.first[7:4] == 4'd4 && v4_ihl >= 7'd20 &&
                 v4_tot >= {9'd0, v4_ihl} && v4_tot <= plen;
      inner_len = v4_tot;
    end else if (f_q.nh == 8'd41) begin
      // the model adds in 32 bits: a Payload Length near 2^16 must not wrap into range
      inner_ok = plen >= 16'd40 && f_q.first[7:4] == 4'd6 && v6_tot <= plen && v6_tot >= 16'd40;
      inner_len = v6_tot;
    end
    out_len = f_q.c.transport ? 16'(f_q.c.ip_len) + plen : inner_len;
    v6_pl = out_len - 16'd40;
    if (!f_q.tag_ok) code = esp_contract_pkg::DROP_AUTH_FAIL;
    else if (!pad_ok) code = esp_contract_pkg::DROP_BAD_PADDING;
    else if (!f_q.c.transport && !inner_ok) code = esp_contract_pkg::DROP_MALFORMED;
    else code = esp_contract_pkg::DROP_OK;
  end

  // IPv4 header checksum over the rewritten header (checksum field zero), in three register
  // stages that run freely over o_q (it holds still from F_VERDICT's write to F_OUT): 30
  // words to 8 sums, to 2, to one folded once; the second fold and the complement go into
  // o_q when the replay operation is done (F_RP_WAIT), at least 3 cycles after F_VERDICT
  // (the operation is issued in F_RP, F_CSUM's successor, and answers 2 cycles later).
  logic [17:0] cs1_d [8];
  logic [17:0] cs1_q [8];
  logic [19:0] cs2_q [2];
  logic [16:0] cs3_q;
  logic [20:0] cs_total;
  logic [15:0] cs_fold2;
  always_comb begin
    for (int g = 0; g < 8; g++) cs1_d[g] = '0;
    for (int i = 0; i < 30; i++)
      if (6'(2 * i) < o_q.hdr_len) cs1_d[i / 4] = cs1_d[i / 4] + {2'd0, o_q.hdr[16 * i +: 8], o_q.hdr[16 * i + 8 +: 8]};
    cs_total = 21'(cs2_q[0]) + 21'(cs2_q[1]);
    cs_fold2 = cs3_q[15:0] + {15'd0, cs3_q[16]};
  end
  always_ff @(posedge clk) begin
    for (int g = 0; g < 8; g++) cs1_q[g] <= cs1_d[g];
    for (int g = 0; g < 2; g++)
      cs2_q[g] <= 20'(cs1_q[4 * g]) + 20'(cs1_q[4 * g + 1]) + 20'(cs1_q[4 * g + 2]) + 20'(cs1_q[4 * g + 3]);
    cs3_q <= {1'b0, cs_total[15:0]} + {12'd0, cs_total[20:16]};
  end

  assign rf_valid = fs_q == F_RP;
  assign rf_update = o_q.code == esp_contract_pkg::DROP_OK;
  assign rf_handle = f_q.c.handle;
  assign rf_gen = f_q.c.gen;
  assign rf_seq = rf_update ? f_q.c.seq : {32'd0, f_q.c.seq[31:0]};
  assign out_valid = fs_q == F_OUT;
  assign out_desc = o_q;

  // ---------------------------------------------------------------- state
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      cs_q <= C_IDLE;
      fs_q <= F_IDLE;
      wptr_q <= '0;
      p_valid_q <= 1'b0;
      s_valid_q <= 1'b0;
    end else begin
      s_valid_q <= text_hs;
      if (text_hs) wptr_q <= wptr_q + 1'b1;
      case (cs_q)
        C_IDLE: if (take_ctx && ctx.code == esp_contract_pkg::DROP_OK) cs_q <= C_TEXT;
        C_TEXT: if (tag_hs) cs_q <= C_IDLE;
        default: cs_q <= C_IDLE;
      endcase
      if (take_p) p_valid_q <= 1'b0;
      if ((take_ctx && ctx.code != esp_contract_pkg::DROP_OK) || tag_hs) p_valid_q <= 1'b1;
      case (fs_q)
        F_IDLE: if (take_p) fs_q <= p_q.c.code == esp_contract_pkg::DROP_OK ? F_VERDICT : F_OUT;
        F_VERDICT: fs_q <= F_CSUM;
        F_CSUM: fs_q <= F_RP;
        F_RP: if (rf_ready) fs_q <= F_RP_WAIT;
        F_RP_WAIT: if (rf_done) fs_q <= F_OUT;
        F_OUT: fs_q <= F_IDLE;  // out_room was checked when the packet was taken
        default: fs_q <= F_IDLE;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    // collector
    if (take_ctx) begin
      c_q <= ctx;
      start_q <= wptr_q;
      nbeats_q <= '0;
      q0_q <= 16'd0;
      rem_q <= ctx.text_len;
      run_q <= 9'd0;
      lastb_q <= 8'd0;
      b1_q <= 8'd0;
      run1_q <= 9'd0;
      pad_q <= 8'd0;
      nh_q <= 8'd0;
      first_q <= '0;
      if (ctx.code != esp_contract_pkg::DROP_OK) begin
        p_q <= '0;
        p_q.c <= ctx;
        p_q.start <= wptr_q;
      end
    end
    if (text_hs) begin
      if (q0_q == 16'd0) first_q <= lanes[47:0];
      q0_q <= q0_q + 16'd16;
      rem_q <= rem_q - 16'd16;
      lastb_q <= lastb_d;
      b1_q <= b1_d;
      pad_q <= pad_d;
      nh_q <= nh_d;
      nbeats_q <= nbeats_q + 1'b1;
    end
    s_hit_q <= hit_any_d;
    s_end_q <= end_any_d;
    s_all_hit_q <= &(inc_d | ~below_hit_d);
    s_all_end_q <= &(inc_d | ~below_end_d);
    s_look_hit_q <= look_hit_d;
    s_look_end_q <= look_end_d;
    s_hit1_q <= 5'(hit_lane) + 5'd1;
    s_end1_q <= 5'(end_lane) + 5'd1;
    if (s_valid_q && s_hit_q) run1_q <= run_hit;
    if (s_valid_q && s_end_q) run_q <= run_end;
    if (tag_hs) begin  // every field (field by field: yosys 0.23 has no assignment patterns)
      p_q.c <= c_q;
      p_q.tag_ok <= ~|(g_data ^ c_q.icv);
      p_q.run1 <= s_valid_q && s_hit_q ? run_hit : run1_q;
      p_q.b1 <= b1_q;
      p_q.pad <= pad_q;
      p_q.nh <= nh_q;
      p_q.first <= first_q;
      p_q.start <= start_q;
      p_q.nbeats <= nbeats_q;
    end
    // finalizer
    case (fs_q)
      F_IDLE:
        if (take_p) begin
          f_q <= p_q;
          o_q <= '0;
          o_q.code <= p_q.c.code;
          o_q.handle <= p_q.c.handle;
          o_q.gen <= p_q.c.gen;
          o_q.in_bytes <= p_q.c.in_bytes;
          o_q.start <= p_q.start;
          o_q.nbeats <= p_q.nbeats;
        end
      F_VERDICT: begin
        o_q.code <= code;
        o_q.out_len <= code == esp_contract_pkg::DROP_OK ? out_len : 16'd0;
        o_q.hdr_len <= f_q.c.transport ? f_q.c.ip_len : 6'd0;
        o_q.hdr <= f_q.c.hdr;
        if (f_q.c.ipv6) begin
          o_q.hdr[8 * 6 +: 8] <= f_q.nh;
          o_q.hdr[8 * 4 +: 16] <= {v6_pl[7:0], v6_pl[15:8]};
        end else begin
          o_q.hdr[8 * 9 +: 8] <= f_q.nh;
          o_q.hdr[8 * 2 +: 16] <= {out_len[7:0], out_len[15:8]};
          o_q.hdr[8 * 10 +: 16] <= 16'd0;
        end
      end
      F_RP_WAIT:
        if (rf_done) begin
          if (!f_q.c.ipv6) o_q.hdr[8 * 10 +: 16] <= {~cs_fold2[7:0], ~cs_fold2[15:8]};
          if (!rf_ok) begin
            o_q.code <= esp_contract_pkg::DROP_REPLAY;
            o_q.out_len <= 16'd0;
          end
        end
      default: ;
    endcase
  end
endmodule
