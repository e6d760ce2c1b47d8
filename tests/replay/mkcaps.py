# SPDX-License-Identifier: GPL-2.0-only
"""Write crafted capture files for the replay tests, and what xdptop must say about them.

usage: mkcaps.py OUTDIR

Writes OUTDIR/*.pcap, *.pcapng, ... and OUTDIR/manifest.json. Every packet is built
byte by byte here, so the expected flows, counters and malformed reasons are known
exactly; check.py compares xdptop's JSON output against the manifest.

Manifest: {"cases": [{"name", "args", "alternatives": [expectation, ...]}]}. A case
passes when xdptop's result matches any one alternative (most cases have one).
Expectation members (all optional except rc):
  rc            list of accepted exit codes
  stderr_has    strings that must occur in stderr (the capture's path)
  stderr_re     regular expression stderr must match (search)
  stats         "required" | "forbidden" | "optional"
  counts        exact values for members of the stats line
  reasons       exact malformed_by_reason counts; reasons not named must be 0
  flows         the exact set of flow records (list of partial records), or absent
  no_flows      true: stdout must hold no flow record
  counts_if_stats  like counts, checked only if there is a stats line
  exports       files the run must have written: "pcapng" [input, export] (tcpdump
                reads the same packets from both; "pcapng_files" at least that many
                rotated files), "jsonlog", "prom", "logdir" (see check.py); relative
                paths, from the directory xdptop runs in
A case may also name a file to give xdptop on standard input ("stdin").
"""
import json
import os
import struct
import sys

BASE_NS = 1795461925123456789  # 2026-11-23T19:25:25.123456789Z

MAC_C = bytes.fromhex('020000d50001')
MAC_S = bytes.fromhex('020000d50002')
BCAST = b'\xff' * 6

ETH_IPV4, ETH_IPV6, ETH_ARP = 0x0800, 0x86dd, 0x0806
ETH_8021Q, ETH_8021AD = 0x8100, 0x88a8

A4 = ['10.213.1.%d' % i for i in range(256)]
A6 = ['fd00:213::%x' % i for i in range(256)]


def ip_bytes(addr):
    if ':' in addr:
        import ipaddress
        return ipaddress.IPv6Address(addr).packed
    return bytes(int(x) for x in addr.split('.'))


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def pseudo(fam, src, dst, proto, length):
    if fam == 4:
        return ip_bytes(src) + ip_bytes(dst) + struct.pack('!BBH', 0, proto, length)
    return ip_bytes(src) + ip_bytes(dst) + struct.pack('!IxxxB', length, proto)


def tcp(fam, src, dst, sport, dport, seq, ack, flags, payload=b'', opts=b'', doff=None):
    if doff is None:
        doff = (20 + len(opts)) // 4
    h = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, doff << 4, flags, 64240, 0, 0) + opts
    seg = h + payload
    c = csum(pseudo(fam, src, dst, 6, len(seg)) + seg)
    return seg[:16] + struct.pack('!H', c) + seg[18:]


def udp(fam, src, dst, sport, dport, payload=b'', ulen=None):
    if ulen is None:
        ulen = 8 + len(payload)
    seg = struct.pack('!HHHH', sport, dport, ulen, 0) + payload
    c = csum(pseudo(fam, src, dst, 17, len(seg)) + seg) or 0xffff
    return seg[:6] + struct.pack('!H', c) + seg[8:]


def icmp_echo(fam, src, dst, reply, ident, seq, payload=b'abcdefghijklmnopqrstuvwabcdefghi'):
    if fam == 4:
        t = 0 if reply else 8
        m = struct.pack('!BBHHH', t, 0, 0, ident, seq) + payload
        c = csum(m)
    else:
        t = 129 if reply else 128
        m = struct.pack('!BBHHH', t, 0, 0, ident, seq) + payload
        c = csum(pseudo(6, src, dst, 58, len(m)) + m)
    return m[:2] + struct.pack('!H', c) + m[4:]


def ip4(src, dst, proto, l4, ident=0x1000, tot=None, ihl=5, frag=0x4000, opts=b''):
    if tot is None:
        tot = ihl * 4 + len(l4)
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, tot & 0xffff, ident, frag, 64, proto, 0,
                    ip_bytes(src), ip_bytes(dst)) + opts
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + l4


def ip6(src, dst, nh, l4, plen=None, exts=b''):
    if plen is None:
        plen = len(exts) + len(l4)
    h = struct.pack('!IHBB16s16s', 0x60000000 | 0x213, plen, nh, 64, ip_bytes(src), ip_bytes(dst))
    return h + exts + l4


def dstopts(nh, n8=1):
    """Destination options header of n8*8 bytes, padded with a PadN option."""
    body = bytes([nh, n8 - 1, 1, n8 * 8 - 4]) + b'\0' * (n8 * 8 - 4)
    return body


def eth(l3, etype, vlans=(), dst=MAC_S, src=MAC_C, pad=True):
    tags = b''
    types = [t for t, _ in vlans] + [etype]
    hdr = dst + src + struct.pack('!H', types[0])
    for i, (_, vid) in enumerate(vlans):
        tags += struct.pack('!HH', vid, types[i + 1])
    f = hdr + tags + l3
    if pad and len(f) < 60:
        f += b'\0' * (60 - len(f))
    return f


def sll(l3, etype):
    # packet type 0 (to us), ARPHRD_ETHER, 6-byte address
    return struct.pack('!HHH8sH', 0, 1, 6, MAC_C + b'\0\0', etype) + l3


def sll2(l3, etype):
    return struct.pack('!HHIHBB8s', etype, 0, 2, 1, 0, 6, MAC_C + b'\0\0') + l3


# ---------------------------------------------------------------- captures

class Cap:
    """Packets of one capture file, each with what xdptop should make of it."""

    def __init__(self, linktype=1):
        self.linktype = linktype
        self.recs = []    # dicts: ts, data, caplen, wirelen, meta
        self.ts = BASE_NS
        self.flows = {}   # key -> dict(state=...)

    def add(self, data, meta, caplen=None, wirelen=None):
        self.recs.append({'ts': self.ts, 'data': data, 'caplen': caplen, 'wirelen': wirelen,
                          'meta': meta})
        self.ts += 1000123  # 1.000123 ms: distinct in us and ns

    def malformed(self, data, reason, **kw):
        self.add(data, {'malformed': reason}, **kw)

    def unsupported(self, data):
        self.add(data, {'unsupported': True})

    def expect(self, upto=None, nsec=True, with_state=True):
        """Expected flow records and stats counts for the first @upto packets."""
        recs = self.recs if upto is None else self.recs[:upto]
        flows = {}
        order = []
        counts = {'packets': 0, 'parsed': 0, 'unsupported': 0, 'malformed': 0,
                  'fragments_unattributed': 0}
        reasons = {}
        for r in recs:
            m = r['meta']
            counts['packets'] += 1
            ts = r['ts'] if nsec else r['ts'] // 1000 * 1000
            if 'malformed' in m:
                counts['malformed'] += 1
                reasons[m['malformed']] = reasons.get(m['malformed'], 0) + 1
                continue
            if 'unsupported' in m:
                counts['unsupported'] += 1
                continue
            counts['parsed'] += 1
            if m.get('orphan_frag'):
                counts['fragments_unattributed'] += 1
                continue
            k = m['flow']
            if k not in flows:
                proto, fam, src, sport, dst, dport, vlan = k
                f = {'proto': proto, 'family': fam, 'src': src, 'sport': sport, 'dst': dst,
                     'dport': dport, 'pkts_out': 0, 'bytes_out': 0, 'pkts_in': 0,
                     'bytes_in': 0, 'first_seen_ns': ts}
                if vlan is not None:
                    f['vlan'] = vlan
                if proto == 'other':
                    f['ipproto'] = m['ipproto']
                flows[k] = f
                order.append(k)
            f = flows[k]
            f['pkts_' + m['dir']] += 1
            f['bytes_' + m['dir']] += m['bytes']
            f['last_seen_ns'] = ts
        out = []
        for k in order:
            f = flows[k]
            st = self.flows.get(k, {}).get('state')
            if with_state and st:
                f['state'] = st
            out.append(f)
        counts['flows_total'] = len(out)
        return out, counts, reasons


class Conv:
    """One conversation: packets from the client (c) or the server (s)."""

    def __init__(self, cap, proto, fam, c, cport, s, sport, vlan=None, initiator='c',
                 wrap='eth', state=None):
        self.cap, self.proto, self.fam = cap, proto, fam
        self.c, self.cport, self.s, self.sport = c, cport, s, sport
        self.vlan, self.wrap, self.init = vlan, wrap, initiator
        if initiator == 'c':
            self.key = (proto, fam, c, cport, s, sport, vlan)
        else:
            self.key = (proto, fam, s, sport, c, cport, vlan)
        cap.flows[self.key] = {'state': state}
        self.seq = {'c': 1000, 's': 50000}
        self.ident = {'c': 0x100, 's': 0x200}

    def frame(self, frm, l3):
        et = ETH_IPV4 if self.fam == 4 else ETH_IPV6
        if self.wrap == 'eth':
            vl = [(ETH_8021Q, self.vlan)] if self.vlan is not None else []
            src, dst = (MAC_C, MAC_S) if frm == 'c' else (MAC_S, MAC_C)
            return eth(l3, et, vl, dst=dst, src=src)
        if self.wrap == 'sll':
            return sll(l3, et)
        if self.wrap == 'sll2':
            return sll2(l3, et)
        return l3  # raw IP link types

    def l3(self, frm, proto_num, l4, **kw):
        src, dst = (self.c, self.s) if frm == 'c' else (self.s, self.c)
        self.ident[frm] += 1
        if self.fam == 4:
            return ip4(src, dst, proto_num, l4, ident=self.ident[frm], **kw)
        return ip6(src, dst, proto_num, l4, **kw)

    def addrs(self, frm):
        if frm == 'c':
            return self.c, self.s, self.cport, self.sport
        return self.s, self.c, self.sport, self.cport

    def emit(self, frm, l3):
        self.cap.add(self.frame(frm, l3), {'flow': self.key,
                                           'dir': 'out' if frm == self.init else 'in',
                                           'bytes': len(l3)})

    def tcp(self, frm, flags, payload=b'', opts=b''):
        other = 's' if frm == 'c' else 'c'
        src, dst, sp, dp = self.addrs(frm)
        seg = tcp(self.fam, src, dst, sp, dp, self.seq[frm], self.seq[other] if flags & 0x10 else 0,
                  flags, payload, opts)
        self.seq[frm] += len(payload) + (1 if flags & 0x03 else 0)
        self.emit(frm, self.l3(frm, 6, seg))

    def udp(self, frm, payload):
        src, dst, sp, dp = self.addrs(frm)
        self.emit(frm, self.l3(frm, 17, udp(self.fam, src, dst, sp, dp, payload)))

    def echo(self, frm, reply, seq):
        src, dst, _, _ = self.addrs(frm)
        m = icmp_echo(self.fam, src, dst, reply, self.cport, seq)
        self.emit(frm, self.l3(frm, 1 if self.fam == 4 else 58, m))


SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10
MSS_OPT = b'\x02\x04\x05\xb4\x01\x03\x03\x07'


def handshake(cv):
    cv.tcp('c', SYN, opts=MSS_OPT)
    cv.tcp('s', SYN | ACK, opts=MSS_OPT)
    cv.tcp('c', ACK)


def dns_query(name, qtype=1, ident=0x4242):
    q = b''.join(bytes([len(p)]) + p.encode() for p in name.split('.')) + b'\0'
    return struct.pack('!HHHHHH', ident, 0x0100, 1, 0, 0, 0) + q + struct.pack('!HH', qtype, 1)


def dns_answer(name, addr, ident=0x4242):
    q = dns_query(name, 1, ident)
    rr = struct.pack('!HHHIH', 0xc00c, 1, 1, 300, 4) + ip_bytes(addr)
    return struct.pack('!HHHHHH', ident, 0x8180, 1, 1, 0, 0) + q[12:] + rr


def good_traffic(cap, wrap='eth'):
    """A handful of well-formed conversations (v4 and v6, TCP/UDP/ICMP, one VLAN)."""
    t = Conv(cap, 'tcp', 4, A4[1], 41234, A4[2], 8000, wrap=wrap, state='ESTABLISHED')
    handshake(t)
    d = Conv(cap, 'udp', 4, A4[1], 53001, A4[53], 53, wrap=wrap, state='ACTIVE')
    d.udp('c', dns_query('host1.xdptop.test'))
    t.tcp('c', PSH | ACK, b'GET / HTTP/1.1\r\nHost: a\r\n\r\n')
    d.udp('s', dns_answer('host1.xdptop.test', A4[2]))
    t.tcp('s', ACK)
    t.tcp('s', PSH | ACK, b'x' * 1000)
    e = Conv(cap, 'icmp', 4, A4[1], 0x1234, A4[3], 0x1234, wrap=wrap, state='ACTIVE')
    e.echo('c', False, 1)
    t.tcp('c', ACK)
    e.echo('s', True, 1)
    t6 = Conv(cap, 'tcp', 6, A6[0x10], 50000, A6[0x20], 443, wrap=wrap, state='TIME_WAIT')
    handshake(t6)
    t6.tcp('c', PSH | ACK, b'q' * 200)
    t6.tcp('s', PSH | ACK, b'r' * 1400)
    u6 = Conv(cap, 'udp', 6, A6[0x11], 40000, A6[0x21], 9999, wrap=wrap, state='ACTIVE')
    u6.udp('c', b'ping')
    t6.tcp('c', ACK)
    u6.udp('c', b'ping again')
    e6 = Conv(cap, 'icmpv6', 6, A6[0x10], 77, A6[0x22], 77, wrap=wrap, state='ACTIVE')
    e6.echo('c', False, 1)
    e6.echo('s', True, 1)
    t6.tcp('c', FIN | ACK)
    t6.tcp('s', ACK)
    t6.tcp('s', FIN | ACK)
    t6.tcp('c', ACK)
    if wrap == 'eth':
        v = Conv(cap, 'udp', 4, A4[4], 5000, A4[5], 6000, vlan=213, wrap=wrap, state='ACTIVE')
        v.udp('c', b'tagged')
        v.udp('s', b'tagged reply')


def good_pair(cap):
    """One small UDP flow, used around malformed packets."""
    return Conv(cap, 'udp', 4, A4[100], 33333, A4[101], 4444, state='ACTIVE')


# ---------------------------------------------------------------- writers

def pcap_write(path, cap, nsec=False, big_endian=False, snaplen=262144):
    e = '>' if big_endian else '<'
    magic = 0xa1b23c4d if nsec else 0xa1b2c3d4
    out = bytearray(struct.pack(e + 'IHHiIII', magic, 2, 4, 0, 0, snaplen, cap.linktype))
    offsets = []
    for r in cap.recs:
        offsets.append(len(out))
        sec, frac = divmod(r['ts'], 10 ** 9)
        if not nsec:
            frac //= 1000
        caplen = len(r['data']) if r['caplen'] is None else r['caplen']
        wirelen = len(r['data']) if r['wirelen'] is None else r['wirelen']
        out += struct.pack(e + 'IIII', sec, frac, caplen, wirelen)
        out += r['data']
    offsets.append(len(out))
    with open(path, 'wb') as f:
        f.write(out)
    return bytes(out), offsets


def pcapng_write(path, cap, tsresol_ns=False, big_endian=False):
    e = '>' if big_endian else '<'

    def block(btype, body):
        body += b'\0' * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack(e + 'II', btype, n) + body + struct.pack(e + 'I', n)

    shb = block(0x0A0D0D0A, struct.pack(e + 'IHHq', 0x1A2B3C4D, 1, 0, -1))
    opts = b''
    if tsresol_ns:
        opts = struct.pack(e + 'HHB3x', 9, 1, 9) + struct.pack(e + 'HH', 0, 0)
    idb = block(1, struct.pack(e + 'HHI', cap.linktype, 0, 262144) + opts)
    out = bytearray(shb + idb)
    offsets = []
    for r in cap.recs:
        offsets.append(len(out))
        t = r['ts'] if tsresol_ns else r['ts'] // 1000
        d = r['data']
        out += block(6, struct.pack(e + 'IIIII', 0, t >> 32, t & 0xffffffff, len(d), len(d)) + d)
    offsets.append(len(out))
    with open(path, 'wb') as f:
        f.write(out)
    return bytes(out), offsets


# ---------------------------------------------------------------- cases

def ok_case(cap, nsec=True, rc=(0,), with_state=True, upto=None, stderr_has=()):
    flows, counts, reasons = cap.expect(upto=upto, nsec=nsec, with_state=with_state)
    return {'rc': list(rc), 'stats': 'required', 'counts': counts, 'reasons': reasons,
            'flows': flows, 'stderr_has': list(stderr_has)}


def error_case(path, rc=(1,)):
    return {'rc': list(rc), 'stderr_has': [path], 'no_flows': True, 'stats': 'optional'}


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: mkcaps.py OUTDIR\n')
        return 2
    outdir = os.path.abspath(sys.argv[1])
    os.makedirs(outdir, exist_ok=True)
    cases = []

    def P(name):
        return os.path.join(outdir, name)

    def case(name, path, *alts, args=None, stdin=None):
        if args is None:
            args = ['-r', path, '--json']
        c = {'name': name, 'args': args, 'alternatives': list(alts)}
        if stdin:
            c['stdin'] = stdin
        cases.append(c)

    # --- well-formed captures in the formats libpcap reads
    good = Cap()
    good_traffic(good)
    pcap_write(P('good_us.pcap'), good)
    case('good_us', P('good_us.pcap'), ok_case(good, nsec=False))
    data_ns, offs = pcap_write(P('good_ns.pcap'), good, nsec=True)
    case('good_ns', P('good_ns.pcap'), ok_case(good))
    pcap_write(P('good_be.pcap'), good, nsec=True, big_endian=True)
    case('good_bigendian', P('good_be.pcap'), ok_case(good))
    pcapng_write(P('good.pcapng'), good)
    case('pcapng', P('good.pcapng'), ok_case(good, nsec=False))
    ng_data, ng_offs = pcapng_write(P('good_ns_be.pcapng'), good, tsresol_ns=True,
                                    big_endian=True)
    case('pcapng_ns_bigendian', P('good_ns_be.pcapng'), ok_case(good))

    # --- truncated files
    n = len(good.recs)
    k = n - 3  # cut inside record k's packet data: records 0..k-1 are complete
    cut = offs[k] + 16 + len(good.recs[k]['data']) // 2
    with open(P('trunc_data.pcap'), 'wb') as f:
        f.write(data_ns[:cut])
    case('truncated_in_packet_data', P('trunc_data.pcap'),
         ok_case(good, rc=(1,), with_state=False, upto=k, stderr_has=[P('trunc_data.pcap')]))
    k2 = n - 5
    with open(P('trunc_rechdr.pcap'), 'wb') as f:
        f.write(data_ns[:offs[k2] + 9])
    case('truncated_in_record_header', P('trunc_rechdr.pcap'),
         ok_case(good, rc=(1,), with_state=False, upto=k2,
                 stderr_has=[P('trunc_rechdr.pcap')]))
    k3 = n - 2
    with open(P('trunc.pcapng'), 'wb') as f:
        f.write(ng_data[:ng_offs[k3] + 30])
    case('pcapng_truncated_block', P('trunc.pcapng'),
         ok_case(good, rc=(1,), with_state=False, upto=k3, stderr_has=[P('trunc.pcapng')]))
    with open(P('trunc_global_hdr.pcap'), 'wb') as f:
        f.write(data_ns[:13])
    case('truncated_global_header', P('trunc_global_hdr.pcap'),
         error_case(P('trunc_global_hdr.pcap')))
    with open(P('not_a_capture.txt'), 'w') as f:
        f.write('This is not a capture file.\nJust some text, long enough for a header.\n')
    case('not_a_capture', P('not_a_capture.txt'), error_case(P('not_a_capture.txt')))
    open(P('empty.pcap'), 'wb').close()
    case('empty_file', P('empty.pcap'), error_case(P('empty.pcap')))
    case('missing_file', P('does_not_exist.pcap'), error_case(P('does_not_exist.pcap')))
    os.makedirs(P('a_directory.pcap'), exist_ok=True)
    case('directory', P('a_directory.pcap'), error_case(P('a_directory.pcap')))
    # a header only: valid, zero packets
    with open(P('header_only.pcap'), 'wb') as f:
        f.write(data_ns[:24])
    case('header_only', P('header_only.pcap'), ok_case(Cap()))

    # --- the capture on standard input (-r -), through a pipe-like stream
    case('stdin', None, ok_case(good), args=['-r', '-', '--json'], stdin=P('good_ns.pcap'))
    case('stdin_truncated', None, ok_case(good, rc=(1,), with_state=False, upto=k),
         args=['-r', '-', '--json'], stdin=P('trunc_data.pcap'))
    case('stdin_empty', None, {'rc': [1], 'no_flows': True, 'stats': 'optional'},
         args=['-r', '-', '--json'], stdin=P('empty.pcap'))

    # --- damaged or unusual pcapng structure (libpcap rejects these while reading)
    ng = Cap()
    g = good_pair(ng)
    g.udp('c', b'first')
    g.udp('s', b'second')
    frame0 = ng.recs[0]['data']

    def ngblock(btype, body):
        body += b'\0' * (-len(body) % 4)
        return struct.pack('<II', btype, 12 + len(body)) + body + struct.pack('<I', 12 + len(body))

    def ngepb(ifid, d, t=BASE_NS // 1000):
        return ngblock(6, struct.pack('<IIIII', ifid, t >> 32, t & 0xffffffff, len(d), len(d)) + d)

    shb = ngblock(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
    idb_eth = ngblock(1, struct.pack('<HHI', 1, 0, 262144))
    idb_raw = ngblock(1, struct.pack('<HHI', 101, 0, 262144))
    for name, blob, exp in [
            ('pcapng_two_linktypes', shb + idb_eth + idb_raw + ngepb(0, frame0),
             error_case(P('pcapng_two_linktypes.pcapng'))),
            ('pcapng_packet_before_interface', shb + ngepb(0, frame0),
             error_case(P('pcapng_packet_before_interface.pcapng'))),
            ('pcapng_block_length_2GiB', shb + idb_eth + struct.pack('<II', 6, 0x7ffffff0)
             + b'\0' * 64, error_case(P('pcapng_block_length_2GiB.pcapng'))),
            ('pcapng_unknown_interface', shb + idb_eth + ngepb(0, frame0) + ngepb(7, frame0),
             ok_case(ng, nsec=False, rc=(1,), upto=1, with_state=False,
                     stderr_has=[P('pcapng_unknown_interface.pcapng')]))]:
        with open(P(name + '.pcapng'), 'wb') as f:
            f.write(blob)
        case(name, P(name + '.pcapng'), exp)

    # --- a link type xdptop does not decode (802.11): refused with a clear message
    lt = Cap(105)
    lt.add(b'\x08\x00' + b'\0' * 40, {'unsupported': True})
    pcap_write(P('linktype_105.pcap'), lt)
    case('linktype_unsupported', P('linktype_105.pcap'), error_case(P('linktype_105.pcap')))

    # --- timestamps: after 2038 (pcap seconds are unsigned 32-bit), all equal, backwards
    y = Cap()
    g = good_pair(y)
    y.ts = 2209032000 * 10 ** 9 + 5     # 2040-01-01T12:00:00.000000005Z
    g.udp('c', b'2040')
    g.udp('s', b'2040 reply')
    pcap_write(P('ts_2040.pcap'), y, nsec=True)
    case('timestamp_after_2038', P('ts_2040.pcap'), ok_case(y))
    same = Cap()
    g = good_pair(same)
    for i in range(3):
        g.udp('c', b'same time')
    for r in same.recs:
        r['ts'] = BASE_NS
    pcap_write(P('ts_same.pcap'), same, nsec=True)
    case('timestamp_all_equal', P('ts_same.pcap'), ok_case(same))
    back = Cap()
    g = good_pair(back)
    g.udp('c', b'one')
    g.udp('s', b'two')
    g.udp('c', b'three')
    back.recs[2]['ts'] = BASE_NS - 3600 * 10 ** 9    # an hour back: a stepped clock
    pcap_write(P('ts_backwards.pcap'), back, nsec=True)
    bc = ok_case(back)
    for f in bc['flows']:   # only the counts are specified; times may be clamped or not
        del f['first_seen_ns'], f['last_seen_ns']
    case('timestamp_backwards', P('ts_backwards.pcap'), bc)

    # --- many first fragments whose rest never comes, and many orphans: bounded cache
    ff = Cap()
    fl = Conv(ff, 'udp', 4, A4[50], 6100, A4[51], 6200, state='ACTIVE')
    first = udp(4, A4[50], A4[51], 6100, 6200, b'F' * 40)[:24]
    for i in range(20000):
        l3 = ip4(A4[50], A4[51], 17, first, ident=i, frag=0x2000)
        ff.recs.append({'ts': ff.ts, 'data': eth(l3, ETH_IPV4), 'caplen': None, 'wirelen': None,
                        'meta': {'flow': fl.key, 'dir': 'out', 'bytes': len(l3)}})
        ff.ts += 1000
        if i % 2:
            l3 = ip4(A4[52], A4[53], 17, b'O' * 16, ident=i, frag=5)
            ff.recs.append({'ts': ff.ts, 'data': eth(l3, ETH_IPV4), 'caplen': None,
                            'wirelen': None, 'meta': {'orphan_frag': True}})
            ff.ts += 1000
    pcap_write(P('fragment_flood.pcap'), ff, nsec=True)
    case('fragment_flood', P('fragment_flood.pcap'), ok_case(ff))

    # --- usage errors
    case('usage_unknown_flag', None,
         {'rc': [2], 'stderr_re': r'--no-such-flag', 'no_flows': True, 'stats': 'forbidden'},
         args=['-r', P('good_ns.pcap'), '--json', '--no-such-flag'])
    case('usage_missing_argument', None,
         {'rc': [2], 'stderr_re': r"(-r\b|'r')", 'no_flows': True, 'stats': 'forbidden'},
         args=['--json', '-r'])

    # --- record-level damage
    z = Cap()
    g = good_pair(z)
    g.udp('c', b'before')
    z.add(b'', {'malformed': 'zero_length'}, caplen=0, wirelen=0)
    z.add(b'', {'malformed': 'zero_length'}, caplen=0, wirelen=64)
    g.udp('s', b'after')
    pcap_write(P('zero_length.pcap'), z, nsec=True)
    case('zero_length', P('zero_length.pcap'), ok_case(z))

    c = Cap()
    g = good_pair(c)
    g.udp('c', b'before')
    bad = eth(ip4(A4[7], A4[8], 17, udp(4, A4[7], A4[8], 1, 2, b'z' * 40)), ETH_IPV4)
    c.add(bad, {'malformed': 'caplen_exceeds_len'}, caplen=len(bad), wirelen=len(bad) - 20)
    g.udp('s', b'after')
    pcap_write(P('caplen_gt_len.pcap'), c, nsec=True)
    ce = error_case(P('caplen_gt_len.pcap'))
    del ce['no_flows']
    case('caplen_exceeds_len', P('caplen_gt_len.pcap'), ok_case(c), ce)

    h = Cap()
    g = good_pair(h)
    g.udp('c', b'before')
    h.add(b'', {'malformed': 'never read'}, caplen=300000, wirelen=300000)
    g.udp('s', b'after')
    data_h, offs_h = pcap_write(P('caplen_huge.pcap'), h, nsec=True)
    he = error_case(P('caplen_huge.pcap'))
    del he['no_flows']
    he['counts_if_stats'] = {'packets': 1}
    case('caplen_over_262144', P('caplen_huge.pcap'), he)

    # --- malformed packets, one per file between two good packets, then all in one file
    def m_v4(l4, proto=17, **kw):
        return eth(ip4(A4[9], A4[10], proto, l4, **kw), ETH_IPV4, pad=False)

    u4 = udp(4, A4[9], A4[10], 1111, 2222, b'payload!')
    t4 = tcp(4, A4[9], A4[10], 1111, 2222, 1, 0, SYN)
    u6 = udp(6, A6[9], A6[10], 1111, 2222, b'payload!')
    ext12 = b''.join(dstopts(60) for _ in range(11)) + dstopts(17)
    malformed = [
        # name, frame, reason
        ('ipv4_total_length_below_20', m_v4(u4, tot=12), 'bad_ipv4_length'),
        ('ipv4_total_length_below_ihl', m_v4(u4, ihl=6, opts=b'\x01' * 4, tot=22),
         'bad_ipv4_length'),
        ('ipv4_ihl_below_5', m_v4(u4, ihl=4), 'bad_ipv4_header'),
        ('ipv4_total_length_above_frame', m_v4(u4, tot=1500), 'bad_ipv4_length'),
        ('ipv4_truncated_header', eth(ip4(A4[9], A4[10], 17, u4)[:12], ETH_IPV4, pad=False),
         'truncated_ipv4'),
        ('ipv4_in_ipv6_ethertype', eth(ip4(A4[9], A4[10], 17, u4) + b'\0' * 20, ETH_IPV6,
                                       pad=False), 'bad_ip_version'),
        ('ipv6_in_ipv4_ethertype', eth(ip6(A6[9], A6[10], 17, u6), ETH_IPV4, pad=False),
         'bad_ip_version'),
        ('ipv6_payload_length_above_frame', eth(ip6(A6[9], A6[10], 17, u6, plen=1400),
                                                 ETH_IPV6, pad=False), 'bad_ipv6_length'),
        ('ipv6_truncated_header', eth(ip6(A6[9], A6[10], 17, u6)[:30], ETH_IPV6, pad=False),
         'truncated_ipv6'),
        ('ipv6_12_extension_headers', eth(ip6(A6[9], A6[10], 60, u6, exts=ext12), ETH_IPV6),
         'ipv6_ext_too_many'),
        ('ipv6_extension_header_truncated',
         eth(ip6(A6[9], A6[10], 60, b'', exts=dstopts(17)[:1] + b'\x05' + b'\0' * 6),
             ETH_IPV6, pad=False), 'ipv6_ext_truncated'),
        ('tcp_data_offset_below_5', m_v4(tcp(4, A4[9], A4[10], 1111, 2222, 1, 0, SYN, doff=4),
                                         proto=6), 'bad_tcp_header'),
        ('tcp_data_offset_above_segment',
         m_v4(tcp(4, A4[9], A4[10], 1111, 2222, 1, 0, SYN, doff=15), proto=6),
         'bad_tcp_header'),
        ('tcp_truncated', m_v4(t4[:12], proto=6), 'truncated_tcp'),
        ('udp_length_below_8', m_v4(udp(4, A4[9], A4[10], 1111, 2222, b'payload!', ulen=4)),
         'bad_udp_length'),
        ('udp_length_above_ip_payload',
         m_v4(udp(4, A4[9], A4[10], 1111, 2222, b'payload!', ulen=500)), 'bad_udp_length'),
        ('udp_truncated', m_v4(u4[:6]), 'truncated_udp'),
        ('icmp_echo_truncated', m_v4(icmp_echo(4, A4[9], A4[10], False, 9, 1)[:3], proto=1),
         'truncated_icmp'),
        ('arp_truncated', eth(bytes.fromhex('0001080006040001') + MAC_C + b'\x0a\xd5',
                              ETH_ARP, pad=False), 'truncated_arp'),
        ('vlan_tag_truncated', MAC_S + MAC_C + b'\x81\x00\x00\x05', 'truncated_vlan'),
        ('vlan_6_tags', eth(ip4(A4[9], A4[10], 17, u4), ETH_IPV4,
                            vlans=[(ETH_8021Q, 10 + i) for i in range(6)]), 'vlan_too_deep'),
        ('ethernet_10_bytes', (MAC_S + MAC_C)[:10], 'truncated_l2'),
        ('ethernet_13_bytes', (MAC_S + MAC_C + b'\x08'), 'truncated_l2'),
    ]
    for name, frame, reason in malformed:
        m = Cap()
        g = good_pair(m)
        g.udp('c', b'before')
        m.malformed(frame, reason)
        tc = Conv(m, 'tcp', 4, A4[102], 40001, A4[103], 80, state='SYN_SENT')
        tc.tcp('c', SYN, opts=MSS_OPT)
        g.udp('s', b'after')
        pcap_write(P('mal_%s.pcap' % name), m, nsec=True)
        case('malformed/' + name, P('mal_%s.pcap' % name), ok_case(m))

    mix = Cap()
    good_traffic(mix)
    for i, (name, frame, reason) in enumerate(malformed):
        mix.malformed(frame, reason)
        if i % 4 == 0:
            mix.unsupported(eth(bytes.fromhex('020704') + MAC_C + b'\x04\x03\x02\x00\x01'
                                + b'\0\0', 0x88cc))       # LLDP
        if i % 7 == 3:
            # 802.3 frame with LLC (STP-like): length field, not an ethertype
            mix.unsupported(MAC_S + MAC_C + struct.pack('!H', 38) + b'\x42\x42\x03' + b'\0' * 35)
    z2 = Conv(mix, 'udp', 6, A6[0x30], 1000, A6[0x31], 2000, vlan=7, state='ACTIVE')
    z2.udp('c', b'last')
    mix.add(b'', {'malformed': 'zero_length'}, caplen=0, wirelen=0)
    pcap_write(P('malformed_mix.pcap'), mix, nsec=True)
    case('malformed_mix', P('malformed_mix.pcap'), ok_case(mix))

    # --- link types other than Ethernet, one packet per file
    for lt, wrap, fam in [(101, 'raw', 4), (101, 'raw', 6), (113, 'sll', 4), (113, 'sll', 6),
                          (276, 'sll2', 4), (276, 'sll2', 6), (228, 'raw', 4), (229, 'raw', 6)]:
        L = Cap(lt)
        if fam == 4:
            cv = Conv(L, 'tcp', 4, A4[20], 45000, A4[21], 22, wrap=wrap, state='SYN_SENT')
            cv.tcp('c', SYN, opts=MSS_OPT)
        else:
            cv = Conv(L, 'udp', 6, A6[0x40], 5353, A6[0x41], 5353, wrap=wrap, state='ACTIVE')
            cv.udp('c', dns_query('xdptop.local'))
        name = 'linktype_%d_%s_ipv%d' % (lt, wrap, fam)
        pcap_write(P(name + '.pcap'), L, nsec=False)
        case(name, P(name + '.pcap'), ok_case(L, nsec=False))

    # --- other well-formed corner cases
    s = Cap()
    # a SYN+ACK seen first: its receiver is the initiator
    sa = Conv(s, 'tcp', 4, A4[30], 51000, A4[31], 443, initiator='c', state='ESTABLISHED')
    sa.tcp('s', SYN | ACK, opts=MSS_OPT)
    sa.tcp('c', ACK)
    # an echo reply seen first: its receiver is the initiator
    er = Conv(s, 'icmp', 4, A4[32], 4321, A4[33], 4321, initiator='c', state='ACTIVE')
    er.echo('s', True, 7)
    er.echo('c', False, 8)
    # non-echo ICMP: ports 0, one flow per address pair
    un = Conv(s, 'icmp', 4, A4[34], 0, A4[35], 0, state='ACTIVE')
    for code in (1, 3):
        inner = ip4(A4[35], A4[36], 17, udp(4, A4[35], A4[36], 1, 2, b''))[:28]
        m = struct.pack('!BBHI', 3, code, 0, 0) + inner
        m = m[:2] + struct.pack('!H', csum(m)) + m[4:]
        un.emit('c', un.l3('c', 1, m))
    # a reset connection
    rs = Conv(s, 'tcp', 6, A6[0x50], 52000, A6[0x51], 25, state='RESET')
    rs.tcp('c', SYN, opts=MSS_OPT)
    rs.tcp('s', RST | ACK)
    # responder closes first
    cw = Conv(s, 'tcp', 4, A4[37], 52001, A4[38], 8080, state='CLOSED')
    handshake(cw)
    cw.tcp('s', FIN | ACK)
    cw.tcp('c', ACK)
    cw.tcp('c', FIN | ACK)
    cw.tcp('s', ACK)
    # QinQ: the outer tag names the VLAN
    q = Conv(s, 'udp', 4, A4[39], 7000, A4[40], 7001, vlan=100, state='ACTIVE')
    l3 = q.l3('c', 17, udp(4, A4[39], A4[40], 7000, 7001, b'qinq'))
    s.add(eth(l3, ETH_IPV4, vlans=[(ETH_8021AD, 100), (ETH_8021Q, 200)]),
          {'flow': q.key, 'dir': 'out', 'bytes': len(l3)})
    # the same 5-tuple untagged and in two VLANs: three flows
    for vid in (None, 10, 20):
        dv = Conv(s, 'udp', 4, A4[45], 8888, A4[46], 9999, vlan=vid, state='ACTIVE')
        dv.udp('c', b'same tuple')
        dv.udp('s', b'same tuple back')
    # ARP request and reply
    arp_key = ('arp', 4, A4[41], 0, A4[42], 0, None)
    s.flows[arp_key] = {'state': 'ACTIVE'}
    for op, sm, si, tm, ti, d in [(1, MAC_C, A4[41], b'\0' * 6, A4[42], 'out'),
                                  (2, MAC_S, A4[42], MAC_C, A4[41], 'in')]:
        a = struct.pack('!HHBBH', 1, 0x0800, 6, 4, op) + sm + ip_bytes(si) + tm + ip_bytes(ti)
        s.add(eth(a, ETH_ARP, dst=BCAST if op == 1 else MAC_C, src=sm),
              {'flow': arp_key, 'dir': d, 'bytes': 28})
    # IPv6 with hop-by-hop + destination options before UDP: fine
    x6 = Conv(s, 'udp', 6, A6[0x52], 6000, A6[0x53], 6001, state='ACTIVE')
    u = udp(6, A6[0x52], A6[0x53], 6000, 6001, b'ext ok')
    x6.emit('c', ip6(A6[0x52], A6[0x53], 0, u, exts=dstopts(60) + dstopts(17, 2)))
    # other IP protocol: ESP
    esp_key = ('other', 4, A4[43], 0, A4[44], 0, None)
    s.flows[esp_key] = {'state': 'ACTIVE'}
    l3 = ip4(A4[43], A4[44], 50, struct.pack('!II', 0x1000, 1) + b'\x55' * 48)
    s.add(eth(l3, ETH_IPV4), {'flow': esp_key, 'dir': 'out', 'bytes': len(l3), 'ipproto': 50})
    pcap_write(P('semantics.pcap'), s, nsec=True)
    case('flow_semantics', P('semantics.pcap'), ok_case(s))

    # --- IP fragments
    fr = Cap()
    fu = Conv(fr, 'udp', 4, A4[50], 6100, A4[51], 6200, state='ACTIVE')
    body = udp(4, A4[50], A4[51], 6100, 6200, b'F' * 1200)
    for off, more, chunk in [(0, 1, body[:808]), (101, 0, body[808:])]:
        l3 = ip4(A4[50], A4[51], 17, chunk, ident=0x7777, frag=(more << 13) | off)
        fr.add(eth(l3, ETH_IPV4), {'flow': fu.key, 'dir': 'out', 'bytes': len(l3)})
    orphan = ip4(A4[50], A4[51], 17, b'O' * 100, ident=0x7778, frag=50)
    fr.add(eth(orphan, ETH_IPV4), {'orphan_frag': True})
    f6 = Conv(fr, 'udp', 6, A6[0x60], 6100, A6[0x61], 6200, state='ACTIVE')
    body6 = udp(6, A6[0x60], A6[0x61], 6100, 6200, b'G' * 1000)
    for off, more, chunk in [(0, 1, body6[:512]), (64, 0, body6[512:])]:
        fh = struct.pack('!BBHI', 17, 0, (off << 3) | more, 0xabcdef)
        l3 = ip6(A6[0x60], A6[0x61], 44, chunk, exts=fh)
        fr.add(eth(l3, ETH_IPV6), {'flow': f6.key, 'dir': 'out', 'bytes': len(l3)})
    pcap_write(P('fragments.pcap'), fr, nsec=True)
    case('fragments', P('fragments.pcap'), ok_case(fr))

    # --- snaplen-truncated frames are not malformed: lengths come from the wire
    sn = Cap()
    good_traffic(sn)
    for r in sn.recs:
        if len(r['data']) > 96:
            r['wirelen'] = len(r['data'])
            r['data'] = r['data'][:96]
    pcap_write(P('snaplen96.pcap'), sn, nsec=True, snaplen=96)
    case('snaplen_96', P('snaplen96.pcap'), ok_case(sn))

    # --- the exports a replay can write: the capture again as pcapng (tcpdump must
    # read the same packets from it), the event log, the metrics file, a log file.
    # Their paths are relative: xdptop and check.py run in a directory whose out/
    # is empty before each case.
    out = 'out'

    def exports(src, base='replay.pcapng', files=1):
        args = ['--pcap-export', os.path.join(out, base),
                '--json-log', os.path.join(out, 'events.jsonl'),
                '--prom-textfile', os.path.join(out, 'xdptop.prom'),
                '--log-dir', os.path.join(out, 'logs'), '--log-level', 'debug']
        x = {'pcapng': [src, os.path.join(out, base)], 'pcapng_files': files,
             'jsonlog': os.path.join(out, 'events.jsonl'),
             'prom': os.path.join(out, 'xdptop.prom'), 'logdir': os.path.join(out, 'logs')}
        return args, x

    args, x = exports(P('good_ns.pcap'))
    e = ok_case(good)
    e['exports'] = x
    case('export/all', None, e, args=['-r', P('good_ns.pcap'), '--json'] + args)
    # 30,000 packets into files of 0.5 MB: rotation, and the sidecar of each file
    args, x = exports(P('fragment_flood.pcap'), files=4)
    e = ok_case(ff)
    e['exports'] = x
    case('export/rotated', None, e,
         args=['-r', P('fragment_flood.pcap'), '--json', '--pcap-rotate', '0.5'] + args)
    # damaged packets, and a capture read from standard input
    args, x = exports(P('malformed_mix.pcap'))
    e = ok_case(mix)
    e['exports'] = x
    case('export/malformed_stdin', None, e, args=['-r', '-', '--json'] + args,
         stdin=P('malformed_mix.pcap'))

    with open(os.path.join(outdir, 'manifest.json'), 'w') as f:
        json.dump({'cases': cases}, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
