#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Read xdptop --json from stdin as it comes, cheaply enough to keep up with a flood.

    reader.py OUTDIR [--expect SUBSTRING] [--keep-table]

OUTDIR/stats.tsv   every stats record, prefixed with its arrival time (time.time(),
                   the clock `date +%s.%N` reads) and a tab, written as it arrives
OUTDIR/reader.json at EOF: flow lines seen, ended ones by kind, flows that ended
                   twice (same 5-tuple), lines without SUBSTRING (with the first of
                   them), other lines
OUTDIR/flows.jsonl with --keep-table, at EOF: the flows of the last table (the one
                   the final stats record closes) and every flow line with "end"

Flow lines are not parsed here (a flood prints hundreds of thousands a second):
--expect is a byte-substring test, e.g. the exact counters every flow must have.
"""
import json
import os
import sys
import time


def main():
    out = sys.argv[1]
    args = sys.argv[2:]
    expect = None
    keep = False
    while args:
        a = args.pop(0)
        if a == "--expect":
            expect = args.pop(0).encode()
        elif a == "--keep-table":
            keep = True
        else:
            sys.exit(f"reader.py: unknown argument {a}")
    flows = other = bad = 0
    first_bad = None
    ended = {}
    ended_keys = set()
    twice = 0
    first_twice = None
    cur, table, ends = [], [], []
    with open(os.path.join(out, "stats.tsv"), "w") as st:
        for line in sys.stdin.buffer:
            if line.startswith(b'{"type":"stats"'):
                st.write(f"{time.time():.6f}\t{line.decode()}")
                st.flush()
                if keep:
                    table, cur = cur, []
                continue
            if not line.startswith(b'{"type":"flow"'):
                other += 1
                continue
            flows += 1
            if expect is not None and expect not in line:
                bad += 1
                if first_bad is None:
                    first_bad = line.decode(errors="replace").strip()
            i = line.rfind(b'"end":"')
            if i >= 0:
                kind = line[i + 7:line.index(b'"', i + 7)].decode()
                ended[kind] = ended.get(kind, 0) + 1
                # Protocol, addresses and ports: the line up to "state".
                h = hash(line[:line.index(b',"state"')])
                if h in ended_keys:
                    twice += 1
                    if first_twice is None:
                        first_twice = line.decode(errors="replace").strip()
                ended_keys.add(h)
                if keep:
                    ends.append(line)
            elif keep:
                cur.append(line)
    if keep:
        with open(os.path.join(out, "flows.jsonl"), "wb") as f:
            f.writelines(table)
            f.writelines(ends)
    with open(os.path.join(out, "reader.json"), "w") as f:
        json.dump({"flow_lines": flows, "ended": ended, "ended_twice": twice,
                   "first_ended_twice": first_twice, "unexpected": bad,
                   "first_unexpected": first_bad, "other_lines": other}, f)


if __name__ == "__main__":
    main()
