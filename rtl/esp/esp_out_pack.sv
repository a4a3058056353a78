// esp_out_pack: packs esp_encap's output chunks (0..32 bytes each: header pieces,
// ciphertext, tag) into 16-byte AXI beats (byte i of a beat in lane i), one chunk in and one
// beat out per cycle, with no gap between packets: the next packet's chunks are taken while
// the previous packet's tail is still going out, and start on a fresh beat.
//
// Holds up to 48 bytes. A full beat leaves only when a 17th byte is there or the packet's
// end is known (out_last is never taken back). At most one packet end is held: a packet is
// at least 56 bytes (20-byte IPv4 header, ESP 16, trailer 4, tag 16), so while one end is
// still in (>= 1 byte before it), the next packet's end cannot fit (47 < 56).
module esp_out_pack (
    input  logic         clk,
    input  logic         rst_n,
    input  logic         in_valid,
    output logic         in_ready,
    input  logic [255:0] in_data,    // lane order, bytes past in_nbytes ignored
    input  logic [5:0]   in_nbytes,  // 0..32
    input  logic         in_last,
    output logic         out_valid,
    input  logic         out_ready,
    output logic [127:0] out_data,
    output logic [15:0]  out_keep,
    output logic         out_last,
    output logic         idle        // nothing held
);
  logic [383:0] acc_q;
  logic [5:0] len_q;   // bytes held, 0..48
  logic end_q;         // a packet's last byte is held ...
  logic [5:0] endp_q;  // ... at byte endp_q - 1 (1..48)

  logic [4:0] out_bytes;
  logic out_fire, in_fire, end_after_out;
  logic [5:0] len_after_out, endp_after_out;
  logic [383:0] acc_after_out;
  logic [255:0] in_masked;

  assign out_valid = end_q || len_q > 6'd16;
  assign out_bytes = (end_q && endp_q < 6'd16) ? endp_q[4:0] : 5'd16;
  assign out_last = end_q && endp_q <= 6'd16;
  assign out_data = acc_q[127:0];
  assign out_keep = ~(16'hFFFF << out_bytes);
  assign out_fire = out_valid && out_ready;
  assign idle = len_q == 6'd0;

  assign len_after_out = out_fire ? len_q - {1'b0, out_bytes} : len_q;
  assign endp_after_out = out_fire ? endp_q - {1'b0, out_bytes} : endp_q;
  assign end_after_out = end_q && !(out_fire && out_last);
  assign acc_after_out = out_fire ? acc_q >> {out_bytes, 3'b000} : acc_q;
  // A chunk goes in whenever it fits: the slack keeps a beat ready after short chunks (a
  // 4-byte ciphertext tail), so the output side never waits for a 17th byte in a burst.
  assign in_ready = 7'(len_after_out) + 7'(in_nbytes) <= 7'd48;
  assign in_fire = in_valid && in_ready;
  assign in_masked = in_data & ~({256{1'b1}} << {in_nbytes, 3'b000});

  // Invariant: bytes of acc_q at and above len_q are zero (chunks are ORed in).
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      acc_q <= '0;
      len_q <= '0;
      end_q <= 1'b0;
      endp_q <= '0;
    end else begin
      acc_q <= acc_after_out | (in_fire ? {128'd0, in_masked} << {len_after_out, 3'b000} : '0);
      len_q <= len_after_out + (in_fire ? in_nbytes : 6'd0);
      end_q <= end_after_out || (in_fire && in_last);
      endp_q <= (in_fire && in_last) ? len_after_out + in_nbytes : endp_after_out;
    end
  end
endmodule
