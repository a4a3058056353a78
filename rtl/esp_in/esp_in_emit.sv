// esp_in_emit: the output stream of the inbound datapath. Per decided packet: one drop beat
// (keep 0, last 1, tuser RESULT = code, LEN 0), or the packet at one beat per cycle:
// tunnel, the plaintext from the output ring as is (it starts with the inner packet);
// transport, the rewritten outer header (hdr_len bytes) followed by the plaintext, which
// the two ring reads shift into place. Unused lanes of the last beat are zero. With each
// packet's last beat a pd_* record goes to the counters (rtl/ctrl esp_counters via esp_ctrl).
// The ring read is registered (esp_in_ring): ring_raddr is the ring beat of the next cycle's
// output beat, kept in rbeat_q (the packet's start minus its header's beats, + 1 per beat).
module esp_in_emit #(
    parameter int unsigned RING_AW = esp_in_pkg::RING_AW
) (
    input  logic                  clk,
    input  logic                  rst_n,
    input  logic                  in_valid,
    output logic                  in_ready,
    input  esp_in_pkg::out_desc_t in_desc,
    // output ring (read side): beats raddr and raddr + 1 in the next cycle; ring_free = first
    // beat still needed
    output logic [RING_AW-1:0]    ring_raddr,
    input  logic [127:0]          ring_rdata0,
    input  logic [127:0]          ring_rdata1,
    output logic [RING_AW:0]      ring_free,
    // output stream
    output logic                  m_axis_tvalid,
    input  logic                  m_axis_tready,
    output logic [127:0]          m_axis_tdata,
    output logic [15:0]           m_axis_tkeep,
    output logic                  m_axis_tlast,
    output logic [36:0]           m_axis_tuser,
    // packet record for the counters
    output logic                  pd_valid,
    output logic [15:0]           pd_handle,
    output logic [7:0]            pd_gen,
    output logic [3:0]            pd_result,
    output logic [15:0]           pd_in_bytes,
    output logic [15:0]           pd_out_bytes,
    output logic [15:0]           pd_inner_bytes
);
  logic busy_q;
  esp_in_pkg::out_desc_t d_q;
  logic [11:0] beat_q;          // output beat index
  logic [RING_AW:0] free_q;

  logic drop, last, hs;
  logic [15:0] pos;             // packet byte index of lane 0
  logic [3:0] base_lane;        // plaintext byte index of lane 0, mod 16
  logic [RING_AW-1:0] rbeat_q;  // ring beat of lane 0's plaintext byte (the one before the
                                // packet's first while lane 0 is inside the header)
  logic [15:0] remaining;
  logic take;

  assign drop = d_q.code != esp_contract_pkg::DROP_OK;
  assign pos = {beat_q, 4'd0};
  assign base_lane = 4'(-d_q.hdr_len);
  assign remaining = d_q.out_len - pos;
  assign take = in_valid && in_ready;
  // beat k's lane 0 is plaintext byte 16 k - hdr_len: ring beat start + k - ceil(hdr_len / 16)
  logic [2:0] hdr_beats;         // the next packet's header length in beats, rounded up
  assign hdr_beats = 3'(in_desc.hdr_len[5:4]) + 3'(in_desc.hdr_len[3:0] != 4'd0);
  assign ring_raddr = take ? RING_AW'(in_desc.start) - RING_AW'(hdr_beats)
                           : (hs ? rbeat_q + RING_AW'(1) : rbeat_q);
  assign last = drop || remaining <= 16'd16;

  always_comb begin
    m_axis_tdata = '0;
    m_axis_tkeep = '0;
    if (!drop) begin
      for (int j = 0; j < 16; j++) begin
        if (16'(j) < remaining) begin
          m_axis_tkeep[j] = 1'b1;
          if (pos + 16'(j) < 16'(d_q.hdr_len))
            m_axis_tdata[8 * j +: 8] = d_q.hdr[8 * (32'(pos) + j) +: 8];
          else if (32'(j) + 32'(base_lane) < 16)
            m_axis_tdata[8 * j +: 8] = ring_rdata0[8 * (j + 32'(base_lane)) +: 8];
          else
            m_axis_tdata[8 * j +: 8] = ring_rdata1[8 * (j + 32'(base_lane) - 16) +: 8];
        end
      end
    end
  end

  assign m_axis_tvalid = busy_q;
  assign m_axis_tlast = last;
  assign m_axis_tuser = {d_q.code, drop ? 16'd0 : d_q.out_len, d_q.handle, 1'b1};
  assign hs = m_axis_tvalid && m_axis_tready;
  assign ring_free = free_q;

  assign pd_valid = hs && last;
  assign pd_handle = d_q.handle;
  assign pd_gen = d_q.gen;
  assign pd_result = d_q.code;
  assign pd_in_bytes = d_q.in_bytes;
  assign pd_out_bytes = drop ? 16'd0 : d_q.out_len;
  assign pd_inner_bytes = pd_out_bytes;

  // the next descriptor is taken with the last beat of the current packet: no idle cycle
  assign in_ready = !busy_q || (hs && last);

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      busy_q <= 1'b0;
      free_q <= '0;
      beat_q <= '0;
      rbeat_q <= '0;
    end else begin
      rbeat_q <= ring_raddr;
      if (hs) beat_q <= beat_q + 1'b1;
      if (hs && last) begin
        busy_q <= 1'b0;
        free_q <= d_q.start + d_q.nbeats;
      end
      if (take) begin
        busy_q <= 1'b1;
        beat_q <= '0;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (take) d_q <= in_desc;
  end
endmodule
