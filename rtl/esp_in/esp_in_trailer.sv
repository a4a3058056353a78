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
// The pad bytes are checked while the plaintext streams: the text length is known, so the
// pad length byte's position is too; with run = length of the run of bytes each one more
// than the one before, ending at the last pad byte, the pad is right iff pad = 0, or the
// last pad byte equals pad and run >= pad.
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
    output logic [63:0]           rf_seq,
    input  logic                  rf_done,
    input  logic                  rf_ok,
    // decided packets
    output logic                  out_valid,
    input  logic                  out_room,
    output esp_in_pkg::out_desc_t out_desc
);
  typedef enum logic [2:0] {S_IDLE, S_TEXT, S_VERDICT, S_CSUM, S_RP, S_RP_WAIT, S_OUT} state_t;
  state_t st_q;
  /* verilator lint_off UNUSEDSIGNAL */
  esp_in_pkg::ctx_t c_q;  // gen and in_bytes go to o_q straight from the queue head
  /* verilator lint_on UNUSEDSIGNAL */
  esp_in_pkg::out_desc_t o_q;

  logic [RING_AW:0] wptr_q;
  logic [15:0] q0_q;          // packet byte index of the current beat's lane 0
  logic [8:0] run_q, run1_q;  // increment run (saturating at 256)
  logic [7:0] lastb_q, b1_q, pad_q, nh_q;
  logic [47:0] first_q;       // plaintext bytes 0..5 (lane order)
  logic tag_ok_q;

  // ---------------------------------------------------------------- per-beat trailer scan
  logic [127:0] lanes;
  logic [8:0] run_d, run1_d;
  logic [7:0] lastb_d, b1_d, pad_d, nh_d;
  logic [15:0] q;
  logic [RING_AW:0] used;
  logic text_beat;

  always_comb begin
    for (int j = 0; j < 16; j++) lanes[8 * j +: 8] = g_data[127 - 8 * j -: 8];
    run_d = run_q;
    run1_d = run1_q;
    lastb_d = lastb_q;
    b1_d = b1_q;
    pad_d = pad_q;
    nh_d = nh_q;
    for (int j = 0; j < 16; j++) begin
      q = q0_q + 16'(j);
      if (5'(j) < g_nbytes) begin
        if (q != 16'd0 && lanes[8 * j +: 8] == lastb_d + 8'd1) run_d = run_d == 9'd256 ? run_d : run_d + 9'd1;
        else run_d = 9'd1;
        lastb_d = lanes[8 * j +: 8];
        if (q == c_q.text_len - 16'd3) begin
          b1_d = lanes[8 * j +: 8];
          run1_d = run_d;
        end
        if (q == c_q.text_len - 16'd2) pad_d = lanes[8 * j +: 8];
        if (q == c_q.text_len - 16'd1) nh_d = lanes[8 * j +: 8];
      end
    end
  end

  assign used = wptr_q - ring_free;
  assign text_beat = g_valid && !g_tag;
  assign g_ready = st_q == S_TEXT && (g_tag || used < (RING_AW + 1)'(1 << RING_AW));
  assign ring_we = st_q == S_TEXT && text_beat && g_ready;
  assign ring_waddr = wptr_q[RING_AW-1:0];
  assign ring_wdata = lanes;
  assign ctx_ready = st_q == S_IDLE && out_room;

  // ---------------------------------------------------------------- verdict
  function automatic logic [7:0] fb(input logic [47:0] f, input int unsigned i);
    fb = f[8 * i +: 8];
  endfunction

  logic [15:0] plen, inner_len, out_len, v4_tot, v6_tot, v6_pl;
  logic [6:0] v4_ihl;
  logic pad_ok, inner_ok;
  logic [3:0] code;
  always_comb begin
    pad_ok = {8'd0, pad_q} + 16'd2 <= c_q.text_len &&
             (pad_q == 8'd0 || (b1_q == pad_q && run1_q >= {1'b0, pad_q}));
    plen = c_q.text_len - 16'd2 - {8'd0, pad_q};
    v4_ihl = {1'b0, first_q[3:0], 2'b00};
    v4_tot = {fb(first_q, 2), fb(first_q, 3)};
    v6_tot = {fb(first_q, 4), fb(first_q, 5)} + 16'd40;  // Payload Length + 40 (mod 2^16, as the model)
    inner_ok = 1'b0;
    inner_len = 16'd0;
    if (nh_q == 8'd4) begin
      inner_ok = plen >= 16'd20 && first_q[7:4] == 4'd4 && v4_ihl >= 7'd20 &&
                 v4_tot >= {9'd0, v4_ihl} && v4_tot <= plen;
      inner_len = v4_tot;
    end else if (nh_q == 8'd41) begin
      inner_ok = plen >= 16'd40 && first_q[7:4] == 4'd6 && v6_tot <= plen && v6_tot >= 16'd40;
      inner_len = v6_tot;
    end
    out_len = c_q.transport ? 16'(c_q.ip_len) + plen : inner_len;
    v6_pl = out_len - 16'd40;
    if (!tag_ok_q) code = esp_contract_pkg::DROP_AUTH_FAIL;
    else if (!pad_ok) code = esp_contract_pkg::DROP_BAD_PADDING;
    else if (!c_q.transport && !inner_ok) code = esp_contract_pkg::DROP_MALFORMED;
    else code = esp_contract_pkg::DROP_OK;
  end

  // IPv4 header checksum over the rewritten header (checksum field zero)
  logic [31:0] csum_acc;
  always_comb begin
    csum_acc = 32'd0;
    for (int i = 0; i < 30; i++)
      if (6'(2 * i) < o_q.hdr_len) csum_acc = csum_acc + {16'd0, o_q.hdr[16 * i +: 8], o_q.hdr[16 * i + 8 +: 8]};
    csum_acc = {16'd0, csum_acc[15:0]} + {16'd0, csum_acc[31:16]};
    csum_acc = {16'd0, csum_acc[15:0]} + {16'd0, csum_acc[31:16]};
  end

  assign rf_valid = st_q == S_RP;
  assign rf_update = o_q.code == esp_contract_pkg::DROP_OK;
  assign rf_handle = c_q.handle;
  assign rf_seq = rf_update ? c_q.seq : {32'd0, c_q.seq[31:0]};
  assign out_valid = st_q == S_OUT;
  assign out_desc = o_q;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      st_q <= S_IDLE;
      wptr_q <= '0;
    end else begin
      case (st_q)
        S_IDLE: if (ctx_valid && ctx_ready) st_q <= ctx.code == esp_contract_pkg::DROP_OK ? S_TEXT : S_OUT;
        S_TEXT: begin
          if (ring_we) wptr_q <= wptr_q + 1'b1;
          if (g_valid && g_ready && g_tag) st_q <= S_VERDICT;
        end
        S_VERDICT: st_q <= S_CSUM;
        S_CSUM: st_q <= S_RP;
        S_RP: if (rf_ready) st_q <= S_RP_WAIT;
        S_RP_WAIT: if (rf_done) st_q <= S_OUT;
        S_OUT: st_q <= S_IDLE;  // out_room was checked when the context was taken
        default: st_q <= S_IDLE;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    case (st_q)
      S_IDLE:
        if (ctx_valid && ctx_ready) begin
          c_q <= ctx;
          o_q <= '0;
          o_q.code <= ctx.code;
          o_q.handle <= ctx.handle;
          o_q.gen <= ctx.gen;
          o_q.in_bytes <= ctx.in_bytes;
          o_q.start <= wptr_q;
          q0_q <= 16'd0;
          run_q <= 9'd0;
          lastb_q <= 8'd0;
          b1_q <= 8'd0;
          run1_q <= 9'd0;
          pad_q <= 8'd0;
          nh_q <= 8'd0;
        end
      S_TEXT:
        if (g_valid && g_ready) begin
          if (g_tag) begin
            tag_ok_q <= ~|(g_data ^ c_q.icv);
          end else begin
            if (q0_q == 16'd0) first_q <= lanes[47:0];
            q0_q <= q0_q + 16'd16;
            run_q <= run_d;
            run1_q <= run1_d;
            lastb_q <= lastb_d;
            b1_q <= b1_d;
            pad_q <= pad_d;
            nh_q <= nh_d;
            o_q.nbeats <= o_q.nbeats + 1'b1;
          end
        end
      S_VERDICT: begin
        o_q.code <= code;
        o_q.out_len <= code == esp_contract_pkg::DROP_OK ? out_len : 16'd0;
        o_q.hdr_len <= c_q.transport ? c_q.ip_len : 6'd0;
        o_q.hdr <= c_q.hdr;
        if (c_q.ipv6) begin
          o_q.hdr[8 * 6 +: 8] <= nh_q;
          o_q.hdr[8 * 4 +: 16] <= {v6_pl[7:0], v6_pl[15:8]};
        end else begin
          o_q.hdr[8 * 9 +: 8] <= nh_q;
          o_q.hdr[8 * 2 +: 16] <= {out_len[7:0], out_len[15:8]};
          o_q.hdr[8 * 10 +: 16] <= 16'd0;
        end
      end
      S_CSUM:
        if (!c_q.ipv6) o_q.hdr[8 * 10 +: 16] <= {~csum_acc[7:0], ~csum_acc[15:8]};
      S_RP_WAIT:
        if (rf_done && !rf_ok) begin
          o_q.code <= esp_contract_pkg::DROP_REPLAY;
          o_q.out_len <= 16'd0;
        end
      default: ;
    endcase
  end
endmodule
