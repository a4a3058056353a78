#!/usr/bin/env python3
"""Traffic across a tunnel for the host-path interop tests (no ping or tcpdump needed).

  hostpath_traffic.py serve ADDR          TCP echo server on ADDR:5001 (one connection)
  hostpath_traffic.py client SRC DST MB   6 ICMP echoes (56 and 1372 bytes) and MB megabytes
                                          over TCP, echoed back; everything byte-exact
A small TCP window keeps TCP from overrunning the tunnel's queues, so per-SA
counters at both ends can be compared exactly.
"""
import hashlib, os, socket, struct, sys, time


def serve(addr):
    s = small_window(socket.socket())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 5001)); s.listen(1); s.settimeout(60)
    c, _ = s.accept(); c.settimeout(60)
    data = bytearray()
    while True:
        b = c.recv(65536)
        if not b: break
        data += b
    c.sendall(data); c.close()


def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff


def small_window(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
    return sock


def client(src, dst, mb):
    # ICMP echo: 5 requests of 56 and 1 of 1372 bytes (the TUN MTU 1400), every reply byte-exact.
    ic = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ic.bind((src, 0)); ic.settimeout(3)
    ident = os.getpid() & 0xffff
    for seq, size in enumerate([56] * 5 + [1372], 1):
        payload = os.urandom(size)
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload
        ic.sendto(pkt, (dst, 0))
        deadline = time.time() + 3
        while True:
            if time.time() > deadline: sys.exit("FAIL: no echo reply %d" % seq)
            r = ic.recv(65536)
            ihl = (r[0] & 15) * 4
            t, _, _, rid, rseq = struct.unpack("!BBHHH", r[ihl:ihl + 8])
            if t == 0 and rid == ident and rseq == seq:
                if r[ihl + 8:] != payload: sys.exit("FAIL: echo reply %d differs" % seq)
                break
    print("ping: 6 echo replies from %s, byte-exact" % dst)

    data = os.urandom(mb * 1024 * 1024)
    c = small_window(socket.socket())
    c.settimeout(60)
    c.bind((src, 0)); c.connect((dst, 5001))
    t0 = time.time()
    c.sendall(data); c.shutdown(socket.SHUT_WR)
    back = bytearray()
    while True:
        b = c.recv(65536)
        if not b: break
        back += b
    dt = time.time() - t0
    if bytes(back) != data: sys.exit("FAIL: TCP echo differs (%d of %d bytes back)" % (len(back), len(data)))
    print("tcp: %d MB sent and echoed back byte-exact in %.2f s (sha256 %s)" % (mb, dt, hashlib.sha256(data).hexdigest()[:16]))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "client":
        client(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
