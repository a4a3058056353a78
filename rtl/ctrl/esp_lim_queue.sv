// esp_lim_queue: the packets of hard-limited SAs still awaiting their counter record, for
// a datapath's SA fetch (esp_in_resolve inbound, esp_out_ctrl outbound).
// A fetch must see its SA as the HLS model would after every earlier packet. An OK packet of
// an SA with a hard limit (BYTE_HARD or PKT_HARD != 0) may disable the SA with its counter
// record (pd_*), which esp_ctrl applies 2 cycles later; so a fetch for that handle waits
// (hazard) until the packet's record is 2 cycles old. SAs without hard limits never wait.
// The owner reports every packet leaving its fetch (`leave`, in the order of their records),
// with `push` for the hard-limited OK ones, and every record (`record`). Packets are tracked
// by number, so only the hard-limited ones take a slot; with SLOTS of them in flight every
// fetch waits (records keep coming, so it never deadlocks).
module esp_lim_queue #(
    parameter int unsigned SLOTS = 8  // a power of two
) (
    input  logic        clk,
    input  logic        rst_n,
    input  logic        leave,        // a packet left the fetch; its record comes in this order
    input  logic        push,         // with leave: it is an OK packet of a hard-limited SA
    input  logic [15:0] push_handle,
    input  logic        record,       // the next packet's counter record (pd_*)
    input  logic [15:0] fetch_handle, // the handle about to be fetched
    output logic        hazard        // wait: an earlier packet may still disable it
);
  localparam int unsigned PW = $clog2(SLOTS);

  logic [15:0] num, rec_num, rec_num_d1, seen;
  logic [SLOTS-1:0] v;
  logic [15:0] h[SLOTS], last[SLOTS];
  logic [PW-1:0] wr, rd;
  logic retire;

  always_comb begin
    hazard = &v;
    for (int i = 0; i < 32'(SLOTS); i++) if (v[i] && h[i] == fetch_handle) hazard = 1'b1;
  end
  // seen: records counted 2 cycles ago minus the oldest tracked packet's number; > 0 once
  // its record is 2 cycles old (packet numbers wrap: in flight are far fewer than 2^15)
  assign seen = rec_num_d1 - last[rd];
  assign retire = v[rd] && !seen[15] && seen != '0;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      num <= '0;
      rec_num <= '0;
      rec_num_d1 <= '0;
      v <= '0;
      wr <= '0;
      rd <= '0;
    end else begin
      if (leave) num <= num + 16'd1;
      rec_num <= rec_num + 16'(record);
      rec_num_d1 <= rec_num;
      if (leave && push) begin
        v[wr] <= 1'b1;
        wr <= wr + 1'b1;
      end
      if (retire) begin
        v[rd] <= 1'b0;
        rd <= rd + 1'b1;
      end
    end
  end
  always_ff @(posedge clk) begin
    if (leave && push) begin
      h[wr] <= push_handle;
      last[wr] <= num;
    end
  end
endmodule
