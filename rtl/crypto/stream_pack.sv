// stream_pack: packs chunks of 0..16 bytes into full 16-byte AXI beats (byte i of a beat in
// lane i, tdata[8i+7:8i]), one chunk in and one beat out per cycle. A packet's last chunk
// (in_last) flushes its tail as a partial beat with out_last; the next packet starts on a
// fresh beat. Used to put the ciphertext and ICV behind headers whose length is not a
// multiple of 16 (ESP encapsulation: 36, 44, 56 or 64 header bytes).
//
// Holds up to 32 bytes; a full beat leaves only when a 17th byte is there or the packet's
// end is known, so out_last never has to be taken back. Depth: a 5-bit variable byte shift
// of 256 bits on each side (~3 LUT levels each).
module stream_pack (
    input  logic         clk,
    input  logic         rst_n,
    input  logic         in_valid,
    output logic         in_ready,
    input  logic [127:0] in_data,    // lane order, bytes past in_nbytes ignored
    input  logic [4:0]   in_nbytes,  // 0..16
    input  logic         in_last,
    output logic         out_valid,
    input  logic         out_ready,
    output logic [127:0] out_data,
    output logic [15:0]  out_keep,
    output logic         out_last,
    output logic         idle        // nothing held: the previous packet is fully out
);
  logic [255:0] acc_q;
  logic [5:0] len_q;  // bytes held, 0..32
  logic flush_q;      // the packet's last chunk is in: drain to out_last

  logic [4:0] out_bytes;
  logic out_fire, in_fire;
  logic [5:0] len_after_out;
  logic [255:0] acc_after_out, in_masked;

  assign out_valid = flush_q ? (len_q != 0) : (len_q > 6'd16);
  assign out_bytes = (len_q >= 6'd16) ? 5'd16 : len_q[4:0];
  assign out_last = flush_q && len_q <= 6'd16;
  assign out_data = acc_q[127:0];
  assign out_keep = ~(16'hFFFF << out_bytes);
  assign out_fire = out_valid && out_ready;
  assign idle = len_q == 0 && !flush_q;

  assign len_after_out = out_fire ? len_q - {1'b0, out_bytes} : len_q;
  assign acc_after_out = out_fire ? acc_q >> {out_bytes, 3'b000} : acc_q;
  // During a flush only the cycle that sends the last beat may take the next packet.
  assign in_ready = (len_after_out <= 6'd16) && (!flush_q || (out_fire && out_last));
  assign in_fire = in_valid && in_ready;
  assign in_masked = {128'd0, in_data & ~({128{1'b1}} << {in_nbytes, 3'b000})};

  // Invariant: bytes of acc_q at and above len_q are zero (so chunks can be ORed in); the
  // reset establishes it, in_masked and the zero-filling shift keep it.
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      acc_q <= '0;
      len_q <= '0;
      flush_q <= 1'b0;
    end else begin
      acc_q <= acc_after_out | (in_fire ? in_masked << {len_after_out, 3'b000} : '0);
      len_q <= len_after_out + (in_fire ? {1'b0, in_nbytes} : 6'd0);
      if (in_fire) flush_q <= in_last;
      else if (out_fire && out_last) flush_q <= 1'b0;
    end
  end
endmodule
