# SPDX-License-Identifier: GPL-2.0-only
"""Checks of the signals suite (tests/signals/run.sh).

Every subcommand prints what is wrong, one problem per line, and exits 1 if
anything is; otherwise it prints a one-line summary and exits 0.

  exit   --json OUT.jsonl --events EV.jsonl --pcapng P --prom PROM --nfdump CSV
         --after EPOCH
         what a stop by signal left behind: OUT ends in a stats record and every
         line is JSON; every line of EV is whole JSON, each connection's events
         open and close in turn, every flow that ended in OUT closed in EV with
         the same counters and end, every flow of the final table closed with
         "end":"exit" and the final table's counters; P reads cleanly with tshark
         (with the xdp backend, one packet per TCP and UDP prefix the flows count)
         and every connection in it has a line in P.connections.jsonl; PROM is
         well-formed text exposition written at or after EPOCH whose
         xdptop_packets_total is the final stats record's packets; the IPFIX
         records nfdump read (CSV) add up, per direction, to the final counters
         of every TCP and UDP flow
  events --json OUT.jsonl --events EV.jsonl
         the event log part of exit alone (the soak uses it)
  lines  FILE [--min N]
         every line of FILE is whole and JSON, at least N of them
"""

import argparse
import collections
import ipaddress
import json
import re
import subprocess
import sys

PROBLEMS = []


def problem(msg):
    PROBLEMS.append(msg)


def finish(ok_msg):
    if PROBLEMS:
        for p in PROBLEMS[:30]:
            print(p)
        if len(PROBLEMS) > 30:
            print(f"... and {len(PROBLEMS) - 30} more")
        sys.exit(1)
    print(ok_msg)
    sys.exit(0)


def norm(addr):
    return str(ipaddress.ip_address(addr))


def key(o):
    """The same key for both directions of a conversation."""
    ends = sorted([(norm(o["src"]), int(o.get("sport", 0))),
                   (norm(o["dst"]), int(o.get("dport", 0)))])
    return (o["proto"], ends[0], ends[1])


def counters(o):
    return (o["pkts_out"], o["bytes_out"], o["pkts_in"], o["bytes_in"])


def json_lines(path):
    """The objects of a JSON-lines file; a line that is cut or not JSON is a problem."""
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    tail = lines.pop()
    if tail:
        problem(f"{path}: ends in a partial line {tail[:60]!r}")
    out = []
    for n, line in enumerate(lines, 1):
        try:
            out.append(json.loads(line))
        except ValueError:
            problem(f"{path}:{n}: not JSON: {line[:80]!r}")
    return out


def final_output(path):
    """Flows that ended (with "end"), the last table's flows, the last stats record."""
    recs = json_lines(path)
    stats = [i for i, r in enumerate(recs) if r.get("type") == "stats"]
    if not stats or stats[-1] != len(recs) - 1:
        problem(f"{path}: does not end with a stats record (the final table is missing)")
        return [], [], {}
    start = stats[-2] + 1 if len(stats) > 1 else 0
    ended = [r for r in recs if r.get("type") == "flow" and "end" in r]
    last = [r for r in recs[start:stats[-1]] if r.get("type") == "flow" and "end" not in r]
    return ended, last, recs[stats[-1]]


def check_events(path, ended, last):
    events = json_lines(path)
    by = collections.defaultdict(list)
    kinds = collections.Counter()
    for ev in events:
        kinds[ev.get("event")] += 1
        if "flow" in ev:
            by[key(ev["flow"])].append(ev)
    # Each connection: opened, (app, process...), closed; again if the key is reused.
    for k, evs in by.items():
        open_ = False
        for ev in evs:
            e = ev["event"]
            if e == "connection_opened":
                if open_:
                    problem(f"{k}: connection_opened again before connection_closed")
                open_ = True
            elif e == "connection_closed":
                if not open_:
                    problem(f"{k}: connection_closed without connection_opened")
                open_ = False
            elif not open_:
                problem(f"{k}: {e} outside connection_opened..connection_closed")
        if open_:
            problem(f"{k}: opened, never closed (the log was not finished at exit)")
    closed = {k: [ev["flow"] for ev in evs if ev["event"] == "connection_closed"]
              for k, evs in by.items()}
    for o in ended:
        if not any(counters(c) == counters(o) and c.get("end") == o["end"]
                   for c in closed.get(key(o), [])):
            problem(f"{key(o)}: ended {o['end']} in the output {counters(o)}, "
                    "no connection_closed with those counters")
    for o in last:
        if not any(counters(c) == counters(o) and c.get("end") == "exit"
                   for c in closed.get(key(o), [])):
            problem(f"{key(o)}: in the final table {counters(o)}, no connection_closed "
                    "\"end\":\"exit\" with those counters")
    n_exit = sum(1 for cs in closed.values() for c in cs if c.get("end") == "exit")
    if n_exit != len(last):
        problem(f"{n_exit} connections closed \"exit\" in the log, {len(last)} flows in the "
                "final table")
    if not kinds["stats"]:
        problem(f"{path}: no stats event")
    return f"{len(events)} events ({kinds['connection_closed']} closed, {n_exit} at exit)"


TSHARK_FIELDS = ["ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "ip.proto", "ipv6.nxt",
                 "tcp.srcport", "udp.srcport", "tcp.dstport", "udp.dstport"]


def check_pcapng(path, flows, stats):
    r = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
                        "-E", "occurrence=f"] + sum([["-e", f] for f in TSHARK_FIELDS], []),
                       capture_output=True, text=True)
    err = "\n".join(line for line in r.stderr.splitlines()
                    if "Running as user" not in line and line.strip())
    if r.returncode != 0 or err:
        problem(f"tshark -r {path}: exit {r.returncode}: {err[:300]}")
    conns = set()
    n = 0
    for line in r.stdout.splitlines():
        v = dict(zip(TSHARK_FIELDS, line.split("\t")))
        n += 1
        src = v.get("ip.src") or v.get("ipv6.src")
        dst = v.get("ip.dst") or v.get("ipv6.dst")
        if v.get("tcp.srcport"):
            o = {"proto": "tcp", "sport": v["tcp.srcport"], "dport": v["tcp.dstport"]}
        elif v.get("udp.srcport"):
            o = {"proto": "udp", "sport": v["udp.srcport"], "dport": v["udp.dstport"]}
        else:
            continue
        o.update(src=src, dst=dst)
        conns.add(key(o))
    if not n:
        problem(f"{path}: no packets")
    # The xdp backend writes one packet per TCP or UDP payload prefix the kernel sent
    # up (ICMP prefixes are not written: no header to rebuild): all of them, to the end.
    want = sum(o.get("prefixes_out", 0) + o.get("prefixes_in", 0) for o in flows
               if o["proto"] in ("tcp", "udp"))
    if stats.get("backend") == "xdp" and n != want:
        problem(f"{path}: {n} packets; the flows of the output count {want} TCP and UDP "
                "prefixes")
    side = {key(o) for o in json_lines(path + ".connections.jsonl") if "src" in o}
    for k in sorted(conns - side):
        problem(f"{k}: packets in {path}, no line in its .connections.jsonl")
    return f"{n} packets of {len(conns)} connections, each in the sidecar"


SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})?'
                    r' -?[0-9.eE+-]+$')


def check_prom(path, stats, after):
    m = {}
    with open(path) as f:
        text = f.read()
    if not text.endswith("\n"):
        problem(f"{path}: does not end with a newline")
    for n, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        if not SAMPLE.match(line):
            problem(f"{path}:{n}: not a sample: {line[:80]!r}")
            continue
        name, _, value = line.rpartition(" ")
        m[name] = float(value)
    got = m.get("xdptop_packets_total")
    if got != stats.get("packets"):
        problem(f"{path}: xdptop_packets_total {got}, the final stats record says "
                f"{stats.get('packets')}")
    t = m.get("xdptop_last_update_timestamp_seconds", 0)
    if t < after:
        problem(f"{path}: last written at {t}, before the signal ({after}): no final write")
    return f"{len(m)} samples, packets_total {got}"


def check_nfdump(path, flows):
    with open(path) as f:
        lines = f.read().splitlines()
    if not lines:
        problem(f"{path}: empty (nfdump printed nothing)")
        return ""
    head = lines[0].split(",")
    sums = collections.defaultdict(lambda: [0, 0])
    n = 0
    for line in lines[1:]:
        if not line.strip() or line.startswith("Summary"):
            break
        v = dict(zip(head, line.split(",")))
        try:
            k = (v["pr"].strip().lower(), norm(v["sa"]), int(v["sp"]), norm(v["da"]),
                 int(v["dp"]))
        except (KeyError, ValueError):
            continue
        n += 1
        sums[k][0] += int(v["ipkt"])
        sums[k][1] += int(v["ibyt"])
    checked = 0
    for o in flows:
        if o["proto"] not in ("tcp", "udp"):
            continue
        fwd = (o["proto"], norm(o["src"]), o["sport"], norm(o["dst"]), o["dport"])
        back = (o["proto"], norm(o["dst"]), o["dport"], norm(o["src"]), o["sport"])
        want = ([o["pkts_out"], o["bytes_out"]], [o["pkts_in"], o["bytes_in"]])
        got = (sums.get(fwd, [0, 0]), sums.get(back, [0, 0]))
        if got != want:
            problem(f"{fwd}: IPFIX {got[0]} out, {got[1]} in; xdptop {want[0]} out, "
                    f"{want[1]} in")
        checked += 1
    if not checked:
        problem("no TCP or UDP flow to compare with the IPFIX records")
    return f"{n} IPFIX records add up to the final counters of {checked} flows"


def cmd_exit(a):
    ended, last, stats = final_output(a.json)
    parts = [f"final table of {len(last)} flows, {len(ended)} ended before"]
    parts.append(check_events(a.events, ended, last))
    parts.append(check_pcapng(a.pcapng, ended + last, stats))
    parts.append(check_prom(a.prom, stats, a.after))
    parts.append(check_nfdump(a.nfdump, ended + last))
    finish("; ".join(parts))


def cmd_events(a):
    ended, last, _ = final_output(a.json)
    finish(check_events(a.events, ended, last))


def cmd_lines(a):
    n = len(json_lines(a.file))
    if n < a.min:
        problem(f"{a.file}: {n} lines, expected at least {a.min}")
    finish(f"{n} lines, each whole JSON")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("exit")
    for opt in ("--json", "--events", "--pcapng", "--prom", "--nfdump"):
        p.add_argument(opt, required=True)
    p.add_argument("--after", type=float, required=True)
    p = sub.add_parser("events")
    p.add_argument("--json", required=True)
    p.add_argument("--events", required=True)
    p = sub.add_parser("lines")
    p.add_argument("file")
    p.add_argument("--min", type=int, default=1)
    a = ap.parse_args()
    {"exit": cmd_exit, "events": cmd_events, "lines": cmd_lines}[a.cmd](a)


if __name__ == "__main__":
    main()
