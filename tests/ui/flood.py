# SPDX-License-Identifier: GPL-2.0-only
"""Write a capture of many distinct one-packet UDP flows, for the UI's load test.

usage: flood.py OUT.pcap DST_MAC [--flows N] [--base 10.213.64.1] [--dst 10.213.1.2]

Classic pcap, Ethernet, microsecond timestamps. Flow i is one 60-byte frame
SRC_i:PORT_i -> DST:9000, where SRC_i = BASE + i // 50000 and PORT_i =
10000 + i % 50000, so every frame is a flow key of its own. Checksums are valid.
Addresses stay in 10.213.0.0/16. Replayed from the peer namespace (tcpreplay
--topspeed) it arrives as XDP ingress on the watched interface; DST is not local
there and forwarding is off, so the stack drops every frame silently.
"""
import argparse
import ipaddress
import struct
import sys

PER_SRC = 50000


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return s ^ 0xffff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('dst_mac')
    ap.add_argument('--flows', type=int, default=110000)
    ap.add_argument('--base', default='10.213.64.1')
    ap.add_argument('--dst', default='10.213.1.2')
    a = ap.parse_args()

    base = int(ipaddress.IPv4Address(a.base))
    dst = ipaddress.IPv4Address(a.dst).packed
    net = ipaddress.IPv4Network('10.213.0.0/16')
    last = ipaddress.IPv4Address(base + (a.flows - 1) // PER_SRC)
    if ipaddress.IPv4Address(base) not in net or last not in net or \
            ipaddress.IPv4Address(a.dst) not in net:
        sys.exit('flood.py: addresses must stay in 10.213.0.0/16')
    dmac = bytes(int(x, 16) for x in a.dst_mac.split(':'))
    smac = b'\x02\x00\x0a\xd5\x40\x01'
    eth = dmac + smac + b'\x08\x00'
    payload = b'xdptop-ui-flood...'        # 18 bytes: a 60-byte frame
    ulen = 8 + len(payload)
    tlen = 20 + ulen

    out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
    rec = struct.Struct('<IIII')
    for i in range(a.flows):
        src = struct.pack('!I', base + i // PER_SRC)
        sport = 10000 + i % PER_SRC
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, tlen, i & 0xffff, 0x4000, 64, 17, 0,
                         src, dst)
        ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
        pseudo = src + dst + struct.pack('!BBH', 0, 17, ulen)
        udp = struct.pack('!HHHH', sport, 9000, ulen, 0)
        uc = csum(pseudo + udp + payload) or 0xffff
        udp = udp[:6] + struct.pack('!H', uc)
        frame = eth + ip + udp + payload
        out.append(rec.pack(1795461925 + i // 1000000, i % 1000000, len(frame), len(frame)))
        out.append(frame)
    with open(a.out, 'wb') as f:
        f.write(b''.join(out))


if __name__ == '__main__':
    main()
