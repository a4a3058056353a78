// aes_round: one AES encryption round (SubBytes, ShiftRows, MixColumns, AddRoundKey),
// combinational; the pipeline registers around it live in aes_enc_pipeline.
// Block convention: byte 0 (state row 0, column 0) in bits [127:120], bytes column-major
// as in FIPS-197, so state byte (row r, column c) is byte r + 4c.
//   is_final: the last round omits MixColumns.
//   bypass:   pass the state through untouched (AES-128 blocks in rounds 11..14 of the
//             shared 14-stage pipeline).
// Depth: S-box ~3 LUT levels, MixColumns + key XOR (5-6 inputs per bit) ~2 levels.
module aes_round (
    input  logic [127:0] state_in,
    input  logic [127:0] round_key,
    input  logic         is_final,
    input  logic         bypass,
    output logic [127:0] state_out
);
  logic [7:0] sub[16];      // after SubBytes, index = byte number
  logic [7:0] shifted[16];  // after ShiftRows
  logic [127:0] mixed;      // after MixColumns
  logic [127:0] unmixed;    // ShiftRows output packed, for the final round

  for (genvar i = 0; i < 16; i++) begin : g_sbox
    aes_sbox u_sbox (.in(state_in[127-8*i -: 8]), .out(sub[i]));
  end

  // Row r rotates left by r columns: out(r, c) = in(r, c + r mod 4).
  for (genvar c = 0; c < 4; c++) begin : g_shift_col
    for (genvar r = 0; r < 4; r++) begin : g_shift_row
      assign shifted[r+4*c] = sub[r+4*((c+r)%4)];
      assign unmixed[127-8*(r+4*c) -: 8] = sub[r+4*((c+r)%4)];
    end
  end

  // xtime: multiply by x in GF(2^8) mod x^8+x^4+x^3+x+1, branch-free.
  function automatic logic [7:0] xtime(input logic [7:0] b);
    xtime = {b[6:0], 1'b0} ^ (8'h1b & {8{b[7]}});
  endfunction

  for (genvar c = 0; c < 4; c++) begin : g_mix
    logic [7:0] a0, a1, a2, a3;
    assign a0 = shifted[4*c];
    assign a1 = shifted[4*c+1];
    assign a2 = shifted[4*c+2];
    assign a3 = shifted[4*c+3];
    // 2a0+3a1+a2+a3, a0+2a1+3a2+a3, a0+a1+2a2+3a3, 3a0+a1+a2+2a3
    assign mixed[127-32*c -: 8] = xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3;
    assign mixed[119-32*c -: 8] = a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3;
    assign mixed[111-32*c -: 8] = a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3;
    assign mixed[103-32*c -: 8] = xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3);
  end

  always_comb begin
    if (bypass) state_out = state_in;
    else if (is_final) state_out = unmixed ^ round_key;
    else state_out = mixed ^ round_key;
  end
endmodule
