// Input side of the store-and-forward engine: takes the AXI4-Stream input, stores each
// packet's beats in a ring buffer and, once its last beat is in, offers a descriptor of
// the packet with the stream-rule verdict of the HLS model (hls/esp/esp_datapath.cpp):
// every beat's keep contiguous from lane 0 and non-empty, every beat but the last full,
// the byte count equal to tuser LEN and at most MAX_PACKET_BYTES. The consumer then reads
// the stored beats (b_*) or skips the packet (d_skip). tuser is sampled on the first beat.
// Beats past MAX_PACKET_BYTES / 16 are counted, not stored (such a packet is malformed).
// The buffer holds at least one longest packet, so the input can never deadlock.
// The ring is read synchronously (block RAM): the beats from the read pointer on are
// prefetched into a 3-entry queue (the RAM's output register and two skid registers), so
// b_data is a register and the head packet streams at one beat per cycle; d_valid waits for
// the head beat (one extra cycle only for a one-beat packet; a skip refetches from the next
// packet). Each packet's first beat is also kept by descriptor slot for the a_* port.
// A look-ahead port (a_*) shows the complete packets behind the ones already taken with
// a_next, with their first stored beat, so a consumer can prepare the next packet (SA fetch,
// header checks) while the head packet's beats still stream out. A consumer that never
// pulses a_next sees a_* as the head's descriptor.
module esp_ingress #(
  parameter int unsigned DEPTH_LOG2 = 11,        // beats in the ring (2048 = 3.5 longest packets)
  parameter int unsigned DESC_LOG2  = 5
) (
  input  logic         clk,
  input  logic         rst_n,
  input  logic [127:0] s_axis_tdata,
  input  logic [15:0]  s_axis_tkeep,
  input  logic         s_axis_tlast,
  input  logic [esp_contract_pkg::TUSER_IN_WIDTH-1:0] s_axis_tuser,
  input  logic         s_axis_tvalid,
  output logic         s_axis_tready,
  // the oldest complete packet
  output logic         d_valid,
  output logic         d_dir,
  output logic [15:0]  d_sa,
  output logic [15:0]  d_len,                    // bytes, capped at MAX_PACKET_BYTES
  output logic [31:0]  d_nbytes,                 // bytes the beats carried (for CNT_BYTES_IN)
  output logic         d_ok,                     // stream rules held
  input  logic         d_skip,                   // drop the packet's beats at once
  // its stored beats; the descriptor retires with the beat flagged b_last
  output logic         b_valid,
  input  logic         b_ready,
  output logic [127:0] b_data,
  output logic [4:0]   b_nbytes,
  output logic         b_last,
  // the oldest complete packet not yet taken with a_next (a_next only while a_valid; the
  // consumer retires, through b_last or d_skip, only packets it has taken)
  output logic         a_valid,
  output logic [15:0]  a_sa,
  output logic [15:0]  a_len,
  output logic [31:0]  a_nbytes,
  output logic         a_ok,
  output logic [127:0] a_first,                  // the packet's first stored beat
  input  logic         a_next
);
  localparam int unsigned MAXB = esp_contract_pkg::MAX_PACKET_BYTES;
  localparam int unsigned MAX_BEATS = (MAXB + 15) / 16;
  localparam int unsigned NB = 1 << DEPTH_LOG2;
  localparam int unsigned ND = 1 << DESC_LOG2;
  localparam int unsigned AW = DEPTH_LOG2;
  // descriptor: {start pointer, dir, sa, len, nbytes, ok, end pointer}
  localparam int unsigned DW = AW + 1 + 16 + 16 + 32 + 1 + AW;

  logic [132:0]  mem  [NB];                      // {nbytes, data}: block RAM, one registered read
  logic [DW-1:0] desc [ND];
  logic [127:0]  firsts [ND];                    // each packet's first beat, by descriptor slot
  logic [AW-1:0] wr_ptr, rd_ptr;
  logic [AW:0]   used;
  logic [DESC_LOG2:0] d_count;
  logic [DESC_LOG2-1:0] d_wr, d_rd;

  // ------------------------------------------------------------ input
  logic         in_pkt;                          // inside a packet (first beat seen)
  logic         p_dir, p_ok;
  logic [15:0]  p_sa, p_len_field;
  logic [31:0]  p_nbytes;
  logic [15:0]  p_beats;                         // beats stored so far
  logic [AW-1:0] p_start;                        // where the packet's first beat went
  logic [4:0]   n;
  logic         contiguous, store, fire, beat_ok;
  logic [31:0]  nbytes_next;
  logic         ok_next;

  always_comb begin
    n = '0;
    for (int i = 0; i < 16; i++) n = n + {4'd0, s_axis_tkeep[i]};
    contiguous = s_axis_tkeep != 16'd0 && ((s_axis_tkeep & (s_axis_tkeep + 16'd1)) == 16'd0);
    beat_ok = contiguous && (s_axis_tlast || n == 5'd16);
  end

  assign s_axis_tready = (used < (AW+1)'(NB)) && (d_count < (DESC_LOG2+1)'(ND));
  assign fire  = s_axis_tvalid && s_axis_tready;
  assign store = fire && (!in_pkt || 32'(p_beats) < MAX_BEATS);

  logic [15:0] len_field;
  assign len_field = in_pkt ? p_len_field : s_axis_tuser[esp_contract_pkg::TUSER_IN_LEN_LSB +: 16];
  always_comb begin
    nbytes_next = (in_pkt ? p_nbytes : 32'd0);
    if (nbytes_next < 32'h7fff_ffff) nbytes_next = nbytes_next + 32'(n);   // saturates as the model does
    ok_next = (in_pkt ? p_ok : 1'b1) && beat_ok;
    if (s_axis_tlast && (nbytes_next > MAXB || nbytes_next != 32'(len_field))) ok_next = 1'b0;
  end

  // ------------------------------------------------------------ output
  logic [DW-1:0] head;
  logic [AW-1:0] head_end;
  logic          retire;
  assign head     = desc[d_rd];
  logic [AW-1:0] head_start;
  assign {head_start, d_dir, d_sa, d_len, d_nbytes, d_ok, head_end} = head;

  // prefetch queue, oldest first: s0, s1 (skid registers), rd_q (the RAM's output
  // register); q_n entries hold the beats at rd_ptr, rd_ptr + 1, ... (v1 implies v0)
  logic [132:0] rd_q, s0, s1, e0, e1, f0, f1;
  logic         rv, v0, v1, pop, flush, issue;
  logic [1:0]   q_n, m;
  assign q_n   = 2'(v0) + 2'(v1) + 2'(rv);
  assign e0    = v0 ? s0 : rd_q;
  assign e1    = v1 ? s1 : rd_q;
  assign d_valid  = d_count != '0 && q_n != 2'd0;
  assign b_valid  = d_valid;
  assign b_data   = e0[127:0];
  assign b_nbytes = e0[132:128];
  assign b_last   = rd_ptr + 1'b1 == head_end;
  assign retire   = d_valid && (d_skip || (b_ready && b_last));
  assign flush = d_valid && d_skip;              // the rest of the skipped packet, and what follows
  assign pop   = d_valid && b_ready && !d_skip;
  // the queue after this cycle's pop
  assign f0 = pop ? e1 : e0;
  assign f1 = pop ? rd_q : e1;
  assign m  = q_n - 2'(pop);
  // fetch the next stored beat while fewer than 3 are queued (the RAM register then moves
  // to the skid registers, which have room for everything but a full queue's third entry)
  assign issue = !flush && q_n != 2'd3 && used > (AW+1)'(q_n);
  always_ff @(posedge clk) if (issue) rd_q <= mem[rd_ptr + AW'(q_n)];
  always_ff @(posedge clk) begin
    if (!rst_n || flush) begin
      v0 <= 1'b0; v1 <= 1'b0; rv <= 1'b0;
    end else if (m != 2'd3) begin                // else full and not popped: all stay
      s0 <= f0; s1 <= f1;
      v0 <= m != 2'd0; v1 <= m[1];
      rv <= issue;
    end
  end

  // look-ahead: a_taken descriptors from the head on are taken, not yet retired
  logic [DESC_LOG2:0]   a_taken;
  logic [DW-1:0]        ahead;
  logic [AW-1:0]        a_start, a_end;
  logic                 a_dir;
  assign ahead   = desc[d_rd + a_taken[DESC_LOG2-1:0]];
  assign a_valid = d_count > a_taken;
  assign {a_start, a_dir, a_sa, a_len, a_nbytes, a_ok, a_end} = ahead;
  assign a_first = firsts[d_rd + a_taken[DESC_LOG2-1:0]];

  logic [AW-1:0] rd_next;
  logic [AW:0]   freed;
  always_comb begin
    rd_next = rd_ptr;
    if (retire) rd_next = head_end;
    else if (d_valid && b_ready) rd_next = rd_ptr + 1'b1;
    freed = {1'b0, rd_next - rd_ptr};
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_ptr <= '0; rd_ptr <= '0; used <= '0;
      d_count <= '0; d_wr <= '0; d_rd <= '0;
      in_pkt <= 1'b0; a_taken <= '0;
    end else begin
      if (store) begin
        mem[wr_ptr] <= {n, s_axis_tdata};
        wr_ptr <= wr_ptr + 1'b1;
      end
      if (fire) begin
        if (!in_pkt) begin
          firsts[d_wr] <= s_axis_tdata;          // d_wr is free: s_axis_tready needs d_count < ND
          p_start     <= wr_ptr;
          p_dir       <= s_axis_tuser[esp_contract_pkg::TUSER_IN_DIR_LSB];
          p_sa        <= s_axis_tuser[esp_contract_pkg::TUSER_IN_SA_LSB +: 16];
          p_len_field <= s_axis_tuser[esp_contract_pkg::TUSER_IN_LEN_LSB +: 16];
        end
        p_nbytes <= nbytes_next;
        p_ok     <= ok_next;
        p_beats  <= (in_pkt ? p_beats : 16'd0) + {15'd0, store};
        in_pkt   <= !s_axis_tlast;
        if (s_axis_tlast) begin
          desc[d_wr] <= {in_pkt ? p_start : wr_ptr,
                         in_pkt ? p_dir : s_axis_tuser[esp_contract_pkg::TUSER_IN_DIR_LSB],
                         in_pkt ? p_sa : s_axis_tuser[esp_contract_pkg::TUSER_IN_SA_LSB +: 16],
                         (nbytes_next > MAXB) ? 16'(MAXB) : nbytes_next[15:0],
                         nbytes_next, ok_next, wr_ptr + AW'(store)};
          d_wr <= d_wr + 1'b1;
        end
      end
      rd_ptr  <= rd_next;
      used    <= used + {{AW{1'b0}}, store} - freed;
      d_count <= d_count + {{DESC_LOG2{1'b0}}, fire && s_axis_tlast} - {{DESC_LOG2{1'b0}}, retire};
      if (retire) d_rd <= d_rd + 1'b1;
      a_taken <= a_taken + {{DESC_LOG2{1'b0}}, a_next && a_valid} -
                 {{DESC_LOG2{1'b0}}, retire && a_taken != '0};
    end
  end

  logic unused;
  assign unused = ^{head_start, a_start, a_dir, a_end};
endmodule
