// Outbound packet control between esp_ingress and esp_encap, in two overlapping stages:
//   fetch: per complete packet, taken from esp_ingress's look-ahead port while earlier
//          packets still stream, one SA fetch (esp_ctrl's sf_* port; sf_alloc only for a
//          well-formed packet, so a MALFORMED one takes no sequence number) and the model's
//          outbound check order (NO_SA, SA_DISABLED, MALFORMED incl. the inner header,
//          SEQ_EXHAUSTED); the verdict and the snapshot's fields go into a job queue, and
//          one record per packet, in order, into the result queue (r_*), which the top
//          turns into a drop beat or esp_encap's packet;
//   feed:  per job, the head packet's beats into esp_encap with the job's fields, or a skip.
// Lifetime: a packet's fetch must see the SA as the model would after every earlier packet,
// so it waits while an earlier OK packet of the same SA with a hard limit has not yet given
// its counter record (pd_pop, the top's outbound record) plus the 2 cycles esp_ctrl needs to
// disable the SA (esp_lim_queue). SAs without hard limits never wait.
// Sequence numbers: the model takes one only for a packet well-formed under the SA's mode
// (transport: the SA's family, no fragment, no IPv6 0/43/44 header). The mode is the
// snapshot's, which only the SA table sees at the fetch: sf_alloc says the packet is
// well-formed in tunnel mode, sf_tp_bad4/6 that it is not for a transport SA of IPv4/IPv6,
// and the table allocates from the SA's CTRL. (A mode learned at an earlier fetch goes stale
// when an UPDATE changes tunnel to transport: a refused packet took a number.)
module esp_out_ctrl #(
  parameter int unsigned RQ_DEPTH = 8      // entries of the top's result queue
) (
  input  logic         clk,
  input  logic         rst_n,
  // esp_ingress: head descriptor (skip) and beats, look-ahead descriptor (outbound only)
  input  logic         d_valid,
  output logic         d_skip,
  input  logic         b_valid,
  output logic         b_ready,
  input  logic [127:0] b_data,
  input  logic         b_last,
  input  logic         a_valid,
  input  logic [15:0]  a_sa,
  input  logic [15:0]  a_len,
  input  logic [31:0]  a_nbytes,
  input  logic         a_ok,
  input  logic [127:0] a_first,
  output logic         a_next,
  // SA fetch (shared with esp_decap: sf_grant low while the inbound side fetches)
  input  logic         sf_grant,
  output logic         sf_valid,
  output logic [15:0]  sf_handle,
  output logic         sf_alloc,
  output logic         sf_tp_bad4,
  output logic         sf_tp_bad6,
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
  output logic [60:0]  r_data,
  input  logic         pd_pop               // the result queue's head left (its pd_* record)
);
  localparam logic [3:0] DROP_OK = esp_contract_pkg::DROP_OK;

  function automatic logic [31:0] word(input logic [31*32-1:0] cfg, input int unsigned i);
    word = cfg[32 * i +: 32];
  endfunction

  // ------------------------------------------------------------ fetch stage
  // The inner-header checks of the model on the packet's first stored beat. Tunnel mode:
  // version, header length, length field = LEN. Transport mode also: the SA's family, no
  // IPv4 fragment, no IPv6 next header 0/43/44 (those cannot be kept in clear).
  /* verilator lint_off UNUSEDSIGNAL */  // the first 8 bytes only, without byte 1 (TOS)
  function automatic logic well_formed(input logic [127:0] b, input logic [15:0] len, input logic transport,
                                       input logic outer6);
    logic [7:0] v, nh6;
    logic [15:0] tot4, pay6, frag4;
    v = b[7:0];
    tot4 = {b[23:16], b[31:24]};
    pay6 = {b[39:32], b[47:40]};
    frag4 = {b[55:48], b[63:56]} & 16'h3fff;
    nh6 = b[55:48];
    well_formed = 1'b0;
    if (v[7:4] == 4'd4)
      well_formed = len >= 16'd20 && v[3:0] >= 4'd5 && {10'd0, v[3:0], 2'b00} <= len && tot4 == len &&
                    !(transport && (outer6 || frag4 != 16'd0));
    else if (v[7:4] == 4'd6)
      well_formed = len >= 16'd40 && pay6 + 16'd40 == len &&
                    !(transport && (!outer6 || nh6 == 8'd0 || nh6 == 8'd43 || nh6 == 8'd44));
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // In-flight OK packets of hard-limited SAs (esp_lim_queue): every fetch leaves a record
  // in the result queue, in order. Slots for the whole queue and the two records after it
  // (esp_ctrl disables the SA 2 cycles after pd_*), so the tracker is never full.
  logic hazard;
  logic f_busy;                 // a fetch is outstanding
  logic [15:0] f_sa, f_len, f_nbytes;
  logic [127:0] f_first;
  logic f_ok;
  logic job_room;
  assign sf_valid = !f_busy && a_valid && r_room && job_room && sf_grant && !hazard;
  assign sf_handle = a_sa;
  assign sf_alloc = a_ok && well_formed(a_first, a_len, 1'b0, 1'b0);
  assign sf_tp_bad4 = !well_formed(a_first, a_len, 1'b1, 1'b0);
  assign sf_tp_bad6 = !well_formed(a_first, a_len, 1'b1, 1'b1);

  logic [31:0] ctrl, ports;
  assign ports = word(sf_cfg, esp_contract_pkg::SA_W_UDP_PORTS);
  assign ctrl = word(sf_cfg, esp_contract_pkg::SA_W_CTRL);
  // With the snapshot: the packet's verdict under the SA's mode and family (the same
  // condition the SA table applied to the allocation).
  logic well, drop_sa;
  logic [3:0] code;
  assign well = f_ok && well_formed(f_first, f_len, ctrl[esp_contract_pkg::SA_W_CTRL_TRANSPORT_LSB],
                                    ctrl[esp_contract_pkg::SA_W_CTRL_IPV6_LSB]);
  assign drop_sa = sf_result == esp_contract_pkg::DROP_NO_SA || sf_result == esp_contract_pkg::DROP_SA_DISABLED;
  always_comb begin
    if (drop_sa) code = sf_result;
    else if (!well) code = esp_contract_pkg::DROP_MALFORMED;
    else code = sf_result;
  end
  logic hard_limited;
  assign hard_limited = |{word(sf_cfg, esp_contract_pkg::SA_W_BYTE_HARD_LO), word(sf_cfg, esp_contract_pkg::SA_W_BYTE_HARD_HI),
                          word(sf_cfg, esp_contract_pkg::SA_W_PKT_HARD_LO), word(sf_cfg, esp_contract_pkg::SA_W_PKT_HARD_HI)};
  logic [15:0] rec_sa;
  assign rec_sa = sf_result == esp_contract_pkg::DROP_NO_SA ? 16'hffff : f_sa;
  assign r_push = f_busy && sf_done;
  esp_lim_queue #(.SLOTS(2 * RQ_DEPTH)) u_lim (
      .clk, .rst_n, .leave(r_push), .push(code == DROP_OK && hard_limited), .push_handle(f_sa),
      .record(pd_pop), .fetch_handle(a_sa), .hazard);
  assign a_next = r_push;
  assign r_data = {code != DROP_OK, code, rec_sa, sf_gen, f_nbytes, code == DROP_OK ? f_len : 16'd0};

  // job: {ok, transport, outer_ipv6, udp, esn, key256, spi, salt, key, src, dst, sport, dport, seq, len, sa}
  localparam int unsigned JW = 1 + 5 + 32 + 32 + 256 + 128 + 128 + 16 + 16 + 64 + 16 + 16;
  logic [JW-1:0] job_new, job;
  logic job_valid, job_pop, job_ok;
  logic [2:0] job_count;
  assign job_room = job_count < 3'd2;   // one job streaming, one prepared
  assign job_new = {code == DROP_OK,
                    ctrl[esp_contract_pkg::SA_W_CTRL_TRANSPORT_LSB], ctrl[esp_contract_pkg::SA_W_CTRL_IPV6_LSB],
                    ctrl[esp_contract_pkg::SA_W_CTRL_UDP_ENCAP_LSB], ctrl[esp_contract_pkg::SA_W_CTRL_ESN_LSB],
                    ctrl[esp_contract_pkg::SA_W_CTRL_KEY256_LSB],
                    word(sf_cfg, esp_contract_pkg::SA_W_SPI), word(sf_cfg, esp_contract_pkg::SA_W_SALT),
                    word(sf_cfg, 4), word(sf_cfg, 5), word(sf_cfg, 6), word(sf_cfg, 7),
                    word(sf_cfg, 8), word(sf_cfg, 9), word(sf_cfg, 10), word(sf_cfg, 11),
                    word(sf_cfg, 12), word(sf_cfg, 13), word(sf_cfg, 14), word(sf_cfg, 15),
                    word(sf_cfg, 16), word(sf_cfg, 17), word(sf_cfg, 18), word(sf_cfg, 19),
                    ports[31:16], ports[15:0], sf_seq, f_len, f_sa};

  stream_fifo #(.WIDTH(JW), .DEPTH(4)) u_jobs (
      .clk, .rst_n, .wr_en(r_push), .wr_data(job_new), .rd_valid(job_valid), .rd_ready(job_pop),
      .rd_data(job), .count(job_count));

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      f_busy <= 1'b0;
    end else begin
      if (sf_valid) f_busy <= 1'b1;
      else if (sf_done) f_busy <= 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (sf_valid) begin
      f_sa <= a_sa;
      f_len <= a_len;
      f_nbytes <= a_nbytes[15:0];   // pd_in_bytes is 16 bits (esp_ctrl); longer inputs are MALFORMED
      f_first <= a_first;
      f_ok <= a_ok;
    end
  end

  // ------------------------------------------------------------ feed stage
  assign job_ok = job[JW-1];
  assign d_skip = job_valid && !job_ok && d_valid;
  assign e_valid = job_valid && job_ok && b_valid;
  assign b_ready = job_valid && job_ok && e_ready;
  assign job_pop = d_skip || (e_valid && e_ready && b_last);
  assign e_data = b_data;
  assign e_last = b_last;
  assign {e_transport, e_outer_ipv6, e_udp, e_esn, e_key256, e_spi, e_salt, e_key, e_src, e_dst,
          e_sport, e_dport, e_seq, e_len, e_sa} = job[JW-2:0];

  logic unused;
  assign unused = ^{a_nbytes[31:16], a_first[127:64], a_first[15:8], f_first[127:64], f_first[15:8]};
endmodule
