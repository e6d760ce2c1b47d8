# SPDX-License-Identifier: GPL-2.0-only
"""Checks a live xdptop JSON run against independent counts.

usage: check.py OUT.jsonl COUNTERS.json PING.txt CURL_BYTES

COUNTERS.json: {"packets": delta of rx+tx packets, "bytes": delta of rx+tx bytes}
of the monitored veth, read from /sys/class/net; PING.txt: ping's own summary;
CURL_BYTES: what curl says it downloaded. Prints one PASS/FAIL line per check and
exits 1 if any failed.
"""
import json
import re
import sys

ETH_HLEN = 14  # veth frames are untagged Ethernet, never padded


def final_flows(lines):
    """Flows that ended (printed once, with "end") plus the last table printed."""
    records = [json.loads(l) for l in lines if l.strip()]
    stats_idx = [i for i, r in enumerate(records) if r["type"] == "stats"]
    if not stats_idx:
        raise SystemExit("FAIL live: no stats record in the output")
    start = stats_idx[-2] + 1 if len(stats_idx) > 1 else 0
    ended = [r for r in records if r["type"] == "flow" and "end" in r]
    last = [r for r in records[start:stats_idx[-1]] if r["type"] == "flow" and "end" not in r]
    return ended + last, records[stats_idx[-1]], len(stats_idx)


def main():
    out, counters, ping, curl_bytes = sys.argv[1:5]
    with open(out) as f:
        flows, stats, tables = final_flows(f.readlines())
    with open(counters) as f:
        kern = json.load(f)
    with open(ping) as f:
        m = re.search(r"(\d+) packets transmitted, (\d+) received", f.read())
    sent, recvd = int(m.group(1)), int(m.group(2))
    failed = 0

    def check(name, ok, detail):
        nonlocal failed
        print(("PASS" if ok else "FAIL") + " live/" + name + ": " + detail)
        failed += not ok

    check("packets-match-interface-counters", stats["packets"] == kern["packets"],
          "xdptop %d, kernel %d" % (stats["packets"], kern["packets"]))
    ip_bytes = kern["bytes"] - ETH_HLEN * kern["packets"]
    got = sum(f["bytes_out"] + f["bytes_in"] for f in flows)
    check("bytes-match-interface-counters", got == ip_bytes,
          "xdptop %d IP-layer bytes, kernel %d" % (got, ip_bytes))
    check("nothing-malformed", stats["malformed"] == 0, "malformed %d" % stats["malformed"])
    icmp = [f for f in flows if f["proto"] == "icmp"]
    check("ping-counts", len(icmp) == 1 and icmp[0]["pkts_out"] == sent
          and icmp[0]["pkts_in"] == recvd,
          "ping says %d sent, %d received; xdptop %s" % (
              sent, recvd, [(f["pkts_out"], f["pkts_in"]) for f in icmp]))
    tcp = [f for f in flows if f["proto"] == "tcp"]
    ok = len(tcp) == 1 and tcp[0]["state"] in ("CLOSED", "TIME_WAIT") \
        and tcp[0]["bytes_in"] > int(curl_bytes)
    check("curl-flow", ok, "curl downloaded %s bytes; xdptop %s" % (
        curl_bytes, [(f["state"], f["bytes_in"]) for f in tcp]))
    check("periodic-tables", tables >= 3, "%d tables printed" % tables)
    sys.exit(1 if failed else 0)


main()
