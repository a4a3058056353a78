// gcm_core: streaming AES-GCM (SP 800-38D, 96-bit IV, 128-bit tag) encryption and
// decryption, packet after packet, one 128-bit beat per cycle.
//
// Input, one packet: its AAD beats, then its text beats (s_aad = 0), s_last on the final
// beat. s_nbytes (0..16) bytes are valid in each beat; only the last AAD beat and the last
// text beat may be partial; bytes past s_nbytes are ignored. A beat with s_nbytes = 0 carries
// nothing (an empty packet is one such beat with s_last). The key, key size, nonce,
// direction and s_user are sampled with the first beat of a packet.
// Output, per packet: one beat per non-empty text beat (ciphertext when encrypting,
// plaintext when decrypting, bytes past m_nbytes zero), then the 16-byte tag with m_tag = 1.
// AAD produces no output. The decrypt tag is the computed one: the ESP layer compares it
// with the received ICV (a 128-bit XOR-OR reduction, constant time by construction).
// Block convention on every data port: packet byte 0 in bits [127:120] (the ESP layer's
// beat-lane reversal is wiring). Key as in aes_enc_pipeline.
//
// Slots. Each cycle the front end may issue one slot into aes_enc_pipeline; its metadata
// travels as the pipeline tag. Per packet:
//   H slot   E_K(0^128) = H; it also carries the packet's first beat if that is an AAD beat
//            (or an empty beat), whose GHASH then uses the H arriving with it.
//   body     one slot per further beat: AAD (AES result unused) or text (E_K(nonce||ctr)).
//   LEN slot the lengths block for GHASH; its AES computes E_K(J0) for the tag mask.
// So a packet costs beats + 1 slots when it starts with AAD (every ESP packet does), +2
// without AAD: about 1 block per cycle on long packets.
//
// Back-pressure: the AES pipeline never stalls. Output-producing slots (text, LEN) are only
// issued while the output FIFO has room for everything in flight (credits), so m_ready low
// holds the input instead of overflowing; with m_ready high the credit loop never binds
// (FIFO_DEPTH > slot-to-output latency of about 19 cycles).
// Latency: first text beat in -> its output beat ~19 cycles (slot reg, 15 AES stages, 2
// post stages, FIFO); last beat in -> tag out ~21 cycles.
module gcm_core #(
    parameter int USER_W = 16,
    parameter int FIFO_DEPTH = 32
) (
    input  logic               clk,
    input  logic               rst_n,
    // input beats
    input  logic               s_valid,
    output logic               s_ready,
    input  logic [127:0]       s_data,
    input  logic [4:0]         s_nbytes,
    input  logic               s_aad,
    input  logic               s_last,
    // per packet, sampled with its first beat
    input  logic               s_decrypt,
    input  logic [255:0]       s_key,
    input  logic               s_key256,
    input  logic [95:0]        s_nonce,
    input  logic [USER_W-1:0]  s_user,
    // output beats
    output logic               m_valid,
    input  logic               m_ready,
    output logic [127:0]       m_data,
    output logic [4:0]         m_nbytes,
    output logic               m_tag,
    output logic [USER_W-1:0]  m_user
);
  // ---------------------------------------------------------------- slot metadata
  typedef struct packed {
    logic              is_h;       // AES result is H
    logic              is_len;     // lengths block; AES result is E_K(J0)
    logic              is_text;    // AES result is keystream; produces an output beat
    logic              has_block;  // data goes into GHASH
    logic              decrypt;
    logic [4:0]        nbytes;
    logic [127:0]      data;
    logic [USER_W-1:0] user;
  } slot_meta_t;
  // $bits(slot_meta_t), spelled out for yosys 0.23; a mismatch is a Verilator WIDTH error.
  localparam int META_W = 4 + 1 + 5 + 128 + USER_W;

  // ---------------------------------------------------------------- front end
  typedef enum logic [1:0] {PH_H, PH_BODY, PH_LEN} phase_t;
  phase_t phase_q, phase_d;

  logic [255:0] key_q;
  logic key256_q, decrypt_q;
  logic [95:0] nonce_q;
  logic [USER_W-1:0] user_q;
  logic [31:0] ctr_q, aad_bytes_q, text_bytes_q;

  localparam int CNT_W = $clog2(FIFO_DEPTH) + 1;
  logic [CNT_W-1:0] fifo_count;
  logic [CNT_W:0] inflight_q;  // output-producing slots issued, not yet in the FIFO
  logic credit_ok;
  assign credit_ok = ({1'b0, fifo_count} + inflight_q) < (CNT_W + 1)'(FIFO_DEPTH);

  logic beat_empty;
  assign beat_empty = s_nbytes == 5'd0;

  // Slot being issued this cycle (registered into slot_* below).
  logic issue, take, produces_output;
  logic [127:0] issue_aes_in;
  slot_meta_t issue_meta;

  always_comb begin
    issue = 1'b0;
    take = 1'b0;
    produces_output = 1'b0;
    phase_d = phase_q;
    issue_aes_in = '0;
    issue_meta = '0;
    issue_meta.decrypt = decrypt_q;
    issue_meta.user = user_q;
    issue_meta.data = s_data;
    issue_meta.nbytes = s_nbytes;
    unique case (phase_q)
      PH_H: begin
        // Needs the first beat (for the key); absorbs it if it is AAD or empty.
        issue = s_valid;
        take = s_valid && (s_aad || beat_empty);
        issue_meta.is_h = 1'b1;
        issue_meta.has_block = take && !beat_empty;
        issue_meta.decrypt = s_decrypt;
        issue_meta.user = s_user;
        if (issue) phase_d = (take && s_last) ? PH_LEN : PH_BODY;
      end
      PH_BODY: begin
        if (s_valid) begin
          if (beat_empty) begin
            take = 1'b1;  // nothing to compute
          end else if (s_aad) begin
            take = 1'b1;
            issue = 1'b1;
            issue_meta.has_block = 1'b1;
          end else if (credit_ok) begin
            take = 1'b1;
            issue = 1'b1;
            produces_output = 1'b1;
            issue_aes_in = {nonce_q, ctr_q};
            issue_meta.is_text = 1'b1;
            issue_meta.has_block = 1'b1;
          end
          if (take && s_last) phase_d = PH_LEN;
        end
      end
      PH_LEN: begin
        if (credit_ok) begin
          issue = 1'b1;
          produces_output = 1'b1;
          issue_aes_in = {nonce_q, 32'd1};
          issue_meta.is_len = 1'b1;
          issue_meta.has_block = 1'b1;
          issue_meta.data = {29'd0, aad_bytes_q, 3'd0, 29'd0, text_bytes_q, 3'd0};
          issue_meta.nbytes = 5'd16;
          phase_d = PH_H;
        end
      end
      default: phase_d = PH_H;
    endcase
  end

  assign s_ready = take;

  // Packet state: sampled with the first beat, counters advanced per absorbed beat.
  always_ff @(posedge clk) begin
    if (phase_q == PH_H && issue) begin
      key_q <= s_key;
      key256_q <= s_key256;
      decrypt_q <= s_decrypt;
      nonce_q <= s_nonce;
      user_q <= s_user;
      ctr_q <= 32'd2;
      aad_bytes_q <= take ? 32'(s_nbytes) : 32'd0;
      text_bytes_q <= '0;
    end else if (take) begin
      if (s_aad) aad_bytes_q <= aad_bytes_q + 32'(s_nbytes);
      else text_bytes_q <= text_bytes_q + 32'(s_nbytes);
      if (issue_meta.is_text) ctr_q <= ctr_q + 32'd1;
    end
  end

  // Slot register in front of the AES pipeline (keeps the front-end mux out of stage 0).
  logic slot_valid_q;
  logic [127:0] slot_aes_in_q;
  logic [255:0] slot_key_q;
  logic slot_key256_q;
  slot_meta_t slot_meta_q;

  always_ff @(posedge clk) begin
    slot_aes_in_q <= issue_aes_in;
    slot_key_q <= (phase_q == PH_H) ? s_key : key_q;
    slot_key256_q <= (phase_q == PH_H) ? s_key256 : key256_q;
    slot_meta_q <= issue_meta;
  end

  // ---------------------------------------------------------------- AES
  logic aes_valid;
  logic [127:0] aes_out;
  logic [META_W-1:0] aes_tag;
  slot_meta_t aes_meta;

  aes_enc_pipeline #(.TAG_W(META_W)) u_aes (
      .clk, .rst_n,
      .in_valid(slot_valid_q), .in_block(slot_aes_in_q), .in_key(slot_key_q),
      .in_key256(slot_key256_q), .in_tag(slot_meta_q),
      .out_valid(aes_valid), .out_block(aes_out), .out_tag(aes_tag)
  );
  assign aes_meta = aes_tag;

  // ---------------------------------------------------------------- E1: text XOR, GHASH input
  logic e1_valid_q;
  // E2 needs the flags, nbytes and user only (data and decrypt were used in E1); keeping the
  // whole struct reads better and synthesis drops the unused flip-flops.
  /* verilator lint_off UNUSEDSIGNAL */
  slot_meta_t e1_meta_q;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [127:0] e1_aes_q, e1_text_q, e1_block_q;

  logic [127:0] keep_mask, text_out;
  assign keep_mask = ~({128{1'b1}} >> {aes_meta.nbytes, 3'b000});
  assign text_out = (aes_meta.data ^ aes_out) & keep_mask;

  always_ff @(posedge clk) begin
    e1_meta_q <= aes_meta;
    e1_aes_q <= aes_out;
    e1_text_q <= text_out;
    // GHASH absorbs the ciphertext: our output when encrypting, our input when decrypting.
    if (aes_meta.is_len) e1_block_q <= aes_meta.data;
    else if (aes_meta.is_text && !aes_meta.decrypt) e1_block_q <= text_out;
    else e1_block_q <= aes_meta.data & keep_mask;
  end

  // ---------------------------------------------------------------- E2: GHASH, output
  logic gh_valid;
  logic [127:0] gh_out, ekj0_q;
  logic [USER_W-1:0] tag_user_q;

  ghash_accum u_ghash (
      .clk, .rst_n,
      .h_load(e1_valid_q && e1_meta_q.is_h), .h_in(e1_aes_q),
      .in_valid(e1_valid_q && e1_meta_q.has_block), .in_block(e1_block_q),
      .in_last(e1_meta_q.is_len),
      .out_valid(gh_valid), .out_ghash(gh_out)
  );

  always_ff @(posedge clk) begin
    if (e1_valid_q && e1_meta_q.is_len) begin
      ekj0_q <= e1_aes_q;
      tag_user_q <= e1_meta_q.user;
    end
  end

  // A tag is pushed the cycle after its LEN slot is in E2; the slot behind a LEN slot is
  // always the next packet's H slot (no output), so text and tag pushes never collide.
  logic push_text, push;
  logic [127:0] push_data;
  logic [4:0] push_nbytes;
  logic [USER_W-1:0] push_user;
  assign push_text = e1_valid_q && e1_meta_q.is_text;
  assign push = push_text || gh_valid;
  assign push_data = gh_valid ? (gh_out ^ ekj0_q) : e1_text_q;
  assign push_nbytes = gh_valid ? 5'd16 : e1_meta_q.nbytes;
  assign push_user = gh_valid ? tag_user_q : e1_meta_q.user;

  stream_fifo #(.WIDTH(128 + 5 + 1 + USER_W), .DEPTH(FIFO_DEPTH)) u_out_fifo (
      .clk, .rst_n,
      .wr_en(push), .wr_data({push_data, push_nbytes, gh_valid, push_user}),
      .rd_valid(m_valid), .rd_ready(m_ready),
      .rd_data({m_data, m_nbytes, m_tag, m_user}),
      .count(fifo_count)
  );

  // ---------------------------------------------------------------- control registers
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      phase_q <= PH_H;
      slot_valid_q <= 1'b0;
      e1_valid_q <= 1'b0;
      inflight_q <= '0;
    end else begin
      phase_q <= phase_d;
      slot_valid_q <= issue;
      e1_valid_q <= aes_valid;
      inflight_q <= inflight_q + (CNT_W + 1)'(issue && produces_output) - (CNT_W + 1)'(push);
    end
  end
endmodule
