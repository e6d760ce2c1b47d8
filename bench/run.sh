#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: the userspace packet path over a generated capture of 1.2 M packets.
#   1. engine_bench: decoder + flow table on one core, capture preloaded in memory
#   2. xdptop -r: the whole offline run (libpcap file reading + engine + JSON out)
#   3. engine_bench --dpi: application detection over many TLS and DNS flows
set -euo pipefail
B=${1:-build}
cap=$B/bench/bench.pcap
mkdir -p "$B/bench"
if [ ! -s "$cap" ]; then
	echo "bench: generating $cap"
	/usr/bin/python3 bench/gen_pcap.py "$cap" --packets 1200000 --flows 20000 --seed 1
fi
echo "bench: kernel $(uname -r), $(nproc) CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
"$B/bench/engine_bench" "$cap" 5

# The whole program, pinned to one CPU, best of three by user+system CPU time.
best=
TIMEFORMAT='%U %S'
for _ in 1 2 3; do
	t=$( { time taskset -c 0 "$B/xdptop" -r "$cap" --json >/dev/null; } 2>&1 | tail -n 1)
	cpu=$(echo "$t" | awk '{print $1 + $2}')
	if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
		best=$cpu
	fi
done
pkts=$("$B/xdptop" -r "$cap" --json | tail -n 1 | sed -n 's/.*"packets":\([0-9]*\).*/\1/p')
awk -v p="$pkts" -v s="$best" 'BEGIN { printf "xdptop -r: %d packets in %.2f s CPU: %.0f packets/s on one core (best of 3)\n", p, s, p / s }'

# Application detection: 20000 TLS flows (real curl ClientHello, openssl ServerHello)
# and 20000 DNS query/response pairs, with and without DPI.
dcap=$B/bench/dpi.pcap
if [ ! -s "$dcap" ]; then
	echo "bench: generating $dcap"
	/usr/bin/python3 bench/gen_dpi_pcap.py "$dcap" --tls 20000 --dns 20000
fi
"$B/bench/engine_bench" "$dcap" 5 --dpi

# Kernel side: the XDP program's cost per packet (BPF_PROG_TEST_RUN), then the live
# backends through a veth pair (bench/backends.sh). Both need root.
if [ "$(id -u)" = 0 ]; then
	"$B/bench/xdp_bench" testrun 1000000 5
	bash bench/backends.sh "$B"
else
	echo "bench: SKIP xdp testrun and live backends (needs root)"
fi
