# SPDX-License-Identifier: GPL-2.0-only
"""Checks of the logs-and-exports suite (tests/export/run.sh).

Every subcommand prints what is wrong, one problem per line, and exits 1 if
anything is; it prints a one-line summary and exits 0 otherwise.

  pcap      --files F... --sidecars S... --oracle ORACLE.pcap --expect EXPECT.tsv
            --json OUT.jsonl --mode pcap|xdp [--min-files N]
  ipfix     --nfdump NFDUMP.csv --json OUT.jsonl --expect EXPECT.tsv
  prom      --scrape METRICS.txt --json OUT.jsonl
  jsonlog   --log EVENTS.jsonl --json OUT.jsonl --expect EXPECT.tsv [--killed]

EXPECT.tsv: one connection per line, made by a client whose pid and name the
test knows: proto src sport dst dport pid name.
"""

import argparse
import collections
import ipaddress
import json
import subprocess
import sys

PROBLEMS = []


def problem(msg):
    PROBLEMS.append(msg)


def finish(ok_msg):
    if PROBLEMS:
        for p in PROBLEMS[:40]:
            print(p)
        if len(PROBLEMS) > 40:
            print(f"... and {len(PROBLEMS) - 40} more")
        sys.exit(1)
    print(ok_msg)
    sys.exit(0)


def norm(addr):
    return str(ipaddress.ip_address(addr))


def tuple_key(proto, a, ap, b, bp):
    """The same key for both directions of a conversation."""
    ends = sorted([(norm(a), int(ap)), (norm(b), int(bp))])
    return (proto, ends[0], ends[1])


def load_expect(path):
    exp = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            proto, src, sport, dst, dport, pid, name = line.split("\t")
            exp.append({"proto": proto, "src": norm(src), "sport": int(sport),
                        "dst": norm(dst), "dport": int(dport), "pid": int(pid),
                        "name": name.strip(),
                        "key": tuple_key(proto, src, sport, dst, dport)})
    if not exp:
        problem(f"{path}: no connections expected (the clients did nothing?)")
    return exp


def load_json(path):
    """The --json output: flow lines by key (the last one wins) and the last stats line."""
    flows, ended, stats = {}, collections.defaultdict(list), None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            try:
                o = json.loads(line)
            except ValueError:
                problem(f"{path}:{n}: not JSON: {line[:80]!r}")
                continue
            if o.get("type") == "stats":
                stats = o
            elif o.get("type") == "flow" and o.get("sport") is not None:
                k = tuple_key(o["proto"], o["src"], o["sport"], o["dst"], o["dport"])
                flows[k] = o
                if "end" in o:
                    ended[k].append(o)
    if stats is None:
        problem(f"{path}: no stats line")
    return flows, ended, stats


TSHARK_FIELDS = ["frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
                 "tcp.srcport", "udp.srcport", "tcp.dstport", "udp.dstport",
                 "frame.len", "frame.cap_len", "http.host"]


def tshark(path):
    """Packets of a capture as dicts; the problems tshark reports are ours."""
    r = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
                        "-E", "occurrence=f"] + sum([["-e", f] for f in TSHARK_FIELDS], []),
                       capture_output=True, text=True)
    err = "\n".join(line for line in r.stderr.splitlines()
                    if "Running as user" not in line and line.strip())
    if r.returncode != 0 or err:
        problem(f"tshark -r {path}: exit {r.returncode}: {err[:300]}")
    pkts = []
    for line in r.stdout.splitlines():
        v = dict(zip(TSHARK_FIELDS, line.split("\t")))
        src = v.get("ip.src") or v.get("ipv6.src")
        dst = v.get("ip.dst") or v.get("ipv6.dst")
        proto = "tcp" if v.get("tcp.srcport") else "udp" if v.get("udp.srcport") else None
        p = {"ts": float(v["frame.time_epoch"]), "len": int(v["frame.len"]),
             "caplen": int(v["frame.cap_len"]), "host": v.get("http.host", ""),
             "key": None, "from": None}
        if src and dst and proto:
            sp = v[proto + ".srcport"]
            dp = v[proto + ".dstport"]
            p["key"] = tuple_key(proto, src, sp, dst, dp)
            p["from"] = (norm(src), int(sp))
        pkts.append(p)
    return pkts


def descriptions(path):
    r = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "frame.interface_description",
                        "-c", "1"], capture_output=True, text=True)
    return r.stdout.strip()


def cmd_pcap(a):
    exp = load_expect(a.expect)
    flows, _, stats = load_json(a.json)
    per_file = [tshark(f) for f in a.files]
    oracle = tshark(a.oracle)
    if len(a.files) < a.min_files:
        problem(f"{len(a.files)} capture file(s), expected at least {a.min_files} (--pcap-rotate)")
    if len(a.sidecars) != len(a.files):
        problem(f"{len(a.files)} capture files but {len(a.sidecars)} sidecars")
    total = sum(len(p) for p in per_file)
    # No packet lost or written twice at a switch: time runs on across the files.
    last = None
    for f, pkts in zip(a.files, per_file):
        if not pkts:
            problem(f"{f}: no packets (every rotated file gets at least one)")
            continue
        if last is not None and pkts[0]["ts"] < last:
            problem(f"{f}: starts at {pkts[0]['ts']}, before the previous file's last packet {last}")
        last = pkts[-1]["ts"]
    by_key = collections.Counter(p["key"] for pkts in per_file for p in pkts)
    orc_key = collections.Counter(p["key"] for p in oracle)
    if a.mode == "pcap":
        if stats is not None and total != stats["packets"]:
            problem(f"{total} packets in the files, but xdptop received {stats['packets']}")
        for e in exp:
            if by_key[e["key"]] != orc_key[e["key"]]:
                problem(f"{e['proto']} {e['src']}:{e['sport']} -> {e['dst']}:{e['dport']}: "
                        f"{by_key[e['key']]} packets exported, tcpdump saw {orc_key[e['key']]}")
    else:
        desc = descriptions(a.files[0])
        if "rebuilt" not in desc:
            problem(f"the interface description does not say the headers are rebuilt: {desc!r}")
        for e in exp:
            if not by_key[e["key"]]:
                problem(f"{e['proto']} {e['src']}:{e['sport']} -> {e['dst']}:{e['dport']}: "
                        "no payload prefix exported")
        for pkts in per_file:
            for p in pkts:
                if p["caplen"] > p["len"]:
                    problem(f"a packet with caplen {p['caplen']} > len {p['len']}")
    # HTTP requests are real bytes: tshark finds the Host header in them.
    hosts = {p["host"] for pkts in per_file for p in pkts if p["host"]}
    if a.http_host and a.http_host not in hosts:
        problem(f"no exported packet dissects as HTTP with Host {a.http_host} (saw {hosts})")
    # Join: every connection's packets name its process through the sidecar of their file.
    joined = 0
    for f, s, pkts in zip(a.files, a.sidecars, per_file):
        side = {}
        with open(s) as fh:
            for n, line in enumerate(fh, 1):
                try:
                    o = json.loads(line)
                except ValueError:
                    problem(f"{s}:{n}: not JSON")
                    continue
                side[tuple_key(o["proto"], o["src"], o["sport"], o["dst"], o["dport"])] = o
        keys = {p["key"] for p in pkts}
        for e in exp:
            if e["key"] not in keys:
                continue
            o = side.get(e["key"])
            if o is None:
                problem(f"{f}: packets of {e['proto']} {e['src']}:{e['sport']} -> "
                        f"{e['dst']}:{e['dport']} but no line for it in {s}")
                continue
            proc = o.get("process", {})
            if proc.get("pid") != e["pid"] or proc.get("name") != e["name"]:
                problem(f"{s}: {e['proto']} {e['src']}:{e['sport']} -> {e['dst']}:{e['dport']}"
                        f" is pid {proc.get('pid')} {proc.get('name')!r}, the client was "
                        f"{e['pid']} {e['name']!r}")
                continue
            joined += 1
    for e in exp:
        if not any(e["key"] in {p["key"] for p in pkts} for pkts in per_file):
            problem(f"no exported packet of {e['proto']} {e['src']}:{e['sport']} -> "
                    f"{e['dst']}:{e['dport']}")
    finish(f"{total} packets in {len(a.files)} file(s); {len(exp)} connections, "
           f"{joined} file/connection joins to the right process")


def nfdump_csv(path):
    """Records of `nfdump -o csv`: header names the columns; the summary after a blank line."""
    recs = []
    with open(path) as f:
        lines = f.read().splitlines()
    if not lines:
        problem(f"{path}: empty (nfdump printed nothing)")
        return recs
    head = lines[0].split(",")
    for line in lines[1:]:
        if not line.strip() or line.startswith("Summary"):
            break
        v = dict(zip(head, line.split(",")))
        if "sa" not in v or "pr" not in v:
            continue
        recs.append(v)
    return recs


def cmd_ipfix(a):
    exp = load_expect(a.expect)
    flows, _, _ = load_json(a.json)
    recs = nfdump_csv(a.nfdump)
    sums = collections.defaultdict(lambda: [0, 0])
    for r in recs:
        proto = r["pr"].strip().lower()
        try:
            k = (proto, norm(r["sa"]), int(r["sp"]), norm(r["da"]), int(r["dp"]))
        except ValueError:
            continue
        sums[k][0] += int(r["ipkt"])
        sums[k][1] += int(r["ibyt"])
    for e in exp:
        f = flows.get(e["key"])
        if f is None:
            problem(f"xdptop has no flow for {e['proto']} {e['src']}:{e['sport']} -> "
                    f"{e['dst']}:{e['dport']}")
            continue
        out = sums.get((e["proto"], e["src"], e["sport"], e["dst"], e["dport"]), [0, 0])
        back = sums.get((e["proto"], e["dst"], e["dport"], e["src"], e["sport"]), [0, 0])
        want_out = [f["pkts_out"], f["bytes_out"]]
        want_in = [f["pkts_in"], f["bytes_in"]]
        if f["src"] != e["src"]:	# xdptop saw the other side start it
            want_out, want_in = want_in, want_out
        if out != want_out or back != want_in:
            problem(f"{e['proto']} {e['src']}:{e['sport']} -> {e['dst']}:{e['dport']}: "
                    f"nfdump {out[0]} pkts/{out[1]} B out, {back[0]}/{back[1]} in; xdptop "
                    f"{want_out[0]}/{want_out[1]} out, {want_in[0]}/{want_in[1]} in")
    finish(f"{len(recs)} IPFIX records at the collector; {len(exp)} connections match "
           "xdptop's packet and byte counts in both directions")


def parse_metrics(path):
    """Prometheus text format as node_exporter serves it: {(name, labels): value}."""
    m = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name_labels, _, value = line.rpartition(" ")
            if "{" in name_labels:
                name, _, rest = name_labels.partition("{")
                labels = tuple(sorted(
                    (kv.split("=", 1)[0], kv.split("=", 1)[1].strip('"'))
                    for kv in rest.rstrip("}").split('",') if kv))
                labels = tuple((k, v.rstrip('"')) for k, v in labels)
            else:
                name, labels = name_labels, ()
            m[(name, labels)] = float(value)
    return m


def cmd_prom(a):
    m = parse_metrics(a.scrape)
    flows, _, stats = load_json(a.json)
    if m.get(("node_textfile_scrape_error", ())) != 0:
        problem(f"node_textfile_scrape_error is {m.get(('node_textfile_scrape_error', ()))}")
    if stats is None:
        finish("")

    def want(name, value, labels=()):
        got = m.get((name, labels))
        if got is None:
            problem(f"{name}{dict(labels)} missing from the scrape")
        elif got != value:
            problem(f"{name}{dict(labels)} = {got}, JSON stats say {value}")

    want("xdptop_packets_total", stats["packets"])
    want("xdptop_packets_unsupported_total", stats["unsupported"])
    want("xdptop_flows", stats["flows"])
    want("xdptop_flows_created_total", stats["flows_total"])
    want("xdptop_flows_expired_total", stats["flows_expired"])
    want("xdptop_flows_evicted_total", stats["flows_evicted"])
    mal = sum(v for (n, _), v in m.items() if n == "xdptop_packets_malformed_total")
    if mal != stats["malformed"]:
        problem(f"malformed packets: {mal} in the metrics, {stats['malformed']} in the stats")
    if "prefix_lost" in stats:
        want("xdptop_prefix_lost_total", stats["prefix_lost"])
        want("xdptop_kernel_map_full_total", stats["kernel_map_full"])
    if "capture_dropped" in stats:
        want("xdptop_capture_dropped_total", stats["capture_dropped"], (("where", "kernel"),))
    for layer, v in stats["sandbox"]["layers"].items():
        want("xdptop_sandbox_layer", 1, tuple(sorted((("layer", layer), ("state", v["state"])))))
    want("xdptop_sandbox_full", 1 if stats["sandbox"]["state"] == "full" else 0)
    # The processes of live flows, from the final table's flow lines.
    final = [o for o in flows.values() if "end" not in o]
    by = collections.defaultdict(int)
    for o in final:
        if "process" in o:
            by[o["process"]["name"]] += o["bytes_out"] + o["bytes_in"]
    for name, b in by.items():
        if (("xdptop_process_bytes", (("process", name),))) in m:
            want("xdptop_process_bytes", b, (("process", name),))
    if a.process and a.process not in by:
        problem(f"no live flow of process {a.process} in the final table")
    elif a.process:
        want("xdptop_process_bytes", by[a.process], (("process", a.process),))
    finish(f"{len(m)} series scraped by node_exporter's textfile collector without error; "
           "values match the JSON stats")


def cmd_jsonlog(a):
    with open(a.log, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    tail = lines.pop()	# after the last newline: b"" unless a line was cut
    events = []
    for n, line in enumerate(lines, 1):
        try:
            events.append(json.loads(line))
        except ValueError:
            problem(f"{a.log}:{n}: not JSON: {line[:80]!r}")
    if tail:
        if not a.killed:
            problem(f"{a.log}: ends in a partial line {tail[:60]!r}")
    if a.killed:
        finish(f"{len(events)} complete events, each valid JSON; "
               f"{'one partial line at the end' if tail else 'no partial line'}")
    exp = load_expect(a.expect)
    flows, ended, stats = load_json(a.json)
    by = collections.defaultdict(lambda: collections.defaultdict(list))
    kinds = collections.Counter()
    for ev in events:
        kinds[ev.get("event")] += 1
        if ev.get("type") != "event" or "time" not in ev:
            problem(f"not an event line: {str(ev)[:80]}")
            continue
        if "flow" in ev:
            o = ev["flow"]
            if o.get("type") != "flow":
                problem(f"event {ev['event']}: its flow is not a --json flow object")
                continue
            if o.get("sport") is None:
                continue
            by[tuple_key(o["proto"], o["src"], o["sport"], o["dst"], o["dport"])][ev["event"]].append(o)
    if not kinds["stats"]:
        problem("no stats event")
    for e in exp:
        evs = by.get(e["key"])
        what = f"{e['proto']} {e['src']}:{e['sport']} -> {e['dst']}:{e['dport']}"
        if not evs or not evs["connection_opened"]:
            problem(f"{what}: no connection_opened")
            continue
        named = [o for k in ("connection_opened", "process_attributed") for o in evs[k]
                 if o.get("process")]
        if not named:
            problem(f"{what}: neither connection_opened nor process_attributed names a process")
        elif named[0]["process"]["pid"] != e["pid"] or named[0]["process"]["name"] != e["name"]:
            problem(f"{what}: the event names {named[0]['process']}, the client was "
                    f"{e['pid']} {e['name']}")
    # Every flow that ended in --json ended in the log, with the same final counters.
    closed = 0
    for k, ends in ended.items():
        got = by.get(k, {}).get("connection_closed", [])
        for o in ends:
            match = [c for c in got if c["pkts_out"] == o["pkts_out"] and
                     c["bytes_out"] == o["bytes_out"] and c["pkts_in"] == o["pkts_in"] and
                     c["bytes_in"] == o["bytes_in"] and c.get("end") == o["end"]]
            if not match:
                problem(f"{k}: ended in --json ({o['end']}, {o['pkts_out']}/{o['pkts_in']} pkts)"
                        f" but no connection_closed with those counters")
            else:
                closed += 1
    if closed < a.min_closed:
        problem(f"{closed} connections closed in the log, expected at least {a.min_closed}")
    if a.app and not any(ev.get("event") == "app_detected" and
                         a.app in json.dumps(ev.get("flow", {}).get("app", {})) for ev in events):
        problem(f"no app_detected event mentions {a.app!r}")
    finish(f"{len(events)} events, each valid JSON ({dict(kinds)}); {len(exp)} connections "
           f"opened with their process; {closed} closed with their final counters")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pcap")
    p.add_argument("--files", nargs="+", required=True)
    p.add_argument("--sidecars", nargs="+", required=True)
    p.add_argument("--oracle", required=True)
    p.add_argument("--expect", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--mode", choices=["pcap", "xdp"], required=True)
    p.add_argument("--min-files", type=int, default=1)
    p.add_argument("--http-host", default="")
    p = sub.add_parser("ipfix")
    p.add_argument("--nfdump", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--expect", required=True)
    p = sub.add_parser("prom")
    p.add_argument("--scrape", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--process", default="")
    p = sub.add_parser("jsonlog")
    p.add_argument("--log", required=True)
    p.add_argument("--json", default="")
    p.add_argument("--expect", default="")
    p.add_argument("--killed", action="store_true")
    p.add_argument("--app", default="")
    p.add_argument("--min-closed", type=int, default=0)
    a = ap.parse_args()
    {"pcap": cmd_pcap, "ipfix": cmd_ipfix, "prom": cmd_prom, "jsonlog": cmd_jsonlog}[a.cmd](a)


if __name__ == "__main__":
    main()
