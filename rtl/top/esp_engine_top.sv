// esp_engine_top: the accelerator. AXI4-Stream in -> split by tuser DIR (first beat) ->
//   outbound: esp_ingress (store-and-forward, stream rules) -> esp_out_ctrl (SA fetch, checks)
//             -> esp_encap, with drops and encap's packets merged in order by a result queue;
//   inbound:  esp_decap (own input ring, parser, lookup, replay, decrypt, checks).
// An order FIFO records each input packet's direction at its first beat; the output takes the
// next packet from that direction's datapath (each is in order internally), so every input
// packet gives exactly one output packet or drop beat, in input order. esp_ctrl holds the
// registers, SA table, counters and events; its lk/rp ports serve esp_decap, its sf port is
// shared (esp_decap's one-cycle request has priority; the outbound side waits a cycle), and
// its pd port takes one record per output packet (only one packet's last beat passes the
// output per cycle, so the two directions never collide).
module esp_engine_top #(
  parameter int unsigned ORDER_DEPTH = 64
) (
  input  logic         clk,
  input  logic         rst_n,
  input  logic [11:0]  s_axil_awaddr,
  input  logic         s_axil_awvalid,
  output logic         s_axil_awready,
  input  logic [31:0]  s_axil_wdata,
  input  logic [3:0]   s_axil_wstrb,
  input  logic         s_axil_wvalid,
  output logic         s_axil_wready,
  output logic [1:0]   s_axil_bresp,
  output logic         s_axil_bvalid,
  input  logic         s_axil_bready,
  input  logic [11:0]  s_axil_araddr,
  input  logic         s_axil_arvalid,
  output logic         s_axil_arready,
  output logic [31:0]  s_axil_rdata,
  output logic [1:0]   s_axil_rresp,
  output logic         s_axil_rvalid,
  input  logic         s_axil_rready,
  output logic         irq,
  input  logic [127:0] s_axis_tdata,
  input  logic [15:0]  s_axis_tkeep,
  input  logic         s_axis_tlast,
  input  logic [32:0]  s_axis_tuser,
  input  logic         s_axis_tvalid,
  output logic         s_axis_tready,
  output logic [127:0] m_axis_tdata,
  output logic [15:0]  m_axis_tkeep,
  output logic         m_axis_tlast,
  output logic [36:0]  m_axis_tuser,
  output logic         m_axis_tvalid,
  input  logic         m_axis_tready
);
  localparam logic [3:0] DROP_OK = esp_contract_pkg::DROP_OK;

  // ------------------------------------------------------------ input split + order FIFO
  logic in_pkt_q, dir_q, cur_dir, ord_room, go;
  logic ing_tready, dec_tready;
  logic ord_valid, ord_head, ord_pop;
  logic [$clog2(ORDER_DEPTH):0] ord_count;

  assign cur_dir = in_pkt_q ? dir_q : s_axis_tuser[esp_contract_pkg::TUSER_IN_DIR_LSB];
  assign ord_room = ord_count < ($clog2(ORDER_DEPTH) + 1)'(ORDER_DEPTH);
  assign go = in_pkt_q || ord_room;
  assign s_axis_tready = go && (cur_dir ? dec_tready : ing_tready);

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      in_pkt_q <= 1'b0;
      dir_q <= 1'b0;
    end else if (s_axis_tvalid && s_axis_tready) begin
      in_pkt_q <= !s_axis_tlast;
      if (!in_pkt_q) dir_q <= cur_dir;
    end
  end

  stream_fifo #(.WIDTH(1), .DEPTH(ORDER_DEPTH)) u_order (
      .clk, .rst_n, .wr_en(s_axis_tvalid && s_axis_tready && !in_pkt_q), .wr_data(cur_dir),
      .rd_valid(ord_valid), .rd_ready(ord_pop), .rd_data(ord_head), .count(ord_count));

  // ------------------------------------------------------------ control plane
  logic lk_valid, lk_ipv6, lk_done, lk_hit;
  logic [31:0] lk_spi;
  logic [127:0] lk_dst;
  logic [15:0] lk_handle;
  logic sf_valid, sf_dir, sf_alloc, sf_tp_bad4, sf_tp_bad6, sf_done;
  logic [15:0] sf_handle, sf_handle_out;
  logic [3:0] sf_result;
  logic [7:0] sf_gen;
  logic [31*32-1:0] sf_cfg;
  logic [63:0] sf_seq;
  logic rp_valid, rp_ready, rp_update, rp_done, rp_ok;
  logic [15:0] rp_handle;
  logic [63:0] rp_seq, rp_seq_out;
  logic [7:0] rp_gen;
  logic pd_valid;
  logic [15:0] pd_handle, pd_in_bytes, pd_out_bytes, pd_inner_bytes;
  logic [7:0] pd_gen;
  logic [3:0] pd_result;

  esp_ctrl u_ctrl (
    .clk, .rst_n,
    .s_axil_awaddr, .s_axil_awvalid, .s_axil_awready, .s_axil_wdata, .s_axil_wstrb, .s_axil_wvalid,
    .s_axil_wready, .s_axil_bresp, .s_axil_bvalid, .s_axil_bready, .s_axil_araddr, .s_axil_arvalid,
    .s_axil_arready, .s_axil_rdata, .s_axil_rresp, .s_axil_rvalid, .s_axil_rready, .irq,
    .lk_valid, .lk_spi, .lk_dst, .lk_ipv6, .lk_done, .lk_hit, .lk_handle,
    .sf_valid, .sf_handle, .sf_dir, .sf_alloc, .sf_tp_bad4, .sf_tp_bad6, .sf_done, .sf_result, .sf_handle_out,
    .sf_gen, .sf_cfg, .sf_seq,
    .rp_valid, .rp_ready, .rp_update, .rp_handle, .rp_seq, .rp_gen_check(1'b1), .rp_gen, .rp_done, .rp_ok,
    .rp_seq_out,
    .pd_valid, .pd_handle, .pd_gen, .pd_result, .pd_in_bytes, .pd_out_bytes, .pd_inner_bytes
  );

  // SA fetch sharing: sf_done returns 2 cycles after sf_valid; remember who asked.
  logic dec_sf_valid, dec_sf_dir, dec_sf_alloc, out_sf_valid, out_sf_alloc, out_sf_tp_bad4, out_sf_tp_bad6;
  logic [15:0] dec_sf_handle, out_sf_handle;
  logic [1:0] sf_out_tag;  // [0]: issued last cycle by the outbound side, [1]: two cycles ago
  assign sf_valid = dec_sf_valid || out_sf_valid;
  assign sf_handle = dec_sf_valid ? dec_sf_handle : out_sf_handle;
  assign sf_dir = dec_sf_valid ? dec_sf_dir : 1'b0;
  assign sf_alloc = dec_sf_valid ? dec_sf_alloc : out_sf_alloc;
  assign sf_tp_bad4 = !dec_sf_valid && out_sf_tp_bad4;
  assign sf_tp_bad6 = !dec_sf_valid && out_sf_tp_bad6;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) sf_out_tag <= '0;
    else sf_out_tag <= {sf_out_tag[0], out_sf_valid};
  end

  // ------------------------------------------------------------ inbound
  logic dec_m_valid, dec_m_ready, dec_m_last;
  logic [127:0] dec_m_data;
  logic [15:0] dec_m_keep;
  logic [36:0] dec_m_user;
  logic dec_pd_valid;
  logic [15:0] dec_pd_handle, dec_pd_in_bytes, dec_pd_out_bytes, dec_pd_inner_bytes;
  logic [7:0] dec_pd_gen;
  logic [3:0] dec_pd_result;

  esp_decap u_decap (
      .clk, .rst_n,
      .s_axis_tvalid(s_axis_tvalid && go && cur_dir), .s_axis_tready(dec_tready), .s_axis_tdata,
      .s_axis_tkeep, .s_axis_tlast, .s_axis_tuser,
      .m_axis_tvalid(dec_m_valid), .m_axis_tready(dec_m_ready), .m_axis_tdata(dec_m_data),
      .m_axis_tkeep(dec_m_keep), .m_axis_tlast(dec_m_last), .m_axis_tuser(dec_m_user),
      .lk_valid, .lk_spi, .lk_dst, .lk_ipv6, .lk_done, .lk_hit, .lk_handle,
      .sf_valid(dec_sf_valid), .sf_handle(dec_sf_handle), .sf_dir(dec_sf_dir), .sf_alloc(dec_sf_alloc),
      .sf_done(sf_done && !sf_out_tag[1]), .sf_result, .sf_gen, .sf_cfg,
      .rp_valid, .rp_ready, .rp_update, .rp_handle, .rp_gen, .rp_seq, .rp_done, .rp_ok, .rp_seq_out,
      .pd_valid(dec_pd_valid), .pd_handle(dec_pd_handle), .pd_gen(dec_pd_gen), .pd_result(dec_pd_result),
      .pd_in_bytes(dec_pd_in_bytes), .pd_out_bytes(dec_pd_out_bytes), .pd_inner_bytes(dec_pd_inner_bytes));

  // ------------------------------------------------------------ outbound
  logic d_valid, d_dir, d_ok, d_skip, b_valid, b_ready, b_last;
  logic [15:0] d_sa, d_len;
  logic [31:0] d_nbytes;
  logic [127:0] b_data;
  logic [4:0] b_nbytes;
  logic a_valid, a_ok, a_next;
  logic [15:0] a_sa, a_len;
  logic [31:0] a_nbytes;
  logic [127:0] a_first;

  esp_ingress u_ingress (
      .clk, .rst_n,
      .s_axis_tdata, .s_axis_tkeep, .s_axis_tlast, .s_axis_tuser,
      .s_axis_tvalid(s_axis_tvalid && go && !cur_dir), .s_axis_tready(ing_tready),
      .d_valid, .d_dir, .d_sa, .d_len, .d_nbytes, .d_ok, .d_skip,
      .b_valid, .b_ready, .b_data, .b_nbytes, .b_last,
      .a_valid, .a_sa, .a_len, .a_nbytes, .a_ok, .a_first, .a_next);

  logic e_valid, e_ready, e_last, e_transport, e_outer_ipv6, e_udp, e_esn, e_key256;
  logic [127:0] e_data, e_src, e_dst;
  logic [15:0] e_len, e_sa, e_sport, e_dport;
  logic [31:0] e_spi, e_salt;
  logic [255:0] e_key;
  logic [63:0] e_seq;
  logic r_room, r_push;
  logic [60:0] r_data;

  localparam int unsigned RQ_DEPTH = 8;
  logic rq_pop;
  esp_out_ctrl #(.RQ_DEPTH(RQ_DEPTH)) u_out_ctrl (
      .clk, .rst_n,
      .d_valid, .d_skip, .b_valid, .b_ready, .b_data, .b_last,
      .a_valid, .a_sa, .a_len, .a_nbytes, .a_ok, .a_first, .a_next,
      .sf_grant(!dec_sf_valid), .sf_valid(out_sf_valid), .sf_handle(out_sf_handle), .sf_alloc(out_sf_alloc),
      .sf_tp_bad4(out_sf_tp_bad4), .sf_tp_bad6(out_sf_tp_bad6), .sf_done(sf_done && sf_out_tag[1]), .sf_result, .sf_gen, .sf_cfg, .sf_seq,
      .e_valid, .e_ready, .e_data, .e_last, .e_len, .e_sa, .e_transport, .e_outer_ipv6, .e_udp,
      .e_esn, .e_key256, .e_spi, .e_salt, .e_key, .e_src, .e_dst, .e_sport, .e_dport, .e_seq,
      .r_room, .r_push, .r_data, .pd_pop(rq_pop));

  logic enc_m_valid, enc_m_ready, enc_m_last;
  logic [127:0] enc_m_data;
  logic [15:0] enc_m_keep;
  logic [36:0] enc_m_user;

  esp_encap u_encap (
      .clk, .rst_n,
      .s_valid(e_valid), .s_ready(e_ready), .s_data(e_data), .s_last(e_last),
      .s_len(e_len), .s_sa(e_sa), .s_transport(e_transport), .s_outer_ipv6(e_outer_ipv6), .s_udp(e_udp),
      .s_esn(e_esn), .s_key256(e_key256), .s_spi(e_spi), .s_salt(e_salt), .s_key(e_key),
      .s_src(e_src), .s_dst(e_dst), .s_sport(e_sport), .s_dport(e_dport), .s_seq(e_seq),
      .m_valid(enc_m_valid), .m_ready(enc_m_ready), .m_data(enc_m_data), .m_keep(enc_m_keep),
      .m_last(enc_m_last), .m_user(enc_m_user));

  // Outbound results in order: a drop record gives the drop beat, an OK one encap's packet.
  logic rq_valid;
  logic [60:0] rq;
  logic [$clog2(RQ_DEPTH):0] rq_count;
  assign r_room = rq_count < ($clog2(RQ_DEPTH) + 1)'(RQ_DEPTH);
  stream_fifo #(.WIDTH(61), .DEPTH(RQ_DEPTH)) u_result_q (
      .clk, .rst_n, .wr_en(r_push), .wr_data(r_data), .rd_valid(rq_valid), .rd_ready(rq_pop),
      .rd_data(rq), .count(rq_count));

  logic rq_drop;
  logic [3:0] rq_code;
  logic [15:0] rq_sa, rq_in_bytes, rq_inner_bytes;
  logic [7:0] rq_gen;
  assign {rq_drop, rq_code, rq_sa, rq_gen, rq_in_bytes, rq_inner_bytes} = rq;

  logic out_valid, out_ready, out_last;
  logic [127:0] out_data;
  logic [15:0] out_keep;
  logic [36:0] out_user;
  assign out_valid = rq_valid && (rq_drop || enc_m_valid);
  assign out_data = rq_drop ? '0 : enc_m_data;
  assign out_keep = rq_drop ? '0 : enc_m_keep;
  assign out_last = rq_drop || enc_m_last;
  assign out_user = rq_drop ? {rq_code, 16'd0, rq_sa, 1'b0} : enc_m_user;
  assign enc_m_ready = rq_valid && !rq_drop && out_ready;
  assign rq_pop = out_valid && out_ready && out_last;

  // ------------------------------------------------------------ output merge
  logic take_in;
  assign take_in = ord_head;
  assign m_axis_tvalid = ord_valid && (take_in ? dec_m_valid : out_valid);
  assign m_axis_tdata = take_in ? dec_m_data : out_data;
  assign m_axis_tkeep = take_in ? dec_m_keep : out_keep;
  assign m_axis_tlast = take_in ? dec_m_last : out_last;
  assign m_axis_tuser = take_in ? dec_m_user : out_user;
  assign dec_m_ready = ord_valid && take_in && m_axis_tready;
  assign out_ready = ord_valid && !take_in && m_axis_tready;
  assign ord_pop = m_axis_tvalid && m_axis_tready && m_axis_tlast;

  // Counter records: esp_decap gives its own with its last beat; the outbound one is made
  // here when its last beat (or drop beat) leaves.
  logic [3:0] enc_result;
  assign enc_result = rq_drop ? rq_code : enc_m_user[esp_contract_pkg::TUSER_OUT_RESULT_LSB +: 4];
  assign pd_valid = dec_pd_valid || rq_pop;
  assign pd_handle = dec_pd_valid ? dec_pd_handle : rq_sa;
  assign pd_gen = dec_pd_valid ? dec_pd_gen : rq_gen;
  assign pd_result = dec_pd_valid ? dec_pd_result : enc_result;
  assign pd_in_bytes = dec_pd_valid ? dec_pd_in_bytes : rq_in_bytes;
  assign pd_out_bytes = dec_pd_valid ? dec_pd_out_bytes :
                        (enc_result == DROP_OK ? enc_m_user[esp_contract_pkg::TUSER_OUT_LEN_LSB +: 16] : 16'd0);
  assign pd_inner_bytes = dec_pd_valid ? dec_pd_inner_bytes : (enc_result == DROP_OK ? rq_inner_bytes : 16'd0);

  logic unused;
  assign unused = ^{d_dir, d_sa, d_len, d_nbytes, d_ok, b_nbytes, sf_handle_out};
endmodule
