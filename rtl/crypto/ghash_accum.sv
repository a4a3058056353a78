// ghash_accum: the GHASH accumulator of AES-GCM, one 128-bit block per cycle, packet after
// packet. Per packet: h_load (H for the packet, accumulator cleared), blocks with in_valid
// (X <- (X ^ block) * H), the lengths block flagged in_last; out_ghash is valid with
// out_valid on the next cycle. h_load may come with the packet's first block (that block
// then uses h_in); an empty packet is h_load followed by the lengths block alone.
//
// Why a single-cycle multiply-accumulate loop, not 4-way aggregation: the key, hence H, can
// change on every packet (per-SA keys, nothing stored per SA). Aggregation with H..H^4 needs
// the powers of each new H before the first blocks (three dependent multiplies per packet,
// or 512 bits of powers stored per SA) and must know the last 4 blocks of a packet ahead
// of time; interleaving packets through a pipelined multiplier needs several packets in
// flight, which an in-order stream does not give. The single-cycle loop keeps up at one
// block per cycle with any packet mix, with no per-packet set-up bubble.
//
// Depth at 250 MHz (4 ns) on UltraScale+: the loop is register X -> XOR with the block ->
// 128-term AND-XOR per output bit -> register X. With 6-input LUTs: 1 level for the input
// XOR folded into the first AND-XOR layer, ~4 levels of XOR tree (128 terms whose v_i bits
// are small XORs of H), so 5 levels x 0.3-0.5 ns = 1.5-2.5 ns of logic; each X bit fans out
// to 128 trees, so routing dominates and the loop is at the edge of 250 MHz. The fallback
// if timing fails is 2-way aggregation with a 2-stage multiplier (blocks alternate between
// two accumulators multiplied by H^2, the last two by H^2/H), at the cost of computing H^2
// at the start of each packet. scripts/synth-estimate.sh reports the measured levels.
module ghash_accum (
    input  logic         clk,
    input  logic         rst_n,
    input  logic         h_load,
    input  logic [127:0] h_in,
    input  logic         in_valid,
    input  logic [127:0] in_block,
    input  logic         in_last,
    output logic         out_valid,
    output logic [127:0] out_ghash
);
  // Each bit of X and H feeds ~128 LUTs of the single-cycle multiplier; at 250 MHz that
  // net, not the 6 LUT levels, is the critical part (docs/rtl-synth.md). Vivado replicates
  // registers under max_fanout; latency and interface are unchanged.
  (* max_fanout = 32 *) logic [127:0] h_q;
  (* max_fanout = 32 *) logic [127:0] x_q;
  logic [127:0] h_cur, x_cur, product;

  // A packet's first block may arrive together with its H.
  assign h_cur = h_load ? h_in : h_q;
  assign x_cur = h_load ? '0 : x_q;

  gf128_mul u_mul (.a(x_cur ^ in_block), .b(h_cur), .p(product));

  always_ff @(posedge clk) begin
    if (h_load) h_q <= h_in;
    if (in_valid) x_q <= product;
    else if (h_load) x_q <= '0;
  end

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) out_valid <= 1'b0;
    else out_valid <= in_valid && in_last;
  end

  assign out_ghash = x_q;
endmodule
