#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Logs and exports, live, each read back by the program the ecosystem uses.
#
#   host netns: xdt-ex-PID 10.213.74.1/24 fd00:213::74:1/112 (xdptop captures here)
#          <-> xdt-e2e-ex-PID: 10.213.74.2/24 fd00:213::74:2/112
#     servers in the namespace: tests/proc/pyserv.py (TCP 8080: HTTP or echo,
#     UDP 7001: echo); clients in the host netns: tests/proc/client.c compiled as
#     xdt-exp-alpha (TCP) and xdt-exp-beta (UDP), and curl. Each client prints
#     the 5-tuples it made and its pid: the ground truth of process and connection.
#
# Checks (SUITE export):
#   pcap/read-join          --backend pcap --pcap-export --pcap-rotate 0.02: every
#                           file reads cleanly with tshark, several files, per
#                           connection exactly the packets tcpdump saw on the link,
#                           the total what xdptop received, time runs on across
#                           the files, and every connection's packets join through
#                           their file's sidecar to the client's pid and name
#   replay/identical        xdptop -r of the pcap phase's tcpdump capture, exported:
#                           tcpdump -tt -xx prints the same text for both files
#   xdp/read-join           --backend xdp: the payload prefixes, readable by tshark
#                           (curl's request dissects as HTTP with its Host), the
#                           description says the headers are rebuilt, every
#                           connection joins to its client (kernel attribution)
#   ipfix/nfdump            --ipfix to nfcapd (Debian's nfdump) in the namespace:
#                           `nfdump -r` shows every connection with the packet and
#                           byte counts xdptop reports, per direction
#   ipfix/sandbox           the egress lock lets the collector through and says so
#   prom/node-exporter      --prom-textfile scraped by prometheus-node-exporter's
#                           textfile collector: no scrape error, values = JSON stats
#   prom/interfaces         xdptop_interface_{packets,bytes}_total against the host
#                           link's own counters over a ping exchange (xdp backend;
#                           rx bytes left out: veth with XDP counts them without the
#                           Ethernet header)
#   jsonlog/events          --json-log: every line JSON; each connection opened with
#                           its process; every flow --json ended closed with the same
#                           final counters; app_detected names curl's Host; stats
#   jsonlog/kill-9          kill -9 during a flood of events: every complete line
#                           is valid JSON, at most the last one is partial
#   log/file                --log-level debug --log-dir: the file, its levels; and
#                           without the options, no ./logs appears
#   errors/*                a missing export directory names the path (exit 1); a
#                           bad --ipfix names the flag (exit 2); an export that
#                           cannot be written (/dev/full) is reported once and the
#                           capture goes on to a complete output
#
# Environment: XDPTOP (default <repo>/build/xdptop)
# Exit status: 0 all passed, 1 something failed, 77 skipped.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
PY=/usr/bin/python3
SUITE=export
# shellcheck source=../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"
# shellcheck source=../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
# shellcheck source=../lib/hostveth.sh
. "$ROOT/tests/lib/hostveth.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP: the export tests need root (network namespaces, live capture)"
	exit 77
fi
for tool in ip tcpdump tshark nfcapd nfdump prometheus-node-exporter curl cc ping "$PY"; do
	command -v "$tool" >/dev/null || { echo "SKIP: required tool '$tool' not found (sudo make deps)"; exit 77; }
done
if [[ ! -x $XDPTOP ]]; then
	fail setup "$XDPTOP is not built (make)"
	summary
	exit 1
fi
XDPTOP=$(realpath "$XDPTOP")

NS=xdt-e2e-ex-$$
HL=xdt-ex-$$
HL=${HL:0:15}
PL=xdt-exp-$$
PL=${PL:0:15}
H4=10.213.74.1 N4=10.213.74.2 H6=fd00:213::74:1 N6=fd00:213::74:2
P_TCP=8080 P_UDP=7001 P_IPFIX=4739 P_PROM=9109

ex_cleanup() {
	xdt_cleanup
	ip link del "$HL" 2>/dev/null
}
xdt_init || { echo "FAIL export/setup: no scratch directory"; exit 1; }
trap 'ex_cleanup' EXIT
trap 'ex_cleanup; trap - INT; kill -INT $$' INT
trap 'ex_cleanup; trap - TERM; kill -TERM $$' TERM
T=$XDT_TMP

if ! hostveth_up "$NS" "$HL" "$PL" "$H4/24" "$N4/24" "$H6/112" "$N6/112"; then
	fail setup "cannot create the namespace and veth pair"
	summary
	exit 1
fi
mkdir -p "$T/bin"
for name in xdt-exp-alpha xdt-exp-beta; do
	cc -O2 -o "$T/bin/$name" "$ROOT/tests/proc/client.c" 2>"$T/cc.err" ||
		{ fail setup "cannot compile the test client" "$(cat "$T/cc.err")"; summary; exit 1; }
done
ln -s "$PY" "$T/bin/xdt-exp-tcp-server"
ln -s "$PY" "$T/bin/xdt-exp-udp-server"
xdt_bg "$NS" tcpserver "$T/bin/xdt-exp-tcp-server" "$ROOT/tests/proc/pyserv.py" tcp $N4 $N6 $P_TCP
xdt_bg "$NS" udpserver "$T/bin/xdt-exp-udp-server" "$ROOT/tests/proc/pyserv.py" udp $N4 $N6 $P_UDP
if ! xdt_wait 10 xdt_listening "$NS" t $P_TCP || ! xdt_wait 10 xdt_listening "$NS" u $P_UDP; then
	fail setup "the servers did not start" "$(cat "$T/tcpserver.out" "$T/udpserver.out")"
	summary
	exit 1
fi

# --- helpers ------------------------------------------------------------------------

# xd_start NAME ARGS...: xdptop on the host link in the background, JSON to
# $T/NAME.jsonl; returns once its first table is out. XD_PID is its pid.
XD_PID=
xd_start() {
	local name=$1
	shift
	"$XDPTOP" -i "$HL" --json --interval 1 --no-resolve --no-config "$@" \
		>"$T/$name.jsonl" 2>"$T/$name.err" &
	XD_PID=$!
	XDT_PIDS+=("$XD_PID")
	xdt_wait 20 grep -q '"type":"stats"' "$T/$name.jsonl"
}

# xd_wait: until xdptop (with --duration) has exited; its status.
xd_wait() {
	xdt_wait 60 xdt_none_alive "$XD_PID" || kill -KILL "$XD_PID" 2>/dev/null
	wait "$XD_PID"
}

# tcpdump on the host link: the oracle of what crossed it.
TD_PID=
td_start() {
	tcpdump -i "$HL" -n -U -w "$T/$1.pcap" -Z root "ip or ip6" >"$T/$1.td" 2>&1 &
	TD_PID=$!
	XDT_PIDS+=("$TD_PID")
	xdt_wait 10 grep -q "listening on" "$T/$1.td"
}
td_stop() {
	sleep 0.5
	kill -INT "$TD_PID" 2>/dev/null
	wait "$TD_PID" 2>/dev/null
}

# expect_client TAG NAME EXPECTFILE: the connections a finished client printed.
expect_client() {
	local tag=$1 name=$2 out=$3 pid kind l lp r rp res proto
	pid=$(sed -n 's/^pid \([0-9]*\)$/\1/p' "$T/$tag.out")
	while read -r kind _ l lp r rp _ res; do
		[[ $kind == pid || $res != ok ]] && continue
		[[ $kind == udp ]] && proto=udp || proto=tcp
		[[ $l == 0.0.0.0 ]] && l=$H4
		[[ $l == :: ]] && l=$H6
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $proto "$l" "$lp" "$r" "$rp" "$pid" "$name" >>"$out"
	done <"$T/$tag.out"
}

# client TAG NAME ARGS...: run $T/bin/NAME (from the host netns), record its flows.
client() {
	local tag=$1 name=$2 out=$3
	shift 3
	"$T/bin/$name" "$@" >"$T/$tag.out" 2>"$T/$tag.err" ||
		echo "client $name $* failed: $(head -n 3 "$T/$tag.err")" >>"$T/harness.err"
	expect_client "$tag" "$name" "$out"
}

# curl_get TAG URL EXPECTFILE: one HTTP GET; its connection and pid.
curl_get() {
	local tag=$1 url=$2 out=$3 lp
	curl -gsS -o /dev/null -w '%{local_port}\n' --max-time 10 "$url" >"$T/$tag.out" 2>"$T/$tag.err" &
	local pid=$!
	wait $pid || { echo "curl $url failed: $(cat "$T/$tag.err")" >>"$T/harness.err"; return; }
	lp=$(cat "$T/$tag.out")
	printf 'tcp\t%s\t%s\t%s\t%s\t%s\tcurl\n' "$H4" "$lp" "$N4" $P_TCP $pid >>"$out"
}

harness_ok() {	# harness_ok CHECK: the clients did what they should, or fail CHECK
	if [[ -s $T/harness.err ]]; then
		fail "$1" "the test's clients failed:" "$(cat "$T/harness.err")"
		rm -f "$T/harness.err"
		return 1
	fi
	return 0
}

# capture_files BASE: BASE, BASE.1, BASE.2, ... that exist, in order.
capture_files() {
	local base=$1 i=1
	[[ -f $base ]] && echo "$base"
	while [[ -f $base.$i ]]; do
		echo "$base.$i"
		i=$((i + 1))
	done
}

# --- pcap backend: every packet, rotated, joined to processes -------------------------
E=$T/pcap.expect
: >"$E"
td_start pcap-oracle
mkdir -p "$T/pc"
if xd_start pcap --backend pcap --duration 14 --pcap-export "$T/pc/cap.pcapng" --pcap-rotate 0.02; then
	# The pcap backend names processes from socket snapshots (every 5 s): these
	# connections stay open for 7 s, so every one is in a snapshot.
	ping -c 60 -i 0.05 -s 200 "$N4" >/dev/null 2>&1 &
	c1=$!
	client pc-hold xdt-exp-alpha "$E" hold $N4 $P_TCP 4 7000 &
	c2=$!
	client pc-hold6 xdt-exp-beta "$E" hold $N6 $P_TCP 3 7000 &
	c3=$!
	wait $c1 $c2 $c3
	xd_wait
	td_stop
	if harness_ok pcap/read-join; then
		mapfile -t files < <(capture_files "$T/pc/cap.pcapng")
		sides=()
		for f in "${files[@]}"; do sides+=("$f.connections.jsonl"); done
		if out=$("$PY" "$HERE/check.py" pcap --mode pcap --files "${files[@]}" \
			--sidecars "${sides[@]}" --oracle "$T/pcap-oracle.pcap" --expect "$E" \
			--json "$T/pcap.jsonl" --min-files 3 2>&1); then
			pass "pcap/read-join"
			echo "    $out"
		else
			fail pcap/read-join "$out" "$(tail -n 3 "$T/pcap.err")"
		fi
	fi
else
	fail pcap/read-join "xdptop did not start" "$(cat "$T/pcap.err")"
	td_stop
fi

# --- a replay exports the file it read, byte for byte --------------------------------------
# tcpdump prints every packet's time and bytes in hex: the same text, the same packets.
if [[ -s $T/pcap-oracle.pcap ]] &&
	"$XDPTOP" -r "$T/pcap-oracle.pcap" --json --no-config --pcap-export "$T/replay.pcapng" \
		>"$T/replay.jsonl" 2>"$T/replay.err"; then
	tcpdump -r "$T/pcap-oracle.pcap" -tt -n -xx 2>/dev/null >"$T/replay.in.txt"
	tcpdump -r "$T/replay.pcapng" -tt -n -xx 2>/dev/null >"$T/replay.out.txt"
	n=$(grep -c '^[0-9]' "$T/replay.in.txt")
	if ((n > 100)) && cmp -s "$T/replay.in.txt" "$T/replay.out.txt"; then
		pass replay/identical
		echo "    $n packets, the same time and bytes"
	else
		fail replay/identical "the export of a replay differs from its input ($n packets)" \
			"$(diff "$T/replay.in.txt" "$T/replay.out.txt" | head -n 6)"
	fi
else
	fail replay/identical "no oracle capture, or xdptop -r failed" "$(cat "$T/replay.err" 2>/dev/null)"
fi

# --- xdp backend: the prefixes, headers rebuilt, kernel attribution ---------------------
E=$T/xdp.expect
: >"$E"
td_start xdp-oracle
mkdir -p "$T/xp"
if xd_start xdp --backend xdp --duration 6 --pcap-export "$T/xp/cap.pcapng"; then
	client xp-tcp xdt-exp-alpha "$E" tcp $N4 $P_TCP 5
	client xp-udp xdt-exp-beta "$E" udp $N4 $P_UDP 5
	client xp-udp6 xdt-exp-beta "$E" udp $N6 $P_UDP 3
	curl_get xp-curl "http://$N4:$P_TCP/xdt-export" "$E"
	xd_wait
	td_stop
	if harness_ok xdp/read-join; then
		mapfile -t files < <(capture_files "$T/xp/cap.pcapng")
		sides=()
		for f in "${files[@]}"; do sides+=("$f.connections.jsonl"); done
		if out=$("$PY" "$HERE/check.py" pcap --mode xdp --files "${files[@]}" \
			--sidecars "${sides[@]}" --oracle "$T/xdp-oracle.pcap" --expect "$E" \
			--json "$T/xdp.jsonl" --http-host "$N4:$P_TCP" 2>&1); then
			pass "xdp/read-join"
			echo "    $out"
		else
			fail xdp/read-join "$out" "$(tail -n 3 "$T/xdp.err")"
		fi
	fi
else
	fail xdp/read-join "xdptop did not start" "$(cat "$T/xdp.err")"
	td_stop
fi

# --- IPFIX to nfcapd ---------------------------------------------------------------------
E=$T/ipfix.expect
: >"$E"
mkdir -p "$T/nf"
xdt_bg "$NS" nfcapd nfcapd -b $N4 -p $P_IPFIX -w "$T/nf" -t 3600
if ! xdt_wait 10 xdt_listening "$NS" u $P_IPFIX; then
	fail ipfix/nfdump "nfcapd did not start" "$(cat "$T/nfcapd.out")"
elif xd_start ipfix --backend xdp --duration 8 --ipfix "$N4:$P_IPFIX" --ipfix-active 2 --ipfix-idle 1; then
	client if-tcp xdt-exp-alpha "$E" tcp $N4 $P_TCP 4
	client if-udp xdt-exp-beta "$E" udp $N4 $P_UDP 4
	client if-hold xdt-exp-alpha "$E" hold $N4 $P_TCP 2 4500
	client if-udp6 xdt-exp-beta "$E" udp $N6 $P_UDP 2
	xd_wait
	sleep 0.5
	kill -TERM "$(xdt_pid nfcapd)"
	xdt_wait 10 xdt_none_alive "$(xdt_pid nfcapd)"
	if harness_ok ipfix/nfdump; then
		nfdump -R "$T/nf" -o csv >"$T/nfdump.csv" 2>"$T/nfdump.err"
		if out=$("$PY" "$HERE/check.py" ipfix --nfdump "$T/nfdump.csv" --json "$T/ipfix.jsonl" \
			--expect "$E" 2>&1); then
			pass ipfix/nfdump
			echo "    $out"
		else
			fail ipfix/nfdump "$out" "$(head -n 5 "$T/nfdump.csv")" "$(cat "$T/nfdump.err")" \
				"$(tail -n 3 "$T/ipfix.err")"
		fi
	fi
	if grep -q "\"udp-lock\":{\"state\":\"on\",\"detail\":\"UDP to $N4:$P_IPFIX (IPFIX collector) only\"" "$T/ipfix.jsonl" &&
		grep -q '"sandbox":{"state":"full"' "$T/ipfix.jsonl"; then
		pass ipfix/sandbox
	else
		fail ipfix/sandbox "the stats do not show a full sandbox whose egress lock names the collector" \
			"$(grep -o '"udp-lock":{[^}]*}' "$T/ipfix.jsonl" | tail -n 1)"
	fi
else
	fail ipfix/nfdump "xdptop did not start" "$(cat "$T/ipfix.err")"
fi

# --- Prometheus textfile, scraped by node_exporter ----------------------------------------
mkdir -p "$T/prom"
chmod 0755 "$T/prom"
if xd_start prom --backend xdp --duration 5 --prom-textfile "$T/prom/xdptop.prom"; then
	client pr-hold xdt-exp-alpha /dev/null hold $N4 $P_TCP 2 8000 &
	c1=$!
	xd_wait
	ip netns exec "$NS" prometheus-node-exporter --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$T/prom" --web.listen-address="127.0.0.1:$P_PROM" \
		>"$T/node-exporter.out" 2>&1 &
	NE=$!
	XDT_PIDS+=("$NE")
	if xdt_wait 10 xdt_listening "$NS" t $P_PROM &&
		ip netns exec "$NS" curl -s "http://127.0.0.1:$P_PROM/metrics" >"$T/scrape.txt"; then
		if out=$("$PY" "$HERE/check.py" prom --scrape "$T/scrape.txt" --json "$T/prom.jsonl" \
			--process xdt-exp-alpha 2>&1); then
			pass prom/node-exporter
			echo "    $out"
		else
			fail prom/node-exporter "$out" "$(grep -i error "$T/scrape.txt" | head -n 5)"
		fi
	else
		fail prom/node-exporter "node_exporter did not answer" "$(cat "$T/node-exporter.out")"
	fi
	kill -TERM $NE 2>/dev/null
	wait $NE $c1 2>/dev/null
else
	fail prom/node-exporter "xdptop did not start" "$(cat "$T/prom.err")"
fi

# What the metrics say each interface carried, against the interface's own counters:
# deltas over a ping exchange, read while xdptop runs (the link is otherwise quiet).
link_counters() {	# link_counters: "rx_packets tx_packets tx_bytes" of the host link
	ip -s -j link show "$HL" | "$PY" -c 'import json,sys; s=json.load(sys.stdin)[0]["stats64"]
print(s["rx"]["packets"], s["tx"]["packets"], s["tx"]["bytes"])'
}
prom_counters() {	# prom_counters FILE: the same three from the metrics file
	"$PY" - "$1" "$HL" <<'PYEOF'
import sys
want = {("packets", "rx"): 0, ("packets", "tx"): 0, ("bytes", "tx"): 0}
for line in open(sys.argv[1]):
    for (kind, d) in want:
        if line.startswith(f'xdptop_interface_{kind}_total{{') and f'interface="{sys.argv[2]}"' in line \
                and f'direction="{d}"' in line:
            want[(kind, d)] = int(float(line.split()[-1]))
print(want[("packets", "rx")], want[("packets", "tx")], want[("bytes", "tx")])
PYEOF
}
mkdir -p "$T/prom2"
if xd_start prom2 --backend xdp --duration 8 --interval 0.5 --prom-textfile "$T/prom2/xdptop.prom"; then
	sleep 1
	l0=$(link_counters) p0=$(prom_counters "$T/prom2/xdptop.prom")
	ping -c 20 -i 0.05 "$N4" >/dev/null 2>&1
	ping -6 -c 10 -i 0.05 "$N6" >/dev/null 2>&1
	sleep 1.5
	l1=$(link_counters) p1=$(prom_counters "$T/prom2/xdptop.prom")
	xd_wait
	read -r a b c <<<"$l0"
	read -r d e f <<<"$l1"
	read -r g h i <<<"$p0"
	read -r j k l <<<"$p1"
	if ((d - a == j - g && e - b == k - h && f - c == l - i && d - a >= 30)); then
		pass prom/interfaces
		echo "    rx $((j - g)) packets, tx $((k - h)) packets / $((l - i)) bytes: as the interface counted"
	else
		fail prom/interfaces "interface counters moved rx $((d - a)) tx $((e - b)) pkts / $((f - c)) B;" \
			"the metrics rx $((j - g)) tx $((k - h)) pkts / $((l - i)) B"
	fi
else
	fail prom/interfaces "xdptop did not start" "$(cat "$T/prom2.err")"
fi

# --- the JSON event log ---------------------------------------------------------------------
E=$T/jl.expect
: >"$E"
# TCP flows the server closed first (xdt-exp-alpha's) leave the table 5 s after their
# last packet; curl closes first (TIME_WAIT, 30 s) and UDP flows stay (60 s).
if xd_start jl --backend xdp --duration 9 --json-log "$T/events.jsonl"; then
	client jl-tcp xdt-exp-alpha "$E" tcp $N4 $P_TCP 3
	client jl-udp xdt-exp-beta "$E" udp $N6 $P_UDP 3
	curl_get jl-curl "http://$N4:$P_TCP/xdt-events" "$E"
	xd_wait
	if harness_ok jsonlog/events; then
		if out=$("$PY" "$HERE/check.py" jsonlog --log "$T/events.jsonl" --json "$T/jl.jsonl" \
			--expect "$E" --app "$N4:$P_TCP" --min-closed 3 2>&1); then
			pass jsonlog/events
			echo "    $out"
		else
			fail jsonlog/events "$out" "$(tail -n 3 "$T/jl.err")"
		fi
	fi
else
	fail jsonlog/events "xdptop did not start" "$(cat "$T/jl.err")"
fi

# kill -9 while events pour out: what is in the file is whole lines.
if xd_start jk --backend pcap --json-log "$T/killed.jsonl" --interval 0.2; then
	"$T/bin/xdt-exp-alpha" tcp $N4 $P_TCP 400 >/dev/null 2>&1 &
	c1=$!
	sleep 2.5
	kill -KILL "$XD_PID"
	wait "$XD_PID" 2>/dev/null
	wait $c1
	if out=$("$PY" "$HERE/check.py" jsonlog --killed --log "$T/killed.jsonl" 2>&1) &&
		[[ $(wc -l <"$T/killed.jsonl") -gt 50 ]]; then
		pass jsonlog/kill-9
		echo "    $out"
	else
		fail jsonlog/kill-9 "$out" "$(wc -l <"$T/killed.jsonl") lines"
	fi
else
	fail jsonlog/kill-9 "xdptop did not start" "$(cat "$T/jk.err")"
fi

# --- the debug log -----------------------------------------------------------------------------
mkdir -p "$T/cwd"
if (cd "$T/cwd" && "$XDPTOP" -i "$HL" --json --no-resolve --no-config --duration 1 \
	--log-level debug --log-dir "$T/logs" >/dev/null 2>"$T/log.err"); then
	lf=$(ls "$T"/logs/xdptop_*.log 2>/dev/null | head -n 1)
	if [[ -n $lf ]] && grep -q ' DEBUG ' "$lf" && grep -q " INFO  capturing on $HL" "$lf" &&
		grep -q "logging (debug and above) to $lf" "$T/log.err" && [[ ! -e $T/cwd/logs ]]; then
		pass log/file
	else
		fail log/file "no log file with DEBUG and INFO lines in $T/logs, or ./logs was made" \
			"$(ls -la "$T/logs" 2>&1)" "$(head -n 5 "$lf" 2>/dev/null)" "$(cat "$T/log.err")"
	fi
else
	fail log/file "xdptop failed" "$(cat "$T/log.err")"
fi
if (cd "$T/cwd" && "$XDPTOP" -i "$HL" --json --no-resolve --no-config --duration 1 \
	>/dev/null 2>&1) && [[ ! -e $T/cwd/logs ]]; then
	pass log/off-by-default
else
	fail log/off-by-default "./logs exists after a run without --log-level or --log-dir"
fi

# --- errors ------------------------------------------------------------------------------------
"$XDPTOP" -i "$HL" --json --no-resolve --no-config --duration 1 \
	--pcap-export "$T/no/such/dir/cap.pcapng" >/dev/null 2>"$T/e1.err"
rc=$?
if ((rc == 1)) && grep -q "$T/no/such/dir/cap.pcapng" "$T/e1.err" && ! ip link show "$HL" | grep -q xdp; then
	pass errors/missing-dir
else
	fail errors/missing-dir "expected exit 1 naming the path, got $rc" "$(cat "$T/e1.err")"
fi
"$XDPTOP" -i "$HL" --json --no-config --ipfix collector.example:4739 >/dev/null 2>"$T/e2.err"
rc=$?
if ((rc == 2)) && grep -q -- "--ipfix: 'collector.example:4739': 'collector.example' is not a numeric" "$T/e2.err"; then
	pass errors/bad-ipfix
else
	fail errors/bad-ipfix "expected exit 2 naming --ipfix, got $rc" "$(cat "$T/e2.err")"
fi
# /dev/full takes the open but no write: said once, the capture goes on.
if xd_start full --backend xdp --duration 3 --json-log /dev/full; then
	ping -c 10 -i 0.2 "$N4" >/dev/null 2>&1
	xd_wait
	rc=$?
	n=$(grep -c -- "--json-log: writing to /dev/full failed" "$T/full.err")
	if ((rc == 0)) && ((n == 1)) && [[ $(grep -c '"type":"stats"' "$T/full.jsonl") -ge 3 ]]; then
		pass errors/write-fails-once
	else
		fail errors/write-fails-once "exit $rc, the error said $n times (want 1), or the output stopped" \
			"$(cat "$T/full.err")"
	fi
else
	fail errors/write-fails-once "xdptop did not start" "$(cat "$T/full.err")"
fi

summary
((FAILED == 0))
