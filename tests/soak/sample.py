# SPDX-License-Identifier: GPL-2.0-only
"""The soak's observer and its report (tests/soak/run.sh).

  sample.py watch PID DIR [EVERY]
      reads xdptop's --json output on stdin. Every table (flows, then a stats
      record) is checked as it arrives: a flow whose last packet is older than its
      idle timeout (xdptop(8) "Flow timeouts", plus SLACK) is stuck, and counted.
      Every EVERY seconds (default 5) one line goes to DIR/samples.jsonl: the time,
      VmRSS and VmHWM of PID (kB, /proc/PID/status), its open descriptors
      (/proc/PID/fd), its threads, its CPU time (/proc/PID/stat), the flows in the table and the stats record's
      totals, the oldest flow relative to its timeout, the stuck flows so far.
      Flows printed with "end" are kept in DIR/final.jsonl, followed at the end
      (EOF) by the last table and its stats record, for the event log's check.
  sample.py report DIR WARMUP [--markdown]
      the figures of DIR/samples.jsonl after WARMUP seconds, and the verdict:
      RSS growth (largest sample after the warm-up over the first one after it)
      under 1 %, no descriptor growth (none after the warm-up above its first
      sample), no stuck flow at any time, xdptop alive to the end. Exit 0 or 1.
"""
import json
import os
import sys
import time
from datetime import datetime

# Idle timeouts of xdptop(8) "Flow timeouts", in seconds.
TCP = {"SYN_SENT": 60, "SYN_RECV": 60, "ESTABLISHED": 600, "FIN_WAIT": 120,
       "CLOSE_WAIT": 120, "TIME_WAIT": 30, "CLOSED": 5, "RESET": 5}
# Expiry runs once a second, and a table is printed once an interval (1 s): a flow
# can be seen up to about 2 s past its timeout; 3 s leaves room for scheduling.
SLACK = 3.0


def timeout(f):
    p = f["proto"]
    if p == "tcp":
        return TCP.get(f["state"], 60)
    if p == "udp":
        if f["state"] == "CLOSING":
            return 5
        if f.get("sport") == 53 or f.get("dport") == 53:
            return 30
        return 60
    if p in ("icmp", "icmpv6", "arp"):
        return 30
    return 60


def rfc3339(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def proc(pid):
    st = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                st[k] = v.split()[0] if v.split() else ""
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, fields 14 and 15 of /proc/PID/stat (after the comm).
    cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return {"rss_kb": int(st["VmRSS"]), "hwm_kb": int(st["VmHWM"]), "fds": fds,
            "threads": int(st["Threads"]), "cpu_s": round(cpu, 2)}


def watch(pid, d, every):
    out = open(os.path.join(d, "samples.jsonl"), "w", buffering=1)
    final = open(os.path.join(d, "final.jsonl"), "w")
    t0 = time.time()
    next_at = t0
    table, last_table, stuck, tables, worst = [], [], 0, 0, 0.0
    stuck_seen = []
    last_stats = None
    for line in sys.stdin:
        try:
            r = json.loads(line)
        except ValueError:
            print("not JSON from xdptop: %r" % line[:80], file=sys.stderr)
            continue
        if r.get("type") == "flow":
            if "end" in r:
                final.write(line)
            else:
                table.append(r)
            continue
        if r.get("type") != "stats":
            continue
        now = time.time()
        tables += 1
        last_stats = r
        oldest = 0.0
        for f in table:
            age = now - rfc3339(f["last_seen"])
            lim = timeout(f)
            oldest = max(oldest, age / lim)
            if age > lim + SLACK:
                stuck += 1
                worst = max(worst, age - lim)
                if len(stuck_seen) < 20:
                    stuck_seen.append({"age": round(age, 1), "timeout": lim, "flow": f})
        last_table = table
        table = []
        if now >= next_at:
            p = proc(pid)
            s = {"t": round(now - t0, 1), "flows": len(last_table), "stuck": stuck,
                 "tables": tables, "oldest_vs_timeout": round(oldest, 3),
                 "flows_total": r.get("flows_total"), "flows_expired": r.get("flows_expired"),
                 "flows_evicted": r.get("flows_evicted"), "packets": r.get("packets"),
                 "prefix_lost": r.get("prefix_lost"), "map_full": r.get("kernel_map_full")}
            if p:
                s.update(p)
            out.write(json.dumps(s) + "\n")
            next_at += every
    for f in last_table:
        final.write(json.dumps(f) + "\n")
    if last_stats:
        final.write(json.dumps(last_stats) + "\n")
    final.close()
    with open(os.path.join(d, "stuck.json"), "w") as f:
        json.dump({"stuck": stuck, "tables": tables, "worst_overdue_s": round(worst, 1),
                   "examples": stuck_seen}, f, indent=1)


def report(d, warmup, markdown):
    with open(os.path.join(d, "samples.jsonl")) as f:
        samples = [json.loads(l) for l in f if l.strip()]
    with open(os.path.join(d, "stuck.json")) as f:
        stuck = json.load(f)
    live = [s for s in samples if "rss_kb" in s]
    after = [s for s in live if s["t"] >= warmup]
    bad = []
    if len(after) < 3:
        print("fewer than 3 samples after the warm-up: nothing to judge")
        return 1
    first, last = after[0], after[-1]
    rss_max = max(s["rss_kb"] for s in after)
    growth = 100.0 * (rss_max - first["rss_kb"]) / first["rss_kb"]
    fd_max = max(s["fds"] for s in after)
    flows = [s["flows"] for s in after]
    dur = last["t"] - first["t"]
    made = (last["flows_total"] - first["flows_total"]) / dur if dur else 0
    if growth >= 1.0:
        bad.append(f"RSS grew {growth:.2f} % after the warm-up ({first['rss_kb']} -> {rss_max} kB)")
    if fd_max > first["fds"]:
        bad.append(f"descriptors grew after the warm-up ({first['fds']} -> {fd_max})")
    if stuck["stuck"]:
        bad.append(f"{stuck['stuck']} flow sightings past their timeout (worst "
                   f"{stuck['worst_overdue_s']} s over): {json.dumps(stuck['examples'][:3])}")
    figures = [
        ("run", f"{samples[-1]['t']:.0f} s, warm-up {warmup:.0f} s, {len(after)} samples after it"),
        ("RSS", f"{live[0]['rss_kb']} kB at the first sample, {first['rss_kb']} kB at the end of "
                f"the warm-up, {last['rss_kb']} kB at the end, largest after the warm-up "
                f"{rss_max} kB: growth {growth:+.2f} %"),
        ("peak RSS (VmHWM)", f"{last['hwm_kb']} kB"),
        ("descriptors", f"{first['fds']} after the warm-up, at most {fd_max}, {last['fds']} at the end"),
        ("threads", f"{last['threads']}"),
        ("CPU", f"{last['cpu_s'] - first['cpu_s']:.1f} s of xdptop over the {dur:.0f} s after "
                f"the warm-up ({100 * (last['cpu_s'] - first['cpu_s']) / dur:.1f} % of one CPU), "
                f"{last['cpu_s']:.1f} s in all"),
        ("flows in the table", f"{min(flows)} to {max(flows)} after the warm-up "
                               f"(mean {sum(flows) / len(flows):.0f})"),
        ("flows made", f"{last['flows_total']} in all, {made:.1f} per second after the warm-up; "
                       f"{last['flows_expired']} expired, {last['flows_evicted']} evicted"),
        ("packets", f"{last['packets']} ({last.get('prefix_lost')} prefixes lost, "
                    f"{last.get('map_full')} kernel map full)"),
        ("tables checked for stuck flows", f"{stuck['tables']}: {stuck['stuck']} flows past "
                                           f"their timeout (+{SLACK:.0f} s); oldest flow at "
                                           f"{max(s['oldest_vs_timeout'] for s in after):.2f} "
                                           "of its timeout"),
    ]
    if markdown:
        print("| | |\n|---|---|")
        for k, v in figures:
            print(f"| {k} | {v} |")
    else:
        for k, v in figures:
            print(f"{k}: {v}")
    for b in bad:
        print("FAIL: " + b)
    return 1 if bad else 0


def main(argv):
    if len(argv) in (4, 5) and argv[1] == "watch":
        watch(int(argv[2]), argv[3], float(argv[4]) if len(argv) == 5 else 5.0)
        return 0
    if len(argv) in (4, 5) and argv[1] == "report":
        return report(argv[2], float(argv[3]), len(argv) == 5 and argv[4] == "--markdown")
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
