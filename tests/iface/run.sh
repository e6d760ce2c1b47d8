#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Interface faults while xdptop runs: the monitored veth is set down and up, gets a
# new MTU, is deleted and created again under the same name (a new ifindex).
#
#   namespace A (xdt-e2e-ia-PID)  xdt-ifa0 <-> xdt-ifb0  namespace B (xdt-e2e-ib-PID)
#   10.213.64.1/24                                       10.213.64.2/24
#
# xdptop runs in A on xdt-ifa0 (--json --interval 1 --no-resolve, the full sandbox).
# B sends UDP to a sink in A: one flow of a known number of datagrams (its own
# source port) before the faults, one while the link is down (lost: nothing to
# count), one after it is up again, one after the MTU change, and one after the
# interface was deleted and created again. Checks, per backend (xdp, pcap, afxdp
# mirror):
#   <backend>/events          stderr names each event: down, up again, MTU
#                             1500 -> 1400, deleted, exists again, attached again
#   <backend>/alive           xdptop runs through all of it and exits 0 on SIGINT
#   <backend>/counts          every flow sent while the link was up has exactly the
#                             datagrams the sender sent (its own count), and the
#                             total after re-creation equals the new interface's
#                             rx_packets counter
#   <backend>/attached-again  the new xdt-ifa0 carries xdptop's XDP program (xdp,
#                             afxdp) while it runs, and nothing after it exits
#   <backend>/event-log       --json-log has "interface" events down, up, mtu (1400),
#                             gone, back (a new ifindex), in that order
#   afxdp/says-uninspected    the mirror backend says its AF_XDP sockets are gone
#   exit-on-loss              --exit-on-iface-loss: deleting the interface ends the
#                             run with status 1 after the last stats line, naming it
#
# Environment: XDPTOP (default <repo>/build/xdptop). Exit: 0, 1 failed, 77 skipped.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
PY=/usr/bin/python3
SUITE=iface
# shellcheck source=../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"
# shellcheck source=../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP: interface fault tests need root (BPF, network namespaces)"
	exit 77
fi
for tool in ip bpftool timeout "$PY"; do
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
NA=xdt-e2e-ia-$$
NB=xdt-e2e-ib-$$
IA=xdt-ifa0
IB=xdt-ifb0
A4=10.213.64.1 B4=10.213.64.2
SINK=9100

# The veth pair, addressed, with static neighbours: the link carries our UDP only.
make_link() {
	ip link add "$IA" netns "$NA" type veth peer name "$IB" netns "$NB" || return 1
	local ns dev addr
	for ns in "$NA" "$NB"; do
		dev=$IA addr=$A4
		[[ $ns == "$NB" ]] && dev=$IB addr=$B4
		ip -n "$ns" link set "$dev" addrgenmode none
		ip -n "$ns" addr add "$addr/24" dev "$dev" || return 1
		ip -n "$ns" link set "$dev" up || return 1
	done
	ip -n "$NA" neigh replace "$B4" lladdr "$(ip -n "$NB" -br link show "$IB" | awk '{print $3}')" dev "$IA" nud permanent
	ip -n "$NB" neigh replace "$A4" lladdr "$(ip -n "$NA" -br link show "$IA" | awk '{print $3}')" dev "$IB" nud permanent
}

# send SPORT COUNT: COUNT datagrams of 200 bytes from B:SPORT to the sink in A.
send() {
	ip netns exec "$NB" "$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("'"$B4"'", int(sys.argv[1])))
for i in range(int(sys.argv[2])):
    try:
        s.sendto(b"x" * 200, ("'"$A4"'", '"$SINK"'))
    except OSError:
        pass
    if i % 50 == 49:
        time.sleep(0.01)
' "$1" "$2"
}

rx_packets() { ip netns exec "$NA" cat "/sys/class/net/$IA/statistics/rx_packets" 2>/dev/null; }

# Wait until xdptop's stderr matches PATTERN (at most SECONDS).
wait_log() {
	local file=$1 pattern=$2 secs=${3:-10}
	xdt_wait "$secs" grep -qE "$pattern" "$file"
}

has_xdp() { ip -n "$NA" -d link show "$IA" 2>/dev/null | grep -q 'prog/xdp'; }

xdt_netns_add "$NA" && xdt_netns_add "$NB" && make_link || {
	fail setup "cannot create the namespaces and the veth pair"
	summary
	exit 1
}
xdt_bg "$NA" sink "$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", '"$SINK"'))
while True:
    s.recv(65536)
'

# run_backend NAME ARGS...: the whole sequence against one backend.
run_backend() {
	local name=$1
	shift
	local out=$T/$name.json err=$T/$name.err pid rc before after
	local expect=() missing=()

	ip netns exec "$NA" "$XDPTOP" -i "$IA" "$@" --json --interval 1 --no-resolve \
		--no-config --json-log "$T/$name.events" >"$out" 2>"$err" &
	pid=$!
	if ! wait_log "$err" '^xdptop: sandbox ' 20; then
		fail "$name/events" "xdptop did not start" "$(tail -n 5 "$err")"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return
	fi
	send 40001 300
	expect+=(40001:300)

	ip -n "$NA" link set "$IA" down
	wait_log "$err" "$IA is down" 5
	send 40002 100 2>/dev/null	# the link is down: nothing gets through
	ip -n "$NA" link set "$IA" up
	wait_log "$err" "$IA is up again" 5
	sleep 0.5
	send 40003 300
	expect+=(40003:300)

	ip -n "$NA" link set "$IA" mtu 1400
	wait_log "$err" "MTU changed from 1500 to 1400" 5
	send 40004 300
	expect+=(40004:300)

	ip -n "$NA" link del "$IA"
	wait_log "$err" "$IA was deleted" 5
	make_link
	wait_log "$err" "$IA exists again" 5
	wait_log "$err" "attached again|$IA is up again" 5
	sleep 0.5
	if [[ $name != pcap ]]; then
		if has_xdp; then
			pass "$name/attached-again"
		else
			fail "$name/attached-again" "no XDP program on the new $IA" \
				"$(ip -n "$NA" -d link show "$IA")"
		fi
	fi
	before=$(rx_packets)
	send 40005 500
	expect+=(40005:500)
	sleep 1.5
	after=$(rx_packets)

	if kill -0 "$pid" 2>/dev/null; then
		kill -INT "$pid"
		wait "$pid"
		rc=$?
	else
		wait "$pid"
		rc=$?
		rc="died ($rc)"
	fi
	if [[ $rc == 0 ]]; then
		pass "$name/alive"
	else
		fail "$name/alive" "xdptop exit status $rc" "$(tail -n 10 "$err")"
	fi

	for p in "$IA is down \(set down\)" "$IA is up again" "$IA: MTU changed from 1500 to 1400" \
		"$IA was deleted: waiting" "$IA exists again \(ifindex [0-9]+\)"; do
		grep -qE "$p" "$err" || missing+=("$p")
	done
	if [[ $name != pcap ]] && ! grep -qE "$IA: attached again" "$err"; then
		missing+=("$IA: attached again")
	fi
	if ((${#missing[@]} == 0)); then
		pass "$name/events"
	else
		fail "$name/events" "not said on stderr: ${missing[*]}" "$(cat "$err")"
	fi
	# The event log has them too, in order, with the new ifindex on "back".
	if "$PY" - "$T/$name.events" "$IA" >"$T/$name.evcheck" 2>&1 <<'PY'
import json, sys
seq = [json.loads(l) for l in open(sys.argv[1])]
ev = [e["interface"] for e in seq if e["event"] == "interface"]
changes = [e["change"] for e in ev if e["name"] == sys.argv[2]]
want = ["down", "up", "mtu", "gone", "back"]
it = iter(changes)
ok = all(w in it for w in want)
mtu = [e["mtu"] for e in ev if e["change"] == "mtu"]
back = [e for e in ev if e["change"] == "back"]
gone = [e for e in ev if e["change"] == "gone"]
ok = ok and mtu == [1400] and back and gone and back[-1]["ifindex"] != gone[0]["ifindex"]
print("interface events:", changes, "mtu", mtu)
sys.exit(0 if ok else 1)
PY
	then
		pass "$name/event-log"
	else
		fail "$name/event-log" "--json-log lacks the interface events" "$(cat "$T/$name.evcheck")"
	fi
	if [[ $name == afxdp ]]; then
		if grep -q "AF_XDP sockets went with it" "$err"; then
			pass "afxdp/says-uninspected"
		else
			fail "afxdp/says-uninspected" "no word of the lost AF_XDP sockets" "$(cat "$err")"
		fi
	fi
	if "$PY" "$HERE/check.py" "$out" "$B4" "$A4" "$SINK" "$((after - before))" 40005 \
		"${expect[@]}" >"$T/$name.check" 2>&1; then
		pass "$name/counts"
	else
		fail "$name/counts" "flow counts differ from what was sent" "$(cat "$T/$name.check")"
	fi
	if has_xdp; then
		fail "$name/detached" "an XDP program is still attached after exit"
	fi
}

run_backend xdp --backend xdp
run_backend pcap --backend pcap
run_backend afxdp --backend afxdp --mirror

# --exit-on-iface-loss: the last table, then status 1.
out=$T/exit.json err=$T/exit.err
ip netns exec "$NA" "$XDPTOP" -i "$IA" --backend xdp --exit-on-iface-loss --json --interval 1 \
	--no-resolve --no-config >"$out" 2>"$err" &
pid=$!
if wait_log "$err" '^xdptop: sandbox ' 20; then
	send 40010 100
	sleep 1.2
	ip -n "$NA" link del "$IA"
	timeout 10 tail --pid="$pid" -f /dev/null
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid"
		fail exit-on-loss "xdptop still running 10 s after the interface was deleted"
	else
		wait "$pid"
		rc=$?
		last=$(tail -n 1 "$out")
		if [[ $rc == 1 && $last == '{"type":"stats"'* ]] &&
			grep -q "$IA was deleted: stopping (--exit-on-iface-loss)" "$err" &&
			"$PY" "$HERE/check.py" "$out" "$B4" "$A4" "$SINK" - - 40010:100 >"$T/exit.check" 2>&1; then
			pass exit-on-loss
		else
			fail exit-on-loss "status $rc (want 1), last line ${last:0:40}" "$(cat "$err" "$T/exit.check")"
		fi
	fi
	make_link
else
	fail exit-on-loss "xdptop did not start" "$(tail -n 5 "$err")"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
fi

summary
((FAILED == 0))
