#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: every benchmark of xdptop, then docs/BENCHMARKS.md written from them.
#   1. engine_bench: decoder + flow table on one core, capture preloaded in memory
#   2. xdptop -r: the whole offline run (libpcap file reading + engine + JSON out)
#   3. engine_bench --dpi: application detection over many TLS and DNS flows
#   4. (root) xdp_bench testrun: the XDP program's cost per packet
#   5. (root) bench/compare.sh: xdptop's backends, tcpdump, iftop, nethogs and tshark
#      on the same generated traffic through a veth pair, several rounds
#   6. bench/report.py: docs/BENCHMARKS.md and docs/bench-cpu.png from 1-5
# Outputs stay in BUILD/bench/*.out for reading. Usage: bash bench/run.sh [BUILD]
set -euo pipefail
B=${1:-build}
out=$B/bench
cap=$out/bench.pcap
mkdir -p "$out"
start=$(date +%s)
rm -f "$out"/engine.out "$out"/xdptop-r.out "$out"/dpi.out "$out"/testrun.out "$out"/compare.tsv

{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "cpus=$(nproc)"
	echo "kernel=$(uname -r)"
	echo "cc=$(cc --version | head -n 1)"
	echo "clang=$(clang --version | head -n 1)"
	echo "load=load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
} >"$out/meta.txt"

if [ ! -s "$cap" ]; then
	echo "bench: generating $cap"
	/usr/bin/python3 bench/gen_pcap.py "$cap" --packets 1200000 --flows 20000 --seed 1
fi
echo "bench: kernel $(uname -r), $(nproc) CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "cmd_engine=$B/bench/engine_bench $cap 5" >>"$out/meta.txt"
"$B/bench/engine_bench" "$cap" 5 | tee "$out/engine.out"

# The whole program, pinned to one CPU, best of three by user+system CPU time.
best=
TIMEFORMAT='%U %S'
for _ in 1 2 3; do
	t=$( { time taskset -c 0 "$B/xdptop" -r "$cap" --json --no-config >/dev/null; } 2>&1 | tail -n 1)
	cpu=$(echo "$t" | awk '{print $1 + $2}')
	if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
		best=$cpu
	fi
done
pkts=$("$B/xdptop" -r "$cap" --json --no-config | tail -n 1 | sed -n 's/.*"packets":\([0-9]*\).*/\1/p')
echo "cmd_xdptop_r=taskset -c 0 $B/xdptop -r $cap --json --no-config > /dev/null (best of 3, user + system CPU)" >>"$out/meta.txt"
awk -v p="$pkts" -v s="$best" 'BEGIN { printf "xdptop -r: %d packets in %.2f s CPU: %.0f packets/s on one core (best of 3)\n", p, s, p / s }' |
	tee "$out/xdptop-r.out"

# Application detection: 20000 TLS flows (real curl ClientHello, openssl ServerHello)
# and 20000 DNS query/response pairs, with and without DPI.
dcap=$out/dpi.pcap
if [ ! -s "$dcap" ]; then
	echo "bench: generating $dcap"
	/usr/bin/python3 bench/gen_dpi_pcap.py "$dcap" --tls 20000 --dns 20000
fi
echo "cmd_dpi=$B/bench/engine_bench $dcap 5 --dpi" >>"$out/meta.txt"
"$B/bench/engine_bench" "$dcap" 5 --dpi | tee "$out/dpi.out"

# Kernel side: the XDP program's cost per packet (BPF_PROG_TEST_RUN), then every
# monitor on the same live traffic (bench/compare.sh). Both need root.
if [ "$(id -u)" = 0 ]; then
	echo "cmd_testrun=$B/bench/xdp_bench testrun 1000000 5" >>"$out/meta.txt"
	"$B/bench/xdp_bench" testrun 1000000 5 | tee "$out/testrun.out"
	bash bench/compare.sh "$B" "$out/compare.tsv"
else
	echo "bench: SKIP xdp testrun and the side-by-side comparison (needs root)"
fi

echo "duration=$(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s for the whole make bench" >>"$out/meta.txt"
/usr/bin/python3 bench/report.py "$out" docs/BENCHMARKS.md --chart docs/bench-cpu.png
