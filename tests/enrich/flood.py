#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write a pcap of N UDP datagrams from SRC to N distinct addresses in
10.213.128.0/17 (port 9), Ethernet framed with the given MACs.
Usage: flood.py OUT.pcap N SRC SRC_MAC DST_MAC"""
import socket
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def main():
    out, n, src, smac, dmac = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    smac_b = bytes.fromhex(smac.replace(":", ""))
    dmac_b = bytes.fromhex(dmac.replace(":", ""))
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            dst = "10.213.%d.%d" % (128 + (i // 250), 1 + i % 250)
            payload = b"xdt-flood"
            udp = struct.pack("!HHHH", 40000, 9, 8 + len(payload), 0) + payload
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                             socket.inet_aton(src), socket.inet_aton(dst))
            ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            frame = dmac_b + smac_b + b"\x08\x00" + ip + udp
            f.write(struct.pack("<IIII", 0, i, len(frame), len(frame)) + frame)


if __name__ == "__main__":
    main()
