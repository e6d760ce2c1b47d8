# SPDX-License-Identifier: GPL-2.0-only
"""Write a large, realistic, deterministic capture for benchmarks.

usage: gen_pcap.py OUT.pcap [--packets N] [--flows F] [--seed S] [--duration SEC]

Classic pcap, Ethernet, nanosecond timestamps. N packets over exactly F flows
(distinct xdptop flow keys): about 70% of the packets TCP (handshake, request and
response data with ACKs, FIN or RST teardown, some connections left open), 20% UDP
(DNS queries and answers on port 53, plus bulk datagram flows), 5% ICMP echo, and
ESP and ARP for the rest. About a quarter of the IP flows are IPv6, a few are 802.1Q
tagged. Frames are 60..1514 bytes, checksums are valid, timestamps increase over
the duration (60 s). Addresses are in 10.213.0.0/16 and fd00:213::/64.

Speed: per-flow header templates and precomputed checksum sums; one buffered write.
"""
import argparse
import math
import random
import struct
import sys
import time

BASE_SEC = 1795461925          # 2026-11-23T19:25:25Z
NS = 1000000000

SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10
SYN_OPTS = b'\x02\x04\x05\xb4\x04\x02\x01\x03\x03\x07\x01\x01'  # MSS SACKOK NOP WS NOP NOP

# Share of packets and of flows per kind of traffic.
PKT_SHARE = {'tcp': 0.70, 'udp': 0.20, 'icmp': 0.05, 'esp': 0.03, 'arp': 0.02}
FLOW_SHARE = {'tcp': 0.56, 'dns': 0.25, 'udp': 0.10, 'icmp': 0.05, 'esp': 0.02, 'arp': 0.02}
V6_SHARE = 0.25
VLAN_SHARE = 0.03
VLANS = (10, 20, 213, 400)

TCP_PORTS = (443, 443, 443, 443, 443, 443, 8443, 993, 995, 9443)
UDP_PORTS = (9000, 9001, 9002, 9003, 9004, 9005)
# Ephemeral ports that Wireshark decodes as some protocol: random payload would show
# as malformed there, so clients never pick them.
SKIP_PORTS = frozenset((34962, 34980, 37008, 41170, 44321, 44322, 44818, 45564, 47000, 47808,
                        48049, 48898, 49999, 54328, 56000, 56001, 56500, 56501, 57000, 57001,
                        57032, 57033, 57500, 57501, 57532, 57533, 59000, 59001, 59032, 59033,
                        59500, 59501, 59532, 59533, 60001))

S_REC = struct.Struct('<IIII')
S_IP4 = struct.Struct('!BBHHHBBH4s4s')
S_IP6 = struct.Struct('!IHBB16s16s')
S_TCP = struct.Struct('!HHIIBBHHH')
S_UDP = struct.Struct('!HHHH')
S_ICMP = struct.Struct('!BBHHH')


def fold(s):
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return s ^ 0xffff


def wsum(b):
    if len(b) % 2:
        b += b'\0'
    return sum(struct.unpack('!%dH' % (len(b) // 2), b))


def make_payload(rng):
    """1514 bytes of payload filler and prefix word sums, so that the checksum of any
    prefix costs one lookup."""
    pay = bytes(rng.getrandbits(8) for _ in range(1514))
    sums = [0] * (len(pay) + 1)
    s = 0
    for i in range(1, len(pay) + 1):
        if i % 2 == 0:
            s += pay[i - 2] << 8 | pay[i - 1]
            sums[i] = s
        else:
            sums[i] = s + (pay[i - 1] << 8)
    return pay, sums


class Host:
    __slots__ = ('fam', 'addr', 'mac', 'asum')

    def __init__(self, fam, addr, mac):
        self.fam, self.addr, self.mac = fam, addr, mac
        self.asum = wsum(addr)


class Path:
    """One direction of a flow: everything that does not change per packet, and the
    sender's TCP state."""

    __slots__ = ('src', 'dst', 'eth', 'v4', 'sa', 'da', 'psum', 'ipsum', 'ipid', 'seq', 'a',
                 'b', 'peer')

    def __init__(self, src, dst, vlan, proto):
        self.src, self.dst = src, dst
        if vlan is None:
            self.eth = dst.mac + src.mac + (b'\x08\x00' if src.fam == 4 else b'\x86\xdd')
        else:
            self.eth = (dst.mac + src.mac + struct.pack('!HH', 0x8100, vlan)
                        + (b'\x08\x00' if src.fam == 4 else b'\x86\xdd'))
        self.v4 = src.fam == 4
        self.sa, self.da = src.addr, dst.addr
        # pseudo header without the length
        self.psum = src.asum + dst.asum + proto
        # IPv4 header words that never change: version/ihl/tos, DF, ttl/proto, addresses
        self.ipsum = 0x4500 + 0x4000 + (64 << 8 | proto) + src.asum + dst.asum
        self.ipid = 0


class Gen:
    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.pay, self.paysum = make_payload(self.rng)
        self.hosts4 = {}
        self.hosts6 = {}
        self.keys = set()

    # ------------------------------------------------------------ addressing
    def host(self, fam, n):
        """Host number n (1..65533) of a family; the MAC is derived from it."""
        d = self.hosts4 if fam == 4 else self.hosts6
        h = d.get(n)
        if h is None:
            if fam == 4:
                addr = bytes((10, 213, n >> 8, n & 0xff))
            else:
                addr = bytes.fromhex('fd000213000000000000000000%06x' % n)
            mac = bytes((0x0a, 0xd5, fam, 0, n >> 8, n & 0xff))
            h = d[n] = Host(fam, addr, mac)
        return h

    def client(self, fam):
        return self.host(fam, self.rng.randrange(256, 65534))

    def server(self, fam):
        return self.host(fam, self.rng.randrange(1, 200))

    def eport(self):
        while True:
            p = self.rng.randrange(32768, 61000)
            if p not in SKIP_PORTS:
                return p

    def unique(self, key):
        if key in self.keys:
            return False
        self.keys.add(key)
        return True

    def endpoints(self, proto, fam, ports, vlan):
        """A client and a server with a flow key not used before."""
        rng = self.rng
        while True:
            c, s = self.client(fam), self.server(fam)
            cp, sp = self.eport(), rng.choice(ports)
            if self.unique((proto, fam, c.addr, cp, s.addr, sp, vlan)):
                return c, cp, s, sp

    def pick_vlan(self):
        return self.rng.choice(VLANS) if self.rng.random() < VLAN_SHARE else None

    def pick_fam(self):
        return 6 if self.rng.random() < V6_SHARE else 4

    # ------------------------------------------------------------ framing
    def ip(self, p, proto, l4len):
        """IPv4 or IPv6 header for @l4len bytes of transport data on path @p."""
        if p.v4:
            tot = 20 + l4len
            p.ipid = (p.ipid + 1) & 0xffff
            c = fold(p.ipsum + tot + p.ipid)
            return S_IP4.pack(0x45, 0, tot, p.ipid, 0x4000, 64, proto, c, p.sa, p.da)
        return S_IP6.pack(0x60000000, l4len, proto, 64, p.sa, p.da)

    @staticmethod
    def pad(frame):
        n = len(frame)
        return frame + b'\0' * (60 - n) if n < 60 else frame

    # ------------------------------------------------------------ flow kinds
    def tcp_flow(self, n):
        rng = self.rng
        fam, vlan = self.pick_fam(), self.pick_vlan()
        c, cp, s, sp = self.endpoints(6, fam, TCP_PORTS, vlan)
        return self._tcp(n, Path(c, s, vlan, 6), Path(s, c, vlan, 6), cp, sp,
                         rng.getrandbits(32), rng.getrandbits(32), rng.random())

    def _tcp(self, n, pc, ps, cp, sp, isn_c, isn_s, r):
        rng, pay, paysum = self.rng, self.pay, self.paysum
        mss = 1460 if pc.v4 else 1440
        win = 502
        pc.seq, ps.seq = isn_c, isn_s
        pc.a, pc.b, ps.a, ps.b = cp, sp, sp, cp
        pc.peer, ps.peer = ps, pc
        optsum = wsum(SYN_OPTS)
        ip = self.ip
        tcp_pack = S_TCP.pack

        def seg(p, flags, length):
            sq = p.seq
            ak = p.peer.seq if flags & ACK else 0
            a, b = p.a, p.b
            if flags & SYN:
                hl, opts, osum, w = 32, SYN_OPTS, optsum, 64240
            else:
                hl, opts, osum, w = 20, b'', 0, win
            tl = hl + length
            csum = fold(p.psum + tl + a + b + (sq >> 16) + (sq & 0xffff) + (ak >> 16)
                        + (ak & 0xffff) + ((hl << 10) | flags) + w + osum + paysum[length])
            p.seq = (sq + length + (1 if flags & (SYN | FIN) else 0)) & 0xffffffff
            f = p.eth + ip(p, 6, tl) + tcp_pack(a, b, sq, ak, hl << 2, flags, w, csum, 0) + opts
            if length:
                return f + pay[:length]
            return f if len(f) >= 60 else f + b'\0' * (60 - len(f))

        # how the connection ends: FIN (most), RST, or still open at the end
        if n >= 7 and r < 0.85:
            tail = 4
        elif n >= 4 and r < 0.92:
            tail = 1
        else:
            tail = 0
        if n < 3:
            for _ in range(n):          # unanswered SYN, retransmitted
                pc.seq = isn_c
                yield seg(pc, SYN, 0)
            return
        yield seg(pc, SYN, 0)
        yield seg(ps, SYN | ACK, 0)
        yield seg(pc, ACK, 0)
        m = n - 3 - tail
        upload = rng.random() < 0.15
        tx, rx = (pc, ps) if upload else (ps, pc)
        while m > 0:
            yield seg(pc, PSH | ACK, rng.randrange(40, 700))
            m -= 1
            r_segs = 1 + int(rng.expovariate(0.2))
            k = 0
            while r_segs > 0 and m > 0:
                last = r_segs == 1 or m == 1
                length = rng.randrange(1, mss) if last else mss
                yield seg(tx, (PSH | ACK) if last else ACK, length)
                m -= 1
                r_segs -= 1
                k += 1
                if (k % 2 == 0 or last) and m > 0:
                    yield seg(rx, ACK, 0)
                    m -= 1
        if tail == 4:
            yield seg(pc, FIN | ACK, 0)
            yield seg(ps, ACK, 0)
            yield seg(ps, FIN | ACK, 0)
            yield seg(pc, ACK, 0)
        elif tail == 1:
            yield seg(ps, RST | ACK, 0)

    def _udp_seg(self, p, a, b, payload, psum_payload=None):
        ln = 8 + len(payload)
        if psum_payload is None:
            psum_payload = wsum(payload)
        c = fold(p.psum + ln + a + b + ln + psum_payload) or 0xffff
        return self.pad(p.eth + self.ip(p, 17, ln) + S_UDP.pack(a, b, ln, c) + payload)

    def dns_flow(self, n):
        fam, vlan = self.pick_fam(), self.pick_vlan()
        srv = self.host(fam, 53)
        while True:
            c = self.client(fam)
            cp = self.eport()
            if self.unique((17, fam, c.addr, cp, srv.addr, 53, vlan)):
                break
        pc, ps = Path(c, srv, vlan, 17), Path(srv, c, vlan, 17)
        return self._dns(n, pc, ps, cp, fam)

    def _dns(self, n, pc, ps, cp, fam):
        rng = self.rng
        for i in range(n):
            qid = rng.getrandbits(16)
            labels = ['h%d' % rng.randrange(100000), rng.choice(('api', 'cdn', 'www', 'mail')),
                      rng.choice(('example', 'xdptop', 'bench')), 'test']
            qname = b''.join(bytes((len(x),)) + x.encode() for x in labels) + b'\0'
            qtype = 28 if fam == 6 else 1
            q = struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0) + qname + struct.pack('!HH', qtype, 1)
            if i % 2 == 0:
                yield self._udp_seg(pc, cp, 53, q)
            else:
                nans = rng.randrange(1, 4)
                ans = b''
                for _ in range(nans):
                    if qtype == 1:
                        rd = bytes((10, 213, rng.randrange(256), rng.randrange(1, 255)))
                    else:
                        rd = bytes.fromhex('fd000213000000000000000000') + rng.randbytes(3)
                    ans += struct.pack('!HHHIH', 0xc00c, qtype, 1, rng.randrange(30, 3600), len(rd)) + rd
                r = struct.pack('!HHHHHH', qid, 0x8180, 1, nans, 0, 0) + qname + struct.pack('!HH', qtype, 1) + ans
                yield self._udp_seg(ps, 53, cp, r)

    def udp_flow(self, n):
        rng = self.rng
        fam, vlan = self.pick_fam(), self.pick_vlan()
        c, cp, s, sp = self.endpoints(17, fam, UDP_PORTS, vlan)
        pc, ps = Path(c, s, vlan, 17), Path(s, c, vlan, 17)
        return self._udp(n, pc, ps, cp, sp, rng.choice((64, 200, 900, 1200, 1400)))

    def _udp(self, n, pc, ps, cp, sp, typ):
        rng, pay, paysum = self.rng, self.pay, self.paysum
        maxp = 1472 if pc.v4 else 1452
        for i in range(n):
            down = i > 0 and rng.random() < 0.6
            p, a, b = (ps, sp, cp) if down else (pc, cp, sp)
            ln = min(maxp, max(1, int(rng.gauss(typ, typ / 4))))
            yield self._udp_seg(p, a, b, pay[:ln], paysum[ln])

    def icmp_flow(self, n):
        rng = self.rng
        fam, vlan = self.pick_fam(), self.pick_vlan()
        while True:
            c, s = self.client(fam), self.server(fam)
            ident = rng.randrange(1, 65536)
            if self.unique((1 if fam == 4 else 58, fam, c.addr, ident, s.addr, ident, vlan)):
                break
        pc, ps = Path(c, s, vlan, 1 if fam == 4 else 58), Path(s, c, vlan, 1 if fam == 4 else 58)
        return self._icmp(n, pc, ps, ident)

    def _icmp(self, n, pc, ps, ident):
        v4 = pc.v4
        proto = 1 if v4 else 58
        body = self.pay[:56]
        bsum = self.paysum[56]
        for i in range(n):
            reply = i % 2
            p = ps if reply else pc
            seq = i // 2 + 1
            t = (0 if reply else 8) if v4 else (129 if reply else 128)
            s = (t << 8) + ident + seq + bsum
            if not v4:
                s += p.psum + 64
            c = fold(s)
            yield p.eth + self.ip(p, proto, 64) + S_ICMP.pack(t, 0, c, ident, seq) + body

    def esp_flow(self, n):
        vlan = self.pick_vlan()
        while True:
            c, s = self.client(4), self.server(4)
            if self.unique((50, 4, c.addr, 0, s.addr, 0, vlan)):
                break
        return self._esp(n, Path(c, s, vlan, 50), Path(s, c, vlan, 50))

    def _esp(self, n, pc, ps):
        rng, pay = self.rng, self.pay
        spi = {id(pc): rng.getrandbits(32) | 0x100, id(ps): rng.getrandbits(32) | 0x100}
        sq = {id(pc): 0, id(ps): 0}
        size = rng.choice((120, 400, 1200))
        for i in range(n):
            p = ps if rng.random() < 0.5 else pc
            sq[id(p)] += 1
            ln = min(1400, max(32, int(rng.gauss(size, size / 3)))) // 4 * 4
            yield self.pad(p.eth + self.ip(p, 50, 8 + ln) + struct.pack('!II', spi[id(p)], sq[id(p)])
                           + pay[:ln])

    def arp_flow(self, n):
        while True:
            a, b = self.client(4), self.server(4)
            if self.unique(('arp', a.addr, b.addr)) and self.unique(('arp', b.addr, a.addr)):
                break
        req = (b'\xff' * 6 + a.mac + b'\x08\x06' + struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1)
               + a.mac + a.addr + b'\0' * 6 + b.addr)
        rep = (a.mac + b.mac + b'\x08\x06' + struct.pack('!HHBBH', 1, 0x0800, 6, 4, 2)
               + b.mac + b.addr + a.mac + a.addr)
        req, rep = self.pad(req), self.pad(rep)
        return (rep if i % 2 else req for i in range(n))


def split(total, weights, minimum):
    """@total items over len(weights) bins, each at least @minimum, in proportion to the
    weights (largest remainder)."""
    n = len(weights)
    rest = total - minimum * n
    sw = sum(weights)
    if rest <= 0 or sw <= 0:
        out = [minimum] * n
        for i in range(rest):
            out[i % n] += 1
        return out
    raw = [rest * w / sw for w in weights]
    out = [minimum + int(x) for x in raw]
    left = total - sum(out)
    order = sorted(range(n), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in order[:left]:
        out[i] += 1
    return out


def plan(args, rng):
    """Packets per flow for each kind: returns a list of (kind, packets)."""
    N, F = args.packets, args.flows
    if F < 1 or N < F:
        sys.exit('gen_pcap: need 1 <= flows <= packets')
    kinds = list(FLOW_SHARE)
    nflows = dict(zip(kinds, split(F, [FLOW_SHARE[k] for k in kinds], 0)))
    # packet budget per kind; DNS takes two packets per flow out of the UDP share
    budget = {'tcp': N * PKT_SHARE['tcp'], 'icmp': N * PKT_SHARE['icmp'],
              'esp': N * PKT_SHARE['esp'], 'arp': N * PKT_SHARE['arp']}
    udp_total = N * PKT_SHARE['udp']
    budget['dns'] = min(udp_total, 2 * nflows['dns'])
    budget['udp'] = udp_total - budget['dns']
    # a kind with no flows gives its packets to TCP (or to whatever has flows)
    for k in kinds:
        if nflows[k] == 0 and k != 'tcp':
            budget['tcp'] += budget[k]
            budget[k] = 0
    ks = [k for k in kinds if nflows[k]]
    if 'tcp' not in ks:
        budget[ks[0]] += budget['tcp']
        budget['tcp'] = 0
    # integer budgets summing to N, at least one packet per flow
    ints = split(N - F, [max(0.0, budget[k] - nflows[k]) for k in ks], 0)
    pk = {k: ints[i] + nflows[k] for i, k in enumerate(ks)}

    flows = []
    for k in ks:
        nf, np_ = nflows[k], pk[k]
        typical = {'tcp': 8, 'dns': 2, 'udp': 2, 'icmp': 2, 'esp': 2, 'arp': 2}[k]
        mn = max(1, min(typical, np_ // nf))
        if k == 'dns':
            w = [1.0] * nf
        else:
            w = [rng.paretovariate(1.1) for _ in range(nf)]
            cap = sorted(w)[int(nf * 0.999)] if nf > 100 else max(w)
            w = [min(x, cap) for x in w]
        for cnt in split(np_, w, mn):
            flows.append((k, cnt))
    rng.shuffle(flows)
    return flows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out')
    ap.add_argument('--packets', type=int, default=1200000)
    ap.add_argument('--flows', type=int, default=20000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--duration', type=float, default=60.0, help='seconds (default 60)')
    args = ap.parse_args()
    t0 = time.monotonic()
    g = Gen(args)
    rng = g.rng
    flows = plan(args, rng)
    dur = int(args.duration * NS)

    # Timestamps: each flow gets a start and exponential gaps; merged by a sort of
    # (time << fbits | flow index) integers.
    fbits = max(1, (len(flows) - 1).bit_length())
    keys = []
    gens = []
    makers = {'tcp': g.tcp_flow, 'dns': g.dns_flow, 'udp': g.udp_flow, 'icmp': g.icmp_flow,
              'esp': g.esp_flow, 'arp': g.arp_flow}
    log = math.log
    rand = rng.random
    for fi, (kind, n) in enumerate(flows):
        gens.append(makers[kind](n).__next__)
        mean_gap = math.exp(rng.uniform(math.log(2e4), math.log(3e8)))   # 20 us .. 300 ms
        span = min(dur, n * mean_gap)
        mean_gap = span / n
        gaps = [1000 + int(-log(1.0 - rand()) * mean_gap) for _ in range(n - 1)]
        total = sum(gaps)
        if total > dur:                 # squeeze into the duration
            gaps = [max(1, x * dur // total) for x in gaps]
            total = sum(gaps)
        t = int(rand() * (dur - total))
        keys.append(t << fbits | fi)
        for x in gaps:
            t += x
            keys.append(t << fbits | fi)
    keys.sort()
    mask = (1 << fbits) - 1

    written = 0
    nbytes = 24
    base = BASE_SEC * NS + 123456789
    pack = S_REC.pack
    with open(args.out, 'wb', buffering=0) as f:
        f.write(struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 262144, 1))
        chunks = []
        for k in keys:
            frame = gens[k & mask]()
            ts = base + (k >> fbits)
            ln = len(frame)
            chunks.append(pack(ts // NS, ts % NS, ln, ln))
            chunks.append(frame)
            nbytes += 16 + ln
            if len(chunks) >= 16384:
                f.write(b''.join(chunks))
                chunks.clear()
        f.write(b''.join(chunks))
        written = len(keys)
    for gen in gens:   # every flow produced exactly the packets it was planned for
        try:
            gen()
        except StopIteration:
            continue
        sys.exit('gen_pcap: internal error: a flow has more packets than planned')
    kinds = {}
    for k, n in flows:
        kinds[k] = kinds.get(k, 0) + n
    mix = ' '.join('%s=%.1f%%' % (k, 100.0 * v / written) for k, v in sorted(kinds.items()))
    print('gen_pcap: wrote %d packets, %d flows, %d bytes to %s in %.1f s (%s)' % (
        written, len(flows), nbytes, args.out, time.monotonic() - t0, mix))
    return 0


if __name__ == '__main__':
    sys.exit(main())
