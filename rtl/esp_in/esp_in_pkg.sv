// esp_in_pkg: records passed between the stages of the inbound ESP datapath (esp_decap).
// Byte vectors hold packet byte i in bits [8i+7:8i] (stream lane order); 128-bit crypto
// blocks hold byte 0 in [127:120] (gcm_core's convention).
package esp_in_pkg;
  localparam int unsigned RING_AW = 11;  // 2048 beats per ring (3.5 longest packets: jumbo packets overlap)
  localparam int unsigned HDR_BYTES = 60;  // longest outer IPv4 header (transport keeps it)
  localparam logic [15:0] NO_SA = 16'hFFFF;

  // Parser -> resolver: one per input packet, written after its last beat.
  typedef struct packed {
    logic                    malformed;  // stream rules / outer headers / ESP < 8 / IKE marker
    logic [15:0]             in_bytes;   // bytes on the beats (counter value, mod 2^16)
    logic [RING_AW:0]        start;      // first input-ring beat
    logic [RING_AW:0]        nbeats;     // beats written to the ring
    logic                    ipv6;
    logic                    udp;
    logic [5:0]              ip_len;     // outer IP header bytes: 20..60 or 40
    logic [6:0]              esp_off;    // first ESP byte
    logic [15:0]             esp_len;    // ESP bytes (SPI .. ICV)
    logic [127:0]            dst;        // {DST0, DST1, DST2, DST3} as SA_DATA
    logic [31:0]             spi;
    logic [31:0]             seq_lo;
    logic [63:0]             iv;
    logic [127:0]            icv;        // block convention
    logic [8*HDR_BYTES-1:0]  hdr;        // outer header bytes (lane order)
  } in_desc_t;

  // Resolver -> feeder: the parsed packet with its SA and pre-decrypt verdict.
  typedef struct packed {
    in_desc_t     d;
    logic [3:0]   code;       // DROP_OK: decrypt it
    logic [15:0]  handle;     // NO_SA when none
    logic [7:0]   gen;
    logic [255:0] key;        // KEY0 in [255:224]
    logic         key256;
    logic [31:0]  salt;
    logic         esn;
    logic         transport;
    logic [63:0]  seq;        // inferred 64-bit sequence number
  } sa_desc_t;

  // Feeder -> trailer checker: what is left to know once gcm_core delivers the plaintext.
  typedef struct packed {
    logic [3:0]              code;       // DROP_OK: a gcm_core packet follows
    logic [15:0]             handle;
    logic [7:0]              gen;
    logic [15:0]             in_bytes;
    logic [15:0]             text_len;   // ciphertext bytes (payload + pad + 2)
    logic [127:0]            icv;
    logic                    transport;
    logic                    ipv6;
    logic [5:0]              ip_len;
    logic [63:0]             seq;
    logic [8*HDR_BYTES-1:0]  hdr;
  } ctx_t;

  // Trailer checker -> emitter.
  typedef struct packed {
    logic [3:0]              code;
    logic [15:0]             handle;
    logic [7:0]              gen;
    logic [15:0]             in_bytes;
    logic [15:0]             out_len;
    logic [RING_AW:0]        start;      // first output-ring beat of the plaintext
    logic [RING_AW:0]        nbeats;     // output-ring beats to free afterwards
    logic [5:0]              hdr_len;    // transport: rewritten outer header bytes; tunnel 0
    logic [8*HDR_BYTES-1:0]  hdr;
  } out_desc_t;

  // esp_in_trailer's collector -> finalizer handoff: the context with the plaintext scan.
  typedef struct packed {
    ctx_t                    c;
    logic                    tag_ok;
    logic [8:0]              run1;       // increment run ending at the last pad byte
    logic [7:0]              b1;         // last pad byte
    logic [7:0]              pad;        // pad length byte
    logic [7:0]              nh;         // next header byte
    logic [47:0]             first;      // plaintext bytes 0..5 (lane order)
    logic [RING_AW:0]        start;
    logic [RING_AW:0]        nbeats;
  } scan_t;

  // Widths of the records as flat vectors (the queues between the stages), written out
  // because yosys 0.23 cannot take $bits of a type; esp_decap checks them against $bits
  // where the simulator/linter sees it.
  localparam int unsigned IN_DESC_W = 1 + 16 + 2 * (RING_AW + 1) + 1 + 1 + 6 + 7 + 16 + 128 + 32 + 32 + 64 + 128
                                      + 8 * HDR_BYTES;
  localparam int unsigned SA_DESC_W = IN_DESC_W + 4 + 16 + 8 + 256 + 1 + 32 + 1 + 1 + 64;
  localparam int unsigned CTX_W = 4 + 16 + 8 + 16 + 16 + 128 + 1 + 1 + 6 + 64 + 8 * HDR_BYTES;
  localparam int unsigned OUT_DESC_W = 4 + 16 + 8 + 16 + 16 + 2 * (RING_AW + 1) + 6 + 8 * HDR_BYTES;
endpackage
