#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Readers of xdptop --json output for tests/sandbox/run.sh.

  check.py sandbox FILE          the last stats line's sandbox object: prints
                                 "STATE layer=state ..." (exit 1 if none)
  check.py packets FILE          packets counted over every flow of the last table
  check.py selftest FILE         the selftest lines: "attempt|result|errno" each
"""
import json
import sys


def lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            raw = raw.strip()
            if not raw.startswith("{"):
                continue
            try:
                yield json.loads(raw)
            except json.JSONDecodeError:
                continue


def tables(path):
    """Each table: the flow lines since the previous stats line, and its stats."""
    flows = []
    for o in lines(path):
        if o.get("type") == "flow":
            flows.append(o)
        elif o.get("type") == "stats":
            yield flows, o
            flows = []


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "sandbox":
        last = None
        for _, st in tables(path):
            if "sandbox" in st:
                last = st["sandbox"]
        if not last:
            return 1
        print(last["state"], " ".join(f"{k}={v['state']}" for k, v in last["layers"].items()))
        return 0
    if cmd == "packets":
        last = None
        for flows, _ in tables(path):
            last = flows
        if last is None:
            return 1
        print(sum(f.get("pkts_in", 0) + f.get("pkts_out", 0) for f in last))
        return 0
    if cmd == "selftest":
        for o in lines(path):
            if o.get("type") == "selftest":
                print(f"{o['attempt']}|{o['result']}|{o.get('errno', '')}")
        return 0
    print(f"check.py: unknown command {cmd}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
