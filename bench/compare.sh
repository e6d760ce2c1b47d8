#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# xdptop side by side with the tools people run instead, on the same generated traffic
# through a veth pair, several rounds. Writes one TSV of raw results (bench/report.py
# turns it into docs/BENCHMARKS.md). Needs root.
#
#   Usage: bash bench/compare.sh [BUILD] [OUT.tsv]     (default build, BUILD/bench/compare.tsv)
#   XDT_BENCH_ROUNDS (5), XDT_BENCH_S3_ROUNDS (3: S3 runs in at most that many of the
#   rounds), XDT_BENCH_PACKETS (frames per run, every scenario), XDT_BENCH_SCENARIOS
#   ("S1 S2 S3 S4"), XDT_BENCH_MONITORS (names below), for short runs.
#
# Set-up: namespaces xdt-bench-tx-PID (veth xdt-b0, the
# generator `xdp_bench gen`: an XDP_TX program run with BPF_F_TEST_XDP_LIVE_FRAMES,
# batch 64, pinned to CPU 1) and xdt-bench-rx-PID (xdt-b1: no address, forwarding off,
# so the stack drops the UDP frames 10.213.0.1 -> 10.213.1.2 as IpInAddrErrors). Each
# monitor runs in the receiver namespace on xdt-b1, pinned to CPU 0, under
# `xdp_bench rusage` (user/system CPU and peak RSS from wait4(), its reaped children
# included). It must be ready before the generator starts; it is stopped with SIGINT
# once the generator has finished and 1 s has passed. A veth needs NAPI on the
# receiving side, so every run except those of xdptop's own XDP programs holds an
# XDP_PASS program on xdt-b1 (`xdp_bench pass`).
#
# Scenarios (60 B frames are 64 B on the wire with the FCS, 508 B are 512 B; the 5-tuple
# varies by UDP ports: source 1024 + i % 60000, destination 10000 + i / 60000):
#   S1  1 flow, 60 B frames                  3,000,000 frames per run
#   S2  10,000 flows, 60 B, 4 elephants carrying 90% of the frames   3,000,000
#   S3  1,000,000 flows, 60 B, uniform       4,000,000 (so that most flows appear)
#   S4  10,000 flows, 508 B, 4 elephants 90% 3,000,000
# Every round runs every scenario with every monitor and a baseline; the order of the
# monitors rotates from round to round and scenario to scenario. S3 runs in 3 of the 5
# rounds only: a round of it takes ~100 s, as long as S1, S2 and S4 together
# (with a million flows xdptop's xdp and afxdp backends take ~20 s to exit after SIGINT,
# iftop over a minute, so it is killed), and the whole script must stay under ~13 minutes (make bench: 15).
# Five rounds because this VM's CPU speed swings by up to 2x from second to second
# (a fixed Python loop took 1.3 s and 2.5 s of user time minutes apart): with three
# rounds a second run's medians fell outside the first run's min-max for half the figures.
#
# Stopping: SIGINT; xdptop must exit by itself within 120 s (else the script fails),
# iftop within 5 s (it exits in ~0.1 s, unless still busy with its table: over a minute
# in S3), any other tool within 30 s; else it is killed (SIGKILL, noted) and reports
# nothing more. The note column says how long each took.
#
# Monitors: what each is run with, and what it computes.
#   baseline     no monitor, XDP_PASS holder only: the rate of the link itself.
#   xdptop-xdp   xdptop --backend xdp --json --interval 10 --no-resolve --no-config
#                -i xdt-b1 (S3: --max-flows 1100000, since the default table of 65,536
#                would evict). Per-flow table of 5-tuples with packets and bytes per
#                direction, timestamps, application detection (TLS, DNS, QUIC, ...) from
#                the first payloads of each flow, process of local sockets. Counting is
#                in its XDP program (every packet, into a kernel flow map); only payload
#                prefixes (4 per flow and direction) reach userspace. Brings its own XDP
#                program, so no XDP_PASS holder. Prints its whole table once, at exit.
#   xdptop-pcap  the same with --backend pcap: the same table and detection, every
#                packet copied to userspace through libpcap (TPACKET_V3) and dissected
#                there.
#   xdptop-afxdp-mirror  the same with --mirror --backend afxdp: mirror-port mode; its
#                XDP program counts every frame, redirects frames with a payload prefix
#                to be read to an AF_XDP socket and drops the rest, so the stack sees
#                nothing: its rate is that of a mirror port, not comparable with the
#                others' (which deliver every frame to the stack).
#   tcpdump      tcpdump -i xdt-b1 -n -w /dev/null: a capture writer, no dissection;
#                counts packets only ("captured", "received by filter", "dropped by
#                kernel" on exit). No flows, no bytes.
#   iftop        iftop -i xdt-b1 -t -n -N -P -B (text mode), stdin a FIFO nobody writes
#                to (as an idle terminal: with stdin at EOF its key loop spins a whole
#                CPU). Per host-pair-and-port byte counters and 2/10/40 s rates; prints
#                the top 10 pairs and cumulative totals every 2 s, but only from its
#                packet path (no packets, no print) and not on exit; so after the
#                traffic and >= 2 s after its last print, one more frame is sent
#                (counted in neither "received" nor iftop's printed totals, which come
#                before that frame is counted) and its next print is taken. Counts IP
#                bytes, not packets; totals printed with 3 significant digits.
#   nethogs      nethogs -t -C -v 2 xdt-b1 (trace mode, TCP and UDP, total bytes): a
#                per-process meter: matches packets to local sockets and sums bytes per
#                process; traffic of no local process is listed as "unknown UDP" /
#                "unknown TCP". Needs an address on the device: nethogs 0.8.7 aborts on
#                the first packet (assertion local_addrs != NULL) without one, so its
#                runs add 10.213.2.1/32 to xdt-b1 (the frames still go to 10.213.1.2,
#                not local). Counts frame bytes, not packets.
#   tshark       tshark -i xdt-b1 -q -z conv,udp -z io,stat,0: the full Wireshark
#                dissector (dumpcap captures to a temporary file, tshark dissects it),
#                UDP conversation table and total frames/bytes on exit; dumpcap's
#                kernel drops on stderr. Default capture buffer.
#
# TSV, one line per run after a header; "-" where a tool gives nothing of the kind:
#   scenario monitor round flows frame_bytes elephants share sent elapsed_ns received
#   reported_packets reported_bytes drops cpu_user cpu_sys cpu_run maxrss_kb kmem_bytes note
# received = rx_packets delta of xdt-b1 over the generator's run (rate = received /
# elapsed_ns); reported_* = what the monitor printed (bench/compare_parse.py says how
# each is read; xdptop and iftop count IP-layer bytes, nethogs and tshark frame bytes);
# drops = what the monitor or kernel reports dropped for it (xdptop pcap:
# capture_dropped + capture_if_dropped; xdptop xdp/afxdp: prefix_lost +
# kernel_map_full; tcpdump, tshark: kernel drops); cpu_user/cpu_sys = the whole process
# life (rusage); cpu_run = CPU from the generator's start to exit (schedstat of the
# process and its children before generating, subtracted from rusage); kmem_bytes =
# memlock of every BPF map an xdptop process holds, read while it runs (fdinfo of its
# bpf-map fds, each map once; the note gives their number: the kernel backends' flow,
# prefix ring and process-attribution maps; the pcap backend holds only the 16-entry
# map of its egress lock-down). "-" for the other tools: their kernel memory is the
# AF_PACKET ring, mapped into the process and so part of their RSS as it is touched.
set -euo pipefail
B=${1:-build}
OUT=${2:-$B/bench/compare.tsv}
ROUNDS=${XDT_BENCH_ROUNDS:-5}
S3_ROUNDS=${XDT_BENCH_S3_ROUNDS:-3}	# at most; see above
SCENARIOS=${XDT_BENCH_SCENARIOS:-S1 S2 S3 S4}
MONITORS=${XDT_BENCH_MONITORS:-baseline xdptop-xdp xdptop-pcap xdptop-afxdp-mirror tcpdump iftop nethogs tshark}
DRAIN=1			# seconds after the generator before the monitor is stopped
READY_TIMEOUT=30	# seconds a monitor may take to be ready
STOP_TIMEOUT=120	# seconds xdptop may take to exit after SIGINT
IFTOP_STOP_TIMEOUT=5	# iftop exits in ~0.1 s, unless still busy with its table
OTHER_STOP_TIMEOUT=30	# tcpdump, nethogs, tshark (~9 s to print 300,000 conversations)
GEN_CPU=1
MON_CPU=0
SRC_IP=10.213.0.1
DST_IP=10.213.1.2	# not local in the receiver namespace
NETHOGS_IP=10.213.2.1/32
TX=xdt-bench-tx-$$
RX=xdt-bench-rx-$$
BENCH=$B/bench/xdp_bench
XDPTOP=$B/xdptop
PARSE="/usr/bin/python3 $(dirname "$0")/compare_parse.py"
T0=$(date +%s.%N)

if [ "$(id -u)" != 0 ]; then
	echo "compare: SKIP (needs root: namespaces, XDP)"
	exit 0
fi
if [ "$(nproc)" -lt 2 ]; then
	echo "compare: SKIP (needs 2 CPUs: generator and monitor pinned apart)"
	exit 0
fi
for f in "$BENCH" "$XDPTOP"; do
	[ -x "$f" ] || { echo "compare: $f not built" >&2; exit 1; }
done

# scenario -> flows frame_bytes elephants share frames
scenario() {
	case $1 in
	S1) echo 1 60 0 0 3000000 ;;
	S2) echo 10000 60 4 90 3000000 ;;
	S3) echo 1000000 60 0 0 4000000 ;;
	S4) echo 10000 508 4 90 3000000 ;;
	*) return 1 ;;
	esac
}
for s in $SCENARIOS; do
	scenario "$s" >/dev/null || { echo "compare: unknown scenario $s" >&2; exit 2; }
done
for m in $MONITORS; do
	case $m in
	baseline | xdptop-xdp | xdptop-pcap | xdptop-afxdp-mirror | tcpdump | iftop | nethogs | tshark) ;;
	*) echo "compare: unknown monitor $m" >&2; exit 2 ;;
	esac
done
read -r -a MON <<<"$MONITORS"

work=$(mktemp -d /tmp/xdt-compare.XXXXXX)
pids=()
cleanup() {
	local rc=$? p left=
	trap - EXIT INT TERM
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	exec 7>&- 2>/dev/null || true
	for ns in "$RX" "$TX"; do
		if ip -n "$ns" link show 2>/dev/null | grep -q 'prog/xdp'; then
			left+=" $ns"
		fi
	done
	[ -z "$left" ] || echo "compare: cleanup: an XDP program was still attached in$left (goes with the namespace)" >&2
	ip netns del "$TX" 2>/dev/null || true
	ip netns del "$RX" 2>/dev/null || true
	rm -rf "$work"
	if ip netns list | awk -v a="$TX" -v b="$RX" '$1 == a || $1 == b { f = 1 } END { exit !f }'; then
		echo "compare: cleanup: namespace $TX or $RX is still there" >&2
		[ "$rc" != 0 ] || rc=1
	else
		echo "compare: cleanup: $TX and $RX removed, with their veths and XDP programs"
	fi
	echo "compare: total $(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN { printf "%.0f", a - b }') s"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "compare: interrupted" >&2; exit 130' INT
trap 'echo "compare: terminated" >&2; exit 143' TERM

die() {
	echo "compare: FAIL: $*" >&2
	exit 1
}

now() {
	date +%s.%N
}

# Wait up to $1 s for an extended regular expression ($2) in any of the files that
# follow; 0 if it appeared.
wait_for() {
	local end=$(($(date +%s%N) + ${1%.*} * 1000000000)) re=$2
	shift 2
	while :; do
		grep -Eqs "$re" "$@" && return 0
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

rx_packets() {
	ip netns exec "$RX" cat /sys/class/net/xdt-b1/statistics/rx_packets
}

# A process and its descendants, from /proc/PID/task/*/children.
tree() {
	local c
	echo "$1"
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		tree "$c"
	done
}

# CPU seconds the process and its descendants have run so far (every thread).
cpu_now() {
	local p
	for p in $(tree "$1"); do
		cat /proc/"$p"/task/*/schedstat 2>/dev/null || true
	done | awk '{ s += $1 } END { printf "%.6f", s / 1e9 }'
}

# memlock of the BPF maps a process holds, each map once (fdinfo of its bpf-map fds).
kmem_of() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "anon_inode:bpf-map" ] || continue
		cat /proc/"$1"/fdinfo/"${fd##*/}" 2>/dev/null || true
		echo
	done | awk '$1 == "memlock:" { m = $2 } $1 == "map_id:" { id = $2 }
		NF == 0 && id != "" { if (!(id in seen)) { seen[id] = 1; s += m; n++ } id = "" }
		END { if (id != "" && !(id in seen)) { s += m; n++ } printf "%d %d\n", s, n }'
}

xdp_attached() {
	ip -n "$RX" link show xdt-b1 | grep -q 'prog/xdp'
}

forget() {
	local p keep=()
	for p in "${pids[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	pids=("${keep[@]}")
}

# Signal a background process of ours ($1, with signal $2) and reap it within $3 s; past
# that, SIGKILL the process tree $4 (the monitor under the rusage wrapper, so that the
# wrapper still reports it) and then $1. Sets stop_rc to its exit status, stop_s to the
# seconds it took and stop_killed.
stop() {
	local i=0 t p
	t=$(date +%s%N)
	stop_killed=
	kill -"$2" "$1" 2>/dev/null || true
	while kill -0 "$1" 2>/dev/null; do
		if [ "$i" = $(($3 * 10)) ]; then
			echo "compare: process ${4:-$1} still running $3 s after SIG$2: SIGKILL" >&2
			stop_killed=1
			for p in $(tree "${4:-$1}"); do
				kill -KILL "$p" 2>/dev/null || true
			done
		elif [ "$i" = $(($3 * 10 + 50)) ]; then
			kill -KILL "$1" 2>/dev/null || true
		fi
		sleep 0.1
		i=$((i + 1))
	done
	stop_rc=0
	wait "$1" || stop_rc=$?
	forget "$1"
	stop_s=$(awk -v a="$(date +%s%N)" -v b="$t" 'BEGIN { printf "%.1f", (a - b) / 1e9 }')
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
# iftop's stdin: a FIFO held open read-write here, so its reads block and never see EOF.
mkfifo "$work/stdin"
exec 7<>"$work/stdin"

start_pass() {
	ip netns exec "$RX" "$BENCH" pass xdt-b1 >"$work/pass.out" 2>&1 &
	pass=$!
	pids+=("$pass")
	wait_for 10 '^ready' "$work/pass.out" || die "XDP_PASS holder did not start: $(cat "$work/pass.out")"
}

stop_pass() {
	stop "$pass" TERM 10
	[ "$stop_rc" = 0 ] || die "XDP_PASS holder exited with status $stop_rc: $(cat "$work/pass.out")"
	pass=
}

# One generator run, in the background so the cleanup can stop it. Arguments: frames
# flows frame_bytes elephants share. Sets gen_sent, gen_ns, gen_received, gen_end.
generate() {
	local r0 r1 g rc=0
	r0=$(rx_packets)
	ip netns exec "$TX" taskset -c "$GEN_CPU" "$BENCH" gen xdt-b0 "$1" "$MAC" \
		"$SRC_IP" "$DST_IP" "$2" "$3" "$4" "$5" >"$work/gen.out" 2>&1 &
	g=$!
	pids+=("$g")
	wait "$g" || rc=$?
	forget "$g"
	gen_end=$(now)
	[ "$rc" = 0 ] || die "generator failed: $(cat "$work/gen.out")"
	r1=$(rx_packets)
	gen_received=$((r1 - r0))
	gen_sent=$(sed -n 's/^gen: sent=\([0-9]*\).*/\1/p' "$work/gen.out")
	gen_ns=$(sed -n 's/.* elapsed_ns=\([0-9]*\).*/\1/p' "$work/gen.out")
}

# iftop prints only when a packet arrives >= 2 s (by time(), whole seconds) after its
# last print. Watch for prints from the generator's end; once 2 s have passed since the
# later of that and the last print seen, send one frame and wait for the print it
# causes. Sets iftop_note.
iftop_flush() {
	local n last t i
	n=$(grep -c '^Cumulative' "$work/out" || true)
	last=$gen_end
	while :; do
		t=$(now)
		i=$(grep -c '^Cumulative' "$work/out" || true)
		if [ "$i" != "$n" ]; then
			n=$i
			last=$t
		fi
		awk -v t="$t" -v l="$last" -v e="$gen_end" -v d="$DRAIN" \
			'BEGIN { exit !(t >= l + 2.05 && t >= e + d) }' && break
		sleep 0.1
	done
	ip netns exec "$TX" "$BENCH" gen xdt-b0 1 "$MAC" "$SRC_IP" "$DST_IP" 1 60 0 0 >/dev/null 2>&1 ||
		die "iftop: the frame that makes it print could not be sent"
	for _ in $(seq 30); do
		if [ "$(grep -c '^Cumulative' "$work/out" || true)" -gt "$n" ]; then
			iftop_note="totals from its print after the traffic (flush frame)"
			return 0
		fi
		sleep 0.1
	done
	if [ "$n" = 0 ]; then
		iftop_note="no print within 3 s of the flush frame, nor any before"
	else
		iftop_note="no print within 3 s of the flush frame: totals from its last print, during the traffic"
	fi
}

TSV_HEADER="scenario	monitor	round	flows	frame_bytes	elephants	share	sent	elapsed_ns	received	reported_packets	reported_bytes	drops	cpu_user	cpu_sys	cpu_run	maxrss_kb	kmem_bytes	note"
mkdir -p "$(dirname "$OUT")"
res=$work/results.tsv
echo "$TSV_HEADER" >"$res"

# One run: scenario, monitor, round.
run() {
	local sc=$1 mon=$2 round=$3 flows fb ele share frames cmd=() kind ready stdin=/dev/null
	local wrap pid cpu0 kmem=- kmem_n note="" parsed rp rb dr cu cs crun rss status rate
	read -r flows fb ele share frames < <(scenario "$sc")
	frames=${XDT_BENCH_PACKETS:-$frames}
	pass=
	case $mon in
	baseline)
		start_pass
		generate "$frames" "$flows" "$fb" "$ele" "$share"
		stop_pass
		xdp_attached && die "XDP program left on xdt-b1 after the baseline"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t%s\n' \
			"$sc" "$mon" "$round" "$flows" "$fb" "$ele" "$share" "$gen_sent" "$gen_ns" \
			"$gen_received" "no monitor; XDP_PASS on xdt-b1" >>"$res"
		printf 'compare: %s %-20s round %d: %6.3f Mpps, %d received\n' "$sc" "$mon" "$round" \
			"$(awk -v r="$gen_received" -v t="$gen_ns" 'BEGIN { print r / t * 1e3 }')" "$gen_received"
		return
		;;
	xdptop-*)
		# --interval 10: longer than any run, so the table is printed once, at exit,
		# as tshark prints its conversations; printing a 1M-flow table every second
		# is an output cost none of the other tools pays.
		cmd=("$XDPTOP" --json --interval 10 --no-resolve --no-config -i xdt-b1)
		case $mon in
		xdptop-xdp) cmd+=(--backend xdp) ;;
		xdptop-pcap) cmd+=(--backend pcap) ;;
		xdptop-afxdp-mirror)
			cmd+=(--mirror --backend afxdp)
			note="mirror mode: frames without a prefix to read are dropped in XDP, the stack sees none; "
			;;
		esac
		if [ "$sc" = S3 ]; then
			cmd+=(--max-flows 1100000)
			note+="--max-flows 1100000 (the default 65536 would evict); "
		fi
		kind=xdptop
		# Said once the lock-down is done and the capture loop starts (its capture
		# is attached before that); the first table would come only at exit.
		ready='^xdptop: sandbox '
		;;
	tcpdump)
		cmd=(tcpdump -i xdt-b1 -n -w /dev/null)
		kind=tcpdump
		ready='listening on'
		;;
	iftop)
		# stdbuf: line-buffered stdout, so prints can be seen as they happen.
		cmd=(stdbuf -oL iftop -i xdt-b1 -t -n -N -P -B)
		kind=iftop
		ready='^Listening on'
		stdin=$work/stdin
		note="stdin an idle FIFO; "
		;;
	nethogs)
		cmd=(nethogs -t -C -v 2 xdt-b1)
		kind=nethogs
		ready='^Refreshing:'
		ip -n "$RX" addr add "$NETHOGS_IP" dev xdt-b1
		note="$NETHOGS_IP on xdt-b1 for this run (nethogs aborts without an address); "
		;;
	tshark)
		cmd=(tshark -i xdt-b1 -q -z conv,udp -z io,stat,0)
		kind=tshark
		ready='Capturing on'
		;;
	esac
	[ "$mon" = xdptop-xdp ] || [ "$mon" = xdptop-afxdp-mirror ] || start_pass
	: >"$work/out"
	: >"$work/err"
	rm -f "$work/ru"
	if [ "$stdin" = /dev/null ]; then
		ip netns exec "$RX" taskset -c "$MON_CPU" "$BENCH" rusage "$work/ru" "${cmd[@]}" \
			</dev/null >"$work/out" 2>"$work/err" 7>&- &
	else
		ip netns exec "$RX" taskset -c "$MON_CPU" "$BENCH" rusage "$work/ru" "${cmd[@]}" \
			<&7 >"$work/out" 2>"$work/err" &
	fi
	wrap=$!
	pids+=("$wrap")
	if ! wait_for "$READY_TIMEOUT" "$ready" "$work/out" "$work/err"; then
		stop "$wrap" INT 10 "$(awk '$1 == "pid" { print $2 }' "$work/ru" 2>/dev/null || true)"
		mon_rc=$stop_rc
		[ -z "$pass" ] || stop_pass
		[ "$mon" != nethogs ] || ip -n "$RX" addr del "$NETHOGS_IP" dev xdt-b1
		case $mon in xdptop-*) die "$mon did not start: $(tail -n 3 "$work/err")" ;; esac
		note+="did not become ready in $READY_TIMEOUT s (exit status $mon_rc): $(tail -n 2 "$work/err" | tr '\t\n' '  ')"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t%s\n' \
			"$sc" "$mon" "$round" "$flows" "$fb" "$ele" "$share" "$note" >>"$res"
		echo "compare: $sc $mon round $round: did not start: $(tail -n 1 "$work/err")"
		return
	fi
	pid=$(awk '$1 == "pid" { print $2 }' "$work/ru")
	case $mon in
	xdptop-xdp | xdptop-afxdp-mirror)
		xdp_attached || die "$mon: no XDP program on xdt-b1"
		;;
	esac
	cpu0=$(cpu_now "$pid")
	generate "$frames" "$flows" "$fb" "$ele" "$share"
	if [ "$mon" = iftop ]; then
		iftop_flush
		note+="$iftop_note; "
	else
		sleep "$DRAIN"
	fi
	case $mon in
	xdptop-*) read -r kmem kmem_n < <(kmem_of "$pid") ;;
	esac
	case $mon in
	xdptop-*) stop "$wrap" INT "$STOP_TIMEOUT" "$pid" ;;
	iftop) stop "$wrap" INT "$IFTOP_STOP_TIMEOUT" "$pid" ;;
	*) stop "$wrap" INT "$OTHER_STOP_TIMEOUT" "$pid" ;;
	esac
	mon_rc=$stop_rc
	if [ -n "$stop_killed" ]; then
		note+="still running $stop_s s after SIGINT: killed (SIGKILL); "
	else
		note+="exited $stop_s s after SIGINT; "
	fi
	status=$(awk '$1 == "status" { print $2 }' "$work/ru" 2>/dev/null || true)
	[ -z "$pass" ] || stop_pass
	[ "$mon" != nethogs ] || ip -n "$RX" addr del "$NETHOGS_IP" dev xdt-b1
	xdp_attached && die "XDP program left on xdt-b1 after $mon"
	case $mon in
	xdptop-*)
		[ "$mon_rc" = 0 ] || die "$mon exited with status $mon_rc: $(tail -n 3 "$work/err")"
		note+="$kmem_n BPF maps; "
		;;
	*)
		[ "$mon_rc" = 0 ] || [ -n "$stop_killed" ] || note+="exit status ${status:-$mon_rc}: $(grep -v '^$' "$work/err" | tail -n 1 | tr '\t' ' '); "
		;;
	esac
	parsed=$($PARSE "$kind" "$work/out" "$work/err") || die "parsing the output of $mon failed"
	IFS=$'\t' read -r rp rb dr pnote <<<"$parsed"
	read -r cu cs < <(awk '$1 == "cpu" { print $2, $3 }' "$work/ru")
	rss=$(awk '$1 == "maxrss_kb" { print $2 }' "$work/ru")
	crun=$(awk -v u="$cu" -v s="$cs" -v b="$cpu0" 'BEGIN { printf "%.6f", u + s - b }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$sc" "$mon" "$round" "$flows" "$fb" "$ele" "$share" "$gen_sent" "$gen_ns" \
		"$gen_received" "$rp" "$rb" "$dr" "$cu" "$cs" "$crun" "${rss:--}" "$kmem" \
		"$note$pnote" >>"$res"
	rate=$(awk -v r="$gen_received" -v t="$gen_ns" 'BEGIN { printf "%.3f", r / t * 1e3 }')
	printf 'compare: %s %-20s round %d: %6.3f Mpps, reported %s pkts / %s B of %d received; drops %s; cpu_run %.3f s (%.0f s)\n' \
		"$sc" "$mon" "$round" "$rate" "$rp" "$rb" "$gen_received" "$dr" "$crun" \
		"$(awk -v a="$(now)" -v b="$T0" 'BEGIN { print a - b }')"
}

echo "compare: veth xdt-b0 -> xdt-b1, scenarios $SCENARIOS, monitors $MONITORS, $ROUNDS rounds;" \
	"generator on CPU $GEN_CPU, monitors on CPU $MON_CPU; kernel $(uname -r);" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
si=0
for round in $(seq "$ROUNDS"); do
	for sc in $SCENARIOS; do
		[ "$sc" != S3 ] || [ "$round" -le "$S3_ROUNDS" ] || continue
		n=${#MON[@]}
		for i in $(seq 0 $((n - 1))); do
			run "$sc" "${MON[$(((i + round - 1 + si) % n))]}" "$round"
		done
		si=$((si + 1))
	done
done
cp "$res" "$OUT"
echo "compare: $(($(wc -l <"$OUT") - 1)) runs written to $OUT"
