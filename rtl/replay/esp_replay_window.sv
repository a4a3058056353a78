// Per-SA anti-replay window (RFC 4303 3.4.3, RFC 6479 ring, ESN inference of
// RFC 4303 A2.2), bit-exact with hls/esp/replay_window.h:
//   check  (before the ICV): infer the 64-bit number from the low half, accept iff
//          window == 0, or seq != 0 and (seq > top or (top - seq < window and not seen));
//   update (after the ICV):  advance top clearing the blocks that enter the ring, mark seq.
// The ring bitmap of every SA sits in one RAM (N_SA x RING blocks of 32 bits). A
// per-SA row {top, block-live mask, seed} lets an install or a ring-wide clear take
// one cycle: a block whose mask bit is 0 reads as zero (or as the seed, the bit of
// the installed top, which replay_init marks seen).
// One operation every two cycles: read in the first, compute and write in the second,
// so the next operation always reads the state written by the previous one.
// Every RAM read is registered with nothing between address and register, so the rows
// map to block RAM; the SA READ readback has its own copies of the two tops (`tops`,
// `init_tops`) instead of a second read port on the wide rows, and picks between them
// after the registers.
module esp_replay_window
#(
  parameter int unsigned NSA  = esp_contract_pkg::N_SA,
  parameter int unsigned RING = esp_contract_pkg::REPLAY_RING_BLOCKS,
  localparam int unsigned HW  = $clog2(NSA),
  localparam int unsigned BW  = $clog2(RING)
) (
  input  logic          clk,
  input  logic          rst_n,
  // install (WRITE/UPDATE of the SA): top = installed SEQ, window, ESN
  input  logic          init_valid,
  input  logic [HW-1:0] init_handle,
  input  logic [12:0]   init_window,
  input  logic          init_esn,
  input  logic [63:0]   init_top,
  // operations
  input  logic          op_valid,
  output logic          op_ready,
  input  logic          op_update,      // 0: check (seq_lo in op_seq[31:0]); 1: update with the checked op_seq
  input  logic [HW-1:0] op_handle,
  input  logic [63:0]   op_seq,
  input  logic          op_stale,       // in the cycle after the op: its SA was replaced since the
                                        // packet's fetch; the op changes nothing and answers ok
  output logic          res_valid,      // two cycles after the op
  output logic          res_ok,         // check: acceptable; update: was still acceptable
  output logic [63:0]   res_seq,        // check: the inferred 64-bit number
  // readback of top for SA READ (one cycle)
  input  logic [HW-1:0] rb_handle,
  output logic [63:0]   rb_top
);
  localparam int unsigned SW = 64 + RING + 1 + BW + 5;   // {top, mask, seed_valid, seed_blk, seed_bit}

  logic [31:0]   bitmap [NSA * RING];
  logic [SW-1:0] state  [NSA];
  logic [77:0]   inits  [NSA];                            // {esn, window, top}
  logic [63:0]   tops      [NSA];                         // state's top, for the readback
  logic [63:0]   init_tops [NSA];                         // inits' top, for the readback
  logic [NSA-1:0] fresh;

  function automatic logic [SW-1:0] seeded(input logic [63:0] top);
    seeded = {top, {RING{1'b0}}, top != 64'd0, top[5 +: BW], top[4:0]};
  endfunction

  // stage 1 registers
  logic          s1_valid, s1_update, s1_fresh;
  logic [HW-1:0] s1_h;
  logic [63:0]   s1_seq;
  logic [SW-1:0] s1_state;
  logic [77:0]   s1_init;
  logic [31:0]   s1_word;
  // readback registers
  logic          rb_fresh;
  logic [63:0]   rb_init, rb_state;

  logic [BW-1:0] op_blk;
  assign op_blk   = op_seq[5 +: BW];
  assign op_ready = !s1_valid;

  always_ff @(posedge clk) begin
    s1_valid  <= rst_n && op_valid && op_ready;
    s1_update <= op_update;
    s1_h      <= op_handle;
    s1_seq    <= op_seq;
    s1_state  <= state[op_handle];
    s1_init   <= inits[op_handle];
    s1_fresh  <= fresh[op_handle];
    s1_word   <= bitmap[{op_handle, op_blk}];
    rb_fresh  <= fresh[rb_handle];
    rb_init   <= init_tops[rb_handle];
    rb_state  <= tops[rb_handle];
  end
  assign rb_top = rb_fresh ? rb_init : rb_state;

  // stage 1: infer, check, update
  logic [SW-1:0]   cur, nxt;
  logic [63:0]     top, seq, behind, gap;
  logic [RING-1:0] mask;
  logic            seed_v, esn, ok, write_blk;
  logic [BW-1:0]   seed_blk, blk, first;
  logic [4:0]      seed_bit;
  logic [12:0]     window;
  logic [31:0]     tl, th, w, bottom, hi, blkval, newblk;
  logic [BW:0]     entering;

  always_comb begin
    cur = s1_fresh ? seeded(s1_init[63:0]) : s1_state;
    {top, mask, seed_v, seed_blk, seed_bit} = cur;
    esn    = s1_init[77];
    window = s1_init[76:64];

    // ESN inference (update ops carry the number inferred by their check)
    tl = top[31:0];
    th = top[63:32];
    w  = (window == 13'd0) ? 32'h8000_0000 : 32'(window);
    bottom = tl - w + 32'd1;
    if (tl >= w - 32'd1) hi = (s1_seq[31:0] >= bottom) ? th : th + 32'd1;
    else if (s1_seq[31:0] >= bottom) hi = (th == 32'd0) ? 32'd0 : th - 32'd1;
    else hi = th;
    seq = s1_update ? s1_seq : (esn ? {hi, s1_seq[31:0]} : {32'd0, s1_seq[31:0]});

    blk    = s1_seq[5 +: BW];  // the inference changes only the high half
    behind = top - seq;
    blkval = mask[blk] ? s1_word : ((seed_v && seed_blk == blk) ? (32'd1 << seed_bit) : 32'd0);

    if (window == 13'd0) ok = 1'b1;
    else if (seq == 64'd0) ok = 1'b0;
    else if (seq > top) ok = 1'b1;
    else if (behind >= 64'(window)) ok = 1'b0;
    else ok = !blkval[s1_seq[4:0]];

    // update: only update ops write, and theirs is the number their check inferred
    // (s1_seq), so the update below reads s1_seq, not the inference: the inference and the
    // ring update are parallel paths, not one after the other
    nxt = cur;
    newblk = blkval;
    write_blk = 1'b0;
    gap = (s1_seq >> 5) - (top >> 5);
    entering = (gap >= 64'(RING)) ? (BW+1)'(RING) : gap[BW:0];
    first = top[5 +: BW] + 1'b1;
    if (s1_seq > top) begin
      for (int b = 0; b < RING; b++) begin
        // block b enters the ring when it is among the 'entering' blocks after top's block
        if ({1'b0, BW'(BW'(b) - first)} < entering) begin
          mask[b] = 1'b0;
          if (seed_blk == BW'(b)) seed_v = 1'b0;
        end
      end
      newblk = mask[blk] ? s1_word : ((seed_v && seed_blk == blk) ? (32'd1 << seed_bit) : 32'd0);
      newblk[s1_seq[4:0]] = 1'b1;
      mask[blk] = 1'b1;
      write_blk = 1'b1;
      nxt = {s1_seq, mask, seed_v, seed_blk, seed_bit};
    end else if (window != 13'd0 && top - s1_seq < 64'(window)) begin
      newblk[s1_seq[4:0]] = 1'b1;
      mask[blk] = 1'b1;
      write_blk = 1'b1;
      nxt = {top, mask, seed_v, seed_blk, seed_bit};
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      fresh <= '1;
      res_valid <= 1'b0;
    end else begin
      res_valid <= s1_valid;
      res_ok    <= ok || op_stale;
      res_seq   <= seq;
      if (s1_valid && s1_update && write_blk && !op_stale) begin
        state[s1_h] <= nxt;
        tops[s1_h]  <= nxt[SW-1 -: 64];
        bitmap[{s1_h, blk}] <= newblk;
        fresh[s1_h] <= 1'b0;
      end
      if (init_valid) begin
        inits[init_handle] <= {init_esn,
                               (init_window > 13'(esp_contract_pkg::MAX_REPLAY_WINDOW)) ? 13'(esp_contract_pkg::MAX_REPLAY_WINDOW) : init_window,
                               init_top};
        init_tops[init_handle] <= init_top;
        fresh[init_handle] <= 1'b1;
      end
    end
  end
endmodule
