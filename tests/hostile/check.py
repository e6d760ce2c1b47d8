#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compare xdptop's counts with the hostile corpus manifest (tests/hostile/gen.py).

usage: check.py count MANIFEST PATH
           number of frames PATH (replay, xdp, pcap) sends
       check.py stats MANIFEST PATH JSONL
           the last stats record and the flows of xdptop's --json output
       check.py oracle MANIFEST JSONL V4_FAILS V6_FAILS
           fragment_overlap counted by xdptop for the oracle frames against the
           reassembly failures Linux counted for the same frames

stats checks, exactly: packets, parsed, unsupported, malformed and every
malformed reason ("malformed_by_reason"), fragments_unattributed, the DPI
rejections by protocol ("dpi": "malformed_by_protocol"), and that the flows
hold one packet per valid frame (ended flows plus the last table).

Prints "ok: ..." or "bad: ..." lines; exit status 0 when everything matched.
"""
import collections
import json
import sys


def frames(manifest, path, oracle=False):
    with open(manifest) as f:
        fr = json.load(f)["frames"]
    if oracle:
        return [x for x in fr if x["oracle"]]
    return [x for x in fr if path in x["paths"]]


def expected(fr):
    mal = collections.Counter(x["verdict"] for x in fr
                              if x["verdict"] not in ("ok", "orphan", "unsupported"))
    unsupported = sum(1 for x in fr if x["verdict"] == "unsupported")
    return {
        "packets": len(fr),
        "malformed": sum(mal.values()),
        "malformed_by_reason": dict(mal),
        "unsupported": unsupported,
        "parsed": len(fr) - unsupported - sum(mal.values()),
        "fragments_unattributed": sum(1 for x in fr if x["verdict"] == "orphan"),
        "dpi_malformed_by_protocol": dict(collections.Counter(x["dpi"] for x in fr if x["dpi"])),
        "flow_packets": sum(1 for x in fr if x["verdict"] == "ok"),
    }


def read_output(path):
    """The last stats record, and the flows: ended ones plus the last table."""
    stats, ended, table, last_table = None, [], [], []
    with open(path, errors="replace") as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("type") == "stats":
                stats, last_table, table = rec, table, []
            elif rec.get("type") == "flow":
                (ended if "end" in rec else table).append(rec)
    return stats, ended + last_table


def got_counts(stats, flows):
    dpi = stats.get("dpi", {})
    return {
        "packets": stats.get("packets"),
        "malformed": stats.get("malformed"),
        "malformed_by_reason": stats.get("malformed_by_reason"),
        "unsupported": stats.get("unsupported"),
        "parsed": stats.get("parsed"),
        "fragments_unattributed": stats.get("fragments_unattributed"),
        "dpi_malformed_by_protocol": dpi.get("malformed_by_protocol"),
        "flow_packets": sum(f["pkts_out"] + f["pkts_in"] for f in flows),
    }


def cmd_stats(manifest, path, jsonl):
    want = expected(frames(manifest, path))
    stats, flows = read_output(jsonl)
    if stats is None:
        print("bad: no stats record in the output")
        return 1
    got = got_counts(stats, flows)
    bad = [f"{k}: got {got[k]}, expected {want[k]}" for k in want if got[k] != want[k]]
    if bad:
        for b in bad:
            print("bad: " + b)
        return 1
    print(f"ok: {want['packets']} frames: {want['malformed']} malformed in "
          f"{len(want['malformed_by_reason'])} reasons, {want['unsupported']} unsupported, "
          f"{want['flow_packets']} in flows, {want['fragments_unattributed']} orphan fragment, "
          f"DPI rejections {want['dpi_malformed_by_protocol']}")
    return 0


def cmd_oracle(manifest, jsonl, v4_fails, v6_fails):
    fr = frames(manifest, None, oracle=True)
    want = sum(1 for x in fr if x["verdict"] == "fragment_overlap")
    stats, _ = read_output(jsonl)
    if stats is None:
        print("bad: no stats record in the output")
        return 1
    got = stats.get("malformed_by_reason", {}).get("fragment_overlap", 0)
    linux = int(v4_fails) + int(v6_fails)
    if got == linux == want:
        print(f"ok: xdptop fragment_overlap {got} = Linux reassembly failures {linux} "
              f"(IPv4 {v4_fails}, IPv6 {v6_fails}) = the manifest's {want}")
        return 0
    print(f"bad: xdptop fragment_overlap {got}, Linux reassembly failures {linux} "
          f"(IPv4 {v4_fails}, IPv6 {v6_fails}), the manifest {want}")
    return 1


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "count":
        print(len(frames(a[1], a[2])))
        return 0
    if len(a) == 4 and a[0] == "stats":
        return cmd_stats(a[1], a[2], a[3])
    if len(a) == 5 and a[0] == "oracle":
        return cmd_oracle(*a[1:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
