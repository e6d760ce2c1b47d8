# SPDX-License-Identifier: GPL-2.0-only
"""Helpers for tests/kern/run.sh: read live xdptop output and bpftool JSON.

  check.py stat OUT.jsonl KEY
        print KEY of the last stats record ("" if absent)
  check.py bulk OUT.jsonl CAPTURE DPI MINBYTES IFPACKETS
        one bulk TCP download and nothing else. CAPTURE (tcpdump, any snaplen
        that keeps the headers) is read here directly, frame by frame, since
        tshark takes over a minute for a million frames: the flows in it, with
        their initiators and per-direction packets and IP-layer bytes, must
        equal xdptop's exactly; the stats record must count every frame,
        IFPACKETS (the interface counters' rx+tx delta) must equal the
        frames too, the download must have carried at least MINBYTES, and the
        prefix counts of each direction must be at most DPI (prefixes_in at
        least 1). Prints "ok: DETAIL" or "bad: WHY"; exit 0 / 1.
  check.py idle OUT.jsonl DPORT N
        the N flows to DPORT (refused connections: RESET, 5 s timeout) ended
        with "end":"idle" while xdptop ran, no flow ended "evicted" (the
        table never was full), and the last stats record agrees
        (flows_evicted 0, flows_expired >= N). "ok: ..." / "bad: ..."
  check.py objects PID
        the BPF objects PID holds: "link ID TYPE IFINDEX", "prog ID NAME" and
        "map ID NAME" lines (links from /proc/PID/fdinfo, their programs, the
        programs' maps from bpftool)
  check.py leftovers OBJECTS
        what of OBJECTS (the output of `objects`) still exists, plus any
        program named xdt_xdp or xdt_tc_egress that no process holds (an
        attached or pinned leftover; those of other running xdptops are
        held by them); one line each, exit 1 if anything is left
"""
import collections
import ipaddress
import json
import os
import struct
import subprocess
import sys


def records(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def final_flows(recs):
    """Flows that ended (printed once, with "end") plus the last table."""
    stats = [i for i, r in enumerate(recs) if r.get("type") == "stats"]
    if not stats:
        return None, None
    start = stats[-2] + 1 if len(stats) > 1 else 0
    ended = [r for r in recs if r.get("type") == "flow" and "end" in r]
    last = [r for r in recs[start:stats[-1]] if r.get("type") == "flow" and "end" not in r]
    return ended + last, recs[stats[-1]]


def cmd_stat(path, key):
    _, stats = final_flows(records(path))
    v = (stats or {}).get(key)
    print("" if v is None else v)
    return 0


def read_pcap(path):
    """Per-direction counts of a classic pcap file of Ethernet frames, and its
    frame count: {(proto, src, sport, dst, dport): [pkts, IP bytes]} for what
    the initiator (the first packet's sender) sent, the same key + ("in",)
    for the other way. Ports are 0 for all but unfragmented TCP and UDP."""
    flows = {}      # initiator-first key (+ "in" for the other way) -> [pkts, bytes]
    outward = {}    # directed key -> sent by the initiator?
    frames = 0
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            raise ValueError("%s: no pcap header" % path)
        magic = struct.unpack("<I", hdr[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            end = "<"
        elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
            end = ">"
        else:
            raise ValueError("%s: not a classic pcap file (magic %#x)" % (path, magic))
        if struct.unpack(end + "I", hdr[20:24])[0] != 1:
            raise ValueError("%s: not Ethernet" % path)
        rec = struct.Struct(end + "IIII")
        data = f.read()
    off = 0
    while off + 16 <= len(data):
        _, _, incl, _ = rec.unpack_from(data, off)
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        frames += 1
        l3 = 14
        etype = struct.unpack_from("!H", pkt, 12)[0]
        while etype in (0x8100, 0x88a8):
            etype = struct.unpack_from("!H", pkt, l3 + 2)[0]
            l3 += 4
        if etype == 0x0800:
            ihl = (pkt[l3] & 15) * 4
            nbytes, frag, proto = struct.unpack_from("!H2xHxB", pkt, l3 + 2)
            src, dst = pkt[l3 + 12:l3 + 16], pkt[l3 + 16:l3 + 20]
            l4 = l3 + ihl if frag & 0x3fff == 0 else None
        elif etype == 0x86dd:
            plen, proto = struct.unpack_from("!HB", pkt, l3 + 4)
            nbytes = 40 + plen
            src, dst = pkt[l3 + 8:l3 + 24], pkt[l3 + 24:l3 + 40]
            l4 = l3 + 40
        else:
            key = ("ethertype %#x" % etype,)
            flows.setdefault(key, [0, 0])[0] += 1
            continue
        sport = dport = 0
        if proto in (6, 17) and l4 is not None and len(pkt) >= l4 + 4:
            sport, dport = struct.unpack_from("!HH", pkt, l4)
        name = {6: "tcp", 17: "udp"}.get(proto, "ipproto %d" % proto)
        fwd, rev = (name, src, sport, dst, dport), (name, dst, dport, src, sport)
        if fwd not in outward:
            # The first packet of a flow: its sender is the initiator.
            outward[fwd], outward[rev] = True, False
        key = fwd if outward[fwd] else fwd + ("in",)
        c = flows.setdefault(key, [0, 0])
        c[0] += 1
        c[1] += nbytes
    if off != len(data):
        raise ValueError("%s: truncated record at offset %d" % (path, off + 24))
    # Addresses were kept as raw bytes (fast); name them now.
    named = {}
    for k, v in flows.items():
        if len(k) >= 5:
            k = (k[0], str(ipaddress.ip_address(k[1])), k[2],
                 str(ipaddress.ip_address(k[3])), k[4]) + k[5:]
        named[k] = v
    return named, frames


def cmd_bulk(path, capture, dpi, minbytes, ifpackets):
    dpi, minbytes, ifpackets = int(dpi), int(minbytes), int(ifpackets)
    flows, stats = final_flows(records(path))
    if flows is None:
        print("bad: no stats record in the output")
        return 1
    try:
        cap, frames = read_pcap(capture)
    except (OSError, ValueError, struct.error, IndexError) as e:
        print("bad: cannot read the capture (harness problem): %s" % e)
        return 1
    why = []
    # xdptop's view in the same shape: (proto, initiator..., responder...)
    got = {}
    for f in flows:
        k = (f.get("proto"), f.get("src"), f.get("sport"), f.get("dst"), f.get("dport"))
        got[k] = [f.get("pkts_out", 0), f.get("bytes_out", 0)]
        got[k[:1] + k[3:] + k[1:3] + ("in",)] = [f.get("pkts_in", 0), f.get("bytes_in", 0)]
    def name(k):
        if len(k) < 5:
            return k[0]
        if len(k) == 6:
            return "%s %s -> %s (responder to initiator)" % (
                k[0], endpoint(k[1], k[2]), endpoint(k[3], k[4]))
        return "%s %s -> %s (initiator to responder)" % (
            k[0], endpoint(k[1], k[2]), endpoint(k[3], k[4]))

    for k in sorted(set(cap) | set(got), key=str):
        want, have = cap.get(k), got.get(k)
        if want is None:
            why.append("xdptop has %s: %d pkts/%d B, the capture has no such flow "
                       "direction" % ((name(k),) + tuple(have)))
        elif have is None:
            why.append("capture has %s: %d pkts/%d B, xdptop has no such flow direction"
                       % ((name(k),) + tuple(want)))
        elif want != have:
            why.append("%s: xdptop %d pkts/%d B, capture %d pkts/%d B"
                       % ((name(k),) + tuple(have) + tuple(want)))
    tcp = [f for f in flows if f.get("proto") == "tcp"]
    if len(flows) != 1 or len(tcp) != 1:
        why.append("expected exactly one TCP flow, xdptop has %d flows" % len(flows))
    if stats.get("packets") != frames:
        why.append("stats packets %r, capture %d frames" % (stats.get("packets"), frames))
    if ifpackets != frames:
        why.append("interface counters %d packets, capture %d frames" % (ifpackets, frames))
    if not tcp:
        print("bad: " + "; ".join(why))
        return 1
    f = max(tcp, key=lambda f: f.get("bytes_in", 0))
    po, pi = f.get("prefixes_out", 0), f.get("prefixes_in", 0)
    if f.get("bytes_in", 0) < minbytes:
        why.append("bytes_in %d < %d downloaded" % (f.get("bytes_in", 0), minbytes))
    if po > dpi or pi > dpi:
        why.append("prefixes_out %d / prefixes_in %d exceed --dpi-packets %d" % (po, pi, dpi))
    if pi < 1 and dpi > 0:
        why.append("prefixes_in is 0: no payload prefix reached userspace")
    detail = ("out %d pkts/%d B, in %d pkts/%d B; prefixes out %d, in %d; "
              "prefix_records %s, prefix_lost %s, kernel_map_full %s"
              % (f["pkts_out"], f["bytes_out"], f["pkts_in"], f["bytes_in"], po, pi,
                 stats.get("prefix_records"), stats.get("prefix_lost"),
                 stats.get("kernel_map_full")))
    if why:
        print("bad: " + "; ".join(why[:6]) + " [xdptop: " + detail + "]")
        return 1
    print("ok: %d frames, every count equals the capture's; %s" % (frames, detail))
    return 0


def endpoint(addr, port):
    return ("[%s]:%s" if ":" in str(addr) else "%s:%s") % (addr, port)


def cmd_idle(path, dport, n):
    dport, n = int(dport), int(n)
    recs = records(path)
    flows, stats = final_flows(recs)
    if flows is None:
        print("bad: no stats record in the output")
        return 1
    refused = [f for f in flows if f.get("dport") == dport]
    ends = collections.Counter(f.get("end", "none (still in the table)") for f in refused)
    evicted = [f for f in flows if f.get("end") == "evicted"]
    why = []
    if len(refused) != n or ends["idle"] != n:
        why.append("the %d flows to port %d ended: %s" % (
            len(refused), dport, ", ".join("%s %d" % kv for kv in sorted(ends.items()))))
    if evicted:
        why.append("%d flows ended \"evicted\" (%s)" % (len(evicted), ", ".join(
            "%s %s %s" % (f.get("proto"), f.get("state"), endpoint(f.get("dst"), f.get("dport")))
            for f in evicted)))
    if stats.get("flows_evicted") != 0 or (stats.get("flows_expired") or 0) < n:
        why.append("stats flows_expired %s, flows_evicted %s" % (
            stats.get("flows_expired"), stats.get("flows_evicted")))
    if why:
        print("bad: " + "; ".join(why))
        return 1
    print("ok: %d refused connections ended idle; flows_expired %s, flows_evicted 0"
          % (n, stats.get("flows_expired")))
    return 0


def bpftool(kind):
    res = subprocess.run(["bpftool", "-j", kind, "show"], capture_output=True, text=True)
    try:
        return json.loads(res.stdout) or []
    except ValueError:
        return []


def fdinfo(pid):
    """The fdinfo dicts of PID's file descriptors."""
    d = "/proc/%s/fdinfo" % pid
    try:
        fds = os.listdir(d)
    except OSError:
        return
    for fd in fds:
        try:
            with open(os.path.join(d, fd)) as f:
                yield dict(l.rstrip("\n").split(":\t", 1) for l in f if ":\t" in l)
        except OSError:
            continue


def cmd_objects(pid):
    progs = {p["id"]: p for p in bpftool("prog")}
    maps = {m["id"]: m for m in bpftool("map")}
    ids = set()
    for info in fdinfo(pid):
        if "link_type" in info:
            print("link", info.get("link_id"), info["link_type"], info.get("ifindex", "-"))
        if "prog_id" in info:
            ids.add(int(info["prog_id"]))
    mids = set()
    for i in sorted(ids):
        print("prog", i, progs.get(i, {}).get("name", "?"))
        mids.update(progs.get(i, {}).get("map_ids", []))
    for i in sorted(mids):
        print("map", i, maps.get(i, {}).get("name", "?"))
    return 0


def cmd_leftovers(path):
    with open(path) as f:
        want = [l.split() for l in f if l.strip()]
    have = {"link": {str(x["id"]) for x in bpftool("link")}}
    progs = bpftool("prog")
    have["prog"] = {str(x["id"]) for x in progs}
    have["map"] = {str(x["id"]) for x in bpftool("map")}
    left = [" ".join(w) for w in want if w[1] in have.get(w[0], ())]
    ours = [p for p in progs if p.get("name") in ("xdt_xdp", "xdt_tc_egress")]
    if ours:
        held = set()
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                held.update(int(i["prog_id"]) for i in fdinfo(pid) if "prog_id" in i)
        left += ["prog %d %s (no process holds it)" % (p["id"], p["name"])
                 for p in ours if p["id"] not in held]
    for l in left:
        print(l)
    return 1 if left else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "stat":
        return cmd_stat(argv[2], argv[3])
    if len(argv) == 7 and argv[1] == "bulk":
        return cmd_bulk(*argv[2:])
    if len(argv) == 5 and argv[1] == "idle":
        return cmd_idle(*argv[2:])
    if len(argv) == 3 and argv[1] == "objects":
        return cmd_objects(argv[2])
    if len(argv) == 3 and argv[1] == "leftovers":
        return cmd_leftovers(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
