// esp_in_resolve: per parsed packet, the SA steps of docs/engine.md "Inbound" 4-8, one packet
// at a time, against the control plane's ports (rtl/ctrl/esp_ctrl: lk_*, sf_*, rp_*):
//   lookup (SPI, destination, family) -> miss: NO_SA
//   fetch the SA snapshot (key, salt, flags, generation)
//   UDP flag differs from the packet: MALFORMED; disabled: SA_DISABLED
//   ESP shorter than 8 + 8 + 2 + 16: MALFORMED
//   replay pre-check with seq_lo -> REPLAY, else the inferred 64-bit number (ESN AAD)
// Packets already MALFORMED by the parser pass straight through (no SA).
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
    output logic [31:0]            rc_seq_lo,
    input  logic                   rc_done,
    input  logic                   rc_ok,
    input  logic [63:0]            rc_seq,
    // resolved packets
    output logic                   out_valid,
    input  logic                   out_room,
    output esp_in_pkg::sa_desc_t   out_desc
);
  typedef enum logic [2:0] {S_IDLE, S_LK, S_LK_WAIT, S_SF, S_SF_WAIT, S_RP, S_RP_WAIT, S_OUT} state_t;
  state_t st_q;
  esp_in_pkg::sa_desc_t r_q;

  localparam int unsigned ESP_MIN = 8 + 8 + 2 + esp_contract_pkg::ICV_BYTES;

  function automatic logic [31:0] word(input logic [31*32-1:0] cfg, input int unsigned i);
    word = cfg[32 * i +: 32];
  endfunction

  assign in_ready = st_q == S_IDLE && out_room;
  assign lk_valid = st_q == S_LK;
  assign lk_spi = r_q.d.spi;
  assign lk_dst = r_q.d.dst;
  assign lk_ipv6 = r_q.d.ipv6;
  assign sf_valid = st_q == S_SF;
  assign sf_handle = r_q.handle;
  assign sf_dir = 1'b1;
  assign sf_alloc = 1'b0;
  assign rc_valid = st_q == S_RP;
  assign rc_handle = r_q.handle;
  assign rc_seq_lo = r_q.d.seq_lo;
  assign out_valid = st_q == S_OUT;
  assign out_desc = r_q;

  logic [31:0] ctrl;
  assign ctrl = word(sf_cfg, esp_contract_pkg::SA_W_CTRL);

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      st_q <= S_IDLE;
    end else begin
      case (st_q)
        S_IDLE: if (in_valid && in_ready) st_q <= in_desc.malformed ? S_OUT : S_LK;
        S_LK: st_q <= S_LK_WAIT;
        S_LK_WAIT: if (lk_done) st_q <= lk_hit ? S_SF : S_OUT;
        S_SF: st_q <= S_SF_WAIT;
        S_SF_WAIT:
          if (sf_done) begin
            if (sf_result != esp_contract_pkg::DROP_OK ||
                ctrl[esp_contract_pkg::SA_W_CTRL_UDP_ENCAP_LSB] != r_q.d.udp ||
                r_q.d.esp_len < 16'(ESP_MIN))
              st_q <= S_OUT;
            else
              st_q <= S_RP;
          end
        S_RP: if (rc_ready) st_q <= S_RP_WAIT;
        S_RP_WAIT: if (rc_done) st_q <= S_OUT;
        S_OUT: st_q <= S_IDLE;  // out_room was checked when the packet was taken
        default: st_q <= S_IDLE;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    case (st_q)
      S_IDLE:
        if (in_valid && in_ready) begin
          r_q <= '0;
          r_q.d <= in_desc;
          r_q.handle <= esp_in_pkg::NO_SA;
          r_q.code <= in_desc.malformed ? esp_contract_pkg::DROP_MALFORMED : esp_contract_pkg::DROP_OK;
        end
      S_LK_WAIT:
        if (lk_done) begin
          if (lk_hit) r_q.handle <= lk_handle;
          else r_q.code <= esp_contract_pkg::DROP_NO_SA;
        end
      S_SF_WAIT:
        if (sf_done) begin
          r_q.gen <= sf_gen;
          r_q.key <= {word(sf_cfg, 4), word(sf_cfg, 5), word(sf_cfg, 6), word(sf_cfg, 7),
                      word(sf_cfg, 8), word(sf_cfg, 9), word(sf_cfg, 10), word(sf_cfg, 11)};
          r_q.key256 <= ctrl[esp_contract_pkg::SA_W_CTRL_KEY256_LSB];
          r_q.salt <= word(sf_cfg, esp_contract_pkg::SA_W_SALT);
          r_q.esn <= ctrl[esp_contract_pkg::SA_W_CTRL_ESN_LSB];
          r_q.transport <= ctrl[esp_contract_pkg::SA_W_CTRL_TRANSPORT_LSB];
          // order of the model: encapsulation mismatch, disabled, ESP too short
          if (sf_result == esp_contract_pkg::DROP_NO_SA) begin
            r_q.code <= esp_contract_pkg::DROP_NO_SA;  // deleted between lookup and fetch
            r_q.handle <= esp_in_pkg::NO_SA;
          end else if (ctrl[esp_contract_pkg::SA_W_CTRL_UDP_ENCAP_LSB] != r_q.d.udp)
            r_q.code <= esp_contract_pkg::DROP_MALFORMED;
          else if (sf_result != esp_contract_pkg::DROP_OK)
            r_q.code <= sf_result;
          else if (r_q.d.esp_len < 16'(ESP_MIN))
            r_q.code <= esp_contract_pkg::DROP_MALFORMED;
        end
      S_RP_WAIT:
        if (rc_done) begin
          r_q.seq <= rc_seq;
          if (!rc_ok) r_q.code <= esp_contract_pkg::DROP_REPLAY;
        end
      default: ;
    endcase
  end
endmodule
