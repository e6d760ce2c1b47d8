#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks of tests/flood/run.sh on what tests/flood/reader.py kept of xdptop's output.

    check.py flood DIR KEY=VALUE...   a flood of new tuples
    check.py ring DIR KEY=VALUE...    a burst of FLOWS flows x PER_FLOW frames
    check.py tuples SEED FLOWS udp|syn   print the generator's tuples (for a look)

Prints one line per check: "ok|fail <TAB> name <TAB> detail", and "info <TAB> text".
The oracles: the interface's rx_packets delta (`ip -s -j link`), and the tuples
the generator sends, computed here the way bench/xdp_gen.bpf.c computes them.
"""
import json
import os
import sys

M32 = 0xFFFFFFFF
DPI_BUDGET = 64 << 20	# XDT_DPI_STATE_BUDGET (user/dpi/dpi.h)


def mix(x):
    """murmur3's 32-bit finaliser, as xdp_gen.bpf.c's mix()."""
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & M32
    x ^= x >> 13
    x = (x * 0xC2B2AE35) & M32
    x ^= x >> 16
    return x


def gen_tuple(t, seed, udp, dst):
    """(src, sport, dst, dport) of tuple index t: what the flow line must say."""
    s = mix((t ^ seed) & M32)
    src = f"10.213.{s >> 24}.{(s >> 16) & 255}"
    dport = 20000 + mix(s ^ 0x5BD1E995) % 40000 if udp else 80
    return (src, s & 0xFFFF, dst, dport)


def load_stats(d):
    out = []
    with open(os.path.join(d, "stats.tsv")) as f:
        for line in f:
            t, _, js = line.partition("\t")
            out.append((float(t), json.loads(js)))
    return out


def say(kind, name, detail):
    print(f"{kind}\t{name}\t{detail}")


def check(ok, name, detail):
    say("ok" if ok else "fail", name, detail)


def args_of(argv):
    a = {}
    for kv in argv:
        k, _, v = kv.partition("=")
        a[k] = v
    return a


def flood(d, a):
    tag = a["tag"]
    iv = float(a["interval"])
    gs, ge, stop = float(a["gen_start"]), float(a["gen_end"]), float(a["stop"])
    maxf = int(a["max_flows"])
    rx = int(a["rx"])
    backend = a["backend"]
    stats = load_stats(d)
    with open(os.path.join(d, "reader.json")) as f:
        rd = json.load(f)
    if not stats:
        check(False, f"{tag}-json-every-interval", "no stats record at all")
        return
    final = stats[-1][1]
    periodic = [t for t, _ in stats if t < stop]
    gaps = [b - a for a, b in zip(periodic, periodic[1:])]
    worst = max(gaps) if gaps else float("inf")
    late = [(round(a - gs, 2), round(b - a, 2)) for a, b in zip(periodic, periodic[1:])
            if b - a > 2 * iv]
    ok = (len(periodic) >= 2 and periodic[0] <= gs + 2 * iv and periodic[-1] >= ge and not late)
    check(ok, f"{tag}-json-every-interval",
          f"{len(periodic)} stats records before SIGINT over {periodic[-1] - periodic[0]:.1f} s, "
          f"flood {ge - gs:.1f} s; largest gap {worst:.2f} s (limit {2 * iv:.1f} s)"
          + (f"; first at flood+{periodic[0] - gs:.2f} s" if periodic else "")
          + (f"; late (at flood+s, gap s): {late[:5]}" if late else ""))

    mf = max(s["flows"] for _, s in stats)
    if backend == "pcap":
        check(mf <= maxf, f"{tag}-bounds-kept",
              f"largest table {mf} (--max-flows {maxf}) over {len(stats)} stats records")
    else:
        # A read of the map while the flood churns it meets entries that were never in
        # it together (evicted behind the reader, created ahead of it): only a read of
        # a still map is its size. The kernel keeps the preallocated map within
        # max_entries; what xdptop configured is in the fdinfo of its descriptor.
        kmax = int(a["kmap_max"]) if a.get("kmap_max") else -1
        mk = max(s.get("kernel_flows", 0) for _, s in stats)
        still = [s["kernel_flows"] for t, s in stats if t > ge + iv]
        ok = mf <= maxf and kmax == maxf and still and max(still) <= maxf
        check(ok, f"{tag}-bounds-kept",
              f"largest table {mf} over {len(stats)} stats records; kernel map max_entries "
              f"{kmax} (fdinfo); kernel_flows after the flood {still}, largest read during "
              f"it {mk} (--max-flows {maxf})")

    bad = [s for _, s in stats
           if s["flows_total"] - s["flows_expired"] - s["flows_evicted"] - s["flows_reused"]
           != s["flows"]]
    check(not bad, f"{tag}-flow-counters-add-up",
          "flows_total - flows_expired - flows_evicted - flows_reused == flows in every record"
          if not bad else f"{len(bad)} records where not, e.g. {json.dumps(bad[0])[:300]}")

    fs = final
    if backend == "pcap":
        # Every frame is a new tuple: each one the engine read made a flow.
        ok = (fs["flows_total"] == fs["packets"] and fs["flows_evicted"] > 0 and
              fs["flows_evicted"] == fs["flows_total"] - fs["flows"] - fs["flows_expired"])
        check(ok, f"{tag}-evictions-counted",
              f"flows_total {fs['flows_total']} for {fs['packets']} packets read (each a new "
              f"tuple); flows_evicted {fs['flows_evicted']}, in table {fs['flows']}, "
              f"expired {fs['flows_expired']}")
        drops = fs.get("capture_dropped", 0) + fs.get("capture_if_dropped", 0)
        ok = fs["packets"] + drops == rx
        check(ok, f"{tag}-packets-and-drops-equal-interface",
              f"read {fs['packets']} + dropped {fs.get('capture_dropped')} + if_dropped "
              f"{fs.get('capture_if_dropped')} = {fs['packets'] + drops}; interface rx_packets "
              f"delta {rx}")
    else:
        created, full = fs["kernel_flows_created"], fs["kernel_map_full"]
        ev = fs["kernel_flows_evicted"]
        # Past twice the map, the LRU must have evicted, and xdptop seen some go.
        ok = (created + full == fs["packets"] and ev >= created - maxf and
              ev + fs["kernel_flows"] <= created and
              (created <= 2 * maxf or (ev > 0 and fs["flows_evicted"] > 0)))
        check(ok, f"{tag}-evictions-counted",
              f"kernel: {created} flows created + {full} map full = {created + full} for "
              f"{fs['packets']} packets (each a new tuple); {ev} evicted by the LRU, "
              f"{fs['kernel_flows']} in the map; userspace: flows_total {fs['flows_total']}, "
              f"flows_evicted {fs['flows_evicted']}; {created - fs['flows_total']} flows came "
              f"and went between two reads of the map (their packets are in no flow)")
        check(fs["packets"] == rx, f"{tag}-packets-equal-interface",
              f"stats packets {fs['packets']}, interface rx_packets delta {rx}")
        say("info", tag, f"prefix_records {fs.get('prefix_records')}, prefix_lost "
            f"{fs.get('prefix_lost')}, kernel_map_full {full}")
    check(rd["flow_lines"] > 0 and rd["unexpected"] == 0 and rd["ended_twice"] == 0,
          f"{tag}-flow-lines-exact",
          f"{rd['flow_lines']} flow lines ({rd['ended']}), {rd['unexpected']} without the "
          f"counters of one frame ({a.get('expect', '')}), {rd['ended_twice']} flows that "
          f"ended twice (each tuple is sent once: a second end is a double report)"
          + (f"; first: {rd['first_unexpected'][:300]}" if rd["first_unexpected"] else "")
          + (f"; first twice: {rd['first_ended_twice'][:300]}" if rd["first_ended_twice"]
             else ""))
    rss, ceil = int(a["rss_kb"]), int(a["ceiling_kb"])
    check(0 < rss <= ceil, f"{tag}-peak-rss-under-ceiling",
          f"peak RSS {rss / 1024:.1f} MiB (ceiling {ceil / 1024:.0f} MiB at --max-flows {maxf})")
    sent, target, need = int(a["sent"]), int(a["target"]), int(a["min_tuples"])
    secs = ge - gs
    check(rx >= need, f"{tag}-flood-filled-the-table",
          f"generator sent {sent} frames in {secs:.1f} s ({sent / secs / 1e6:.3f} M/s; asked "
          f"{target / float(a['target_s']) / 1e6:.3f} M/s); the link received {rx} new tuples "
          f"({rx / secs / 1e6:.3f} M/s), {rx / maxf:.1f} times --max-flows "
          f"({need / maxf:.0f} required)")
    held = max(s["dpi"].get("state_bytes", 0) for _, s in stats)
    skipped = final["dpi"]["no_memory"]
    # QUIC Initials that never complete: the budget must be reached, and hold.
    ok = held <= DPI_BUDGET and (a["mode"] != "quic" or skipped > 0)
    check(ok, f"{tag}-dpi-state-within-budget",
          f"largest dpi.state_bytes {held} (budget {DPI_BUDGET}); dpi.no_memory {skipped}, "
          f"quic_initials {final['dpi']['quic_initials']}")


def ring(d, a):
    tag = a["tag"]
    nflows, per, seed = int(a["flows"]), int(a["per_flow"]), int(a["seed"])
    rx, dst, backend = int(a["rx"]), a["dst"], a["backend"]
    ipbytes = 46	# 60 B frame: IPv4 20 + UDP 8 + 18 payload
    stats = load_stats(d)
    if not stats:
        check(False, f"{tag}-flows-exact", "no stats record at all")
        return
    fs = stats[-1][1]
    want = {gen_tuple(t, seed, True, dst) for t in range(nflows)}
    got, ended, wrong = {}, [], []
    with open(os.path.join(d, "flows.jsonl")) as f:
        for line in f:
            fl = json.loads(line)
            if "end" in fl:
                ended.append(fl)
                continue
            k = (fl["src"], fl["sport"], fl["dst"], fl["dport"])
            got[k] = fl
            if (fl["proto"] != "udp" or fl["pkts_out"] != per or fl["bytes_out"] != per * ipbytes
                    or fl["pkts_in"] or fl["bytes_in"]):
                wrong.append(fl)
    missing = want - set(got)
    extra = set(got) - want
    ok = not missing and not extra and not wrong and not ended
    check(ok, f"{tag}-flows-exact",
          f"{len(got)} flows in the last table for {nflows} sent, each must have {per} packets "
          f"and {per * ipbytes} bytes out, none in: {len(missing)} missing, {len(extra)} extra, "
          f"{len(wrong)} with other counters, {len(ended)} ended"
          + (f"; e.g. missing {sorted(missing)[:2]}" if missing else "")
          + (f"; e.g. {json.dumps(wrong[0])[:300]}" if wrong else "")
          + (f"; e.g. ended {json.dumps(ended[0])[:300]}" if ended else ""))
    total = sum(fl["pkts_out"] + fl["pkts_in"] for fl in got.values())
    ok = fs["packets"] == rx == nflows * per == total
    check(ok, f"{tag}-packets-equal-interface",
          f"stats packets {fs['packets']}, sum over flows {total}, interface rx_packets delta "
          f"{rx}, sent {nflows * per}")
    lost, recs = fs["prefix_lost"], fs["prefix_records"]
    inflows = sum(fl.get("prefixes_out", 0) + fl.get("prefixes_in", 0) for fl in got.values())
    if backend == "afxdp":
        xl = fs["xsk_rx_ring_full"] + fs["xsk_rx_dropped"]
        ok = xl > 0 and lost == xl and fs["redirected"] == recs + lost and inflows == recs
        check(ok, f"{tag}-queue-exhaustion-counted",
              f"redirected to AF_XDP {fs['redirected']} = received {recs} + lost {lost} "
              f"(socket ring full {fs['xsk_rx_ring_full']}, no free frame "
              f"{fs['xsk_rx_dropped']}); prefixes on the flows {inflows}")
    else:
        ok = lost > 0 and inflows == recs and recs + lost <= 4 * nflows
        check(ok, f"{tag}-prefix-loss-counted",
              f"prefix_records {recs} (on the flows: {inflows}) + prefix_lost {lost} = "
              f"{recs + lost} of at most {4 * nflows} (4 per flow); dpi_done_marked "
              f"{fs.get('dpi_done_marked')}")


def main():
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "flood":
        flood(rest[0], args_of(rest[1:]))
    elif cmd == "ring":
        ring(rest[0], args_of(rest[1:]))
    elif cmd == "tuples":
        seed, n, mode = int(rest[0]), int(rest[1]), rest[2]
        for t in range(n):
            print(*gen_tuple(t, seed, mode == "udp", "DST"))
    else:
        sys.exit(f"check.py: unknown command {cmd}")


if __name__ == "__main__":
    main()
