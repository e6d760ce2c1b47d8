#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Hostile packets: the corpus of tests/hostile/gen.py (bad lengths, IPv6
# extension header chains, overlapping fragments, TLS, DNS and QUIC whose
# lengths lie, valid frames in between) through every path xdptop has, each
# checked against the manifest: packets, every malformed reason, unsupported,
# orphan fragments, DPI rejections by protocol, and one flow packet per valid
# frame, exactly (tests/hostile/check.py). The BPF programs get the same frames
# through BPF_PROG_TEST_RUN in tests/bpf/test_hostile.c.
#
#   replay, replay-asan    xdptop -r hostile.pcap (normal and ASan+UBSan builds)
#   live-xdp, live-pcap    xdptop -i on one end of a veth while the other end's
#                          namespace sends the frames with a raw packet socket;
#                          the interface counters say every frame arrived
#   xdp-detached           no XDP program left on the interface afterwards
#   overlap-oracle         the fragment sequences, addressed to the namespace
#                          itself: xdptop's fragment_overlap (xdp backend) equals
#                          the reassembly failures Linux counts for them
#   stack-unaffected       afterwards the link still carries a ping, and the
#                          kernel log has no new BUG, WARNING or Oops
#
#   namespace A (xdt-ho-a-PID) xdt-hoa0 <-> xdt-hob0 namespace B (xdt-ho-b-PID), xdptop in B
#
# Environment: XDPTOP (default build/xdptop), XDPTOP_ASAN (default
# build/asan/xdptop; skipped with a note if missing), HOSTILE_KEEP_DIR (copy
# outputs there). Ends with "hostile: N passed, M failed, K skipped".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=$(realpath -m "${XDPTOP:-$ROOT/build/xdptop}")
XDPTOP_ASAN=$(realpath -m "${XDPTOP_ASAN:-$ROOT/build/asan/xdptop}")
PY=/usr/bin/python3
SUITE=hostile
# shellcheck source=../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"
# shellcheck source=../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

finish() {
	summary
	[[ $FAILED == 0 ]]
	exit
}

keep() {
	[[ -n ${HOSTILE_KEEP_DIR:-} ]] || return 0
	mkdir -p "$HOSTILE_KEEP_DIR" && cp "$@" "$HOSTILE_KEEP_DIR"/ 2>/dev/null
	return 0
}

if [[ ! -x $XDPTOP ]]; then
	fail setup "$XDPTOP is not built (make)"
	finish
fi
xdt_init || { fail setup "cannot create a scratch directory"; finish; }
T=$XDT_TMP
M=$T/corpus/manifest.json
if ! out=$("$PY" "$HERE/gen.py" "$T/corpus" 2>&1); then
	fail gen "gen.py failed" "$out"
	finish
fi

# --- replay ------------------------------------------------------------------

# replay NAME BINARY
replay() {
	local name=$1 exe=$2 rc out
	(cd "$T" && timeout -k 5 60 "$exe" -r "$T/corpus/hostile.pcap" --json --no-resolve \
		>"$T/$name.jsonl" 2>"$T/$name.err")
	rc=$?
	keep "$T/$name.jsonl" "$T/$name.err"
	if [[ $rc != 0 ]]; then
		fail "$name" "exit $rc" "$(tail -n 20 "$T/$name.err")"
		return
	fi
	if out=$("$PY" "$HERE/check.py" stats "$M" replay "$T/$name.jsonl" 2>&1); then
		pass "$name"
		echo "    $out"
	else
		fail "$name" "counts differ from the manifest" "$out"
	fi
}

replay replay "$XDPTOP"
if [[ -x $XDPTOP_ASAN ]]; then
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 replay replay-asan "$XDPTOP_ASAN"
else
	skip replay-asan
	echo "    $XDPTOP_ASAN is not built (make asan)"
fi

# --- live --------------------------------------------------------------------

if [[ $(id -u) != 0 ]]; then
	echo "    live checks need root (network namespaces, XDP, packet sockets)"
	skip live
	finish
fi
for tool in ip ping timeout; do
	command -v "$tool" >/dev/null || { fail setup "required tool '$tool' not found (sudo make deps)"; finish; }
done

NA=xdt-ho-a-$$ NB=xdt-ho-b-$$ IA=xdt-hoa0 IB=xdt-hob0
A4=10.213.70.1 B4=10.213.70.2 A6=fd00:213::70:1 B6=fd00:213::70:2

setup() {
	local ns
	xdt_netns_add "$NA" && xdt_netns_add "$NB" || return 1
	# IPv6 off until the oracle needs it, and no address: the link carries
	# nothing but the corpus, so every count is exact.
	for ns in "$NA" "$NB"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || return 1
	done
	ip -n "$NA" link add "$IA" type veth peer name "$IB" netns "$NB" &&
	ip -n "$NA" link set "$IA" up && ip -n "$NB" link set "$IB" up
}

stat_of() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }

# Until the receiving end's counter has not moved for 0.5 s (at most 5 s).
wait_quiet() {
	local i same=0 prev now
	prev=$(stat_of "$NB" "$IB" rx_packets)
	for ((i = 0; i < 20; i++)); do
		sleep 0.25
		now=$(stat_of "$NB" "$IB" rx_packets)
		if [[ $now == "$prev" ]]; then
			((++same >= 2)) && return 0
		else
			same=0
		fi
		prev=$now
	done
	return 1
}

XPID=""
XRC=0
# start_xdptop NAME ARGS...: xdptop in B on IB; waits for its first stats record.
start_xdptop() {
	local name=$1
	shift
	ip netns exec "$NB" "$XDPTOP" --no-resolve --json -i "$IB" --interval 0.5 "$@" \
		>"$T/$name.jsonl" 2>"$T/$name.err" &
	XPID=$!
	XDT_PIDS+=("$XPID")
	xdt_wait 10 grep -qs '"type":"stats"' "$T/$name.jsonl"
}

stop_xdptop() {
	kill -INT "$XPID" 2>/dev/null
	if ! xdt_wait 10 xdt_none_alive "$XPID"; then
		kill -KILL "$XPID" 2>/dev/null
	fi
	wait "$XPID" 2>/dev/null
	XRC=$?
}

RX0=0
received_all() { (($(stat_of "$NB" "$IB" rx_packets) - RX0 >= SENT)); }

# send ARGS...: send.py in A; sets SENT, and waits until B received that many
# (RX, TX: what the interface counters say arrived and left).
send() {
	local tx0
	RX0=$(stat_of "$NB" "$IB" rx_packets)
	tx0=$(stat_of "$NA" "$IA" tx_packets)
	SENT=$(ip netns exec "$NA" "$PY" "$HERE/send.py" "$IA" "$M" "$@") || return 1
	xdt_wait 5 received_all
	RX=$(($(stat_of "$NB" "$IB" rx_packets) - RX0))
	TX=$(($(stat_of "$NA" "$IA" tx_packets) - tx0))
}

# live BACKEND: the corpus frames of that path, counted by xdptop -i --backend BACKEND.
live() {
	local be=$1 name=live-$1 want out
	want=$("$PY" "$HERE/check.py" count "$M" "$be")
	wait_quiet || { fail "$name" "the link does not fall silent (harness)"; return; }
	if ! start_xdptop "$name" --backend "$be"; then
		stop_xdptop
		fail "$name" "xdptop printed no stats (exit $XRC)" "$(tail -n 20 "$T/$name.err")"
		return
	fi
	if ! send "$be"; then
		stop_xdptop
		fail "$name" "send.py failed (harness)"
		return
	fi
	# Two intervals: the last counters are read before the final record.
	sleep 1.2
	stop_xdptop
	keep "$T/$name.jsonl" "$T/$name.err"
	if [[ $XRC != 0 ]]; then
		fail "$name" "xdptop exited $XRC after SIGINT" "$(tail -n 20 "$T/$name.err")"
	elif [[ $SENT != "$want" || $RX != "$want" || $TX != "$want" ]]; then
		fail "$name" "sent $SENT, $IA sent $TX, $IB received $RX, expected $want (harness)"
	elif out=$("$PY" "$HERE/check.py" stats "$M" "$be" "$T/$name.jsonl" 2>&1); then
		pass "$name"
		echo "    $IB received $RX frames; $out"
	else
		fail "$name" "counts differ from the manifest ($IB received all $RX frames)" "$out"
	fi
	if [[ $be == xdp ]]; then
		if ip -n "$NB" link show "$IB" | grep -q 'prog/xdp'; then
			fail xdp-detached "$IB still has an XDP program after xdptop exited"
		else
			pass xdp-detached
		fi
	fi
}

# Linux's own verdict on the fragment sequences: addressed to B, they reach its
# reassembly, which counts every datagram it gives up (Ip: ReasmFails,
# Ip6ReasmFails).
reasm_fails() {
	ip netns exec "$NB" awk '
		$1 == "Ip:" && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == "Ip:" { v4 = $(col["ReasmFails"]) }
		END { printf "%d ", v4 }' /proc/net/snmp
	ip netns exec "$NB" awk '$1 == "Ip6ReasmFails" { printf "%d\n", $2 }' /proc/net/snmp6
}

overlap_oracle() {
	local name=overlap-oracle out mac ns a0 b0 a1 b1
	for ns in "$NA" "$NB"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
	done
	ip -n "$NA" addr add $A4/24 dev "$IA" && ip -n "$NA" addr add $A6/64 dev "$IA" nodad &&
	ip -n "$NB" addr add $B4/24 dev "$IB" && ip -n "$NB" addr add $B6/64 dev "$IB" nodad ||
		{ fail "$name" "cannot address the veth (harness)"; return; }
	mac=$(ip -n "$NB" -br link show "$IB" | awk '{print $3}')
	ip -n "$NB" neigh replace $A4 lladdr "$(ip -n "$NA" -br link show "$IA" | awk '{print $3}')" \
		dev "$IB" nud permanent
	if ! start_xdptop "$name" --backend xdp; then
		stop_xdptop
		fail "$name" "xdptop printed no stats (exit $XRC)" "$(tail -n 20 "$T/$name.err")"
		return
	fi
	read -r a0 b0 <<<"$(reasm_fails)"
	if ! send --oracle "$mac"; then
		stop_xdptop
		fail "$name" "send.py failed (harness)"
		return
	fi
	sleep 1.2
	read -r a1 b1 <<<"$(reasm_fails)"
	stop_xdptop
	keep "$T/$name.jsonl" "$T/$name.err"
	if [[ $XRC != 0 ]]; then
		fail "$name" "xdptop exited $XRC after SIGINT" "$(tail -n 20 "$T/$name.err")"
	elif out=$("$PY" "$HERE/check.py" oracle "$M" "$T/$name.jsonl" $((a1 - a0)) \
		$((b1 - b0)) 2>&1); then
		pass "$name"
		echo "    $out"
	else
		fail "$name" "xdptop and Linux's reassembly disagree" "$out"
	fi
}

kernel_trouble() { dmesg 2>/dev/null | grep -cE 'BUG:|WARNING:|Oops|general protection'; }

trouble0=$(kernel_trouble)
setup || { fail setup "cannot create the namespaces and the veth"; finish; }
live xdp
live pcap
overlap_oracle
if ip netns exec "$NA" ping -n -q -c 2 -i 0.2 -W 2 $B4 >"$T/ping.out" 2>&1; then
	if [[ $(kernel_trouble) == "$trouble0" ]]; then
		pass stack-unaffected
	else
		fail stack-unaffected "new BUG/WARNING/Oops lines in the kernel log" \
			"$(dmesg | grep -E 'BUG:|WARNING:|Oops|general protection' | tail -n 5)"
	fi
else
	fail stack-unaffected "ping $B4 across the veth failed afterwards" "$(cat "$T/ping.out")"
fi
finish
