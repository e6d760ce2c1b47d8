#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# xdptop under floods of new flows, and with its prefix paths overrun, live.
#
#   xdt-fl-tx-PID  xdt-fl0 <-> xdt-fl1  xdt-fl-rx-PID
#
# The generator (`xdp_bench flood`, bench/xdp_gen.bpf.c: an XDP_TX program run with
# BPF_F_TEST_XDP_LIVE_FRAMES, pinned to CPU 1) sends from xdt-fl0; xdptop watches
# xdt-fl1 (no address, IPv6 off: the stack drops the frames, and nothing but them
# crosses the link), pinned to CPU 0, its stdout read by tests/flood/reader.py.
# Oracles: the rx_packets delta of xdt-fl1 (`ip -s -j link`) and the tuples the
# generator sends (tests/flood/check.py computes them as the program does).
#
# Floods: 1,000,000 new 5-tuples a second (every frame its own tuple, from
# 10.213.0.0/16), 60 B frames, default --max-flows (65536), --json --interval 1:
#   syn-xdp    30 s of TCP SYNs, --backend xdp
#   udp-xdp    30 s of UDP with a payload, --backend xdp (the prefix ring overflows)
#   syn-pcap   20 s of TCP SYNs, --backend pcap (an XDP_PASS holder gives the veth NAPI)
#   quic-xdp   16 s of 8,000 a second of UDP datagrams that start like QUIC Initials
#              and never complete a handshake: each flow holds QUIC state in xdptop
#              (without its bound, 65,536 of them held 1.1 GiB)
# each checked for:
#   -json-every-interval  a stats record at least every 2 intervals, all through
#   -bounds-kept          flows (the table) <= --max-flows in every record; the kernel
#                         map's max_entries (fdinfo of xdptop's descriptor) ==
#                         --max-flows, and kernel_flows <= it once the flood is over
#                         (a read of a map that churns meets more entries than it
#                         ever holds at once: the largest such read is reported)
#   -flow-counters-add-up flows_total - expired - evicted - reused == flows, every record
#   -evictions-counted    xdp: kernel_flows_created + kernel_map_full == packets (each
#                         frame is a new tuple), kernel_flows_evicted >= created - 65536;
#                         pcap: flows_total == packets read; flows_evicted > 0
#   -packets-equal-interface        xdp: stats packets == rx_packets delta
#   -packets-and-drops-equal-interface  pcap: read + capture drops == rx_packets delta
#   -flow-lines-exact     every flow line printed has the counters of one frame, and
#                         no flow ends twice (each tuple is sent once)
#   -peak-rss-under-ceiling         peak RSS (wait4) <= RSS_CEILING_MIB, the figure
#                         xdptop(8) documents for the default --max-flows
#   -flood-filled-the-table         the link got at least 20 x --max-flows new tuples
#                         (quic: 1 x; the rate asked is 1 M/s; what the link and
#                         xdptop's XDP program on the generator's CPU take is reported)
#   -dpi-state-within-budget        dpi.state_bytes <= 64 MiB in every record (quic:
#                         and the budget was reached: no_memory > 0)
#   -clean-exit           exit status 0 after SIGINT, no XDP program left
# Bursts: 50,000 UDP flows x 6 frames (each flow's first 4 carry a prefix), as fast as
# the generator goes, so the prefix path overflows:
#   ring-xdp     --backend xdp: prefix_lost > 0; every flow in the last table with
#                exactly 6 packets and 276 bytes (all 50,000, no other); packets ==
#                rx delta == sum over flows == 300,000
#   ring-xdp-ui  the same traffic with the screen in tmux: the status line says
#                "prefixes lost: N", N > 0
#   ring-afxdp   --mirror --backend afxdp: AF_XDP receive ring exhaustion counted
#                (xsk_rx_ring_full + xsk_rx_dropped == prefix_lost > 0, redirected
#                == prefix_records + prefix_lost); flows and packets exact as above
#
# Environment: XDPTOP, XDP_BENCH (default build/xdptop, build/bench/xdp_bench);
# FLOOD_SECONDS (30), FLOOD_PCAP_SECONDS (20), FLOOD_QUIC_SECONDS (16) for shorter
# runs; FLOOD_KEEP_DIR keeps the outputs there. Needs root and 2 CPUs. About three
# minutes.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
XDP_BENCH=${XDP_BENCH:-$ROOT/build/bench/xdp_bench}
PY=/usr/bin/python3
SUITE=flood
# shellcheck source=../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"

RATE=1000000			# new tuples a second
SECS=${FLOOD_SECONDS:-30}
PCAP_SECS=${FLOOD_PCAP_SECONDS:-20}
QUIC_RATE=8000			# QUIC Initials a second: most flows' state reaches xdptop
QUIC_SECS=${FLOOD_QUIC_SECONDS:-16}	# 128,000 flows asked: the table fills at half that
MAX_FLOWS=65536			# xdptop's default; not passed, so the default is what is tested
RSS_CEILING_MIB=512		# xdptop(8), "Under a flood"
RING_FLOWS=50000
RING_PER_FLOW=6
INTERVAL=1
GEN_CPU=1
MON_CPU=0
TX=xdt-fl-tx-$$
RX=xdt-fl-rx-$$
ITX=xdt-fl0
IRX=xdt-fl1
DST=10.213.255.254		# not local anywhere: the receiving stack drops every frame
TMUX=(tmux -L "xdt-fl-$$" -f /dev/null)
T0=$(date +%s)

if [[ $(id -u) != 0 ]]; then
	echo "SKIP: the flood tests need root (namespaces, XDP, AF_XDP)"
	exit 77
fi
if [[ $(nproc) -lt 2 ]]; then
	echo "SKIP: the flood tests need 2 CPUs (generator and xdptop pinned apart)"
	exit 77
fi
for tool in ip taskset tmux "$PY"; do
	command -v "$tool" >/dev/null || { echo "SKIP: required tool '$tool' not found (sudo make deps)"; exit 77; }
done
for f in "$XDPTOP" "$XDP_BENCH"; do
	if [[ ! -x $f ]]; then
		fail setup "$f is not built (make check-flood builds it)"
		summary
		exit 1
	fi
done

T=$(mktemp -d /tmp/xdt-flood.XXXXXX) || exit 1
PIDS=()
cleanup() {
	local p left=
	trap - EXIT INT TERM
	"${TMUX[@]}" kill-server 2>/dev/null
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for ns in "$RX" "$TX"; do
		ip -n "$ns" link show 2>/dev/null | grep -q 'prog/xdp' && left+=" $ns"
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	[[ -z $left ]] || echo "flood: cleanup: an XDP program was still attached in$left (gone with the namespace)"
	if [[ -n ${FLOOD_KEEP_DIR:-} ]]; then
		mkdir -p "$FLOOD_KEEP_DIR" && cp -r "$T"/. "$FLOOD_KEEP_DIR"/
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'cleanup; trap - INT; kill -INT $$' INT
trap 'cleanup; trap - TERM; kill -TERM $$' TERM

forget() {
	local p keep=()
	for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

now() { date +%s.%N; }

# wait_for SECONDS REGEX FILE...: 0 once REGEX is in one of the files.
wait_for() {
	local end=$(($(date +%s) + $1)) re=$2
	shift 2
	until grep -Eqs "$re" "$@"; do
		(($(date +%s) < end)) || return 1
		sleep 0.1
	done
}

rx_packets() {
	ip -n "$RX" -s -j link show "$IRX" |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'
}

# caught_up DIR RX: wait (20 s at most) for a stats record with packets + drops == RX.
caught_up() {
	local i
	for ((i = 0; i < 200; i++)); do
		tail -n 1 "$1/stats.tsv" 2>/dev/null | cut -f 2 | "$PY" -c '
import json, sys
s = json.load(sys.stdin)
sys.exit(s["packets"] + s.get("capture_dropped", 0) + s.get("capture_if_dropped", 0) != int(sys.argv[1]))
' "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

xdp_left() { ip -n "$RX" link show "$IRX" | grep -q 'prog/xdp'; }

# run_checks CHECK.PY-ARGS...: each "ok|fail NAME DETAIL" line becomes a result.
run_checks() {
	local kind name detail n=0
	while IFS=$'\t' read -r kind name detail; do
		n=$((n + 1))
		case $kind in
		ok) pass "$name"; echo "    $detail" ;;
		fail) fail "$name" "$detail" ;;
		*) echo "    $kind${name:+ $name}${detail:+: $detail}" ;;
		esac
	done < <("$PY" "$HERE/check.py" "$@" 2>&1)
	((n)) || fail "check-$1" "check.py printed nothing"
}

ip netns add "$TX" && ip netns add "$RX" &&
	ip link add "$ITX" netns "$TX" type veth peer name "$IRX" netns "$RX" || {
	fail setup "cannot create the namespaces and the veth pair"
	summary
	exit 1
}
for ns in "$TX" "$RX"; do
	# No IPv6 and no address: nothing but the generator's frames on the link.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 net.ipv4.conf.all.forwarding=0
done
ip -n "$TX" link set "$ITX" up
ip -n "$RX" link set "$IRX" up
MAC=$(ip netns exec "$RX" cat /sys/class/net/$IRX/address)

# A veth takes XDP_TX frames only into a peer with NAPI, which an XDP program gives.
start_pass() {
	ip netns exec "$RX" "$XDP_BENCH" pass "$IRX" >"$1/pass.out" 2>&1 &
	PASS=$!
	PIDS+=("$PASS")
	wait_for 10 '^ready' "$1/pass.out"
}

stop_pass() {
	kill -TERM "$PASS" 2>/dev/null
	wait "$PASS" 2>/dev/null
	forget "$PASS"
}

# gen DIR MODE COUNT RATE FLOWS SEED: the generator, in the foreground but
# interruptible (the cleanup stops it). Sets GEN_START, GEN_END, GEN_SENT.
gen() {
	local d=$1 g rc=0
	shift
	GEN_START=$(now)
	ip netns exec "$TX" taskset -c $GEN_CPU "$XDP_BENCH" flood "$ITX" "$MAC" "$DST" "$@" \
		>"$d/gen.out" 2>&1 &
	g=$!
	PIDS+=("$g")
	wait "$g" || rc=$?
	forget "$g"
	GEN_END=$(now)
	GEN_SENT=$(sed -n 's/.* sent=\([0-9]*\).*/\1/p' "$d/gen.out")
	cat "$d/gen.out"
	return "$rc"
}

# start_json DIR XDPTOP-ARGS...: xdptop --json on xdt-fl1 under `xdp_bench rusage`
# (peak RSS from wait4), stdout to reader.py. Sets WRAP, XPID, READER.
start_json() {
	local d=$1
	shift
	mkfifo "$d/out"
	# Niced up, both: other jobs on the machine must not decide whether xdptop
	# keeps its interval (it still must, with the reader reading what it prints).
	nice -n -5 "$PY" "$HERE/reader.py" "$d" "${READER_ARGS[@]}" <"$d/out" &
	READER=$!
	PIDS+=("$READER")
	ip netns exec "$RX" nice -n -5 taskset -c $MON_CPU "$XDP_BENCH" rusage "$d/ru" "$XDPTOP" --json \
		--interval $INTERVAL --no-resolve --no-config -i "$IRX" "$@" >"$d/out" 2>"$d/err" &
	WRAP=$!
	PIDS+=("$WRAP")
	# Said once the capture is attached and the lock-down done.
	wait_for 30 '^xdptop: sandbox ' "$d/err" || return 1
	XPID=$(awk '$1 == "pid" { print $2 }' "$d/ru")
}

# Configured size of xdptop's kernel flow map (key 40 B, value 80 B), from the fdinfo
# of its map descriptors: the kernel keeps a preallocated map within it.
kmap_max() {
	local fd
	for fd in /proc/"$XPID"/fd/*; do
		[[ $(readlink "$fd" 2>/dev/null) == anon_inode:bpf-map ]] || continue
		awk '$1 == "key_size:" { k = $2 } $1 == "value_size:" { v = $2 }
			$1 == "max_entries:" { m = $2 } END { if (k == 40 && v == 80) print m }' \
			/proc/"$XPID"/fdinfo/"${fd##*/}"
	done | head -n 1
}

# stop_json DIR TAG [PASS]: SIGINT, reap xdptop (60 s at most) and the reader, and
# with PASS the XDP_PASS holder before looking for XDP programs left. Sets STOP.
stop_json() {
	local d=$1 tag=$2 i status
	STOP=$(now)
	kill -INT "$WRAP" 2>/dev/null
	for ((i = 0; i < 600; i++)); do
		kill -0 "$WRAP" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$WRAP" 2>/dev/null; then
		kill -KILL "$XPID" 2>/dev/null
		fail "$tag-clean-exit" "still running 60 s after SIGINT: killed"
	fi
	wait "$WRAP" 2>/dev/null
	forget "$WRAP"
	wait "$READER" 2>/dev/null
	forget "$READER"
	[[ -n ${3:-} ]] && stop_pass
	status=$(awk '$1 == "status" { print $2 }' "$d/ru")
	if xdp_left; then
		fail "$tag-clean-exit" "an XDP program is still on $IRX after xdptop exited"
	elif [[ $status == 0 ]]; then
		pass "$tag-clean-exit"
	else
		fail "$tag-clean-exit" "exit status ${status:-?} after SIGINT" "$(tail -n 5 "$d/err")"
	fi
}

# flood TAG BACKEND MODE SECONDS SEED [RATE [MIN_TUPLES]]: one flood of new tuples,
# then its checks.
flood() {
	local tag=$1 backend=$2 mode=$3 secs=$4 seed=$5 rate=${6:-$RATE} min=${7:-$((20 * MAX_FLOWS))}
	local d=$T/$1 r0 r1 ipb expect kmax
	mkdir -p "$d"
	ipb=$([[ $mode == syn ]] && echo 40 || echo 46)
	expect="\"pkts_out\":1,\"bytes_out\":$ipb,\"pkts_in\":0,\"bytes_in\":0,"
	echo "-- $tag: $rate new $mode tuples/s for $secs s, --backend $backend ($(($(date +%s) - T0)) s)"
	if [[ $backend == pcap ]] && ! start_pass "$d"; then
		fail "$tag-setup" "XDP_PASS holder did not start" "$(cat "$d/pass.out")"
		return
	fi
	r0=$(rx_packets)
	READER_ARGS=(--expect "$expect")
	if ! start_json "$d" --backend "$backend"; then
		fail "$tag-setup" "xdptop did not start" "$(tail -n 5 "$d/err")"
		kill -KILL "$WRAP" 2>/dev/null
		[[ $backend == pcap ]] && stop_pass
		return
	fi
	kmax=$([[ $backend == pcap ]] || kmap_max)
	gen "$d" "$mode" $((rate * secs)) "$rate" 0 "$seed" "$secs" ||
		fail "$tag-generator" "xdp_bench flood failed" "$(cat "$d/gen.out")"
	sleep 2
	# The pcap backend reads a backlog after the flood: wait until every frame is
	# accounted for, read or dropped (else the check below says what is missing).
	[[ $backend == pcap ]] && caught_up "$d" $(($(rx_packets) - r0))
	echo "    xdptop VmRSS $(awk '/^VmRSS/ { print $2 / 1024 " MiB" }' /proc/"$XPID"/status 2>/dev/null)," \
		"VmHWM $(awk '/^VmHWM/ { print $2 / 1024 " MiB" }' /proc/"$XPID"/status 2>/dev/null) before SIGINT"
	stop_json "$d" "$tag" $([[ $backend == pcap ]] && echo pass)
	r1=$(rx_packets)
	run_checks flood "$d" tag="$tag" backend="$backend" interval=$INTERVAL \
		gen_start="$GEN_START" gen_end="$GEN_END" stop="$STOP" max_flows=$MAX_FLOWS \
		rx=$((r1 - r0)) sent="${GEN_SENT:-0}" target=$((rate * secs)) target_s="$secs" \
		min_tuples="$min" mode="$mode" \
		rss_kb="$(awk '$1 == "maxrss_kb" { print $2 }' "$d/ru")" \
		ceiling_kb=$((RSS_CEILING_MIB * 1024)) expect="$expect" kmap_max="${kmax:-}"
}

# ring TAG SEED XDPTOP-ARGS...: the burst, xdptop --json, then its checks.
ring() {
	local tag=$1 seed=$2 d=$T/$1 r0 r1 backend=xdp
	shift 2
	[[ $* == *afxdp* ]] && backend=afxdp
	mkdir -p "$d"
	echo "-- $tag: $RING_FLOWS UDP flows x $RING_PER_FLOW frames, unpaced, $* ($(($(date +%s) - T0)) s)"
	r0=$(rx_packets)
	READER_ARGS=(--keep-table)
	if ! start_json "$d" "$@"; then
		fail "$tag-setup" "xdptop did not start" "$(tail -n 5 "$d/err")"
		kill -KILL "$WRAP" 2>/dev/null
		return
	fi
	gen "$d" udp $((RING_FLOWS * RING_PER_FLOW)) 0 $RING_FLOWS "$seed" ||
		fail "$tag-generator" "xdp_bench flood failed" "$(cat "$d/gen.out")"
	sleep 2
	stop_json "$d" "$tag"
	r1=$(rx_packets)
	echo "    peak RSS $(awk '$1 == "maxrss_kb" { printf "%.1f MiB", $2 / 1024 }' "$d/ru")"
	run_checks ring "$d" tag="$tag" backend=$backend flows=$RING_FLOWS \
		per_flow=$RING_PER_FLOW seed="$seed" dst=$DST rx=$((r1 - r0))
}

# The same burst with the screen: the status line must show the prefixes lost.
ring_ui() {
	local tag=ring-xdp-ui d=$T/ring-xdp-ui line
	mkdir -p "$d"
	echo "-- $tag: the same burst, the screen in tmux ($(($(date +%s) - T0)) s)"
	cat >"$d/run.sh" <<-EOF
		ip netns exec $RX $XDPTOP --backend xdp --no-resolve --no-config -i $IRX 2>$d/err
		echo \$? >$d/status
		exec sleep 600
	EOF
	if ! "${TMUX[@]}" new-session -d -s ui -x 220 -y 30 -e LC_ALL=C.UTF-8 "sh $d/run.sh"; then
		fail "$tag" "tmux did not start"
		return
	fi
	for ((i = 0; i < 100; i++)); do
		"${TMUX[@]}" capture-pane -p -t ui | grep -q 'connections' && break
		sleep 0.1
	done
	gen "$d" udp $((RING_FLOWS * RING_PER_FLOW)) 0 $RING_FLOWS 7 ||
		fail "$tag-generator" "xdp_bench flood failed" "$(cat "$d/gen.out")"
	for ((i = 0; i < 50; i++)); do
		line=$("${TMUX[@]}" capture-pane -p -t ui | grep -v '^ *$' | tail -n 1)
		[[ $line =~ prefixes\ lost:\ [1-9] ]] && break
		sleep 0.2
	done
	if [[ $line =~ prefixes\ lost:\ [1-9][0-9]* ]]; then
		pass "$tag-status-line-shows-prefixes-lost"
		echo "    status line: ${line## }"
	else
		fail "$tag-status-line-shows-prefixes-lost" "no \"prefixes lost: N\" on the status line" \
			"$("${TMUX[@]}" capture-pane -p -t ui | tail -n 3)"
	fi
	"${TMUX[@]}" send-keys -t ui q
	for ((i = 0; i < 100; i++)); do
		[[ -s $d/status ]] && break
		sleep 0.1
	done
	if [[ $(cat "$d/status" 2>/dev/null) == 0 ]] && ! xdp_left; then
		pass "$tag-clean-exit"
	else
		fail "$tag-clean-exit" "status $(cat "$d/status" 2>/dev/null || echo none) after q" \
			"$(cat "$d/err" 2>/dev/null | tail -n 3)"
	fi
	"${TMUX[@]}" kill-server 2>/dev/null
}

flood syn-xdp xdp syn "$SECS" 11
flood udp-xdp xdp udp "$SECS" 12
flood syn-pcap pcap syn "$PCAP_SECS" 13
# Slow enough that every Initial reaches xdptop, long enough to fill the table.
flood quic-xdp xdp quic "$QUIC_SECS" 14 $QUIC_RATE $MAX_FLOWS
ring ring-xdp 21 --backend xdp
ring_ui
ring ring-afxdp 22 --mirror --backend afxdp

echo "flood: $(($(date +%s) - T0)) s"
cleanup
if ip netns list | grep -qE "^($TX|$RX)( |$)"; then
	fail cleanup "namespace $TX or $RX is still there"
else
	pass cleanup
fi
summary
((FAILED == 0))
