#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Live backends through a veth pair: what rate this machine pushes through it, what
# each xdptop backend costs that rate, whether it counts every packet, and its
# userspace CPU per million packets. Needs root. Usage: bash bench/backends.sh [BUILD]
#
#   xdt-bench-tx-$$: xdt-b0, the generator (xdp_bench gen: an XDP_TX program run with
#                    BPF_F_TEST_XDP_LIVE_FRAMES, batch 64), pinned to CPU $GEN_CPU
#   xdt-bench-rx-$$: xdt-b1, the receiver; no addresses, forwarding off, so the stack
#                    drops the UDP frames (10.213.0.1 -> 10.213.1.2) silently.
#                    xdptop runs here, pinned to CPU $MON_CPU.
#
# A veth needs NAPI on the receiving side or XDP_TX frames vanish: the baseline and
# the pcap runs hold an XDP_PASS program on xdt-b1 (xdp_bench pass, a bpf_link);
# the xdp backend brings its own. Each configuration runs $ROUNDS times, interleaved.
set -euo pipefail
B=${1:-build}
COUNT=${XDT_BENCH_PACKETS:-10000000}	# frames per run
FLOWS=${XDT_BENCH_FLOWS:-256}		# source ports 20000.. -> this many flows
ROUNDS=${XDT_BENCH_ROUNDS:-3}
IDLE_SECONDS=2		# round 1: each monitor's CPU with no traffic, before the generator
GEN_CPU=1
MON_CPU=0
SRC_IP=10.213.0.1
DST_IP=10.213.1.2	# not local in the receiver namespace
TX=xdt-bench-tx-$$
RX=xdt-bench-rx-$$
BENCH=$B/bench/xdp_bench
XDPTOP=$B/xdptop

if [ "$(id -u)" != 0 ]; then
	echo "backends: SKIP (needs root: namespaces, XDP)"
	exit 0
fi
if [ "$(nproc)" -lt 2 ]; then
	echo "backends: SKIP (needs 2 CPUs: generator and monitor pinned apart)"
	exit 0
fi
for f in "$BENCH" "$XDPTOP"; do
	[ -x "$f" ] || { echo "backends: $f not built" >&2; exit 1; }
done

work=$(mktemp -d /tmp/xdt-bench.XXXXXX)
pids=()
cleanup() {
	local rc=$? p
	trap - EXIT INT TERM
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	ip netns del "$TX" 2>/dev/null || true
	ip netns del "$RX" 2>/dev/null || true
	rm -rf "$work"
	# The veths, and the XDP programs with their links, went with the namespaces.
	if ip netns list | awk -v a="$TX" -v b="$RX" '$1 == a || $1 == b { f = 1 } END { exit !f }'; then
		echo "backends: cleanup: namespace $TX or $RX is still there" >&2
		[ "$rc" != 0 ] || rc=1
	elif [ "$rc" = 0 ]; then
		echo "backends: cleanup: $TX and $RX removed, with their veths and programs"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "backends: interrupted" >&2; exit 130' INT
trap 'echo "backends: terminated" >&2; exit 143' TERM

die() {
	echo "backends: FAIL: $*" >&2
	exit 1
}

# Wait up to 10 s for a regular expression to appear in a file.
wait_for() {
	local _
	for _ in $(seq 100); do
		grep -q "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

rx_packets() {
	ip netns exec "$RX" cat /sys/class/net/xdt-b1/statistics/rx_packets
}

# CPU seconds a process has run so far (every thread), from the scheduler's ns count.
cpu_now() {
	cat /proc/"$1"/task/*/schedstat | awk '{ s += $1 } END { printf "%.6f", s / 1e9 }'
}

xdp_attached() {
	ip -n "$RX" link show xdt-b1 | grep -q 'prog/xdp'
}

ip netns add "$TX"
ip netns add "$RX"
ip link add xdt-b0 netns "$TX" type veth peer name xdt-b1 netns "$RX"
for ns in "$TX" "$RX"; do
	# No IPv6: no router or neighbour solicitations on the link, only our frames.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 net.ipv4.conf.all.forwarding=0
done
ip -n "$TX" link set xdt-b0 up
ip -n "$RX" link set xdt-b1 up
MAC=$(ip netns exec "$RX" cat /sys/class/net/xdt-b1/address)

# Start xdp_bench pass on xdt-b1 in the background; sets $pass.
start_pass() {
	ip netns exec "$RX" "$BENCH" pass xdt-b1 >"$work/pass.out" 2>&1 &
	pass=$!
	pids+=("$pass")
	wait_for '^ready' "$work/pass.out" || die "XDP_PASS holder did not start: $(cat "$work/pass.out")"
}

# Forget a pid we have waited for, so the cleanup never signals a reused pid.
forget() {
	local p keep=()
	for p in "${pids[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	pids=("${keep[@]}")
}

# Signal a background process of ours and reap it; it must exit with status 0.
stop() {
	local rc=0
	kill -"$2" "$1"
	wait "$1" || rc=$?
	forget "$1"
	[ "$rc" = 0 ] || die "process $1 exited with status $rc"
}

# One generator run (in the background, so the cleanup can stop it); sets
# gen_result to "received elapsed_ns".
generate() {
	local r0 r1 g rc=0
	r0=$(rx_packets)
	ip netns exec "$TX" taskset -c "$GEN_CPU" "$BENCH" gen xdt-b0 "$COUNT" "$MAC" \
		"$SRC_IP" "$DST_IP" "$FLOWS" >"$work/gen.out" 2>&1 &
	g=$!
	pids+=("$g")
	wait "$g" || rc=$?
	forget "$g"
	[ "$rc" = 0 ] || die "generator failed: $(cat "$work/gen.out")"
	r1=$(rx_packets)
	gen_result="$((r1 - r0)) $(sed -n 's/.* elapsed_ns=\([0-9]*\).*/\1/p' "$work/gen.out")"
}

json_num() {
	sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

# results, one line per run: config round received elapsed_ns counted capture_dropped
# cpu_total cpu_after_startup received_during_xdptop
res=$work/results
: >"$res"

run_baseline() {
	start_pass
	generate
	stop "$pass" TERM
	if xdp_attached; then die "XDP program left on xdt-b1"; fi
	echo "baseline $1 $gen_result - - - - -" >>"$res"
}

run_backend() {
	local be=$1 round=$2 r_start r_end wrap pid cpu_ready idle_cpu stats counted dropped cpu
	if [ "$be" = pcap ]; then start_pass; fi
	r_start=$(rx_packets)
	ip netns exec "$RX" taskset -c "$MON_CPU" "$BENCH" rusage "$work/ru" "$XDPTOP" --no-resolve --json -i xdt-b1 \
		--backend "$be" --interval 1 >"$work/out" 2>"$work/err" &
	wrap=$!
	pids+=("$wrap")
	# Ready: the first table is out, so the capture loop runs.
	wait_for '"type":"stats"' "$work/out" || die "xdptop --backend $be did not start: $(cat "$work/err")"
	pid=$(awk '$1 == "pid" { print $2 }' "$work/ru")
	idle_cpu=0
	if [ "$round" = 1 ]; then
		# What the monitor costs with no traffic at all, per second. Not part of
		# the run's CPU below.
		cpu_ready=$(cpu_now "$pid")
		sleep "$IDLE_SECONDS"
		idle_cpu=$(awk -v a="$(cpu_now "$pid")" -v b="$cpu_ready" 'BEGIN { printf "%.6f", a - b }')
		echo "idle $be $idle_cpu" >>"$res"
	fi
	cpu_ready=$(cpu_now "$pid")
	generate
	stop "$wrap" INT
	r_end=$(rx_packets)
	if [ "$be" = pcap ]; then stop "$pass" TERM; fi
	if xdp_attached; then die "XDP program left on xdt-b1"; fi
	stats=$(grep '"type":"stats"' "$work/out" | tail -n 1)
	counted=$(echo "$stats" | json_num packets)
	dropped=$(echo "$stats" | json_num capture_dropped)
	cpu=$(awk '$1 == "cpu" { printf "%.6f", $2 + $3 }' "$work/ru")
	if [ -z "$counted" ] || [ -z "$cpu" ]; then die "no final stats from xdptop --backend $be"; fi
	# CPU of the whole run less the idle measurement; CPU from the generator's start.
	echo "$be $round $gen_result $counted ${dropped:--}" \
		"$(awk -v a="$cpu" -v b="$idle_cpu" 'BEGIN { printf "%.6f", a - b }')" \
		"$(awk -v a="$cpu" -v b="$cpu_ready" 'BEGIN { printf "%.6f", a - b }')" \
		"$((r_end - r_start))" >>"$res"
}

echo "backends: veth xdt-b0 -> xdt-b1, $COUNT UDP frames of 60 B per run over $FLOWS flows," \
	"generator on CPU $GEN_CPU, xdptop on CPU $MON_CPU, $ROUNDS rounds;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
	run_baseline "$round"
	run_backend xdp "$round"
	run_backend pcap "$round"
done

# Per run, then the summary: rates are medians over the rounds; shares and CPU per
# million packets are totals over the rounds.
awk -v rounds="$ROUNDS" -v count="$COUNT" -v idle_s="$IDLE_SECONDS" '
function median(cfg,   n, i, j, t, v) {
	n = 0
	for (i = 1; i <= rounds; i++) v[++n] = rate[cfg, i]
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
$1 == "idle" {
	idle[$2] = $3 / idle_s
	next
}
{
	cfg = $1; r = $2; rate[cfg, r] = $3 / ($4 / 1e9)
	if ($3 != count) lost[cfg] += count - $3
	if (cfg == "baseline") {
		printf "backends: round %d baseline (XDP_PASS on xdt-b1): %d received, %.3f Mpps\n", r, $3, rate[cfg, r] / 1e6
		next
	}
	recv[cfg] += $9; got[cfg] += $5; if ($6 != "-") drop[cfg] += $6
	cpu[cfg] += $7; cpurun[cfg] += $8
	printf "backends: round %d %-4s: %d received, %.3f Mpps; xdptop counted %d of %d received during its run (%.4f%%)%s; CPU %.3f s (%.3f s after start-up)\n", \
		r, cfg, $3, rate[cfg, r] / 1e6, $5, $9, 100 * $5 / $9, $6 != "-" ? ", capture_dropped " $6 : "", $7, $8
}
END {
	base = median("baseline")
	printf "backends: veth rate, no monitor (XDP_PASS on xdt-b1): %.3f Mpps (median of %d)%s\n", base / 1e6, rounds, lost["baseline"] ? ", " lost["baseline"] " frames lost at the veth" : ""
	for (k = 0; k < 2; k++) {
		cfg = k ? "pcap" : "xdp"
		m = median(cfg)
		printf "backends: %-4s backend: %.3f Mpps = %.1f%% of the no-monitor rate; counted %d of %d received = %.4f%%%s%s\n", \
			cfg, m / 1e6, 100 * m / base, got[cfg], recv[cfg], 100 * got[cfg] / recv[cfg], \
			cfg == "pcap" ? sprintf(", capture_dropped %d", drop[cfg]) : "", \
			cfg == "xdp" ? (got[cfg] == recv[cfg] ? " (exact: PASS)" : " (not exact: FAIL)") : ""
		permm[cfg] = cpurun[cfg] / (got[cfg] / 1e6)
		permt[cfg] = cpu[cfg] / (got[cfg] / 1e6)
		printf "backends: %-4s userspace CPU per million packets: %.4f s after start-up, %.4f s including start-up (%.3f s CPU over %d rounds); idle, no traffic: %.1f ms CPU per second\n", \
			cfg, permm[cfg], permt[cfg], cpu[cfg], rounds, 1000 * idle[cfg]
	}
	ratio = permm["pcap"] / permm["xdp"]
	printf "backends: userspace CPU per million packets, pcap / xdp = %.1fx after start-up (need >= 10x): %s\n", ratio, (ratio >= 10 ? "PASS" : "FAIL")
	printf "backends: (including each run'"'"'s start-up, BPF load and verification for xdp: %.1fx over %d packets per run)\n", permt["pcap"] / permt["xdp"], count
	if (got["xdp"] != recv["xdp"] || ratio < 10) exit 1
}' "$res"
