# SPDX-License-Identifier: GPL-2.0-only
"""Write a capture of many short TLS and DNS flows, for the DPI benchmark.

usage: gen_dpi_pcap.py OUT.pcap [--tls N] [--dns N]

Each TLS flow is a TCP handshake, the real ClientHello curl 7.88.1 sent (its
12-byte server name replaced by a distinct one of the same length), the real
ServerHello openssl s_server answered, ACKs and a FIN exchange: 9 packets. Each
DNS flow is a query and a one-answer response for a distinct name: 2 packets.
Classic pcap, Ethernet, nanosecond timestamps; addresses in 10.213.0.0/16.
"""
import argparse
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, '..', 'tests', 'unit', 'fixtures')
BASE_SEC = 1795461925
SYN, FIN, PSH, ACK = 0x02, 0x01, 0x08, 0x10


def ip4(n):
    return bytes((10, 213, (n >> 8) & 0xff, n & 0xff))


def frame(src, dst, proto, l4):
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0, src,
                     dst)
    return b'\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00' + ip + l4


def tcp(src, sport, dst, dport, seq, ack, flags, payload=b''):
    hdr = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff, 5 << 4,
                      flags, 65535, 0, 0)
    return frame(src, dst, 6, hdr + payload)


def udp(src, sport, dst, dport, payload):
    return frame(src, dst, 17, struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload)


def dns_name(name):
    return b''.join(bytes((len(p),)) + p.encode() for p in name.split('.')) + b'\0'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--tls', type=int, default=20000)
    ap.add_argument('--dns', type=int, default=20000)
    a = ap.parse_args()
    with open(os.path.join(FIX, 'tls13-clienthello-curl.bin'), 'rb') as f:
        ch = f.read()
    with open(os.path.join(FIX, 'tls13-serverhello-openssl.bin'), 'rb') as f:
        sh = f.read()
    sni_at = ch.find(b'www.xdt.test')
    if sni_at < 0:
        sys.exit('gen_dpi_pcap: the fixture ClientHello has no www.xdt.test')

    out = [struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 65535, 1)]
    t = 0

    def put(pkt):
        nonlocal t
        t += 20000
        out.append(struct.pack('<IIII', BASE_SEC + t // 10**9, t % 10**9, len(pkt), len(pkt)))
        out.append(pkt)

    srv = ip4(1)
    for i in range(a.tls):
        cli, cport = ip4(256 + i // 50000), 10000 + i % 50000
        name = b'h%06d.test' % i
        hello = ch[:sni_at] + name + ch[sni_at + len(name):]
        cs, ss = 1000 + i, 5000000 + i
        put(tcp(cli, cport, srv, 443, cs, 0, SYN))
        put(tcp(srv, 443, cli, cport, ss, cs + 1, SYN | ACK))
        put(tcp(cli, cport, srv, 443, cs + 1, ss + 1, ACK))
        put(tcp(cli, cport, srv, 443, cs + 1, ss + 1, PSH | ACK, hello))
        put(tcp(srv, 443, cli, cport, ss + 1, cs + 1 + len(hello), PSH | ACK, sh))
        put(tcp(cli, cport, srv, 443, cs + 1 + len(hello), ss + 1 + len(sh), ACK))
        put(tcp(cli, cport, srv, 443, cs + 1 + len(hello), ss + 1 + len(sh), FIN | ACK))
        put(tcp(srv, 443, cli, cport, ss + 1 + len(sh), cs + 2 + len(hello), FIN | ACK))
        put(tcp(cli, cport, srv, 443, cs + 2 + len(hello), ss + 2 + len(sh), ACK))
    dns = ip4(2)
    for i in range(a.dns):
        cli, cport = ip4(1024 + i // 50000), 10000 + i % 50000
        q = struct.pack('!HHHHHH', i & 0xffff, 0x0120, 1, 0, 0, 0) + \
            dns_name('n%d.bench.xdt.test' % i) + b'\0\x01\0\x01'
        r = struct.pack('!HHHHHH', i & 0xffff, 0x8180, 1, 1, 0, 0) + q[12:] + \
            b'\xc0\x0c\0\x01\0\x01\0\0\0\x3c\0\x04' + ip4(4096 + i % 60000)
        put(udp(cli, cport, dns, 53, q))
        put(udp(dns, 53, cli, cport, r))
    with open(a.out, 'wb') as f:
        f.write(b''.join(out))


main()
