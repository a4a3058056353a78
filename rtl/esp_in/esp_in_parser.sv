// esp_in_parser: takes inbound packets from the input stream at one beat per cycle, stores
// their beats in the input ring and, after each last beat, writes one in_desc_t: the outer
// header checks of docs/engine.md "Inbound" steps 1-3 (stream rules, LEN, IPv4/IPv6, UDP
// 4500, ESP >= 8 bytes, the RFC 3948 non-ESP marker) and the fields the later stages need
// (SPI, seq_lo, IV, ICV, destination, offsets, the outer header for transport mode).
// Reference: hls/esp/esp_inbound.cpp parse_outer() and the stream rules of esp_datapath.cpp.
module esp_in_parser #(
    parameter int unsigned RING_AW = esp_in_pkg::RING_AW
) (
    input  logic                 clk,
    input  logic                 rst_n,
    input  logic                 s_axis_tvalid,
    output logic                 s_axis_tready,
    input  logic [127:0]         s_axis_tdata,
    input  logic [15:0]          s_axis_tkeep,
    input  logic                 s_axis_tlast,
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic [32:0]          s_axis_tuser,  // only LEN: the SA comes from the lookup, DIR steered us here
    /* verilator lint_on UNUSEDSIGNAL */
    // input ring (write side); ring_free = first beat still in use by the feeder
    output logic                 ring_we,
    output logic [RING_AW-1:0]   ring_waddr,
    output logic [127:0]         ring_wdata,
    input  logic [RING_AW:0]     ring_free,
    // descriptors; desc_room = the consumer can take two more
    output logic                 desc_valid,
    output esp_in_pkg::in_desc_t desc,
    input  logic                 desc_room
);
  localparam int unsigned HB = 96;  // header bytes captured: ESP header + IV end by byte 84
  localparam int unsigned MAX_BEATS = esp_contract_pkg::MAX_PACKET_BYTES / 16;

  // ---------------------------------------------------------------- beat intake
  logic in_pkt_q;
  logic [9:0] beat_q;            // beat index within the packet (saturates)
  logic [17:0] count_q;          // bytes on the beats so far (saturates far above MAX)
  logic bad_q;                   // a stream-rule breach seen
  logic [15:0] len_q;            // tuser LEN of the first beat
  logic [RING_AW:0] wptr_q, start_q;
  logic [127:0] prev_q;          // previous beat (for the last 16 bytes: the ICV)
  logic [8*HB-1:0] hb_q;

  logic take, first, keep_ok, writes;
  logic [4:0] nb;
  logic [9:0] k;
  logic [17:0] count_d;
  logic [RING_AW:0] used;

  assign used = wptr_q - ring_free;
  assign s_axis_tready = rst_n && desc_room && (used < (RING_AW + 1)'(1 << RING_AW));
  assign take = s_axis_tvalid && s_axis_tready;
  assign first = !in_pkt_q;
  assign k = first ? 10'd0 : beat_q;
  assign writes = k < 10'(MAX_BEATS);  // longer packets are MALFORMED: their excess is not kept

  always_comb begin
    nb = 5'd0;
    for (int i = 0; i < 16; i++) nb = nb + 5'(s_axis_tkeep[i]);
    // contiguous from lane 0, non-empty, full unless last
    keep_ok = s_axis_tkeep != 16'd0 && ((s_axis_tkeep & (s_axis_tkeep + 16'd1)) == 16'd0) &&
              (s_axis_tlast || s_axis_tkeep == 16'hFFFF);
    count_d = (first ? 18'd0 : count_q) + 18'(nb);
    if (count_d[17]) count_d = 18'h20000;  // saturate: already far beyond MAX_PACKET_BYTES
  end

  assign ring_we = take && writes;
  assign ring_waddr = wptr_q[RING_AW-1:0];
  assign ring_wdata = s_axis_tdata;

  // header bytes as they will be after this beat
  logic [8*HB-1:0] hb_d;
  always_comb begin
    hb_d = first ? '0 : hb_q;
    for (int i = 0; i < HB; i++)
      if (32'(i / 16) == 32'(k) && s_axis_tkeep[i % 16]) hb_d[8 * i +: 8] = s_axis_tdata[8 * (i % 16) +: 8];
  end

  // ---------------------------------------------------------------- snapshot at the last beat
  logic ev_q;                    // evaluate the snapshot this cycle
  logic [8*HB-1:0] ebv;           // snapshot header bytes
  logic [17:0] ecount;
  logic ebad;
  logic [15:0] elen;
  logic [RING_AW:0] estart, ebeats;
  logic [255:0] etail;           // {last beat, previous beat}, lane order
  logic [4:0] elast_nb;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      in_pkt_q <= 1'b0;
      beat_q <= '0;
      count_q <= '0;
      bad_q <= 1'b0;
      len_q <= '0;
      wptr_q <= '0;
      start_q <= '0;
      ev_q <= 1'b0;
    end else begin
      ev_q <= 1'b0;
      if (take) begin
        in_pkt_q <= !s_axis_tlast;
        beat_q <= (k == 10'h3FF) ? k : k + 10'd1;
        count_q <= count_d;
        bad_q <= (first ? 1'b0 : bad_q) || !keep_ok;
        if (first) begin
          len_q <= s_axis_tuser[32:17];
          start_q <= wptr_q;
        end
        if (writes) wptr_q <= wptr_q + 1'b1;
        if (s_axis_tlast) ev_q <= 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (take) begin
      prev_q <= s_axis_tdata;
      hb_q <= hb_d;
      if (s_axis_tlast) begin
        ebv <= hb_d;
        ecount <= count_d;
        ebad <= (first ? 1'b0 : bad_q) || !keep_ok;
        elen <= first ? s_axis_tuser[32:17] : len_q;
        estart <= first ? wptr_q : start_q;
        ebeats <= wptr_q + (RING_AW + 1)'(writes) - (first ? wptr_q : start_q);
        etail <= {s_axis_tdata, prev_q};
        elast_nb <= nb;
      end
    end
  end

  // ---------------------------------------------------------------- header checks
  function automatic logic [15:0] be16(input logic [7:0] hi, input logic [7:0] lo);
    be16 = {hi, lo};
  endfunction

  logic [7:0] eb[HB];  // snapshot as bytes
  always_comb for (int i = 0; i < HB; i++) eb[i] = ebv[8 * i +: 8];

  logic [3:0] version;
  logic [6:0] ihl;
  logic [31:0] csum_acc;
  logic [15:0] csum;
  logic ok4, ok6, ok_outer, is_udp, udp_ok, proto_ok;
  logic [7:0] proto;
  logic [6:0] ip_len, esp_off;
  logic [16:0] len17;
  logic [255:0] icv_lanes;
  esp_in_pkg::in_desc_t d;

  always_comb begin
    len17 = {1'b0, elen};
    version = eb[0][7:4];
    ihl = {1'b0, eb[0][3:0], 2'b00};
    csum_acc = 32'd0;
    for (int i = 0; i < 30; i++)
      if (7'(2 * i) < ihl) csum_acc = csum_acc + {16'd0, be16(eb[2 * i], eb[2 * i + 1])};
    csum_acc = {16'd0, csum_acc[15:0]} + {16'd0, csum_acc[31:16]};
    csum_acc = {16'd0, csum_acc[15:0]} + {16'd0, csum_acc[31:16]};
    csum = ~csum_acc[15:0];
    ok4 = version == 4'd4 && elen >= 16'd20 && ihl >= 7'd20 && {9'd0, ihl} <= elen &&
          be16(eb[2], eb[3]) == elen && csum == 16'd0 && (be16(eb[6], eb[7]) & 16'h3FFF) == 16'd0;
    ok6 = version == 4'd6 && elen >= 16'd40 && {1'b0, be16(eb[4], eb[5])} + 17'd40 == len17;
    proto = version == 4'd6 ? eb[6] : eb[9];
    ip_len = version == 4'd6 ? 7'd40 : ihl;
    is_udp = proto == 8'd17;
    udp_ok = elen >= 16'(ip_len) + 16'd8 &&
             be16(eb[ip_len + 7'd2], eb[ip_len + 7'd3]) == 16'(esp_contract_pkg::UDP_ENCAP_PORT) &&
             be16(eb[ip_len + 7'd4], eb[ip_len + 7'd5]) == elen - 16'(ip_len);
    proto_ok = is_udp ? udp_ok : proto == 8'd50;
    esp_off = ip_len + (is_udp ? 7'd8 : 7'd0);
    ok_outer = (ok4 || ok6) && proto_ok && elen >= 16'(esp_off) + 16'd8;

    d = '0;
    d.in_bytes = ecount[15:0];
    d.start = estart;
    d.nbeats = ebeats;
    d.ipv6 = version == 4'd6;
    d.udp = is_udp;
    d.ip_len = ip_len[5:0];
    d.esp_off = esp_off;
    d.esp_len = elen - 16'(esp_off);
    if (version == 4'd6) d.dst = {eb[24], eb[25], eb[26], eb[27], eb[28], eb[29], eb[30], eb[31],
                                  eb[32], eb[33], eb[34], eb[35], eb[36], eb[37], eb[38], eb[39]};
    else d.dst = {eb[16], eb[17], eb[18], eb[19], 96'd0};
    d.spi = {eb[esp_off], eb[esp_off + 7'd1], eb[esp_off + 7'd2], eb[esp_off + 7'd3]};
    d.seq_lo = {eb[esp_off + 7'd4], eb[esp_off + 7'd5], eb[esp_off + 7'd6], eb[esp_off + 7'd7]};
    for (int i = 0; i < 8; i++) d.iv[63 - 8 * i -: 8] = eb[esp_off + 7'd8 + 7'(i)];
    // the last 16 bytes: lanes elast_nb .. elast_nb+15 of {last beat, previous beat}
    icv_lanes = etail >> {elast_nb, 3'b000};
    for (int i = 0; i < 16; i++) d.icv[127 - 8 * i -: 8] = icv_lanes[8 * i +: 8];
    d.hdr = ebv[8 * esp_in_pkg::HDR_BYTES - 1:0];
    d.malformed = ebad || ecount != {2'b00, elen} || ecount > 18'(esp_contract_pkg::MAX_PACKET_BYTES) ||
                  !ok_outer || (is_udp && d.spi == 32'd0);
  end

  assign desc_valid = ev_q;
  assign desc = d;
endmodule
