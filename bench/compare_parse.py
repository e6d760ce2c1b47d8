#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""What a monitor said it saw, for bench/compare.sh.

    compare_parse.py KIND STDOUT STDERR

KIND is xdptop, tcpdump, tshark, iftop or nethogs. Prints one line of four
tab-separated fields: reported_packets, reported_bytes, drops, note ("-" where the
tool printed nothing of the kind). Only numbers the tool printed are used; sums are
of printed figures, and figures printed with units are converted as the tool
defines the unit (the note says so).
"""
import mmap
import re
import sys


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def num(rx, text, default=None):
    m = re.search(rx, text)
    return int(m.group(1)) if m else default


# --- xdptop --json -----------------------------------------------------------------

FLOW_BYTES = re.compile(rb'"bytes_out":(\d+),"pkts_in":\d+,"bytes_in":(\d+)')
STATS = b'{"type":"stats"'


def line_at(buf, pos):
    start = buf.rfind(b"\n", 0, pos) + 1
    end = buf.find(b"\n", pos)
    return buf[start:end if end >= 0 else len(buf)], start


def flow_bytes(line):
    m = FLOW_BYTES.search(line)
    return int(m.group(1)) + int(m.group(2)) if m else 0


def xdptop(out, err):
    """Final stats record; bytes = every flow line with "end" (left the table) plus
    every flow line of the final table (between the last two stats records)."""
    with open(out, "rb") as f:
        try:
            buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:	# empty file
            return ["-", "-", "-", "no output"]
        last = buf.rfind(STATS)
        if last < 0:
            return ["-", "-", "-", "no stats record"]
        stats = line_at(buf, last)[0].decode()
        prev = buf.rfind(STATS, 0, last)
        seg_start = buf.find(b"\n", prev) + 1 if prev >= 0 else 0
        total = 0
        # flows still in the table at exit; a line with "end" there left it
        seg = buf[seg_start:last]
        if seg.find(b'"end":') < 0:
            total = sum(int(a) + int(b) for a, b in FLOW_BYTES.findall(seg))
        else:
            for line in seg.split(b"\n"):
                if b'"end":' not in line:
                    total += flow_bytes(line)
        del seg
        ended = 0
        pos = buf.find(b'"end":')
        while pos >= 0:
            line, start = line_at(buf, pos)
            if line.startswith(b'{"type":"flow"'):
                total += flow_bytes(line)
                ended += 1
            pos = buf.find(b'"end":', start + len(line))
        buf.close()
    packets = num(r'"packets":(\d+)', stats)
    be = re.search(r'"backend":"(\w+)"', stats)
    be = be.group(1) if be else "?"
    if be == "pcap":
        d = [num(r'"capture_dropped":(\d+)', stats), num(r'"capture_if_dropped":(\d+)', stats)]
        what = "capture_dropped+capture_if_dropped"
    else:
        d = [num(r'"prefix_lost":(\d+)', stats), num(r'"kernel_map_full":(\d+)', stats)]
        what = "prefix_lost+kernel_map_full"
    drops = sum(d) if None not in d else "-"
    note = [f"backend {be}"]
    mode = re.search(r'"xdp_mode":"(\w+)"', stats)
    if mode:
        note.append(f"xdp_mode {mode.group(1)}")
    for k in ("flows", "flows_total", "flows_evicted", "prefix_records", "prefix_lost",
              "kernel_map_full", "redirected", "capture_dropped", "capture_if_dropped"):
        v = num(rf'"{k}":(\d+)', stats)
        if v is not None:
            note.append(f"{k} {v}")
    note.append(f"{ended} flow lines with end")
    note.append(f"drops = {what}; bytes IP-layer (frame - 14)")
    return [packets if packets is not None else "-", total, drops, ", ".join(note)]


# --- tcpdump -w /dev/null ----------------------------------------------------------

def tcpdump(out, err):
    e = read(err)
    cap = num(r"(\d+) packets captured", e)
    filt = num(r"(\d+) packets received by filter", e)
    drop = num(r"(\d+) packets dropped by kernel", e)
    note = "packets captured (no byte count with -w)"
    if filt is not None:
        note += f"; received by filter {filt}"
    return [cap if cap is not None else "-", "-", drop if drop is not None else "-", note]


# --- tshark -q -z conv,udp -z io,stat,0 --------------------------------------------

def tshark(out, err):
    o, e = read(out), read(err)
    conv = 0
    frames = 0
    for line in o.splitlines():
        if "<->" not in line:
            continue
        # addr:port <-> addr:port  Fr Bytes unit  Fr Bytes unit  Fr Bytes unit  start dur
        m = re.search(r"<->\s+\S+\s+(\d+)\s+\d+\s+\S+\s+(\d+)\s+\d+\s+\S+\s+(\d+)\s", line)
        if m:
            conv += 1
            frames += int(m.group(3))
    io = re.search(r"\|\s*[\d.]+ <> [\d.]+\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|", o)
    drop = num(r"(\d+) packets? dropped from", e)
    cap = num(r"(\d+) packets? captured", e)
    note = [f"{conv} UDP conversations"]
    if io:
        note.append(f"io,stat frames {io.group(1)}")
    if cap is not None:
        note.append(f"captured {cap}")
    note.append("packets = frames summed over conv,udp; bytes = io,stat bytes (frame bytes;"
                " conv,udp prints bytes rounded to kB/MB)")
    if conv == 0 and not io:
        return ["-", "-", drop if drop is not None else "-", "no statistics printed"]
    return [frames if conv else "-", io.group(2) if io else "-",
            drop if drop is not None else "-", "; ".join(note)]


# --- iftop -t ------------------------------------------------------------------------

UNITS = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def iftop(out, err):
    """The last "Cumulative (sent/received/total)" line; iftop prints bytes with three
    significant digits in units of 1024."""
    o = read(out)
    cum = re.findall(r"Cumulative \(sent/received/total\):\s+(\S+)\s+(\S+)\s+(\S+)", o)
    if not cum:
        return ["-", "-", "-", "no cumulative totals printed"]
    tot = cum[-1][2]
    m = re.fullmatch(r"([\d.]+)([KMG]?B)", tot)
    if not m:
        return ["-", "-", "-", f"unparsed cumulative total {tot}"]
    b = round(float(m.group(1)) * UNITS[m.group(2)])
    return ["-", b, "-", f"cumulative total printed as {tot} (IP-layer bytes, 3 significant"
            f" digits, units of 1024; last of {len(cum)} prints); iftop counts no packets"]


# --- nethogs -t ----------------------------------------------------------------------

def nethogs(out, err):
    """The last "Refreshing:" block of trace mode with -v 2 (total bytes): one line per
    process, "name/pid/uid<TAB>sent<TAB>received"; traffic of no local process is
    listed as "unknown TCP" / "unknown UDP"."""
    o = read(out)
    blocks = o.split("Refreshing:")
    if len(blocks) < 2:
        return ["-", "-", "-", "no refresh printed"]
    total = 0.0
    rows = []
    for line in blocks[-1].splitlines():
        f = line.split("\t")
        if len(f) == 3:
            total += float(f[1]) + float(f[2])
            rows.append(f"{f[0]} {f[1]}/{f[2]}")
    return ["-", round(total), "-", "last refresh (sent/received B): " + "; ".join(rows) +
            " (Ethernet-frame bytes printed with %g, 6 significant digits; no packet count)"]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    kind, out, err = sys.argv[1:]
    fn = {"xdptop": xdptop, "tcpdump": tcpdump, "tshark": tshark, "iftop": iftop,
          "nethogs": nethogs}[kind]
    r = fn(out, err)
    print("\t".join(str(x).replace("\t", " ") for x in r))


if __name__ == "__main__":
    main()
