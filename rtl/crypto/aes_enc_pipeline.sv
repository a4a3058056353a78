// aes_enc_pipeline: fully pipelined AES encryption, one block per cycle, AES-128 or AES-256
// chosen per block.
//
// Shape: always 14 round stages with pass-through. An AES-128 block does its final round in
// stage 10 and then passes stages 11..14 unchanged, so every block has the same latency
// (15 cycles) and order is kept by construction; no reorder logic, no second exit. The
// price is 4 cycles of extra latency for AES-128 and registers that carry it through.
//
// Keys: every block carries its own key (in_key/in_key256, the ESP layer feeds the SA's key)
// and round keys are expanded on the fly in a key pipeline beside the data (one
// aes_key_expand per stage, kept one round ahead so the round key is a register, not logic
// in series with the round). Trade-off: +4 S-boxes and 256 key flip-flops per stage (~25%
// more LUTs, ~2x the flip-flops of the data path) against storing 15 round keys per SA
// (1024 SAs x 1920 bits = 240 KB of RAM, a read per block, and a per-SA expansion step at
// install time). On the fly, a key change costs nothing: consecutive blocks of different SAs
// and key sizes flow back to back.
//
// in_tag travels with the block unchanged (the caller's slot metadata: SA handle, packet
// data, ...). The tag and data registers have no reset so synthesis can pack them into
// shift-register LUTs; only the valid bits are reset.
//
// Block convention: byte 0 in bits [127:120]; key byte 0 in in_key[255:248]; an AES-128
// key occupies in_key[255:128] (in_key[127:0] is then ignored).
module aes_enc_pipeline #(
    parameter int TAG_W = 16
) (
    input  logic               clk,
    input  logic               rst_n,
    input  logic               in_valid,
    input  logic [127:0]       in_block,
    input  logic [255:0]       in_key,
    input  logic               in_key256,
    input  logic [TAG_W-1:0]   in_tag,
    output logic               out_valid,
    output logic [127:0]       out_block,
    output logic [TAG_W-1:0]   out_tag
);
  // Latency: 15 cycles from in_valid to out_valid (stage 0 whitening + 14 rounds).
  localparam int ROUNDS = 14;

  // Stage s holds the state after AddRoundKey(rk[s]) plus rk[s] (ka) and rk[s+1] (kb).
  logic         valid_q [ROUNDS+1];
  logic [127:0] state_q [ROUNDS+1];
  logic [127:0] ka_q    [ROUNDS];
  logic [127:0] kb_q    [ROUNDS];
  logic         k256_q  [ROUNDS+1];
  logic [TAG_W-1:0] tag_q [ROUNDS+1];

  // Stage 0: whitening with rk[0]; rk[1] is the key's second half (AES-256) or the first
  // schedule step (AES-128).
  logic [127:0] rk1_aes128;
  aes_key_expand #(.ROUND(1)) u_rk1 (
      .prev2('0), .prev1(in_key[255:128]), .key256(1'b0), .rk(rk1_aes128)
  );

  always_ff @(posedge clk) begin
    state_q[0] <= in_block ^ in_key[255:128];
    ka_q[0] <= in_key[255:128];
    kb_q[0] <= in_key256 ? in_key[127:0] : rk1_aes128;
    k256_q[0] <= in_key256;
    tag_q[0] <= in_tag;
  end

  for (genvar s = 0; s < ROUNDS; s++) begin : g_stage
    localparam int R = s + 1;  // round performed between stage s and s+1
    logic [127:0] next_state;
    aes_round u_round (
        .state_in(state_q[s]),
        .round_key(kb_q[s]),
        .is_final((R == ROUNDS) || (R == 10 && !k256_q[s])),
        .bypass(R > 10 && !k256_q[s]),
        .state_out(next_state)
    );
    always_ff @(posedge clk) begin
      state_q[s+1] <= next_state;
      k256_q[s+1] <= k256_q[s];
      tag_q[s+1] <= tag_q[s];
    end
    if (R < ROUNDS) begin : g_key
      logic [127:0] next_rk;
      aes_key_expand #(.ROUND(R + 1)) u_expand (
          .prev2(ka_q[s]), .prev1(kb_q[s]), .key256(k256_q[s]), .rk(next_rk)
      );
      always_ff @(posedge clk) begin
        ka_q[s+1] <= kb_q[s];
        kb_q[s+1] <= next_rk;
      end
    end
  end

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      for (int s = 0; s <= ROUNDS; s++) valid_q[s] <= 1'b0;
    end else begin
      valid_q[0] <= in_valid;
      for (int s = 0; s < ROUNDS; s++) valid_q[s+1] <= valid_q[s];
    end
  end

  assign out_valid = valid_q[ROUNDS];
  assign out_block = state_q[ROUNDS];
  assign out_tag = tag_q[ROUNDS];

  // The stage-14 key registers would only hold rk[15], which does not exist.
  logic unused_last_key;
  assign unused_last_key = ^{ka_q[ROUNDS-1], k256_q[ROUNDS]};
endmodule
