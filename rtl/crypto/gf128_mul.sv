// gf128_mul: multiplication in GF(2^128) as GCM defines it (SP 800-38D 6.3), combinational.
// Block convention: bit 127 is the spec's x_0 (leftmost), the polynomial's lowest term;
// R = 11100001 || 0^120 reduces a right shift.
//
// Branch-free: each step masks V with a replicated bit (z ^= {128{x_i}} & v) instead of an
// if, which both simulates faster in Verilator and reads as the AND-XOR network that
// synthesis builds. Flattened, each product bit is an XOR of 128 terms a_i & v_i[k], where
// v_i = b * x^i is an XOR of a few bits of b: about 5 LUT6 levels (see ghash_accum).
module gf128_mul (
    input  logic [127:0] a,
    input  logic [127:0] b,
    output logic [127:0] p
);
  localparam logic [127:0] R = {8'he1, 120'h0};

  always_comb begin
    logic [127:0] v;
    p = '0;
    v = b;
    for (int i = 0; i < 128; i++) begin
      p = p ^ ({128{a[127-i]}} & v);
      v = {1'b0, v[127:1]} ^ ({128{v[0]}} & R);
    end
  end
endmodule
