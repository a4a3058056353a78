#!/usr/bin/env python3
"""Checks that the SPIs and keys iked exported (--export-keys: Wireshark
esp_sa and ikev2_decryption_table lines) equal what strongSwan logged
(`strongswan-peer.sh keys`, kv format). Every established IKE SA and every
installed Child SA direction of charon must have its twin in iked's file.

usage: compare_keys.py CHARON_KV IKED_EXPORT [--min-children N]
"""
import sys


def kv(line):
    out = {}
    for field in line.split()[1:]:
        if "=" in field:
            k, v = field.split("=", 1)
            out[k] = v
    return out


def main():
    args = sys.argv[1:]
    min_children = 1
    if "--min-children" in args:
        i = args.index("--min-children")
        min_children = int(args[i + 1])
        del args[i:i + 2]
    charon_file, iked_file = args
    esp, ike = {}, {}
    for line in open(iked_file):
        line = line.strip()
        if line.startswith("# "):  # an SA Wireshark cannot decrypt (ChaCha20-Poly1305)
            line = line[2:]
        if line.startswith('"'):
            f = [x.strip('"') for x in line.split('","')]
            # family, src, dst, spi, encr, key, integ, integ key
            esp[(f[1], f[2], f[3].lower().replace("0x", ""))] = (f[5].lower().replace("0x", ""),
                                                                  f[7].lower().replace("0x", ""))
        elif line:
            f = line.split(",")
            ike[(f[0], f[1])] = (f[2], f[3], f[5], f[6])
    ok, children, ikes = True, 0, 0
    for line in open(charon_file):
        if line.startswith("ike ") and "state=ESTABLISHED" in line:
            d = kv(line)
            ikes += 1
            got = ike.get((d["spi_i"], d["spi_r"]))
            want = (d["sk_ei"], d["sk_er"], d["sk_ai"].replace("-", ""), d["sk_ar"].replace("-", ""))
            if got != want:
                print(f"IKE SA {d['spi_i']}_i {d['spi_r']}_r: iked {'has other keys' if got else 'has no such SA'}")
                ok = False
            else:
                print(f"IKE SA {d['spi_i']}_i {d['spi_r']}_r {d['proposal']}: keys equal")
        elif line.startswith("child ") and "state=INSTALLED" in line:
            d = kv(line)
            children += 1
            got = esp.get((d["src"], d["dst"], d["spi"]))
            want = (d["keymat"], d["integ_key"].replace("-", ""))
            if got != want:
                print(f"CHILD SA {d['spi']} {d['src']}->{d['dst']}: iked {'has other keys' if got else 'has no such SA'}")
                ok = False
            else:
                print(f"CHILD SA {d['spi']} {d['src']}->{d['dst']} {d['proposal']}: keys equal")
    if ikes < 1 or children < 2 * min_children:
        print(f"expected >=1 IKE SA and >={2 * min_children} Child SA directions, charon has {ikes} and {children}")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
