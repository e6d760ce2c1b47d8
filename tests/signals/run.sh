#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Signals and a second instance, live on a veth with the xdp backend.
#
#   namespace A (xdt-sg-a-PID)  xdt-sga<PID> <-> xdt-sgb<PID>  namespace B (xdt-sg-b-PID)
#   10.213.110.1/24 fd00:213::110:1/112          10.213.110.2/24 fd00:213::110:2/112
#
# xdptop runs in A; B serves HTTP (python3 -m http.server) and UDP
# (tests/e2e/udptool.py); nfcapd listens on 127.0.0.1 in A (IPFIX never crosses
# the veth, so the capture of the veth stays an oracle of what xdptop counted).
#
# Checks (SUITE signals):
#   exit/TERM, exit/INT         every output on (--json, --json-log, --pcap-export,
#                               --prom-textfile, --ipfix), a new flow (ping) just
#                               before the signal, between two tables: the signal stops xdptop
#                               with status 0 within 5 s; the final table equals
#                               tshark's flows of a capture of the veth
#                               (tests/e2e/oracle.py --counts-only); tests/signals/
#                               check.py exit: the event log closes every connection
#                               (the final table's with "end":"exit" and their
#                               counters), tshark reads the pcapng and every
#                               connection in it has its sidecar line, the metrics
#                               file is well-formed, written at exit, and counts
#                               the final packets, nfdump's IPFIX records add up to
#                               the final counters; while it ran it held an xdp and
#                               a tcx link on the veth (its fdinfo); after, no XDP
#                               on the veth (ip link), none of the links, programs
#                               and maps it held left (bpftool), and no xdptop
#                               program that no process holds
#   hup/rename                  logrotate's way: the --json-log file and the
#                               --log-dir log renamed, SIGHUP: xdptop goes on, new
#                               lines go to the paths given (the log says it
#                               reopened), the renamed files stop growing
#   hup/sandbox                 that happened under the full lock-down: the stats
#                               say "full", /proc/PID/status CapEff 0, Seccomp 2
#   hup/copytruncate            the file copied and truncated, SIGHUP: the new
#                               lines start at offset 0 (no hole), all JSON
#   hup/reopen-fails            the directory moved away, SIGHUP: a warning naming
#                               --json-log, the capture goes on, the old file is
#                               still written
#   hup/exit                    after all that, SIGTERM: exit 0
#   hup/screen-stops            on the screen (tmux), SIGHUP is a hangup: xdptop
#                               exits and leaves no XDP behind
#   second/xdp-refused          a second --backend xdp on the same interface exits
#                               1 at once, naming the interface, "another xdptop"
#                               and --backend pcap
#   second/auto-coexists        --backend auto falls back to pcap beside the first
#                               (exit 0, "backend":"pcap", it counted the traffic)
#   second/pcap-coexists        --backend pcap beside the first (the same)
#   second/first-unharmed       the first xdptop kept its links (same ids) and its
#                               XDP program on the veth throughout, and its flows
#                               over its whole run equal tshark's exactly
#
# Environment: XDPTOP (default <repo>/build/xdptop)
# Exit status: 0 all passed, 1 something failed, 77 skipped.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
PY=/usr/bin/python3
ORACLE=$ROOT/tests/e2e/oracle.py
CHECK=$HERE/check.py
KCHECK=$ROOT/tests/kern/check.py
SUITE=signals
# shellcheck source=../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"
# shellcheck source=../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP: the signals tests need root (BPF, network namespaces, tcpdump)"
	exit 77
fi
for tool in ip tcpdump tshark bpftool curl ping nfcapd nfdump tmux ethtool pgrep "$PY"; do
	command -v "$tool" >/dev/null || { echo "SKIP: required tool '$tool' not found (sudo make deps)"; exit 77; }
done
if [[ ! -x $XDPTOP ]]; then
	fail setup "$XDPTOP is not built (make)"
	summary
	exit 1
fi
XDPTOP=$(realpath "$XDPTOP")

xdt_init || { fail setup "cannot create a scratch directory"; summary; exit 1; }
T=$XDT_TMP
NA=xdt-sg-a-$$
NB=xdt-sg-b-$$
IA=xdt-sga$$
IB=xdt-sgb$$
IA=${IA:0:15} IB=${IB:0:15}
A4=10.213.110.1 B4=10.213.110.2 A6=fd00:213::110:1 B6=fd00:213::110:2
HTTP_PORT=8080 UDP_PORT=9000 IPFIX_PORT=4739
TMUX_SOCK=xdt-sg-$$

sg_cleanup() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	xdt_cleanup
}
trap 'sg_cleanup' EXIT
trap 'sg_cleanup; trap - INT; kill -INT $$' INT
trap 'sg_cleanup; trap - TERM; kill -TERM $$' TERM

in_a() { ip netns exec "$NA" "$@"; }

# --- topology (as tests/kern: a link that carries only our traffic) ------------------

lladdr() { ip -n "$1" -br link show "$2" | awk '{print $3}'; }

setup_topology() {
	local ns dev
	xdt_netns_add "$NA" && xdt_netns_add "$NB" || return 1
	ip -n "$NA" link add "$IA" type veth peer name "$IB" netns "$NB" || return 1
	for ns in "$NA" "$NB"; do
		dev=$IA
		[[ $ns == "$NB" ]] && dev=$IB
		ip netns exec "$ns" sysctl -qw \
			"net.ipv6.conf.$dev.mldv1_unsolicited_report_interval=10" \
			"net.ipv6.conf.$dev.mldv2_unsolicited_report_interval=10" || return 1
		# XDP sees frames before GRO, tcpdump after.
		ip netns exec "$ns" ethtool -K "$dev" gro off 2>/dev/null
	done
	xdt_addr "$NA" "$IA" $A4/24 $A6/112 &&
	xdt_addr "$NB" "$IB" $B4/24 $B6/112 || return 1
	ip -n "$NA" neigh replace $B4 lladdr "$(lladdr "$NB" "$IB")" dev "$IA" nud permanent &&
	ip -n "$NA" neigh replace $B6 lladdr "$(lladdr "$NB" "$IB")" dev "$IA" nud permanent &&
	ip -n "$NB" neigh replace $A4 lladdr "$(lladdr "$NA" "$IA")" dev "$IB" nud permanent &&
	ip -n "$NB" neigh replace $A6 lladdr "$(lladdr "$NA" "$IA")" dev "$IB" nud permanent
}

counters() {
	in_a sh -c "cd /sys/class/net/$IA/statistics && echo \$(cat rx_packets) \$(cat tx_packets)"
}

# Until the link has been silent for 1 s (at most 10 s).
wait_quiet() {
	local i same=0 prev now
	prev=$(counters)
	for ((i = 0; i < 40; i++)); do
		sleep 0.25
		now=$(counters)
		if [[ $now == "$prev" ]]; then
			((++same >= 4)) && return 0
		else
			same=0
		fi
		prev=$now
	done
	return 1
}

if ! setup_topology >"$T/setup.log" 2>&1; then
	fail setup "cannot create the namespaces and the veth pair" "$(cat "$T/setup.log")"
	summary
	exit 1
fi
mkdir -p "$T/www" && head -c 10000 /dev/urandom >"$T/www/f10k"
xdt_bg "$NB" httpd "$PY" -m http.server --bind :: --directory "$T/www" $HTTP_PORT
xdt_bg "$NB" udpd "$PY" "$ROOT/tests/e2e/udptool.py" server $UDP_PORT $B4 $B6
if ! xdt_wait 10 xdt_listening "$NB" t $HTTP_PORT || ! xdt_wait 10 grep -qs ready "$T/udpd.out"; then
	fail setup "the servers did not start" "$(cat "$T/httpd.out" "$T/udpd.out")"
	summary
	exit 1
fi

# Real clients; a client that fails is a harness problem (said on stdout, status 1).
traffic() {
	local b got
	for b in $B4 "[$B6]"; do
		got=$(in_a curl -gsS --max-time 10 -o /dev/null -w '%{size_download}' \
			"http://$b:$HTTP_PORT/f10k") || { echo "curl $b failed"; return 1; }
		[[ $got == 10000 ]] || { echo "curl $b: $got bytes"; return 1; }
	done
	in_a "$PY" "$ROOT/tests/e2e/udptool.py" client $B4 $UDP_PORT || { echo "udptool failed"; return 1; }
	in_a ping -q -c 3 -i 0.05 -W 2 $B4 >/dev/null || { echo "ping $B4 failed"; return 1; }
	in_a ping -q -c 3 -i 0.05 -W 2 $B6 >/dev/null || { echo "ping $B6 failed"; return 1; }
}

# --- xdptop helpers --------------------------------------------------------------------

# xd_start NAME ARGS...: xdptop --json in A on the veth; stdout $T/NAME.jsonl, stderr
# $T/NAME.err; returns once the first table is out. Its pid in XPID.
XPID=
xd_start() {
	local name=$1
	shift
	ip netns exec "$NA" "$XDPTOP" -i "$IA" --json --no-resolve --no-config "$@" >"$T/$name.jsonl" 2>"$T/$name.err" &
	XPID=$!
	XDT_PIDS+=("$XPID")
	xdt_wait 20 grep -qs '"type":"stats"' "$T/$name.jsonl"
}

# xd_stop PID SIGNAL: its exit status in XRC (137: killed after 10 s), the time it took in XMS.
XRC=0 XMS=0
xd_stop() {
	local pid=$1 t0
	t0=$(date +%s%N)
	kill -"$2" "$pid" 2>/dev/null
	xdt_wait 10 xdt_none_alive "$pid" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	XRC=$?
	XMS=$((($(date +%s%N) - t0) / 1000000))
}

# stats_count FILE: how many stats records (tables) FILE holds.
stats_count() { grep -c '"type":"stats"' "$1" 2>/dev/null; }
# until FILE holds more than N stats records (at most S seconds)
more_tables() { [[ $(stats_count "$1") -gt $2 ]]; }

# The XDP program on the veth, as ip link shows it ("prog/xdp id N"), or nothing.
# (bpftool 7.1 `net show` does not list tcx; the links a process holds, from its
# fdinfo, are tests/kern/check.py objects.)
xdp_on() { ip -n "$NA" -d link show dev "$IA" | grep -o 'prog/xdp id [0-9]*'; }
IFINDEX=$(in_a cat "/sys/class/net/$IA/ifindex")
# links_on OBJECTS: the types of the links in OBJECTS on the veth, sorted
links_on() { awk -v i="$IFINDEX" '$1 == "link" && $4 == i {print $3}' "$1" | sort | tr '\n' ' '; }

leftovers() {	# leftovers OBJECTS: what of them is left, or XDP on the veth
	local left
	left=$("$PY" "$KCHECK" leftovers "$1")
	[[ -n $(xdp_on) ]] && left+=$'\n'"ip link: $IA still has $(xdp_on)"
	left=$(sed '/^$/d' <<<"$left")
	[[ -z $left ]] && return 0
	echo "$left"
	return 1
}

# --- a stop by signal flushes everything and detaches ---------------------------------

check_exit() {
	local sig=$1 name=exit-$1 msg rc out t_sig objs
	mkdir -p "$T/$name/prom" "$T/$name/nf"
	chmod 0755 "$T/$name/prom"
	xdt_bg "$NA" "nfcapd-$name" nfcapd -b 127.0.0.1 -p $IPFIX_PORT -w "$T/$name/nf" -t 3600
	if ! xdt_wait 10 xdt_listening "$NA" u $IPFIX_PORT; then
		fail "exit/$sig" "nfcapd did not start (harness)" "$(cat "$T/nfcapd-$name.out")"
		return
	fi
	wait_quiet || { fail "exit/$sig" "the link does not fall silent (harness)"; return; }
	xdt_capture_start "$NA" "$name" "$IA" ||
		{ fail "exit/$sig" "tcpdump did not start" "$(cat "$T/tcpdump-$name.out")"; return; }
	# Tables every 2 s: the last packets come between two, so only the exit writes them.
	if ! xd_start "$name" --backend xdp --interval 2 --json-log "$T/$name/events.jsonl" \
		--pcap-export "$T/$name/cap.pcapng" --prom-textfile "$T/$name/prom/xdptop.prom" \
		--ipfix 127.0.0.1:$IPFIX_PORT; then
		xd_stop "$XPID" KILL
		xdt_captures_stop "$name"
		fail "exit/$sig" "xdptop printed no table" "$(cat "$T/$name.err")"
		return
	fi
	"$PY" "$KCHECK" objects "$XPID" >"$T/$name.objects"
	objs=$(links_on "$T/$name.objects")
	out=$(xdp_on)
	msg=$(traffic 2>&1)
	rc=$?
	# A new flow just before the signal: only the final table, the final scan of the
	# event log and the final metrics can have it.
	t_sig=$(date +%s.%N)
	in_a ping -q -c 1 -W 2 $B4 >/dev/null || { rc=1; msg+=" last ping failed"; }
	xd_stop "$XPID" "$sig"
	xdt_captures_stop "$name"
	kill -TERM "$(xdt_pid "nfcapd-$name")"
	xdt_wait 10 xdt_none_alive "$(xdt_pid "nfcapd-$name")"
	if ((rc != 0)); then
		fail "exit/$sig" "traffic failed (harness): $msg"
		return
	fi
	if [[ $objs != "tcx xdp " || -z $out ]]; then
		fail "exit/$sig" "while running: links on $IA '$objs', ip link '$out' (want an xdp and a tcx)" \
			"$(cat "$T/$name.objects")"
		return
	fi
	if ((XRC != 0 || XMS > 5000)); then
		fail "exit/$sig" "exit status $XRC after $XMS ms (want 0 within 5 s)" "$(tail -n 5 "$T/$name.err")"
		return
	fi
	nfdump -R "$T/$name/nf" -o csv >"$T/$name/nfdump.csv" 2>"$T/$name/nfdump.err"
	local problems=() oracle flushed left
	oracle=$("$PY" "$ORACLE" --counts-only --expect tcp,udp,icmp,icmpv6,v4,v6 \
		"$T/$name.pcap" "$T/$name.jsonl" 2>&1) ||
		problems+=("the final table is not what crossed the link:" "$oracle")
	flushed=$("$PY" "$CHECK" exit --json "$T/$name.jsonl" --events "$T/$name/events.jsonl" \
		--pcapng "$T/$name/cap.pcapng" --prom "$T/$name/prom/xdptop.prom" \
		--nfdump "$T/$name/nfdump.csv" --after "$t_sig" 2>&1) ||
		problems+=("the outputs are not complete:" "$flushed")
	if ! xdt_wait 5 leftovers "$T/$name.objects" >/dev/null; then
		left=$(leftovers "$T/$name.objects")
		problems+=("still there 5 s after the exit: $(tr '\n' ';' <<<"$left")")
	fi
	if ((${#problems[@]})); then
		fail "exit/$sig" "${problems[@]}" "$(tail -n 3 "$T/$name.err")"
	else
		pass "exit/$sig"
		echo "    exit 0 after $XMS ms; $(head -n 1 <<<"$oracle"); $flushed; nothing left attached or loaded ($(grep -c . "$T/$name.objects") objects)"
	fi
}

# --- SIGHUP: reopen the logs (logrotate) ---------------------------------------------

lines_at_least() { [[ -s $1 ]] && (($(wc -l <"$1") >= $2)); }

check_hup() {
	local d=$T/hup logs=$T/hup-logs lf n0 n1 n tables pid status
	mkdir -p "$d" "$logs"
	if ! xd_start hup --backend xdp --interval 0.3 --json-log "$d/events.jsonl" --log-dir "$logs"; then
		xd_stop "$XPID" KILL
		fail hup/rename "xdptop printed no table" "$(cat "$T/hup.err")"
		return
	fi
	pid=$XPID
	lf=$(ls "$logs"/xdptop_*.log 2>/dev/null | head -n 1)
	in_a ping -q -c 3 -i 0.05 $B4 >/dev/null
	# The ping's events are written at the next scan (once an interval): wait for
	# them, so the file renamed away holds what came before the signal.
	xdt_wait 5 lines_at_least "$d/events.jsonl" 2
	# logrotate without copytruncate: rename, then signal.
	mv "$d/events.jsonl" "$d/events.jsonl.1" && mv "$lf" "$lf.1"
	tables=$(stats_count "$T/hup.jsonl")
	kill -HUP "$pid"
	in_a ping -q -c 3 -i 0.05 $B6 >/dev/null
	xdt_wait 5 grep -qs '"event":"stats"' "$d/events.jsonl"
	xdt_wait 5 grep -qs "INFO  SIGHUP: reopened the log file $lf" "$lf"
	n0=$(wc -l <"$d/events.jsonl.1")
	xdt_wait 5 more_tables "$T/hup.jsonl" $((tables + 3))
	n1=$(wc -l <"$d/events.jsonl.1")
	if ! kill -0 "$pid" 2>/dev/null; then
		fail hup/rename "xdptop exited on SIGHUP" "$(tail -n 5 "$T/hup.err")"
		return
	elif [[ ! -s $d/events.jsonl || ! -s $lf ]]; then
		fail hup/rename "no new --json-log or log file at the paths given" "$(ls -la "$d" "$logs")" \
			"$(tail -n 5 "$T/hup.err")"
	elif ((n0 != n1)); then
		fail hup/rename "the renamed event log still grows ($n0 -> $n1 lines)"
	elif ! grep -q "\"event\":\"connection_opened\".*\"dst\":\"$B6\"" "$d/events.jsonl" ||
		! grep -q "SIGHUP: reopened --json-log $d/events.jsonl" "$lf" ||
		! grep -q "SIGHUP: reopened the log file $lf" "$T/hup.err" ||
		! out=$("$PY" "$CHECK" lines "$d/events.jsonl.1" --min 2) ||
		! out=$("$PY" "$CHECK" lines "$d/events.jsonl" --min 2); then
		fail hup/rename "the new files lack what came after the signal" "$out" \
			"$(head -n 5 "$lf")" "$(tail -n 5 "$T/hup.err")"
	else
		pass hup/rename
		echo "    $(wc -l <"$d/events.jsonl") events and $(wc -l <"$lf") log lines at the paths given; the renamed event log stopped at $n1 lines"
	fi
	status=$(cat "/proc/$pid/status")
	if grep '"type":"stats"' "$T/hup.jsonl" | tail -n 1 | grep -q '"sandbox":{"state":"full"' &&
		grep -q '^CapEff:[[:space:]]*0000000000000000$' <<<"$status" &&
		grep -q '^Seccomp:[[:space:]]*2$' <<<"$status"; then
		pass hup/sandbox
	else
		fail hup/sandbox "the reopen was not under the full lock-down" \
			"$(grep -o '"sandbox":{"state":"[a-z]*"' "$T/hup.jsonl" | tail -n 1)" \
			"$(grep -E '^(CapEff|Seccomp)' <<<"$status")"
	fi

	# copytruncate: the file copied, then truncated in place.
	cp "$d/events.jsonl" "$d/events.jsonl.2" && : >"$d/events.jsonl"
	kill -HUP "$pid"
	tables=$(stats_count "$T/hup.jsonl")
	xdt_wait 5 more_tables "$T/hup.jsonl" $((tables + 2))
	if [[ $(head -c 1 "$d/events.jsonl") == "{" ]] &&
		out=$("$PY" "$CHECK" lines "$d/events.jsonl" --min 1) &&
		out2=$("$PY" "$CHECK" lines "$d/events.jsonl.2" --min 2); then
		pass hup/copytruncate
		echo "    $out"
	else
		fail hup/copytruncate "the truncated file does not start with whole JSON lines" \
			"${out:-}" "$(head -c 80 "$d/events.jsonl" | od -c | head -n 2)"
	fi

	# The directory moved away: the reopen fails, the old file goes on.
	mv "$d" "$d.moved"
	n0=$(wc -l <"$d.moved/events.jsonl")
	kill -HUP "$pid"
	tables=$(stats_count "$T/hup.jsonl")
	xdt_wait 5 more_tables "$T/hup.jsonl" $((tables + 2))
	n=$(wc -l <"$d.moved/events.jsonl")
	if kill -0 "$pid" 2>/dev/null &&
		grep -q "warning: SIGHUP: cannot reopen --json-log $d/events.jsonl: No such file or directory; still writing" "$T/hup.err" &&
		((n > n0)); then
		pass hup/reopen-fails
	else
		fail hup/reopen-fails "no warning, xdptop gone, or the old file stopped ($n0 -> $n lines)" \
			"$(tail -n 5 "$T/hup.err")"
	fi
	xd_stop "$pid" TERM
	if ((XRC == 0)); then
		pass hup/exit
	else
		fail hup/exit "exit status $XRC after SIGTERM" "$(tail -n 5 "$T/hup.err")"
	fi
}

# The screen: SIGHUP is its terminal hanging up.
check_hup_screen() {
	local pid i
	tmux -L "$TMUX_SOCK" new-session -d -x 120 -y 40 \
		"ip netns exec $NA $XDPTOP -i $IA --backend xdp --no-resolve --no-config 2>$T/screen.err"
	for ((i = 0; i < 100; i++)); do
		# The oldest: xdptop itself, not the xdptop-reaper it forks (same command line).
		pid=$(pgrep -f -o -x "$XDPTOP -i $IA --backend xdp --no-resolve --no-config")
		[[ -n $pid && -n $(xdp_on) ]] && break
		sleep 0.1
	done
	if [[ -z $pid ]]; then
		fail hup/screen-stops "the screen did not start" "$(cat "$T/screen.err")"
		return
	fi
	kill -HUP "$pid"
	if xdt_wait 5 xdt_none_alive "$pid" && xdt_wait 5 test -z "$(xdp_on)"; then
		pass hup/screen-stops
	else
		fail hup/screen-stops "still running 5 s after SIGHUP, or XDP left: $(xdp_on)"
		kill -KILL "$pid" 2>/dev/null
	fi
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
}

# --- a second instance on the same interface ------------------------------------------

# second NAME BACKEND: a second xdptop on the veth for 3 s while traffic runs; its
# exit status in SRC.
SRC=0
second() {
	local name=$1 be=$2 p
	in_a timeout 30 "$XDPTOP" -i "$IA" --json --no-resolve --no-config --backend "$be" \
		--duration 3 --interval 0.5 >"$T/$name.jsonl" 2>"$T/$name.err" &
	p=$!
	xdt_wait 10 grep -qs '"type":"stats"' "$T/$name.jsonl" && traffic >>"$T/second-traffic.log" 2>&1
	wait $p
	SRC=$?
}

check_second() {
	local first link0 link1 prog0 prog1 t0 ms out rc
	wait_quiet || { fail second/first-unharmed "the link does not fall silent (harness)"; return; }
	xdt_capture_start "$NA" first "$IA" ||
		{ fail second/first-unharmed "tcpdump did not start" "$(cat "$T/tcpdump-first.out")"; return; }
	if ! xd_start first --backend xdp --interval 0.5; then
		xd_stop "$XPID" KILL
		xdt_captures_stop first
		fail second/first-unharmed "the first xdptop printed no table" "$(cat "$T/first.err")"
		return
	fi
	first=$XPID
	"$PY" "$KCHECK" objects "$first" >"$T/first.objects"
	link0=$(awk -v i="$IFINDEX" '$1 == "link" && $4 == i' "$T/first.objects" | sort)
	prog0=$(xdp_on)
	traffic >>"$T/second-traffic.log" 2>&1 || echo "phase 1 failed" >>"$T/second-traffic.log"

	t0=$(date +%s%N)
	in_a timeout 30 "$XDPTOP" -i "$IA" --json --no-resolve --no-config --backend xdp \
		--duration 3 >"$T/second-xdp.jsonl" 2>"$T/second-xdp.err"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	if ((rc == 1)) && grep -q "XDP attach to $IA failed: another xdptop is capturing there" "$T/second-xdp.err" &&
		grep -q -- "--backend pcap" "$T/second-xdp.err" && ! grep -q '"type":"stats"' "$T/second-xdp.jsonl"; then
		pass second/xdp-refused
		echo "    exit 1 after $ms ms: $(grep "XDP attach" "$T/second-xdp.err")"
	else
		fail second/xdp-refused "exit $rc after $ms ms (want 1, naming $IA and another xdptop)" \
			"$(cat "$T/second-xdp.err")"
	fi

	second second-auto auto
	if ((SRC == 0)) && grep -q "xdp backend unavailable, using pcap: XDP attach to $IA failed: another xdptop" "$T/second-auto.err" &&
		[[ $("$PY" "$KCHECK" stat "$T/second-auto.jsonl" backend) == pcap ]] &&
		grep -q "\"dst\":\"$B4\",\"dport\":$HTTP_PORT" "$T/second-auto.jsonl"; then
		pass second/auto-coexists
	else
		fail second/auto-coexists "exit $SRC, no pcap fallback that counted the curl" \
			"$(cat "$T/second-auto.err")"
	fi
	second second-pcap pcap
	if ((SRC == 0)) && [[ $("$PY" "$KCHECK" stat "$T/second-pcap.jsonl" backend) == pcap ]] &&
		grep -q "\"dst\":\"$B4\",\"dport\":$HTTP_PORT" "$T/second-pcap.jsonl"; then
		pass second/pcap-coexists
	else
		fail second/pcap-coexists "exit $SRC, or it did not count the curl" "$(cat "$T/second-pcap.err")"
	fi

	"$PY" "$KCHECK" objects "$first" >"$T/first.objects.after"
	link1=$(awk -v i="$IFINDEX" '$1 == "link" && $4 == i' "$T/first.objects.after" | sort)
	prog1=$(xdp_on)
	traffic >>"$T/second-traffic.log" 2>&1 || echo "last phase failed" >>"$T/second-traffic.log"
	sleep 0.6
	xd_stop "$first" INT
	xdt_captures_stop first
	if grep -q failed "$T/second-traffic.log"; then
		fail second/first-unharmed "traffic failed (harness)" "$(cat "$T/second-traffic.log")"
		return
	fi
	out=$("$PY" "$ORACLE" --counts-only --expect tcp,udp,icmp,icmpv6,v4,v6 \
		"$T/first.pcap" "$T/first.jsonl" 2>&1)
	rc=$?
	if [[ $(wc -l <<<"$link0") != 2 || $link0 != "$link1" || -z $prog0 || $prog0 != "$prog1" ]]; then
		fail second/first-unharmed "the first xdptop's links or the veth's programs changed" \
			"before: $link0 $prog0" "after: $link1 $prog1"
	elif ((XRC != 0)); then
		fail second/first-unharmed "the first xdptop exited $XRC" "$(tail -n 5 "$T/first.err")"
	elif ((rc != 0)); then
		fail second/first-unharmed "$(head -n 1 <<<"$out")" "$(tail -n +2 <<<"$out" | head -n 30)"
	else
		pass second/first-unharmed
		echo "    same $(wc -l <<<"$link0") links throughout; $(head -n 1 <<<"$out")"
	fi
}

check_exit TERM
check_exit INT
check_hup
check_hup_screen
check_second

summary
((FAILED == 0))
