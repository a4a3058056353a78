// aes_key_expand: one step of the AES key schedule (FIPS-197 5.2), producing round key
// ROUND from the two round keys before it. aes_enc_pipeline instantiates one per stage,
// so round keys are expanded on the fly beside the data and every block may carry its own
// key (AES-128 or AES-256, chosen per block). See aes_enc_pipeline for the trade-off.
//
//   AES-128: rk[r] = step(rk[r-1]) with t = SubWord(RotWord(w3)) ^ Rcon[r]
//   AES-256: rk[r] = rk[r-2] chained with t = SubWord(RotWord(w3 of rk[r-1])) ^ Rcon[r/2]
//            for even r, t = SubWord(w3 of rk[r-1]) for odd r.
// Round key 1 of AES-256 is the key's second half and is not produced here.
// Cost: 4 S-boxes and a 5-input XOR per bit (about 5 LUT levels).
module aes_key_expand #(
    parameter int ROUND = 2  // index of the round key produced, 1..14
) (
    input  logic [127:0] prev2,   // rk[ROUND-2] (unused by AES-128)
    input  logic [127:0] prev1,   // rk[ROUND-1]
    input  logic         key256,  // 1: AES-256 schedule, 0: AES-128
    output logic [127:0] rk
);
  // Rcon[i] = x^(i-1) in GF(2^8); indexes past 10 are never used for a real key.
  function automatic logic [7:0] rcon(input int i);
    case (i)
      1: rcon = 8'h01;
      2: rcon = 8'h02;
      3: rcon = 8'h04;
      4: rcon = 8'h08;
      5: rcon = 8'h10;
      6: rcon = 8'h20;
      7: rcon = 8'h40;
      8: rcon = 8'h80;
      9: rcon = 8'h1b;
      10: rcon = 8'h36;
      default: rcon = 8'h00;
    endcase
  endfunction

  localparam logic [7:0] RCON128 = rcon(ROUND);
  localparam logic [7:0] RCON256 = rcon(ROUND / 2);
  localparam bit ODD_ROUND = (ROUND % 2) == 1;

  logic [31:0] w3, sub_w3, t;
  logic [127:0] base;
  assign w3 = prev1[31:0];

  for (genvar b = 0; b < 4; b++) begin : g_sbox
    aes_sbox u_sbox (.in(w3[8*b+7 -: 8]), .out(sub_w3[8*b+7 -: 8]));
  end

  // SubWord(RotWord(w)) = RotWord(SubWord(w)), so one set of S-boxes serves both forms.
  always_comb begin
    if (!key256) t = {sub_w3[23:0], sub_w3[31:24]} ^ {RCON128, 24'h0};
    else if (ODD_ROUND) t = sub_w3;
    else t = {sub_w3[23:0], sub_w3[31:24]} ^ {RCON256, 24'h0};
    base = key256 ? prev2 : prev1;
    rk[127:96] = base[127:96] ^ t;
    rk[95:64] = base[95:64] ^ base[127:96] ^ t;
    rk[63:32] = base[63:32] ^ base[95:64] ^ base[127:96] ^ t;
    rk[31:0] = base[31:0] ^ base[63:32] ^ base[95:64] ^ base[127:96] ^ t;
  end
endmodule
