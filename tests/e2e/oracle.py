#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compare `xdptop -r CAPTURE --json` output with flows computed by tshark.

usage: oracle.py [--expect FEATURES] CAPTURE XDPTOP_JSONL
       oracle.py --counts-only [--expect FEATURES] CAPTURE XDPTOP_JSONL
       oracle.py --dump CAPTURE      (print the tshark view as schema JSON)

The expected flows are derived from the capture itself through tshark's
dissectors, following xdptop(8): one flow per
canonical (proto, vlan, endpoint pair); ICMP echo uses the identifier as
both ports, all other ICMP uses port 0; ARP is keyed on sender/target
protocol addresses; later IP fragments are charged to the flow of their
first fragment via a (src, dst, protocol, fragment id) cache; bytes are
IP-layer bytes. A TCP SYN on a CLOSED, TIME_WAIT or RESET flow starts a new
flow ("end":"reused"), and so does a packet after a gap longer than the
idle timeout ("end":"idle").

Checked per flow: presence, per-direction packets and bytes, initiator,
family, first/last seen, TCP state (xdptop(8) "TCP states") and "end".
Checked globally: the stats record and the order of the records.

--counts-only is for live runs (`xdptop -i IFACE` output captured side by
side with tcpdump on the same interface): XDPTOP_JSONL may hold many
tables; its flows are the ended ones (with "end") plus those of the last
table. Only the set of flows, the initiator and the per-direction packets
and bytes are compared; times, states, end reasons, the stats record and
the order of the records are not (records with the same key are paired in
order of first_seen).

--expect takes a comma separated list of things the capture must contain
(tcp, udp, icmp, icmpv6, arp, v4, v6, vlan, frag4, frag6, icmp-error,
unsupported, reuse, idle), so that a harness problem that silently drops
traffic cannot make the comparison vacuous.

Prints one summary line, then one line per problem. Exit status: 0 match,
1 mismatch, 2 usage or tshark error.
"""
import collections
import datetime
import decimal
import ipaddress
import json
import subprocess
import sys

FIELDS = [
    "frame.number", "frame.time_epoch", "frame.protocols", "vlan.id", "ieee8021ad.id",
    "ip.src", "ip.dst", "ip.len", "ip.id", "ip.flags.mf", "ip.frag_offset", "ip.proto",
    "ipv6.src", "ipv6.dst", "ipv6.plen", "ipv6.nxt",
    "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.dstopts.nxt", "ipv6.fraghdr.nxt",
    "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.fraghdr.ident",
    "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
    "tcp.flags.fin", "tcp.flags.reset",
    "udp.srcport", "udp.dstport",
    "icmp.type", "icmp.ident", "icmpv6.type", "icmpv6.echo.identifier",
    "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "arp.hw.size", "arp.proto.size",
]

# Reassembly would hide fragments and merge TCP segments; we want every
# frame dissected on its own, exactly as xdptop sees it.
TSHARK_PREFS = ["ip.defragment:FALSE", "ipv6.defragment:FALSE",
                "tcp.desegment_tcp_streams:FALSE"]

# IPv6 extension headers sit between the IPv6 header and the L4 header.
IPV6_EXT = {"ipv6.hopopts": "ipv6.hopopts.nxt", "ipv6.routing": "ipv6.routing.nxt",
            "ipv6.dstopts": "ipv6.dstopts.nxt", "ipv6.fraghdr": "ipv6.fraghdr.nxt"}
L4 = ("tcp", "udp", "icmp", "icmpv6")
ECHO = {"icmp": {8: "request", 0: "reply"}, "icmpv6": {128: "request", 129: "reply"}}
ICMP_ERRORS = {"icmp": {3, 4, 5, 11, 12}, "icmpv6": {1, 2, 3, 4}}
# Idle timeouts from xdptop(8) "Flow timeouts", in seconds.
TCP_TIMEOUT = {"SYN_SENT": 60, "SYN_RECV": 60, "ESTABLISHED": 600, "FIN_WAIT": 120,
               "CLOSE_WAIT": 120, "TIME_WAIT": 30, "CLOSED": 5, "RESET": 5}
TIMEOUT = {"udp": 60, "udp/53": 30, "icmp": 30, "icmpv6": 30, "arp": 30, "other": 60}
# Fragments whose first fragment is older than this are unattributed.
FRAG_TIMEOUT = 30
# xdptop expires flows lazily while reading (at most once per second of
# capture time), so a flow may outlive its timeout by up to this much.
EXPIRY_SLACK = 1
NS = 1000000000


class OracleError(Exception):
    pass


def num(s):
    """tshark prints some integers as hex ("0x1a2b"), some as "26 (0x1a)"."""
    s = s.split()[0]
    return int(s, 16) if s.lower().startswith("0x") else int(s)


def flag(s):
    return s in ("1", "True", "true")


def run_tshark(capture):
    cmd = ["tshark", "-n", "-r", capture, "-T", "fields",
           "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for p in TSHARK_PREFS:
        cmd += ["-o", p]
    for f in FIELDS:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise OracleError("tshark failed (%d): %s" % (res.returncode, res.stderr.strip()))
    frames = []
    for line in res.stdout.splitlines():
        vals = line.split("\t")
        if len(vals) != len(FIELDS):
            raise OracleError("unexpected tshark line: %r" % line)
        # All occurrences are kept, in dissection order: the outer header
        # comes first, headers quoted inside ICMP errors later.
        frames.append({f: (v.split(",") if v else []) for f, v in zip(FIELDS, vals)})
    return frames


class Endpoint(tuple):
    def __str__(self):
        addr, port = self
        return ("[%s]:%d" if addr.version == 6 else "%s:%d") % (addr, port)


def ep(addr, port):
    return Endpoint((ipaddress.ip_address(addr), port))


class FlowKey(tuple):
    """(proto, vlan, low endpoint, high endpoint): direction-independent."""

    def __new__(cls, proto, vlan, a, b):
        return super().__new__(cls, (proto, vlan) + tuple(sorted((a, b))))

    def __str__(self):
        proto, vlan, a, b = self
        return "%s %s <-> %s%s" % (proto, a, b, "" if vlan is None else " vlan %d" % vlan)


class Flow:
    def __init__(self, key, family, first_frame, ts):
        self.key = key
        self.family = family
        self.first_frame = first_frame
        self.first_ts = self.last_ts = ts
        self.initiator = None
        self.sent = collections.defaultdict(lambda: [0, 0])   # endpoint -> [pkts, bytes]
        self.tcp_state = None
        self.fin_from = None      # who sent the first FIN: "init" or "resp"
        self.end = None           # "idle" or "reused" once a later flow replaces it
        self.ambiguous = False    # an idle gap close to the timeout: may have ended

    @property
    def state(self):
        return self.tcp_state if self.key[0] == "tcp" else "ACTIVE"

    def tcp(self, from_init, syn, ack, fin, rst):
        """TCP state, named from the initiator's side, as xdptop(8) defines it."""
        st = self.tcp_state
        if st is None:                      # first segment of the flow
            if syn and not ack:
                st = "SYN_SENT"
            elif syn and ack:
                st = "SYN_RECV"
            else:
                st = "ESTABLISHED"          # picked up mid-stream
        elif st == "SYN_SENT" and syn and ack and not from_init:
            st = "SYN_RECV"
        elif st in ("SYN_SENT", "SYN_RECV") and from_init and ack and not syn:
            st = "ESTABLISHED"
        if rst:
            st = "RESET"
        elif fin and st != "RESET":
            side = "init" if from_init else "resp"
            if self.fin_from is None:
                self.fin_from = side
                st = "FIN_WAIT" if from_init else "CLOSE_WAIT"
            elif side != self.fin_from:
                st = "TIME_WAIT" if self.fin_from == "init" else "CLOSED"
        self.tcp_state = st

    def timeout(self, state=None):
        state = state or self.state
        proto, _, (_, p1), (_, p2) = self.key
        if proto == "tcp":
            return TCP_TIMEOUT.get(state)
        if proto == "udp" and 53 in (p1, p2):
            return TIMEOUT["udp/53"]
        return TIMEOUT.get(proto.split("/")[0])

    def add(self, sender, nbytes, ts):
        self.sent[sender][0] += 1
        self.sent[sender][1] += nbytes
        self.first_ts = min(self.first_ts, ts)
        self.last_ts = max(self.last_ts, ts)


def ts_ns(s):
    return int(decimal.Decimal(s) * 1000000000)


def classify(f):
    """Return (key, family, sender, receiver, nbytes, frag, reply, tcpflags)
    for one frame, or None if the frame carries neither IPv4, IPv6 nor ARP.

    frag is None, ("first", cachekey) or ("later", cachekey). reply is True
    when this frame, seen first, makes its receiver the initiator. tcpflags
    is [syn, ack, fin, rst] for TCP segments, else None."""
    protos = f["frame.protocols"][0].split(":")
    net = next((i for i, p in enumerate(protos) if p in ("ip", "ipv6", "arp")), None)
    if net is None:
        return None
    # The outer tag is 802.1Q ("vlan") or 802.1ad ("ieee8021ad"), whichever
    # comes first; its id is that field's first occurrence.
    tag = next((p for p in protos[:net] if p in ("vlan", "ieee8021ad")), None)
    vlan = num(f[tag + ".id"][0]) if tag else None

    if protos[net] == "arp":
        if not f["arp.src.proto_ipv4"]:
            raise OracleError("frame %s: non-IPv4 ARP" % f["frame.number"][0])
        s, d = ep(f["arp.src.proto_ipv4"][0], 0), ep(f["arp.dst.proto_ipv4"][0], 0)
        nbytes = 8 + 2 * num(f["arp.hw.size"][0]) + 2 * num(f["arp.proto.size"][0])
        return FlowKey("arp", vlan, s, d), 4, s, d, nbytes, None, False, None

    rest = protos[net + 1:]
    frag = None
    if protos[net] == "ip":
        family, src, dst = 4, f["ip.src"][0], f["ip.dst"][0]
        nbytes = num(f["ip.len"][0])
        mf, off = flag(f["ip.flags.mf"][0]), num(f["ip.frag_offset"][0])
        ipproto = num(f["ip.proto"][0])
        cache = (src, dst, ipproto, num(f["ip.id"][0]))
    else:
        family, src, dst = 6, f["ipv6.src"][0], f["ipv6.dst"][0]
        nbytes = 40 + num(f["ipv6.plen"][0])
        mf = off = 0
        ipproto = num(f["ipv6.nxt"][0])
        seen = collections.Counter()
        while rest and rest[0] in IPV6_EXT:
            ext = rest.pop(0)
            # The n-th occurrence of an extension header field belongs to
            # the n-th such header in the frame; ours are the first ones.
            ipproto = num(f[IPV6_EXT[ext]][seen[ext]])
            seen[ext] += 1
            if ext == "ipv6.fraghdr" and seen[ext] == 1:
                mf = flag(f["ipv6.fraghdr.more"][0])
                off = num(f["ipv6.fraghdr.offset"][0])
                cache = (src, dst, ipproto, num(f["ipv6.fraghdr.ident"][0]))
    if off:
        frag = ("later", cache)
    elif mf:
        frag = ("first", cache)

    proto = rest[0] if rest and rest[0] in L4 else "other"
    sport = dport = 0
    reply = False
    tcpflags = None
    if frag and frag[0] == "later":
        proto = None      # no L4 header: the flow comes from the fragment cache
    elif proto == "tcp":
        sport, dport = num(f["tcp.srcport"][0]), num(f["tcp.dstport"][0])
        tcpflags = [flag(f["tcp.flags." + n][0]) for n in ("syn", "ack", "fin", "reset")]
        reply = tcpflags[0] and tcpflags[1]
    elif proto == "udp":
        sport, dport = num(f["udp.srcport"][0]), num(f["udp.dstport"][0])
    elif proto in ("icmp", "icmpv6"):
        typ = num(f[proto + ".type"][0])
        kind = ECHO[proto].get(typ)
        if kind:
            ident = f["icmp.ident" if proto == "icmp" else "icmpv6.echo.identifier"][0]
            sport = dport = num(ident)
            reply = kind == "reply"
    else:
        proto = "other/%d" % ipproto
    s, d = ep(src, sport), ep(dst, dport)
    key = FlowKey(proto, vlan, s, d) if proto else None
    return key, family, s, d, nbytes, frag, reply, tcpflags


class Expected:
    """Flows and stats as tshark sees them.

    flows maps each key to its flows in order of creation: usually one, more
    if a TCP port was reused or the flow idled out and came back."""

    def __init__(self, capture):
        self.flows = collections.defaultdict(list)
        self.frames = 0
        self.parsed = 0
        self.unsupported = 0
        self.unattributed = 0
        self.features = set()
        self.last_ts = None
        frag_cache = {}
        for f in run_tshark(capture):
            self.frames += 1
            self.last_ts = max(self.last_ts or 0, ts_ns(f["frame.time_epoch"][0]))
            try:
                c = classify(f)
            except (IndexError, ValueError) as e:
                raise OracleError("frame %s: cannot classify (%r): %s"
                                  % (f["frame.number"][0], e, f["frame.protocols"]))
            if c is None:
                self.unsupported += 1
                self.features.add("unsupported")
                continue
            self.parsed += 1
            key, family, sender, receiver, nbytes, frag, reply, tcpflags = c
            ts = ts_ns(f["frame.time_epoch"][0])
            if frag and frag[0] == "later":
                hit = frag_cache.get(frag[1])
                if hit is None or ts - hit[2] > FRAG_TIMEOUT * NS:
                    self.unattributed += 1
                    continue
                key, sender, _ = hit
                self.features.add("frag%d" % family)
            elif frag:
                frag_cache[frag[1]] = (key, sender, ts)
            flow = self.current(key, ts, tcpflags, frag)
            if flow is None:
                flow = Flow(key, family, f["frame.number"][0], ts)
                flow.initiator = receiver if reply else sender
                self.flows[key].append(flow)
            flow.add(sender, nbytes, ts)
            if tcpflags:
                flow.tcp(sender == flow.initiator, *tcpflags)
            self.features.add("v%d" % family)
            self.features.add(key[0].split("/")[0])
            if key[1] is not None:
                self.features.add("vlan")
            proto = key[0]
            if proto in ICMP_ERRORS and key[2][1] == 0 and frag is None:
                # non-echo ICMP; is it an error that quotes a packet?
                typ = num(f[proto + ".type"][0])
                if typ in ICMP_ERRORS[proto]:
                    self.features.add("icmp-error")

        # "idle": some flow must time out, whether or not its key comes back.
        for fls in self.flows.values():
            timeout = fls[-1].timeout()
            if any(fl.end == "idle" for fl in fls) or (
                    timeout is not None and
                    self.last_ts - fls[-1].last_ts >= (timeout + EXPIRY_SLACK) * NS):
                self.features.add("idle")

    @property
    def nflows(self):
        return sum(len(fls) for fls in self.flows.values())

    def current(self, key, ts, tcpflags, frag):
        """The flow a packet at ts joins, or None if it starts a new one."""
        flow = self.flows[key][-1] if self.flows.get(key) else None
        if flow is None or (frag and frag[0] == "later"):
            return flow
        timeout = flow.timeout()
        if timeout is not None and ts - flow.last_ts >= (timeout + EXPIRY_SLACK) * NS:
            flow.end = "idle"
            return None
        if timeout is not None and ts - flow.last_ts >= timeout * NS:
            flow.ambiguous = True
        if (tcpflags and tcpflags[0] and not tcpflags[1]
                and flow.tcp_state in ("CLOSED", "TIME_WAIT", "RESET")):
            flow.end = "reused"
            self.features.add("reuse")
            return None
        return flow


def parse_time(s):
    """'2026-11-23T19:25:25.123456789Z' -> ns since the epoch."""
    if not s.endswith("Z"):
        raise ValueError("timestamp %r is not UTC ('Z')" % s)
    whole, _, frac = s[:-1].partition(".")
    dt = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S")
    secs = int(dt.replace(tzinfo=datetime.timezone.utc).timestamp())
    return secs * 1000000000 + int((frac + "000000000")[:9])


def fmt_time(ns):
    secs, frac = divmod(ns, 1000000000)
    dt = datetime.datetime.fromtimestamp(secs, datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % frac


def load_xdptop(path, problems):
    flows, stats = [], []
    with open(path) as fp:
        for n, line in enumerate(fp, 1):
            try:
                rec = json.loads(line)
            except ValueError as e:
                problems.append("output line %d is not JSON (%s): %.200s" % (n, e, line))
                continue
            kind = rec.get("type") if isinstance(rec, dict) else None
            if kind == "flow":
                if stats:
                    problems.append("output line %d: flow record after the stats record" % n)
                flows.append((n, rec))
            elif kind == "stats":
                stats.append(rec)
            else:
                problems.append("output line %d: unknown record type: %.200s" % (n, line))
    if len(stats) != 1:
        problems.append("expected exactly one stats record, got %d" % len(stats))
    return flows, (stats[-1] if stats else None)


def xdptop_key(rec):
    proto = rec["proto"]
    if proto == "other":
        proto = "other/%d" % rec["ipproto"]
    s, d = ep(rec["src"], rec["sport"]), ep(rec["dst"], rec["dport"])
    return FlowKey(proto, rec.get("vlan"), s, d), s, d


def describe(flow):
    return ", ".join("%s sent %d pkts/%d B" % (e, p, b) for e, (p, b) in sorted(flow.sent.items()))


def group_flows(exp, flows, problems, with_last):
    """xdptop's flow records by key; reports bad records and flows only one side has."""
    got = collections.defaultdict(list)
    for n, rec in flows:
        try:
            key, _, _ = xdptop_key(rec)
            rec["_first"] = parse_time(rec["first_seen"])
            if with_last:
                rec["_last"] = parse_time(rec["last_seen"])
        except (KeyError, ValueError, TypeError) as e:
            problems.append("output line %d: bad flow record (%r): %s" % (n, e, json.dumps(rec)))
            continue
        got[key].append((n, rec))
    for key in sorted(set(exp.flows) - set(got), key=str):
        for fl in exp.flows[key]:
            problems.append("missing flow %s (first frame #%s; %s)"
                            % (key, fl.first_frame, describe(fl)))
    for key in sorted(set(got) - set(exp.flows), key=str):
        for n, rec in got[key]:
            problems.append("extra flow %s (output line %d): %s" % (key, n, dumps(rec)))
    return got


def compare(exp, flows, stats, problems):
    got = group_flows(exp, flows, problems, with_last=True)

    for key in sorted(set(got) & set(exp.flows), key=str):
        fls = exp.flows[key]
        recs = sorted(got[key], key=lambda nr: (nr[1]["_first"], nr[0]))
        if len(fls) == len(recs) and not any(fl.ambiguous for fl in fls):
            for fl, (n, rec) in zip(fls, recs):
                compare_flow(exp, fl, n, rec, problems)
            continue
        if not any(fl.ambiguous for fl in fls):
            problems.append("flow %s: xdptop has %d records (lines %s), tshark %d flows "
                            "(first frames %s)"
                            % (key, len(recs), ", ".join(str(n) for n, _ in recs), len(fls),
                               ", ".join("#" + fl.first_frame for fl in fls)))
        # Whether xdptop ended the flow within the idle gap is a matter of
        # when it happened to look; the totals must agree either way.
        compare_totals(key, fls, recs, problems)

    check_order(flows, problems)
    if stats is not None:
        check_stats(exp, flows, stats, problems)


def dumps(rec):
    return json.dumps({k: v for k, v in rec.items() if not k.startswith("_")})


def compare_totals(key, fls, recs, problems):
    """Flows and records with the same key, compared in sum."""
    where = "flow %s" % (key,)
    want = collections.defaultdict(lambda: [0, 0])
    for fl in fls:
        for e, (p, b) in fl.sent.items():
            want[e][0] += p
            want[e][1] += b
    sent = collections.defaultdict(lambda: [0, 0])
    for n, rec in recs:
        _, s, d = xdptop_key(rec)
        sent[s][0] += rec.get("pkts_out", 0)
        sent[s][1] += rec.get("bytes_out", 0)
        sent[d][0] += rec.get("pkts_in", 0)
        sent[d][1] += rec.get("bytes_in", 0)
    for e in sorted(set(sent) | set(want)):
        if tuple(sent[e]) != tuple(want[e]):
            problems.append("%s: in all, from %s xdptop counts %d pkts/%d B, tshark %d pkts/%d B"
                            % (where, e, sent[e][0], sent[e][1], want[e][0], want[e][1]))
    first = min(r["_first"] for _, r in recs)
    last = max(r["_last"] for _, r in recs)
    if first != fls[0].first_ts or last != fls[-1].last_ts:
        problems.append("%s: seen %s .. %s, capture says %s .. %s"
                        % (where, fmt_time(first), fmt_time(last),
                           fmt_time(fls[0].first_ts), fmt_time(fls[-1].last_ts)))


def compare_flow(exp, fl, n, rec, problems):
    """One tshark flow against the xdptop record on output line n."""
    where = "flow %s (line %d)" % (fl.key, n)
    _, s, d = xdptop_key(rec)
    if rec.get("family") != fl.family:
        problems.append("%s: family %r, expected %d" % (where, rec.get("family"), fl.family))
    if s != fl.initiator:
        problems.append("%s: initiator is %s, but frame #%s makes it %s"
                        % (where, s, fl.first_frame, fl.initiator))
    got = {s: (rec.get("pkts_out"), rec.get("bytes_out")),
           d: (rec.get("pkts_in"), rec.get("bytes_in"))}
    for e in sorted(set(got) | set(fl.sent)):
        want = tuple(fl.sent[e]) if e in fl.sent else (0, 0)
        if got.get(e, (0, 0)) != want:
            problems.append("%s: from %s xdptop counts %s pkts/%s B, tshark %d pkts/%d B"
                            % ((where, e) + got.get(e, (0, 0)) + want))
    if rec["_first"] != fl.first_ts:
        problems.append("%s: first_seen %s, capture says %s"
                        % (where, fmt_time(rec["_first"]), fmt_time(fl.first_ts)))
    if rec["_last"] != fl.last_ts:
        problems.append("%s: last_seen %s, capture says %s"
                        % (where, fmt_time(rec["_last"]), fmt_time(fl.last_ts)))
    if rec.get("state") != fl.state:
        problems.append("%s: state %r, but its packets (first frame #%s) give %r"
                        % (where, rec.get("state"), fl.first_frame, fl.state))

    end = rec.get("end")
    if fl.end is not None:
        # A later flow with the same key replaced this one.
        if end != fl.end:
            problems.append("%s: \"end\":%s, expected %s"
                            % (where, json.dumps(end), json.dumps(fl.end)))
        return
    # The last flow of its key: did it idle out before the capture ended?
    timeout = fl.timeout()
    idle = (exp.last_ts - fl.last_ts) / NS
    if end not in (None, "idle"):
        problems.append("%s: unexpected \"end\":%s" % (where, json.dumps(end)))
    elif timeout is None:
        pass
    elif end == "idle" and idle < timeout:
        problems.append("%s: ended idle, but the capture continues only %.3f s after its "
                        "last packet (timeout %d s)" % (where, idle, timeout))
    elif end is None and idle >= timeout + EXPIRY_SLACK:
        problems.append("%s: not ended idle, though the capture continues %.3f s after its "
                        "last packet (timeout %d s)" % (where, idle, timeout))


def check_order(flows, problems):
    """Ended flows are printed as they end; the rest at the end, oldest first."""
    remaining = [(n, rec) for n, rec in flows if "end" not in rec]
    ended = [n for n, rec in flows if "end" in rec]
    if ended and remaining and max(ended) > remaining[0][0]:
        problems.append("output line %d: ended flow printed after the remaining flows"
                        % max(ended))
    try:
        seen = [(parse_time(rec["first_seen"]), n) for n, rec in remaining]
    except (KeyError, ValueError):
        return      # reported per flow
    for (t1, n1), (t2, n2) in zip(seen, seen[1:]):
        if t2 < t1:
            problems.append("output lines %d, %d: remaining flows not oldest first" % (n1, n2))
            break


def check_stats(exp, flows, stats, problems):
    ends = collections.Counter(rec.get("end") for _, rec in flows)
    want = {"packets": exp.frames, "parsed": exp.parsed, "unsupported": exp.unsupported,
            "malformed": 0, "fragments_unattributed": exp.unattributed,
            "flows": ends[None], "flows_total": len(flows),
            "flows_expired": ends["idle"], "flows_evicted": 0,
            "flows_reused": ends["reused"]}
    for name, value in want.items():
        if stats.get(name) != value:
            problems.append("stats %s = %r, expected %d" % (name, stats.get(name), value))
    bad = {k: v for k, v in (stats.get("malformed_by_reason") or {}).items() if v}
    if bad:
        problems.append("stats malformed_by_reason not all zero: %s" % json.dumps(bad))
    parts = [stats.get(k) for k in ("parsed", "unsupported", "malformed")]
    if all(isinstance(p, int) for p in parts) and sum(parts) != stats.get("packets"):
        problems.append("stats parsed + unsupported + malformed = %d != packets %r"
                        % (sum(parts), stats.get("packets")))


def dump(exp):
    """The tshark view in the schema's format, to diff against xdptop by hand."""
    allflows = [fl for fls in exp.flows.values() for fl in fls]
    for fl in sorted(allflows, key=lambda fl: fl.first_ts):
        proto, vlan, a, b = fl.key
        s = fl.initiator
        d = b if s == a else a
        rec = {"type": "flow", "proto": proto.split("/")[0], "family": fl.family,
               "src": str(s[0]), "sport": s[1], "dst": str(d[0]), "dport": d[1],
               "state": fl.state,
               "first_seen": fmt_time(fl.first_ts), "last_seen": fmt_time(fl.last_ts),
               "pkts_out": fl.sent[s][0], "bytes_out": fl.sent[s][1],
               "pkts_in": fl.sent[d][0], "bytes_in": fl.sent[d][1],
               "bps_out": 0.0, "bps_in": 0.0}
        if vlan is not None:
            rec["vlan"] = vlan
        if proto.startswith("other/"):
            rec["ipproto"] = int(proto.split("/")[1])
        if fl.end:
            rec["end"] = fl.end
        if fl.ambiguous:
            rec["ambiguous"] = True
        print(json.dumps(rec))
    print(json.dumps({"type": "stats", "packets": exp.frames, "parsed": exp.parsed,
                      "unsupported": exp.unsupported, "malformed": 0,
                      "malformed_by_reason": {},
                      "fragments_unattributed": exp.unattributed,
                      "flows": sum(1 for fl in allflows if not fl.end),
                      "flows_total": len(allflows),
                      "flows_expired": sum(1 for fl in allflows if fl.end == "idle"),
                      "flows_evicted": 0,
                      "flows_reused": sum(1 for fl in allflows if fl.end == "reused")}))


def load_live(path, problems):
    """Flows of a live run: ended flows plus the last table; (records, tables)."""
    recs = []
    with open(path) as fp:
        for n, line in enumerate(fp, 1):
            try:
                rec = json.loads(line)
            except ValueError as e:
                problems.append("output line %d is not JSON (%s): %.200s" % (n, e, line))
                continue
            kind = rec.get("type") if isinstance(rec, dict) else None
            if kind not in ("flow", "stats"):
                problems.append("output line %d: unknown record type: %.200s" % (n, line))
                continue
            recs.append((n, rec))
    stats = [i for i, (_, r) in enumerate(recs) if r["type"] == "stats"]
    if not stats:
        problems.append("no stats record: xdptop never printed a complete table")
        return [], 0
    start = stats[-2] + 1 if len(stats) > 1 else 0
    ended = [(n, r) for n, r in recs if r["type"] == "flow" and "end" in r]
    last = [(n, r) for n, r in recs[start:stats[-1]] if r["type"] == "flow" and "end" not in r]
    return ended + last, len(stats)


def compare_counts(exp, flows, problems):
    """Flow set, initiators and per-direction counters only."""
    got = group_flows(exp, flows, problems, with_last=False)
    for key in sorted(set(got) & set(exp.flows), key=str):
        fls = exp.flows[key]
        recs = sorted(got[key], key=lambda nr: (nr[1]["_first"], nr[0]))
        if len(fls) != len(recs):
            if not any(fl.ambiguous for fl in fls):
                problems.append("flow %s: xdptop has %d records (lines %s), tshark %d flows "
                                "(first frames %s)"
                                % (key, len(recs), ", ".join(str(n) for n, _ in recs),
                                   len(fls), ", ".join("#" + fl.first_frame for fl in fls)))
            want = collections.defaultdict(lambda: [0, 0])
            have = collections.defaultdict(lambda: [0, 0])
            for fl in fls:
                for e, (p, b) in fl.sent.items():
                    want[e][0] += p
                    want[e][1] += b
            for _, rec in recs:
                _, s, d = xdptop_key(rec)
                have[s][0] += rec.get("pkts_out", 0)
                have[s][1] += rec.get("bytes_out", 0)
                have[d][0] += rec.get("pkts_in", 0)
                have[d][1] += rec.get("bytes_in", 0)
            for e in sorted(set(have) | set(want)):
                if tuple(have[e]) != tuple(want[e]):
                    problems.append("flow %s: in all, from %s xdptop counts %d pkts/%d B, "
                                    "tshark %d pkts/%d B"
                                    % ((key, e) + tuple(have[e]) + tuple(want[e])))
            continue
        for fl, (n, rec) in zip(fls, recs):
            where = "flow %s (line %d)" % (fl.key, n)
            _, s, d = xdptop_key(rec)
            if s != fl.initiator:
                problems.append("%s: initiator is %s, but frame #%s makes it %s"
                                % (where, s, fl.first_frame, fl.initiator))
            have = {s: (rec.get("pkts_out"), rec.get("bytes_out")),
                    d: (rec.get("pkts_in"), rec.get("bytes_in"))}
            for e in sorted(set(have) | set(fl.sent)):
                want = tuple(fl.sent[e]) if e in fl.sent else (0, 0)
                if have.get(e, (0, 0)) != want:
                    problems.append("%s: from %s xdptop counts %s pkts/%s B, tshark %d pkts/%d B"
                                    % ((where, e) + have.get(e, (0, 0)) + want))


def main_counts(argv):
    """oracle.py --counts-only [--expect FEATURES] CAPTURE XDPTOP_JSONL"""
    expect = set()
    if len(argv) == 4 and argv[0] == "--expect":
        expect = set(argv[1].split(","))
        argv = argv[2:]
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    capture, output = argv
    exp = Expected(capture)
    problems = []
    missing = expect - exp.features
    if missing:
        problems.append("capture lacks expected traffic: %s (harness problem, not xdptop)"
                        % ", ".join(sorted(missing)))
    flows, tables = load_live(output, problems)
    compare_counts(exp, flows, problems)
    if problems:
        print("%d problem(s); tshark: %d flows in %d frames, xdptop: %d flow records"
              % (len(problems), exp.nflows, exp.frames, len(flows)))
        for p in problems:
            print(p)
        return 1
    print("%d flows in %d frames match tshark (counts only, %d tables)"
          % (exp.nflows, exp.frames, tables))
    return 0


def main(argv):
    expect = set()
    if len(argv) == 3 and argv[1] == "--dump":
        dump(Expected(argv[2]))
        return 0
    if len(argv) > 1 and argv[1] == "--counts-only":
        return main_counts(argv[2:])
    if len(argv) == 5 and argv[1] == "--expect":
        expect = set(argv[2].split(","))
        argv = argv[:1] + argv[3:]
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    capture, output = argv[1], argv[2]
    exp = Expected(capture)
    problems = []
    missing = expect - exp.features
    if missing:
        problems.append("capture lacks expected traffic: %s (harness problem, not xdptop)"
                        % ", ".join(sorted(missing)))
    flows, stats = load_xdptop(output, problems)
    compare(exp, flows, stats, problems)
    if problems:
        print("%d problem(s); tshark: %d flows in %d frames, xdptop: %d flow records"
              % (len(problems), exp.nflows, exp.frames, len(flows)))
        for p in problems:
            print(p)
        return 1
    print("%d flows in %d frames match tshark" % (exp.nflows, exp.frames))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OracleError, OSError) as e:
        print("oracle error: %s" % e)
        sys.exit(2)
