#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel data path tests: xdptop --backend xdp (XDP ingress + tcx egress
# counting in a kernel map) monitoring one end of a veth pair, live.
#
#   namespace A (xdt-e2e-ka-PID)  xdt-ka0 <-> xdt-kb0  namespace B (xdt-e2e-kb-PID)
#   10.213.60.1/24 fd00:213::60:1/112       10.213.60.2/24 fd00:213::60:2/112
#
# xdptop runs in A on xdt-ka0; B serves HTTP (python3 -m http.server) and UDP
# (tests/e2e/udptool.py). Checks:
#   probe-names-xdp         `xdptop --probe` ends naming the backend auto picks: xdp
#   missing-interface-named --backend xdp on a missing interface: exit 1, named
#   auto-uses-xdp           --backend auto on the veth reports "backend":"xdp"
#   oracle-xdp, oracle-pcap curl (v4+v6; also to a closed port: RESET flows
#                           that idle out inside the window), UDP with IP
#                           fragments and an ICMP error, ping (v4+v6): every
#                           flow's per-direction packets and IP bytes and its
#                           initiator equal what tshark finds in a tcpdump
#                           capture of the same interface, exactly
#                           (tests/e2e/oracle.py --counts-only: ended flows
#                           plus the last table)
#   idle-end-xdp, -pcap     those RESET flows end "idle" (not "evicted")
#   bulk-dpi4, bulk-dpi2    1 GiB over HTTP: per-direction packets and bytes
#                           equal a headers-only tcpdump capture's (and the
#                           packets the interface counters); prefixes per
#                           direction <= --dpi-packets (4, 2)
#   kill9-detaches          kill -9 leaves no XDP on the veth and none of its
#                           tcx/xdp links, programs or maps behind
#   restart-after-kill9     the next start on the same interface prints a
#                           table, and a clean stop leaves nothing either
#
# Exact windows: the link carries nothing but our traffic (no link-local
# addresses, no DAD, static neighbours, MLD reports let die out before any
# window opens); tcpdump starts before xdptop and stops after it.
#
# Environment: XDPTOP  binary to test (default: <repo>/build/xdptop)
#              KERN_KEEP_DIR  if set, captures and outputs are copied there
# Output: one PASS/FAIL line per check, then "kern: N passed, M failed".
# Exit status: 0 all passed, 1 something failed, 77 skipped.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
PY=/usr/bin/python3
ORACLE=$ROOT/tests/e2e/oracle.py
CHECK=$HERE/check.py
# shellcheck source=../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

PASSED=0
FAILED=0
summary() { echo "kern: $PASSED passed, $FAILED failed"; }
pass() { echo "PASS kern/$1${2:+: $2}"; PASSED=$((PASSED + 1)); }
fail() {
	local name=$1 msg=$2
	shift 2
	echo "FAIL kern/$name: $msg"
	# Remaining arguments: detail text, shown indented.
	(($#)) && printf '%s\n' "$@" | sed 's/^/    /'
	FAILED=$((FAILED + 1))
}

# --- preconditions --------------------------------------------------------

if [[ $(id -u) != 0 ]]; then
	echo "SKIP: kernel data path tests need root (BPF, network namespaces, tcpdump)"
	exit 77
fi
for tool in ip ss tcpdump tshark bpftool curl ping timeout "$PY"; do
	command -v "$tool" >/dev/null || { echo "SKIP: required tool '$tool' not found (sudo make deps)"; exit 77; }
done
if [[ ! -x $XDPTOP ]]; then
	echo "FAIL kern/setup: $XDPTOP is not built (make)"
	FAILED=1
	summary
	exit 1
fi
XDPTOP=$(realpath "$XDPTOP")

xdt_init || { echo "FAIL kern/setup: cannot create scratch directory"; FAILED=1; summary; exit 1; }
T=$XDT_TMP
NA=xdt-e2e-ka-$$
NB=xdt-e2e-kb-$$
IA=xdt-ka0
IB=xdt-kb0
A4=10.213.60.1 B4=10.213.60.2 A6=fd00:213::60:1 B6=fd00:213::60:2
HTTP_PORT=8080 UDP_PORT=9000	# UDP_PORT+1 stays closed (ICMP errors)
BIG=$((1024 * 1024 * 1024))

keep() { # copy scratch files to $KERN_KEEP_DIR for a post-mortem
	[[ -n ${KERN_KEEP_DIR:-} ]] || return 0
	mkdir -p "$KERN_KEEP_DIR" && cp "$@" "$KERN_KEEP_DIR"/ 2>/dev/null
	return 0
}

# --- topology -------------------------------------------------------------

# rx+tx packets and bytes of xdt-ka0
counters() {
	ip netns exec "$NA" sh -c "cd /sys/class/net/$IA/statistics &&
		echo \$((\$(cat rx_packets) + \$(cat tx_packets))) \$((\$(cat rx_bytes) + \$(cat tx_bytes)))"
}

# Wait until the link has been silent for 1 s (at most 10 s).
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

lladdr() { ip -n "$1" -br link show "$2" | awk '{print $3}'; }

setup_topology() {
	local ns dev
	xdt_netns_add "$NA" && xdt_netns_add "$NB" || return 1
	ip -n "$NA" link add "$IA" type veth peer name "$IB" netns "$NB" || return 1
	for ns in "$NA" "$NB"; do
		dev=$IA
		[[ $ns == "$NB" ]] && dev=$IB
		# Joining the solicited-node groups sends unsolicited MLD reports,
		# repeated after a random delay; make them come and go at once.
		ip netns exec "$ns" sysctl -qw \
			"net.ipv6.conf.$dev.mldv1_unsolicited_report_interval=10" \
			"net.ipv6.conf.$dev.mldv2_unsolicited_report_interval=10" || return 1
		# Off by default on veth; XDP sees frames before GRO, tcpdump after.
		ip netns exec "$ns" ethtool -K "$dev" gro off 2>/dev/null
	done
	xdt_addr "$NA" "$IA" $A4/24 $A6/112 &&
	xdt_addr "$NB" "$IB" $B4/24 $B6/112 || return 1
	# Static neighbours: no ARP or neighbour discovery inside any window.
	ip -n "$NA" neigh replace $B4 lladdr "$(lladdr "$NB" $IB)" dev $IA nud permanent &&
	ip -n "$NA" neigh replace $B6 lladdr "$(lladdr "$NB" $IB)" dev $IA nud permanent &&
	ip -n "$NB" neigh replace $A4 lladdr "$(lladdr "$NA" $IA)" dev $IB nud permanent &&
	ip -n "$NB" neigh replace $A6 lladdr "$(lladdr "$NA" $IA)" dev $IB nud permanent
}

start_servers() {
	mkdir -p "$T/www" &&
	head -c 10000 /dev/urandom >"$T/www/f10k" &&
	head -c 1000000 /dev/urandom >"$T/www/f1m" &&
	truncate -s $BIG "$T/www/big" || return 1
	# One dual-stack socket on :: serves both addresses.
	xdt_bg "$NB" httpd "$PY" -m http.server --bind :: --directory "$T/www" $HTTP_PORT
	xdt_bg "$NB" udpd "$PY" "$ROOT/tests/e2e/udptool.py" server $UDP_PORT $B4 $B6
	xdt_wait 10 xdt_listening "$NB" t $HTTP_PORT || { echo "http.server did not start"; return 1; }
	xdt_wait 10 grep -qs ready "$T/udpd.out" || { echo "udp server did not start"; return 1; }
}

# --- xdptop helpers ---------------------------------------------------------

XPID=""
# start_xdptop NAME ARGS...: xdptop -i ${XIF:-xdt-ka0} ARGS in A, in the background;
# stdout to $T/NAME.jsonl, stderr to $T/NAME.err. Waits for the first table.
start_xdptop() {
	local name=$1
	shift
	ip netns exec "$NA" "$XDPTOP" --no-resolve --json -i "${XIF:-$IA}" "$@" >"$T/$name.jsonl" 2>"$T/$name.err" &
	XPID=$!
	XDT_PIDS+=("$XPID")
	xdt_wait 10 grep -qs '"type":"stats"' "$T/$name.jsonl"
}

# stop_xdptop [SIGNAL]: signal $XPID and reap it; its exit status in XRC
# (137 = it had to be killed after 10 s).
XRC=0
stop_xdptop() {
	kill -"${1:-INT}" "$XPID" 2>/dev/null
	if ! xdt_wait 10 xdt_none_alive "$XPID"; then
		kill -KILL "$XPID" 2>/dev/null
	fi
	wait "$XPID" 2>/dev/null
	XRC=$?
}

in_a() { ip netns exec "$NA" "$@"; }

# --- checks ---------------------------------------------------------------

check_probe() {
	local out rc last
	out=$(in_a "$XDPTOP" --probe -i $IA 2>&1)
	rc=$?
	last=$(printf '%s\n' "$out" | tail -n 1)
	if [[ $rc == 0 && $last =~ would\ choose:\ xdp([^a-z]|$) ]]; then
		pass probe-names-xdp "$last"
	else
		fail probe-names-xdp "exit $rc, last line '$last'" "$out"
	fi
}

check_missing_interface() {
	local err rc
	err=$(in_a timeout 10 "$XDPTOP" --no-resolve --json --backend xdp -i xdt-nosuch0 --duration 1 2>&1 >/dev/null)
	rc=$?
	if [[ $rc == 1 && $err == *xdt-nosuch0* ]]; then
		pass missing-interface-named "exit 1: $err"
	else
		fail missing-interface-named "exit $rc, stderr '$err'"
	fi
}

check_auto() {
	local rc backend mode
	in_a timeout 20 "$XDPTOP" --no-resolve --json -i $IA --backend auto --duration 1 --interval 0.3 \
		>"$T/auto.jsonl" 2>"$T/auto.err"
	rc=$?
	backend=$("$PY" "$CHECK" stat "$T/auto.jsonl" backend 2>/dev/null)
	mode=$("$PY" "$CHECK" stat "$T/auto.jsonl" xdp_mode 2>/dev/null)
	if [[ $rc == 0 && $backend == xdp ]]; then
		pass auto-uses-xdp "\"backend\":\"xdp\", \"xdp_mode\":\"$mode\""
	else
		fail auto-uses-xdp "exit $rc, backend '$backend'" "$(cat "$T/auto.err")"
	fi
}

# The traffic of the oracle windows. A client that fails is a harness
# problem (it would make the comparison vacuous); reported by the caller.
traffic() {
	local b size got f
	# A connection refused (SYN, RST): a RESET flow, which idles out after
	# 5 s, so that the output also holds an ended flow ("end":"idle").
	for b in $B4 "[$B6]"; do
		in_a curl -sS --max-time 5 -o /dev/null "http://$b:$((HTTP_PORT + 1))/" 2>/dev/null
		[[ $? == 7 ]] || { echo "curl to the closed port $b:$((HTTP_PORT + 1)) was not refused"; return 1; }
	done
	for b in $B4 "[$B6]"; do
		for size in 10000 1000000; do
			[[ $size == 10000 ]] && f=f10k || f=f1m
			got=$(in_a curl -sS --max-time 10 -o /dev/null -w '%{size_download}' \
				"http://$b:$HTTP_PORT/$f") || { echo "curl $b/$f failed"; return 1; }
			[[ $got == "$size" ]] || { echo "curl $b/$f: $got bytes, expected $size"; return 1; }
		done
	done
	for b in $B4 $B6; do
		in_a "$PY" "$ROOT/tests/e2e/udptool.py" client "$b" $UDP_PORT ||
			{ echo "udptool client $b failed"; return 1; }
		in_a ping -q -c 5 -i 0.05 -W 2 -s 200 "$b" >/dev/null ||
			{ echo "ping $b failed"; return 1; }
		in_a ping -q -c 2 -i 0.05 -W 2 -s 3000 "$b" >/dev/null ||
			{ echo "ping -s 3000 $b failed"; return 1; }
	done
}

# Have both flows to the closed port (v4, v6) left the table (any "end")?
refused_ended() {
	[[ $(grep '"end":' "$1" | grep -c "\"dport\":$((HTTP_PORT + 1)),") -ge 2 ]]
}

# close_window NAME RC MSG: stop xdptop and the capture of a window, keep the
# files; fails NAME (and returns 1) if the traffic or xdptop's exit went wrong.
close_window() {
	local name=$1 rc=$2 msg=$3
	stop_xdptop INT
	xdt_captures_stop "$name"
	keep "$T/$name.pcap" "$T/$name.jsonl" "$T/$name.err"
	if [[ $rc != 0 ]]; then
		fail "$name" "traffic failed (harness problem, not xdptop): $msg"
		return 1
	fi
	if [[ $XRC != 0 ]]; then
		fail "$name" "xdptop exited $XRC after SIGINT" "$(cat "$T/$name.err")"
		return 1
	fi
}

# check_oracle BACKEND: one window, tcpdump around xdptop around the traffic.
check_oracle() {
	local be=$1 name=oracle-$1 out msg rc
	wait_quiet || { fail "$name" "the link does not fall silent (harness)"; return; }
	if ! xdt_capture_start "$NA" "$name" $IA; then
		fail "$name" "tcpdump did not start" "$(cat "$T/tcpdump-$name.out")"
		return
	fi
	if ! start_xdptop "$name" --backend "$be" --interval 0.5; then
		stop_xdptop KILL
		xdt_captures_stop "$name"
		fail "$name" "xdptop printed no table (exit $XRC)" "$(cat "$T/$name.err")"
		return
	fi
	msg=$(traffic 2>&1)
	rc=$?
	# Both refused connections must have ended before the window closes.
	local ended=ok
	xdt_wait 12 refused_ended "$T/$name.jsonl" || ended=
	sleep 0.3
	close_window "$name" $rc "$msg" || return
	# How they ended: idle, as xdptop(8) "Flow timeouts" says (reported below).
	local idle idle_rc=1
	if [[ -z $ended ]]; then
		idle="the two RESET flows did not leave the table within 12 s (timeout 5 s)"
	else
		idle=$("$PY" "$CHECK" idle "$T/$name.jsonl" $((HTTP_PORT + 1)) 2 2>&1)
		idle_rc=$?
	fi
	out=$("$PY" "$ORACLE" --counts-only --expect tcp,udp,icmp,icmpv6,v4,v6,frag4,frag6,icmp-error \
		"$T/$name.pcap" "$T/$name.jsonl" 2>&1)
	rc=$?
	local note
	note=$(xdt_captures_report "$name")
	if [[ $be == xdp ]] && ! grep -q '"backend":"xdp"' "$T/$name.jsonl"; then
		fail "$name" "stats do not say \"backend\":\"xdp\""
	elif [[ $rc == 0 ]]; then
		pass "$name" "$(printf '%s\n' "$out" | head -n 1)${note:+ ($note)}"
	else
		fail "$name" "$(printf '%s\n' "$out" | head -n 1)" \
			"$(printf '%s\n' "$out" | tail -n +2 | head -n 40)" ${note:+"$note"}
	fi
	if [[ $idle_rc == 0 ]]; then
		pass "idle-end-$be" "${idle#ok: }"
	else
		fail "idle-end-$be" "${idle#bad: }"
	fi
}

# check_bulk DPI: 1 GiB over HTTP, counted by the kernel, against a
# headers-only tcpdump capture of the same window (and the interface's
# packet counters; its byte counters are no oracle here: with XDP attached,
# veth counts received bytes without the Ethernet header).
check_bulk() {
	local dpi=$1 name=bulk-dpi$1 p0 p1 got start ms out note
	wait_quiet || { fail "$name" "the link does not fall silent (harness)"; return; }
	if ! xdt_capture_start "$NA" "$name" $IA -s 96; then
		fail "$name" "tcpdump did not start" "$(cat "$T/tcpdump-$name.out")"
		return
	fi
	if ! start_xdptop "$name" --backend xdp --dpi-packets "$dpi" --interval 1; then
		stop_xdptop KILL
		xdt_captures_stop "$name"
		fail "$name" "xdptop printed no table (exit $XRC)" "$(cat "$T/$name.err")"
		return
	fi
	read -r p0 _ <<<"$(counters)"
	start=$(date +%s%N)
	got=$(in_a curl -sS --max-time 40 -o /dev/null -w '%{size_download}' \
		"http://$B4:$HTTP_PORT/big" 2>&1)
	ms=$((($(date +%s%N) - start) / 1000000))
	sleep 0.3
	read -r p1 _ <<<"$(counters)"
	stop_xdptop INT
	xdt_captures_stop "$name"
	keep "$T/$name.jsonl" "$T/$name.err" "$T/$name.pcap" "$T/tcpdump-$name.out"
	note=$(xdt_captures_report "$name")
	if [[ $got != "$BIG" ]]; then
		fail "$name" "curl downloaded '$got', expected $BIG bytes (harness problem)"
	elif [[ -n $note ]]; then
		fail "$name" "$note (harness problem: the capture is no oracle)"
	elif [[ $XRC != 0 ]]; then
		fail "$name" "xdptop exited $XRC after SIGINT" "$(cat "$T/$name.err")"
	elif out=$("$PY" "$CHECK" bulk "$T/$name.jsonl" "$T/$name.pcap" "$dpi" $BIG $((p1 - p0)) 2>&1); then
		pass "$name" "1 GiB in $ms ms; ${out#ok: }"
	else
		fail "$name" "${out#bad: }"
	fi
	rm -f "$T/$name.pcap"
}

# After a process is gone: is anything of its BPF objects (file $1, from
# `check.py objects`) left, or XDP still on the veth?
leftovers() {
	local left
	left=$("$PY" "$CHECK" leftovers "$1")
	if ip -n "$NA" link show dev $IA | grep -q 'xdp'; then
		left+=$'\n'"ip link: $IA still has $(ip -n "$NA" link show dev $IA | grep -o 'prog/xdp.*')"
	fi
	left=$(sed '/^$/d' <<<"$left")
	[[ -z $left ]] && return 0
	echo "$left"
	return 1
}

# kill -9 must leave nothing attached or loaded: no XDP on the veth (ip link),
# none of its xdp/tcx links, programs or maps (bpftool), and no program named
# xdt_xdp/xdt_tc_egress that no process holds. Programs of other xdptops
# running on this host (their own tests or benchmarks) are held by them
# and do not count.
check_kill9() {
	local ifindex kinds why
	ifindex=$(in_a cat "/sys/class/net/$IA/ifindex")
	if ! start_xdptop kill9 --backend xdp --interval 0.5; then
		stop_xdptop KILL
		fail kill9-detaches "xdptop printed no table" "$(cat "$T/kill9.err")"
		return
	fi
	"$PY" "$CHECK" objects "$XPID" >"$T/kill9.objects"
	kinds=$(awk -v i="$ifindex" '$1 == "link" && $4 == i {print $3}' "$T/kill9.objects" | sort | tr '\n' ' ')
	kill -KILL "$XPID"
	wait "$XPID" 2>/dev/null
	if [[ $kinds != "tcx xdp " ]]; then
		fail kill9-detaches "while running, expected an xdp and a tcx link on ifindex $ifindex" \
			"$(cat "$T/kill9.objects")"
	# The kernel frees links, programs and maps after a grace period.
	elif xdt_wait 5 leftovers "$T/kill9.objects" >/dev/null; then
		pass kill9-detaches "no XDP on $IA; its $(grep -c '^link' "$T/kill9.objects") links, $(grep -c '^prog' "$T/kill9.objects") programs, $(grep -c '^map' "$T/kill9.objects") maps are gone; no orphaned xdt_xdp/xdt_tc_egress"
	else
		why=$(leftovers "$T/kill9.objects")
		fail kill9-detaches "still there after 5 s: $(tr '\n' ';' <<<"$why")" \
			"$(in_a bpftool net show dev $IA 2>&1)" "$(bpftool link show 2>&1)"
	fi

	# The next start on the same interface works, and stops cleanly.
	if start_xdptop restart --backend xdp --interval 0.3; then
		"$PY" "$CHECK" objects "$XPID" >"$T/restart.objects"
		stop_xdptop INT
		if [[ $XRC != 0 ]] || ! grep -q '"backend":"xdp"' "$T/restart.jsonl"; then
			fail restart-after-kill9 "exit $XRC, no xdp table" "$(cat "$T/restart.err")"
		elif ! xdt_wait 5 leftovers "$T/restart.objects" >/dev/null; then
			fail restart-after-kill9 "after a clean stop, still there: $(leftovers "$T/restart.objects" | tr '\n' ';')"
		else
			pass restart-after-kill9 "prints a table with \"backend\":\"xdp\", stops cleanly"
		fi
	else
		stop_xdptop KILL
		fail restart-after-kill9 "no table (exit $XRC)" "$(cat "$T/restart.err")"
	fi
}

# check_mirror: --mirror --backend afxdp on a port that receives a tc mirred copy
# of the link's traffic, both directions; every flow compared with tshark on a
# capture of the link itself. Runs last: it turns segmentation offloads off.
check_mirror() {
	local name=oracle-afxdp MA=xdt-km0 MB=xdt-km1 out rc msg
	if ! { ip -n "$NA" link add $MA type veth peer name $MB &&
		in_a sysctl -qw net.ipv6.conf.$MA.disable_ipv6=1 net.ipv6.conf.$MB.disable_ipv6=1 &&
		ip -n "$NA" link set $MA up && ip -n "$NA" link set $MB up &&
		# A mirred copy of a GSO super-packet is no frame a SPAN port would
		# carry: segment on both ends of the link, as a NIC would.
		in_a ethtool -K $IA tso off gso off >/dev/null &&
		ip netns exec "$NB" ethtool -K $IB tso off gso off >/dev/null &&
		in_a tc qdisc add dev $IA clsact &&
		in_a tc filter add dev $IA ingress protocol all u32 match u32 0 0 \
			action mirred egress mirror dev $MA &&
		in_a tc filter add dev $IA egress protocol all u32 match u32 0 0 \
			action mirred egress mirror dev $MA; } >"$T/mirror-setup.log" 2>&1; then
		fail "$name" "cannot set up the mirror port (harness)" "$(cat "$T/mirror-setup.log")"
		return
	fi
	wait_quiet || { fail "$name" "the link does not fall silent (harness)"; return; }
	if ! xdt_capture_start "$NA" "$name" $IA; then
		fail "$name" "tcpdump did not start" "$(cat "$T/tcpdump-$name.out")"
		return
	fi
	if ! XIF=$MB start_xdptop "$name" --mirror --backend afxdp --interval 0.5; then
		stop_xdptop KILL
		xdt_captures_stop "$name"
		fail "$name" "xdptop printed no table (exit $XRC)" "$(cat "$T/$name.err")"
		return
	fi
	msg=$(traffic 2>&1)
	rc=$?
	sleep 0.5
	close_window "$name" $rc "$msg" || return
	out=$("$PY" "$ORACLE" --counts-only --expect tcp,udp,icmp,icmpv6,v4,v6,frag4,frag6 \
		"$T/$name.pcap" "$T/$name.jsonl" 2>&1)
	rc=$?
	if ! grep -q '"backend":"afxdp"' "$T/$name.jsonl"; then
		fail "$name" "stats do not say \"backend\":\"afxdp\"" "$(cat "$T/$name.err")"
	elif [[ $rc == 0 ]]; then
		pass "$name" "$(printf '%s\n' "$out" | head -n 1)"
	else
		fail "$name" "$(printf '%s\n' "$out" | head -n 1)" \
			"$(printf '%s\n' "$out" | tail -n +2 | head -n 40)"
	fi
	# Only prefix-carrying frames reached the sockets, and every one was read.
	"$PY" - "$T/$name.jsonl" <<'PYEOF' && pass afxdp-prefixes-only "$(tail -n 1 "$T/$name.prefixes")" || fail afxdp-prefixes-only "$(cat "$T/$name.prefixes")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
st = [r for r in recs if r["type"] == "stats"][-1]
ok = st["redirected"] > 0 and st["prefix_records"] == st["redirected"] \
    and st["redirected"] < st["packets"]
msg = "%d of %d frames redirected to AF_XDP, %d read" % (
    st["redirected"], st["packets"], st["prefix_records"])
open(sys.argv[1].replace(".jsonl", ".prefixes"), "w").write(msg + "\n")
sys.exit(0 if ok else 1)
PYEOF
}

# check_two_interfaces BACKEND: -i twice; a ping over each link, each counted once
# in the right flow, with ping's own numbers.
check_two_interfaces() {
	local be=$1 name=two-ifaces-$1 I2A=xdt-ka1 I2B=xdt-kb1 A2=10.213.62.1 B2=10.213.62.2
	if ! ip -n "$NA" link show $I2A >/dev/null 2>&1; then
		if ! { ip -n "$NA" link add $I2A type veth peer name $I2B netns "$NB" &&
			in_a sysctl -qw net.ipv6.conf.$I2A.disable_ipv6=1 &&
			ip netns exec "$NB" sysctl -qw net.ipv6.conf.$I2B.disable_ipv6=1 &&
			ip -n "$NA" addr add $A2/24 dev $I2A && ip -n "$NB" addr add $B2/24 dev $I2B &&
			ip -n "$NA" link set $I2A up && ip -n "$NB" link set $I2B up &&
			ip -n "$NA" neigh replace $B2 lladdr "$(lladdr "$NB" $I2B)" dev $I2A nud permanent &&
			ip -n "$NB" neigh replace $A2 lladdr "$(lladdr "$NA" $I2A)" dev $I2B nud permanent
		} >"$T/$name-setup.log" 2>&1; then
			fail "$name" "cannot set up the second link (harness)" "$(cat "$T/$name-setup.log")"
			return
		fi
	fi
	if ! start_xdptop "$name" -i $I2A --backend "$be" --interval 0.5; then
		stop_xdptop KILL
		fail "$name" "xdptop printed no table (exit $XRC)" "$(cat "$T/$name.err")"
		return
	fi
	in_a ping -c 4 -i 0.05 $B4 >"$T/$name-ping1.txt"
	in_a ping -c 6 -i 0.05 $B2 >"$T/$name-ping2.txt"
	sleep 0.5
	stop_xdptop INT
	if "$PY" - "$T/$name.jsonl" "$A4" "$B4" "$T/$name-ping1.txt" "$A2" "$B2" "$T/$name-ping2.txt" \
		>"$T/$name.check" 2>&1 <<'PYEOF'
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
stats = [i for i, r in enumerate(recs) if r["type"] == "stats"]
start = stats[-2] + 1 if len(stats) > 1 else 0
flows = [r for r in recs if r["type"] == "flow" and "end" in r] + \
    [r for r in recs[start:stats[-1]] if r["type"] == "flow" and "end" not in r]
bad = []
for a, b, txt in (sys.argv[2:5], sys.argv[5:8]):
    sent, got = map(int, re.search(r"(\d+) packets transmitted, (\d+) received",
                                   open(txt).read()).groups())
    f = [x for x in flows if x["proto"] == "icmp" and x["src"] == a and x["dst"] == b]
    if len(f) != 1 or (f[0]["pkts_out"], f[0]["pkts_in"]) != (sent, got):
        bad.append("%s->%s: ping %d/%d, xdptop %s" % (a, b, sent, got,
                   [(x["pkts_out"], x["pkts_in"]) for x in f]))
print("; ".join(bad) if bad else "both links' pings counted exactly, once each")
sys.exit(1 if bad else 0)
PYEOF
	then
		pass "$name" "$(cat "$T/$name.check")"
	else
		fail "$name" "$(cat "$T/$name.check")" "$(cat "$T/$name.err")"
	fi
}

# --- main -------------------------------------------------------------------

START=$(date +%s)
# Not in $(...): the namespaces and servers must be registered for cleanup
# in this shell, not in a subshell.
if ! setup_topology >"$T/setup.log" 2>&1; then
	fail setup "cannot build the namespaces" "$(cat "$T/setup.log")"
	summary
	exit 1
fi
if ! start_servers >"$T/servers.log" 2>&1; then
	fail setup "$(cat "$T/servers.log")" "$(cat "$T"/httpd.out "$T"/udpd.out 2>/dev/null)"
	summary
	exit 1
fi

check_probe
check_missing_interface
check_auto
check_oracle xdp
check_oracle pcap
check_bulk 4
check_bulk 2
check_kill9
check_two_interfaces xdp
check_two_interfaces pcap
check_mirror
echo "note: kern tests took $(($(date +%s) - START)) s"
summary
[[ $FAILED == 0 ]]
