# SPDX-License-Identifier: GPL-2.0-only
"""Judge of the process attribution test (tests/proc/run.sh). Python 3 stdlib only.

    check_proc.py eval PHASE EXPECT CLIENT.jsonl SERVER.jsonl CLOSED_SENT CLOSED_PORT
        xdptop's flows against the ground truth run.sh wrote to EXPECT; prints
        PASS/FAIL/SKIP and note lines
    check_proc.py hooks BPFTOOL CGROOT PID
        the ids of the programs attached to the cgroup CGROOT that process PID holds
        (its bpf_link and program fds name their program in /proc/PID/fdinfo)
    check_proc.py attached BPFTOOL CGROOT ID...
        those of the program ids still attached to CGROOT, as "ID(name,type)"

EXPECT has one line per flow the test made, tab-separated:
    phase category proto src sport dst dport
    client_pid client_name client_uid client_user
    server_pid server_name server_uid server_user prestarted lifetime_us
sport is "*" when the test does not know it (ssh): such flows are matched by
(proto, src, dst, dport) and the owners of the group compared as a multiset.
server_pid is "-" when no process owns the server side (the closed port).
prestarted is 1 when the server was older than the xdptop of the phase.

Each flow is judged twice: in the client instance's output (the owner must be the
client) and in the server instance's (the owner must be the server).
"""

import collections
import ipaddress
import json
import os
import re
import statistics
import subprocess
import sys

THRESHOLD = 0.99
SHORT_US = 50000	# "short-lived": under 50 ms from socket() to close()
MIN_SHORT = 50

FIELDS = ("phase", "cat", "proto", "src", "sport", "dst", "dport",
          "cpid", "cname", "cuid", "cuser", "spid", "sname", "suid", "suser", "pre", "life")

Row = collections.namedtuple("Row", FIELDS)


def out(*lines):
    for line in lines:
        print(line)


def detail(items, limit=8):
    items = list(items)
    lines = ["    " + x for x in items[:limit]]
    if len(items) > limit:
        lines.append("    ... and %d more" % (len(items) - limit))
    return lines


def hostport(addr, port):
    return ("[%s]:%s" if ":" in addr else "%s:%s") % (addr, port)


def canon(addr):
    try:
        return str(ipaddress.ip_address(addr))
    except ValueError:
        return addr


def load_expect(path, phase):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != len(FIELDS):
                continue
            r = Row(*parts)
            if r.phase != phase:
                continue
            rows.append(r._replace(src=canon(r.src), dst=canon(r.dst)))
    return rows


def load_output(path):
    """(flows by 5-tuple, last stats record, records that did not parse)."""
    flows, stats, bad = {}, None, 0
    try:
        f = open(path, encoding="utf-8", errors="replace")
    except OSError:
        return flows, stats, -1
    with f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if rec.get("type") == "stats":
                stats = rec
            elif rec.get("type") == "flow":
                key = (rec.get("proto"), canon(str(rec.get("src"))), rec.get("sport"),
                       canon(str(rec.get("dst"))), rec.get("dport"))
                old = flows.get(key)
                # The same flow printed again: keep the newest that names a process.
                if old is None or "process" in rec or "process" not in old:
                    flows[key] = rec
    return flows, stats, bad


class Verdict:
    """The judgement of one expected flow on one side."""

    def __init__(self, row, side, want, status, got=None):
        self.row, self.side, self.want, self.status, self.got = row, side, want, status, got

    @property
    def ok(self):
        return self.status == "ok"

    def flow(self):
        r = self.row
        return "%s %s %s -> %s (%s side)" % (r.cat, r.proto, hostport(r.src, r.sport),
                                            hostport(r.dst, r.dport), self.side)

    def describe(self):
        what = self.flow()
        want = "no process" if self.want is None else \
            "pid %s name %s" % (self.want[0], self.want[1])
        if self.status == "missing":
            got = "no such flow in the output"
        elif self.status == "none":
            got = "no \"process\" member"
        else:
            got = json.dumps(self.got, sort_keys=True)
        return "%s: expected %s, got %s" % (what, want, got)


def owner(row, side):
    """(pid, name, uid, user) the flow must carry on SIDE, or None for no process."""
    if side == "client":
        return (int(row.cpid), row.cname, int(row.cuid), row.cuser)
    if row.spid == "-":
        return None
    return (int(row.spid), row.sname, int(row.suid), row.suser)


def same(proc, want):
    return proc is not None and proc.get("pid") == want[0] and proc.get("name") == want[1]


def judge(rows, flows, side):
    verdicts = []
    exact = set()
    for r in rows:
        if r.sport != "*":
            exact.add((r.proto, r.src, int(r.sport), r.dst, int(r.dport)))
    groups = collections.defaultdict(list)
    for r in rows:
        want = owner(r, side)
        if r.sport == "*":
            groups[(r.proto, r.src, r.dst, int(r.dport))].append(r)
            continue
        rec = flows.get((r.proto, r.src, int(r.sport), r.dst, int(r.dport)))
        verdicts.append(verdict_for(r, side, want, rec))
    for gkey, grows in groups.items():
        proto, src, dst, dport = gkey
        recs = [rec for k, rec in flows.items()
                if (k[0], k[1], k[3], k[4]) == gkey and k not in exact]
        pending = list(recs)
        # Right owners first, so that a right flow is never spent on a wrong row.
        left = []
        for r in grows:
            want = owner(r, side)
            hit = next((rec for rec in pending if want is None and "process" not in rec
                        or want is not None and same(rec.get("process"), want)), None)
            if hit is not None:
                pending.remove(hit)
                verdicts.append(verdict_for(r, side, want, hit))
            else:
                left.append(r)
        for r in left:
            rec = pending.pop(0) if pending else None
            verdicts.append(verdict_for(r, side, owner(r, side), rec))
    return verdicts


def verdict_for(row, side, want, rec):
    if rec is None:
        return Verdict(row, side, want, "missing")
    proc = rec.get("process")
    if want is None:
        return Verdict(row, side, want, "ok" if proc is None else "wrong", proc)
    if proc is None:
        return Verdict(row, side, want, "none")
    return Verdict(row, side, want, "ok" if same(proc, want) else "wrong", proc)


def figure(vs):
    n = len(vs)
    good = sum(v.ok for v in vs)
    return good, n, (100.0 * good / n if n else 0.0)


def by_category(vs):
    cats = collections.OrderedDict()
    for v in vs:
        cats.setdefault("%s/%s" % (v.row.cat, v.side[0]), []).append(v)
    return ", ".join("%s %d/%d" % (c, sum(v.ok for v in l), len(l)) for c, l in cats.items())


def closed_check(phase, side, stats, port, sent):
    name = "proc/%s/closed-port/%s" % (phase, side)
    key = "tcp/%d" % port
    if stats is None:
        out("FAIL %s: expected a stats record, got none" % name)
        return
    cp = stats.get("closed_ports")
    if not isinstance(cp, dict):
        out("FAIL %s: expected stats \"closed_ports\":{\"%s\":%d}, got no closed_ports member"
            % (name, key, sent))
        return
    got = cp.get(key)
    if sent < 20:
        out("FAIL %s: expected the test to send 20 SYNs to port %d, it sent %d (harness)"
            % (name, port, sent))
    elif got != sent:
        out("FAIL %s: expected closed_ports[\"%s\"] == %d (SYNs sent, each refused once), got %s"
            % (name, key, sent, json.dumps(got)))
    else:
        out("PASS %s (%s: %d)" % (name, key, got))


def evaluate(phase, expect, cpath, spath, closed_sent, closed_port):
    rows = load_expect(expect, phase)
    if not rows:
        out("FAIL proc/%s/ground-truth: expected flows made by the test, got none" % phase)
        return
    cflows, cstats, cbad = load_output(cpath)
    sflows, sstats, sbad = load_output(spath)
    for side, bad, path in (("client", cbad, cpath), ("server", sbad, spath)):
        if bad < 0:
            out("FAIL proc/%s/output/%s: expected xdptop's output in %s, got no file"
                % (phase, side, path))
        elif bad:
            out("FAIL proc/%s/output/%s: expected JSON lines, got %d that do not parse"
                % (phase, side, bad))

    cv = judge(rows, cflows, "client")
    sv = judge(rows, sflows, "server")
    allv = cv + sv
    out("note: %s: %d flows made by the test (%s)" % (
        phase, len(rows), ", ".join("%s %d" % kv for kv in
                                    collections.Counter(r.cat for r in rows).items())))

    # Every flow is there, whoever owns it: the scenario itself worked.
    missing = [v for v in allv if v.status == "missing"]
    if missing:
        out("FAIL proc/%s/flows-seen: expected all %d flows (client and server side) in "
            "xdptop's output, got %d missing" % (phase, len(allv), len(missing)),
            *detail(v.describe() for v in missing))
    else:
        out("PASS proc/%s/flows-seen (%d client side, %d server side)" % (phase, len(cv), len(sv)))

    owned = [v for v in allv if v.want is not None]
    if phase == "kernel":
        scored = [v for v in owned if not (v.side == "server" and v.row.pre == "1")]
    else:
        scored = owned
    good, n, pct = figure(scored)
    out("note: %s: %d/%d flows attributed correctly (%.1f%%)" % (phase, good, n, pct))
    out("note: %s: by category (category/side): %s" % (phase, by_category(scored)))
    methods = collections.Counter(
        (v.got or {}).get("method", "?") for v in scored if v.ok)
    out("note: %s: methods of the right ones: %s" % (
        phase, ", ".join("%s %d" % kv for kv in sorted(methods.items())) or "none"))
    wrong = [v for v in scored if not v.ok]
    # The most common kinds of miss, to tell a naming problem from a wrong owner.
    pid_only = collections.Counter(
        (v.want[1], str(v.got.get("name"))) for v in wrong
        if v.status == "wrong" and v.got.get("pid") == v.want[0])
    if pid_only:
        out("note: %s: right pid but another name: %s" % (phase, ", ".join(
            "%d x %s as %s" % (n, json.dumps(w), json.dumps(g))
            for (w, g), n in pid_only.most_common())))
    kinds = collections.Counter(v.status for v in wrong)
    if wrong:
        out("note: %s: misses: %s" % (phase, ", ".join(
            "%d %s" % (n, {"wrong": "with another process", "none": "with no process",
                           "missing": "not in the output"}[k])
            for k, n in kinds.most_common())))

    prestarted = [v for v in owned if v.side == "server" and v.row.cat == "hold"]
    if phase == "kernel":
        if n and pct >= 100 * THRESHOLD:
            out("PASS proc/kernel/accuracy (%d/%d, %.1f%%)" % (good, n, pct))
        else:
            out("FAIL proc/kernel/accuracy: expected >= %.0f%% of %d flows with the right pid "
                "and full name, got %d (%.1f%%)" % (100 * THRESHOLD, n, good, pct),
                *detail(v.describe() for v in wrong))

        right = [v for v in scored if v.ok]
        kern = [v for v in right if v.got.get("method") == "kernel"]
        if right and len(kern) >= THRESHOLD * len(right):
            out("PASS proc/kernel/method (%d/%d say \"kernel\")" % (len(kern), len(right)))
        else:
            out("FAIL proc/kernel/method: expected >= %.0f%% of the %d rightly attributed flows "
                "to say \"method\":\"kernel\", got %d" % (100 * THRESHOLD, len(right), len(kern)),
                *detail(v.describe() for v in right if v not in kern))

        # uid and user of every flow whose pid and name are right.
        bad = [v for v in owned if v.ok and (v.got.get("uid") != v.want[2]
                                            or v.got.get("user") != v.want[3])]
        if not right:
            out("FAIL proc/kernel/user: expected uid and user on rightly attributed flows, "
                "got no rightly attributed flow")
        elif bad:
            out("FAIL proc/kernel/user: expected uid and user of the process (e.g. uid %d "
                "user %s), got %d flows with others" % (bad[0].want[2], bad[0].want[3], len(bad)),
                *detail("%s: got uid %s user %s" % (v.flow(),
                        json.dumps(v.got.get("uid")), json.dumps(v.got.get("user")))
                        for v in bad))
        else:
            n_other = sum(1 for v in owned if v.ok and v.want[2] != 0)
            out("PASS proc/kernel/user (%d flows, %d of them not root's)"
                % (sum(1 for v in owned if v.ok), n_other))

        short = [r for r in rows if r.cat == "tcp-short"]
        lives = sorted(int(r.life) for r in short if r.life.isdigit())
        under = [r for r in short if r.life.isdigit() and int(r.life) < SHORT_US]
        if lives:
            out("note: kernel: short connections: %d, lifetime median %.1f ms, max %.1f ms"
                % (len(lives), statistics.median(lives) / 1000, lives[-1] / 1000))
        under_set = set(id(r) for r in under)
        sv_short = [v for v in scored if id(v.row) in under_set]
        sgood = sum(v.ok for v in sv_short)
        if len(under) < MIN_SHORT:
            out("FAIL proc/kernel/short-lived-made: expected >= %d connections living under "
                "%d ms, got %d (harness)" % (MIN_SHORT, SHORT_US // 1000, len(under)))
        else:
            out("PASS proc/kernel/short-lived-made (%d connections under %d ms)"
                % (len(under), SHORT_US // 1000))
        if not sv_short:
            out("FAIL proc/kernel/short-lived: expected short-lived connections to judge, got none")
        elif sgood < THRESHOLD * len(sv_short):
            out("FAIL proc/kernel/short-lived: expected >= %.0f%% of the %d sides of %d "
                "connections under %d ms attributed, got %d"
                % (100 * THRESHOLD, len(sv_short), len(under), SHORT_US // 1000, sgood),
                *detail(v.describe() for v in sv_short if not v.ok))
        else:
            out("PASS proc/kernel/short-lived (%d connections under %d ms, %d/%d sides right)"
                % (len(under), SHORT_US // 1000, sgood, len(sv_short)))

        pre_ok = [v for v in prestarted if v.ok and v.got.get("method") in ("sock_diag", "kernel")]
        if prestarted and len(pre_ok) == len(prestarted):
            out("PASS proc/kernel/prestarted (%d accepted flows; methods %s)" % (
                len(pre_ok), ",".join(sorted(set(v.got["method"] for v in pre_ok)))))
        else:
            out("FAIL proc/kernel/prestarted: expected all %d accepted flows of the server "
                "started before xdptop to name it (sock_diag or kernel), got %d"
                % (len(prestarted), len(pre_ok)),
                *detail(v.describe() for v in prestarted if v not in pre_ok))

        unowned = [v for v in sv if v.want is None and v.status != "missing"]
        badu = [v for v in unowned if not v.ok]
        if not unowned:
            out("FAIL proc/kernel/closed-unowned: expected the refused connections in the "
                "server's output, got none")
        elif badu:
            out("FAIL proc/kernel/closed-unowned: expected no process on the %d refused "
                "connections (nobody listens), got %d with one" % (len(unowned), len(badu)),
                *detail(v.describe() for v in badu))
        else:
            out("PASS proc/kernel/closed-unowned (%d flows)" % len(unowned))
    else:
        out("note: fallback: short-lived flows come and go between two socket snapshots; "
            "only the figure is reported")
        kern = [(k, rec) for fl in (cflows, sflows) for k, rec in fl.items()
                if (rec.get("process") or {}).get("method") == "kernel"]
        if kern:
            out("FAIL proc/fallback/method: expected no \"method\":\"kernel\" with "
                "--no-kernel-proc, got %d flows with it" % len(kern),
                *detail(json.dumps(rec, sort_keys=True) for _, rec in kern))
        else:
            out("PASS proc/fallback/method (no flow says \"kernel\")")
        pre_ok = [v for v in prestarted if v.ok]
        if prestarted and len(pre_ok) == len(prestarted):
            out("PASS proc/fallback/prestarted (%d long-lived flows)" % len(pre_ok))
        else:
            out("FAIL proc/fallback/prestarted: expected all %d long-lived flows of the server "
                "started before xdptop to name it, got %d" % (len(prestarted), len(pre_ok)),
                *detail(v.describe() for v in prestarted if v not in pre_ok))

    closed_check(phase, "client", cstats, closed_port, closed_sent)
    closed_check(phase, "server", sstats, closed_port, closed_sent)


# --- bpftool ------------------------------------------------------------------

def cgroup_progs(bpftool, cgroot):
    try:
        res = subprocess.run([bpftool, "cgroup", "show", cgroot, "--json"],
                             capture_output=True, text=True, timeout=20, check=False)
        data = json.loads(res.stdout or "[]")
    except (OSError, ValueError, subprocess.SubprocessError):
        return {}
    return {p["id"]: p for p in data if isinstance(p, dict) and "id" in p}


def held_progs(pid):
    ids = set()
    base = "/proc/%s/fdinfo" % pid
    try:
        names = os.listdir(base)
    except OSError:
        return ids
    for n in names:
        try:
            with open(os.path.join(base, n), encoding="utf-8", errors="replace") as f:
                m = re.search(r"^prog_id:\s*(\d+)", f.read(), re.M)
        except OSError:
            continue
        if m:
            ids.add(int(m.group(1)))
    return ids


def main(argv):
    if len(argv) >= 2 and argv[1] == "hooks" and len(argv) == 5:
        progs = cgroup_progs(argv[2], argv[3])
        print(" ".join(str(i) for i in sorted(held_progs(argv[4]) & set(progs))))
        return 0
    if len(argv) >= 4 and argv[1] == "attached":
        progs = cgroup_progs(argv[2], argv[3])
        left = [int(x) for x in argv[4:] if x.isdigit() and int(x) in progs]
        print(" ".join("%d(%s,%s)" % (i, progs[i].get("name"), progs[i].get("attach_type"))
                       for i in left))
        return 0
    if len(argv) == 8 and argv[1] == "eval":
        evaluate(argv[2], argv[3], argv[4], argv[5], int(argv[6]), int(argv[7]))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
