// Outbound packet control between esp_ingress and esp_encap: per stored packet one SA fetch
// (esp_ctrl's sf_* port, sf_alloc only for a well-formed packet so a MALFORMED one takes no
// sequence number), the model's outbound check order (NO_SA, SA_DISABLED, MALFORMED incl.
// the inner header, SEQ_EXHAUSTED), then either the packet's beats into esp_encap with the
// snapshot's fields, or a skip. Every packet leaves one record, in order, in the result
// queue (r_*), which esp_out_merge turns into a drop beat or esp_encap's packet.
module esp_out_ctrl (
  input  logic         clk,
  input  logic         rst_n,
  // esp_ingress descriptor and beats (outbound packets only)
  input  logic         d_valid,
  input  logic [15:0]  d_sa,
  input  logic [15:0]  d_len,
  input  logic [31:0]  d_nbytes,
  input  logic         d_ok,
  output logic         d_skip,
  input  logic         b_valid,
  output logic         b_ready,
  input  logic [127:0] b_data,
  input  logic         b_last,
  // SA fetch (shared with esp_decap: sf_grant low while the inbound side fetches)
  input  logic         sf_grant,
  output logic         sf_valid,
  output logic [15:0]  sf_handle,
  output logic         sf_alloc,
  input  logic         sf_done,
  input  logic [3:0]   sf_result,
  input  logic [7:0]   sf_gen,
  input  logic [31*32-1:0] sf_cfg,
  input  logic [63:0]  sf_seq,
  // esp_encap input
  output logic         e_valid,
  input  logic         e_ready,
  output logic [127:0] e_data,
  output logic         e_last,
  output logic [15:0]  e_len,
  output logic [15:0]  e_sa,
  output logic         e_transport,
  output logic         e_outer_ipv6,
  output logic         e_udp,
  output logic         e_esn,
  output logic         e_key256,
  output logic [31:0]  e_spi,
  output logic [31:0]  e_salt,
  output logic [255:0] e_key,
  output logic [127:0] e_src,
  output logic [127:0] e_dst,
  output logic [15:0]  e_sport,
  output logic [15:0]  e_dport,
  output logic [63:0]  e_seq,
  // result queue entry: {drop, code, sa, gen, in_bytes, inner_bytes}
  input  logic         r_room,
  output logic         r_push,
  output logic [60:0]  r_data
);
  typedef enum logic [1:0] {S_IDLE, S_WAIT, S_FEED} state_t;
  state_t st_q;
  logic well_q;

  function automatic logic [31:0] word(input logic [31*32-1:0] cfg, input int unsigned i);
    word = cfg[32 * i +: 32];
  endfunction

  // The inner-header checks of the model (tunnel mode), on the first stored beat.
  logic [7:0] b0;
  logic [15:0] tot4, pay6;
  logic inner_ok;
  assign b0 = b_data[7:0];
  assign tot4 = {b_data[23:16], b_data[31:24]};
  assign pay6 = {b_data[39:32], b_data[47:40]};
  always_comb begin
    inner_ok = 1'b0;
    if (b0[7:4] == 4'd4)
      inner_ok = d_len >= 16'd20 && b0[3:0] >= 4'd5 && {10'd0, b0[3:0], 2'b00} <= d_len && tot4 == d_len;
    else if (b0[7:4] == 4'd6)
      inner_ok = d_len >= 16'd40 && pay6 + 16'd40 == d_len;
  end

  assign sf_valid = st_q == S_IDLE && d_valid && r_room && sf_grant;
  assign sf_handle = d_sa;
  assign sf_alloc = d_ok && inner_ok;

  logic [31:0] ctrl, ports;
  assign ports = word(sf_cfg, esp_contract_pkg::SA_W_UDP_PORTS);
  assign ctrl = word(sf_cfg, esp_contract_pkg::SA_W_CTRL);
  logic [3:0] code;
  always_comb begin
    if (sf_result == esp_contract_pkg::DROP_NO_SA || sf_result == esp_contract_pkg::DROP_SA_DISABLED)
      code = sf_result;
    else if (!well_q) code = esp_contract_pkg::DROP_MALFORMED;
    else code = sf_result;
  end
  logic [15:0] rec_sa;
  assign rec_sa = sf_result == esp_contract_pkg::DROP_NO_SA ? 16'hffff : d_sa;
  assign r_push = st_q == S_WAIT && sf_done;
  assign r_data = {code != esp_contract_pkg::DROP_OK, code, rec_sa, sf_gen, d_nbytes[15:0],
                   code == esp_contract_pkg::DROP_OK ? d_len : 16'd0};
  assign d_skip = r_push && code != esp_contract_pkg::DROP_OK;

  assign e_valid = st_q == S_FEED && b_valid;
  assign b_ready = st_q == S_FEED && e_ready;
  assign e_data = b_data;
  assign e_last = b_last;
  assign e_len = d_len;
  assign e_sa = d_sa;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) st_q <= S_IDLE;
    else begin
      case (st_q)
        S_IDLE: if (sf_valid) st_q <= S_WAIT;
        S_WAIT: if (sf_done) st_q <= code == esp_contract_pkg::DROP_OK ? S_FEED : S_IDLE;
        S_FEED: if (e_valid && e_ready && b_last) st_q <= S_IDLE;
        default: st_q <= S_IDLE;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    if (sf_valid) well_q <= sf_alloc;
    if (st_q == S_WAIT && sf_done) begin
      e_transport <= ctrl[esp_contract_pkg::SA_W_CTRL_TRANSPORT_LSB];
      e_outer_ipv6 <= ctrl[esp_contract_pkg::SA_W_CTRL_IPV6_LSB];
      e_udp <= ctrl[esp_contract_pkg::SA_W_CTRL_UDP_ENCAP_LSB];
      e_esn <= ctrl[esp_contract_pkg::SA_W_CTRL_ESN_LSB];
      e_key256 <= ctrl[esp_contract_pkg::SA_W_CTRL_KEY256_LSB];
      e_spi <= word(sf_cfg, esp_contract_pkg::SA_W_SPI);
      e_salt <= word(sf_cfg, esp_contract_pkg::SA_W_SALT);
      e_key <= {word(sf_cfg, 4), word(sf_cfg, 5), word(sf_cfg, 6), word(sf_cfg, 7),
                word(sf_cfg, 8), word(sf_cfg, 9), word(sf_cfg, 10), word(sf_cfg, 11)};
      e_src <= {word(sf_cfg, 12), word(sf_cfg, 13), word(sf_cfg, 14), word(sf_cfg, 15)};
      e_dst <= {word(sf_cfg, 16), word(sf_cfg, 17), word(sf_cfg, 18), word(sf_cfg, 19)};
      e_sport <= ports[31:16];
      e_dport <= ports[15:0];
      e_seq <= sf_seq;
    end
  end
  // pd_in_bytes is 16 bits (esp_ctrl); longer inputs are MALFORMED anyway.
  logic unused;
  assign unused = ^d_nbytes[31:16];
endmodule
