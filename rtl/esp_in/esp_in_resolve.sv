// esp_in_resolve: per parsed packet, the SA steps of docs/engine.md "Inbound" 4-8, one packet
// at a time, against the control plane's ports (rtl/ctrl/esp_ctrl: lk_*, sf_*, rp_*):
//   lookup (SPI, destination, family) -> miss: NO_SA
//   fetch the SA snapshot (key, salt, flags, generation)
//   UDP flag differs from the packet: MALFORMED; disabled: SA_DISABLED
//   ESP shorter than 8 + 8 + 2 + 16: MALFORMED
//   replay pre-check with seq_lo -> REPLAY, else the inferred 64-bit number (ESN AAD)
// Packets already MALFORMED by the parser pass straight through (no SA).
// Three stages (lookup, fetch, replay), one packet each, so up to three packets overlap:
// a packet costs about max(lookup, fetch, replay) cycles instead of their sum.
// Lifetime: the fetch must see the SA as the model would after every earlier packet. An OK
// packet of an SA with a hard limit may disable it with its counter record (pd_*, at the
// output), so a later packet of that SA waits in the fetch stage until that record left
// (pd_done) plus the 2 cycles esp_ctrl needs to disable the SA (esp_lim_queue). Up to
// LIM_SLOTS such packets are tracked (more: every fetch waits); SAs without hard limits
// never wait.
module esp_in_resolve (
    input  logic                   clk,
    input  logic                   rst_n,
    input  logic                   in_valid,
    output logic                   in_ready,
    input  esp_in_pkg::in_desc_t   in_desc,
    // SA lookup
    output logic                   lk_valid,
    output logic [31:0]            lk_spi,
    output logic [127:0]           lk_dst,
    output logic                   lk_ipv6,
    input  logic                   lk_done,
    input  logic                   lk_hit,
    input  logic [15:0]            lk_handle,
    // SA fetch (inbound: no sequence allocation)
    output logic                   sf_valid,
    output logic [15:0]            sf_handle,
    output logic                   sf_dir,
    output logic                   sf_alloc,
    input  logic                   sf_done,
    input  logic [3:0]             sf_result,
    input  logic [7:0]             sf_gen,
    input  logic [31*32-1:0]       sf_cfg,
    // replay pre-check (through esp_decap's arbiter)
    output logic                   rc_valid,
    input  logic                   rc_ready,
    output logic [15:0]            rc_handle,
    output logic [7:0]             rc_gen,       // generation of the packet's fetch
    output logic [31:0]            rc_seq_lo,
    input  logic                   rc_done,
    input  logic                   rc_ok,
    input  logic [63:0]            rc_seq,
    // a packet's counter record left (esp_decap's pd_valid), in packet order
    input  logic                   pd_done,
    // resolved packets
    output logic                   out_valid,
    input  logic                   out_room,
    output esp_in_pkg::sa_desc_t   out_desc
);
  localparam int unsigned ESP_MIN = 8 + 8 + 2 + esp_contract_pkg::ICV_BYTES;
  localparam int unsigned LIM_SLOTS = 8;

  function automatic logic [31:0] word(input logic [31*32-1:0] cfg, input int unsigned i);
    word = cfg[32 * i +: 32];
  endfunction

  typedef enum logic [1:0] {E_EMPTY, E_REQ, E_WAIT, E_FULL} stage_t;
  stage_t l_st, f_st, r_st;
  esp_in_pkg::sa_desc_t l_q, f_q, r_q;
  logic l_to_f, f_to_r, r_out;

  logic [31:0] ctrl;
  assign ctrl = word(sf_cfg, esp_contract_pkg::SA_W_CTRL);
  // the fetched snapshot is still the SA the lookup found (same SPI, destination, family)
  logic same_sa;
  assign same_sa = word(sf_cfg, esp_contract_pkg::SA_W_SPI) == f_q.d.spi &&
                   {word(sf_cfg, esp_contract_pkg::SA_W_DST_ADDR), word(sf_cfg, esp_contract_pkg::SA_W_DST_ADDR + 1),
                    word(sf_cfg, esp_contract_pkg::SA_W_DST_ADDR + 2), word(sf_cfg, esp_contract_pkg::SA_W_DST_ADDR + 3)} == f_q.d.dst &&
                   ctrl[esp_contract_pkg::SA_W_CTRL_IPV6_LSB] == f_q.d.ipv6;

  // ---------------------------------------------------------------- lookup stage
  assign in_ready = l_st == E_EMPTY || (l_st == E_FULL && l_to_f);
  assign lk_valid = l_st == E_REQ;
  assign lk_spi = l_q.d.spi;
  assign lk_dst = l_q.d.dst;
  assign lk_ipv6 = l_q.d.ipv6;
  assign l_to_f = l_st == E_FULL && (f_st == E_EMPTY || (f_st == E_FULL && f_to_r));

  // ---------------------------------------------------------------- fetch stage
  // Packets leave the fetch stage in the order of their records (every packet gets one).
  logic f_lim;                                   // the fetched SA has a hard limit
  logic hazard;
  esp_lim_queue #(.SLOTS(LIM_SLOTS)) u_lim (
      .clk, .rst_n, .leave(f_to_r), .push(f_q.code == esp_contract_pkg::DROP_OK && f_lim),
      .push_handle(f_q.handle), .record(pd_done), .fetch_handle(f_q.handle), .hazard);
  assign sf_valid = f_st == E_REQ && !hazard;
  assign sf_handle = f_q.handle;
  assign sf_dir = 1'b1;
  assign sf_alloc = 1'b0;
  assign f_to_r = f_st == E_FULL && (r_st == E_EMPTY || (r_st == E_FULL && r_out));

  // ---------------------------------------------------------------- replay stage
  assign rc_valid = r_st == E_REQ;
  assign rc_handle = r_q.handle;
  assign rc_gen = r_q.gen;
  assign rc_seq_lo = r_q.d.seq_lo;
  assign r_out = r_st == E_FULL && out_room;
  assign out_valid = r_out;
  assign out_desc = r_q;

  // a packet entering a stage either needs its operation or is already decided
  function automatic stage_t enter(input logic [3:0] code);
    enter = code == esp_contract_pkg::DROP_OK ? E_REQ : E_FULL;
  endfunction

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      l_st <= E_EMPTY;
      f_st <= E_EMPTY;
      r_st <= E_EMPTY;
    end else begin
      // lookup
      if (in_valid && in_ready) l_st <= in_desc.malformed ? E_FULL : E_REQ;
      else if (l_to_f) l_st <= E_EMPTY;
      else if (l_st == E_REQ) l_st <= E_WAIT;
      else if (l_st == E_WAIT && lk_done) l_st <= E_FULL;
      // fetch
      if (l_to_f) f_st <= enter(l_q.code);
      else if (f_to_r) f_st <= E_EMPTY;
      else if (sf_valid) f_st <= E_WAIT;
      else if (f_st == E_WAIT && sf_done) f_st <= E_FULL;
      // replay
      if (f_to_r) r_st <= enter(f_q.code);
      else if (r_out) r_st <= E_EMPTY;
      else if (r_st == E_REQ && rc_ready) r_st <= E_WAIT;
      else if (r_st == E_WAIT && rc_done) r_st <= E_FULL;
    end
  end

  always_ff @(posedge clk) begin
    if (in_valid && in_ready) begin
      l_q <= '0;
      l_q.d <= in_desc;
      l_q.handle <= esp_in_pkg::NO_SA;
      l_q.code <= in_desc.malformed ? esp_contract_pkg::DROP_MALFORMED : esp_contract_pkg::DROP_OK;
    end else if (l_st == E_WAIT && lk_done) begin
      if (lk_hit) l_q.handle <= lk_handle;
      else l_q.code <= esp_contract_pkg::DROP_NO_SA;
    end

    if (l_to_f) begin
      f_q <= l_q;
      f_lim <= 1'b0;
    end else if (f_st == E_WAIT && sf_done) begin
      f_lim <= |{word(sf_cfg, esp_contract_pkg::SA_W_BYTE_HARD_LO), word(sf_cfg, esp_contract_pkg::SA_W_BYTE_HARD_HI),
                 word(sf_cfg, esp_contract_pkg::SA_W_PKT_HARD_LO), word(sf_cfg, esp_contract_pkg::SA_W_PKT_HARD_HI)};
      f_q.gen <= sf_gen;
      f_q.key <= {word(sf_cfg, 4), word(sf_cfg, 5), word(sf_cfg, 6), word(sf_cfg, 7),
                  word(sf_cfg, 8), word(sf_cfg, 9), word(sf_cfg, 10), word(sf_cfg, 11)};
      f_q.key256 <= ctrl[esp_contract_pkg::SA_W_CTRL_KEY256_LSB];
      f_q.salt <= word(sf_cfg, esp_contract_pkg::SA_W_SALT);
      f_q.esn <= ctrl[esp_contract_pkg::SA_W_CTRL_ESN_LSB];
      f_q.transport <= ctrl[esp_contract_pkg::SA_W_CTRL_TRANSPORT_LSB];
      // order of the model: encapsulation mismatch, disabled, ESP too short. A slot deleted,
      // or changed to another SPI/destination/family, between lookup and fetch no longer
      // holds the packet's SA: the model, which sees the change before this packet, finds none.
      if (sf_result == esp_contract_pkg::DROP_NO_SA || !same_sa) begin
        f_q.code <= esp_contract_pkg::DROP_NO_SA;
        f_q.handle <= esp_in_pkg::NO_SA;
      end else if (ctrl[esp_contract_pkg::SA_W_CTRL_UDP_ENCAP_LSB] != f_q.d.udp)
        f_q.code <= esp_contract_pkg::DROP_MALFORMED;
      else if (sf_result != esp_contract_pkg::DROP_OK)
        f_q.code <= sf_result;
      else if (f_q.d.esp_len < 16'(ESP_MIN))
        f_q.code <= esp_contract_pkg::DROP_MALFORMED;
    end

    if (f_to_r) begin
      r_q <= f_q;
    end else if (r_st == E_WAIT && rc_done) begin
      r_q.seq <= rc_seq;
      if (!rc_ok) r_q.code <= esp_contract_pkg::DROP_REPLAY;
    end
  end
endmodule
