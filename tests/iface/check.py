# SPDX-License-Identifier: GPL-2.0-only
"""Checks xdptop's JSON output against what tests/iface/run.sh sent.

  check.py OUT.json SRC DST DPORT RX_DELTA LAST_SPORT SPORT:COUNT...

Each SPORT:COUNT is a UDP flow SRC:SPORT -> DST:DPORT of COUNT datagrams that
the sender sent while the link was up: xdptop must report exactly COUNT
packets from the initiator (the flow's final record, or its row in the last
table). RX_DELTA ("-" to skip) is the interface's rx_packets delta around the
flow LAST_SPORT, sent after the interface was created again: the two must
agree, so the re-attached capture missed nothing.
"""
import json
import sys


def main():
    out, src, dst, dport, rx_delta, last_sport = sys.argv[1:7]
    want = dict((int(a), int(b)) for a, b in (x.split(":") for x in sys.argv[7:]))
    got = {}
    stats = 0
    with open(out) as f:
        for line in f:
            r = json.loads(line)
            if r["type"] == "stats":
                stats += 1
            if (r["type"] == "flow" and r["proto"] == "udp" and r["src"] == src
                    and r["dst"] == dst and r["dport"] == int(dport)
                    and r["sport"] in want):
                # Ended flows are final; otherwise the latest table wins.
                if "end" in r or r["sport"] not in got or "end" not in got[r["sport"]]:
                    got[r["sport"]] = r
    bad = []
    for sport, count in sorted(want.items()):
        r = got.get(sport)
        n = r["pkts_out"] if r else 0
        if n != count:
            bad.append("flow from port %d: xdptop %d packets, sent %d" % (sport, n, count))
    if rx_delta != "-":
        r = got.get(int(last_sport))
        n = r["pkts_out"] if r else 0
        if n != int(rx_delta):
            bad.append("after re-creation: xdptop %d packets, the interface's rx_packets %s"
                       % (n, rx_delta))
    if stats < 2:
        bad.append("only %d stats lines" % stats)
    for b in bad:
        print(b)
    if not bad:
        print("%d flows exact" % len(want))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
