#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Soak: xdptop --backend xdp watched for SOAK_SECONDS (default 600) of mixed real
# traffic with connection churn. Not part of `make test`: `make soak`.
#
#   namespace A (xdt-sk-a-PID)  xdt-ska<PID> <-> xdt-skb<PID>  namespace B (xdt-sk-b-PID)
#   10.213.111.1/24 fd00:213::111:1/112          10.213.111.2/24 fd00:213::111:2/112
#
# B: tests/soak/traffic.py server (HTTP, TCP echo, UDP echo) and dnsmasq
# (www.soak.test A and AAAA; anything else under soak.test is NXDOMAIN).
# A: tests/soak/traffic.py client (see its header: short and keep-alive HTTP,
# curl, DNS, UDP, long and idle TCP, refused connects, ping), and
#   xdptop -i xdt-ska<PID> --backend xdp --json --interval 1 --json-log EVENTS
# whose output tests/soak/sample.py reads: every table is checked for flows past
# their idle timeout, and every SOAK_EVERY seconds (5) it samples the RSS, the
# open descriptors and the threads of xdptop (/proc/PID) with the flow counts.
#
# Checks (SUITE soak), after SOAK_WARMUP seconds (default 120, or a fifth of a
# shorter run):
#   soak/clients        the traffic really ran: under 1 % of the operations failed
#   soak/rss            RSS growth after the warm-up under 1 %
#   soak/fds            no descriptor growth after the warm-up
#   soak/no-stuck-flows no table held a flow idle past its timeout (+3 s)
#   soak/exit           SIGTERM at the end: exit 0, and the event log closes every
#                       connection it opened (tests/signals/check.py events)
# The figures are printed; with SOAK_REPORT=FILE they are also written there as a
# Markdown table (docs/SOAK.md quotes one).
#
# Environment: XDPTOP (default <repo>/build/xdptop), SOAK_SECONDS, SOAK_WARMUP,
#              SOAK_EVERY, SOAK_KEEP_DIR (copy the samples there), SOAK_REPORT
# Exit status: 0 all passed, 1 something failed, 77 skipped.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
PY=/usr/bin/python3
SECONDS_RUN=${SOAK_SECONDS:-600}
WARMUP=${SOAK_WARMUP:-$((SECONDS_RUN >= 600 ? 120 : SECONDS_RUN / 5))}
EVERY=${SOAK_EVERY:-5}
SUITE=soak
# shellcheck source=../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"
# shellcheck source=../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP: the soak needs root (BPF, network namespaces)"
	exit 77
fi
for tool in ip dnsmasq curl ping "$PY"; do
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
NA=xdt-sk-a-$$
NB=xdt-sk-b-$$
IA=xdt-ska$$
IB=xdt-skb$$
IA=${IA:0:15} IB=${IB:0:15}
A4=10.213.111.1 B4=10.213.111.2 A6=fd00:213::111:1 B6=fd00:213::111:2
HTTP_PORT=8080 ECHO_PORT=7000

keep() {
	[[ -n ${SOAK_KEEP_DIR:-} ]] || return 0
	mkdir -p "$SOAK_KEEP_DIR" && cp "$T"/samples.jsonl "$T"/stuck.json "$T"/xdptop.err \
		"$T"/clients.json "$T"/report.txt "$SOAK_KEEP_DIR"/ 2>/dev/null
	return 0
}

if ! { xdt_netns_add "$NA" && xdt_netns_add "$NB" &&
	ip -n "$NA" link add "$IA" type veth peer name "$IB" netns "$NB" &&
	xdt_addr "$NA" "$IA" $A4/24 $A6/112 && xdt_addr "$NB" "$IB" $B4/24 $B6/112; } >"$T/setup.log" 2>&1; then
	fail setup "cannot create the namespaces and the veth pair" "$(cat "$T/setup.log")"
	summary
	exit 1
fi
xdt_bg "$NB" server "$PY" "$HERE/traffic.py" server $HTTP_PORT $ECHO_PORT
xdt_bg "$NB" dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address=$B4 --listen-address=$B6 --local=/soak.test/ \
	--host-record=www.soak.test,10.213.111.9,fd00:213::111:9 --user=root \
	--pid-file="$T/dnsmasq.pid" --log-facility="$T/dnsmasq.log"
if ! xdt_wait 10 grep -qs ready "$T/server.out" || ! xdt_wait 10 xdt_listening "$NB" u 53; then
	fail setup "the servers did not start" "$(cat "$T/server.out" "$T/dnsmasq.out" 2>/dev/null)"
	summary
	exit 1
fi

mkfifo "$T/out.fifo"
ip netns exec "$NA" "$XDPTOP" -i "$IA" --backend xdp --json --interval 1 --no-resolve --no-config \
	--json-log "$T/events.jsonl" >"$T/out.fifo" 2>"$T/xdptop.err" &
XPID=$!
XDT_PIDS+=("$XPID")
"$PY" "$HERE/sample.py" watch "$XPID" "$T" "$EVERY" <"$T/out.fifo" 2>"$T/sample.err" &
SPID=$!
XDT_PIDS+=("$SPID")
if ! xdt_wait 20 grep -qs '"rss_kb"' "$T/samples.jsonl"; then
	fail setup "xdptop printed no table" "$(cat "$T/xdptop.err" "$T/sample.err")"
	summary
	exit 1
fi
echo "soak: ${SECONDS_RUN} s of traffic, warm-up ${WARMUP} s, a sample every ${EVERY} s"
ip netns exec "$NA" "$PY" "$HERE/traffic.py" client $B4 $B6 $HTTP_PORT $ECHO_PORT "$SECONDS_RUN" \
	"$T/clients.json" >"$T/clients.out" 2>&1
alive=1
kill -0 "$XPID" 2>/dev/null || alive=0
kill -TERM "$XPID"
xdt_wait 15 xdt_none_alive "$XPID" || kill -KILL "$XPID"
wait "$XPID"
XRC=$?
wait "$SPID"

# The clients: every kind ran, and almost everything they tried worked.
if out=$("$PY" - "$T/clients.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
ok = sum(v["ok"] for v in c.values())
bad = sum(v["failed"] for v in c.values())
kinds = {"http-short", "http-keep", "curl", "dns", "udp-short", "udp-long", "tcp-long",
         "tcp-idle", "refused"}
missing = kinds - {k for k, v in c.items() if v["ok"]}
print(", ".join(f"{k} {v['ok']}" + (f" ({v['failed']} failed)" if v["failed"] else "")
                for k, v in sorted(c.items())))
sys.exit(1 if missing or bad > ok / 100 else 0)
PYEOF
); then
	pass clients
	echo "    $out"
else
	fail clients "the traffic did not run as it should (harness)" "$out" "$(tail -n 5 "$T/clients.out")"
fi

"$PY" "$HERE/sample.py" report "$T" "$WARMUP" >"$T/report.txt" 2>&1
sed 's/^/    /' "$T/report.txt"
if grep -q '^FAIL: RSS' "$T/report.txt"; then
	fail rss "$(grep '^FAIL: RSS' "$T/report.txt")"
else
	pass rss
fi
if grep -q '^FAIL: descriptors' "$T/report.txt"; then
	fail fds "$(grep '^FAIL: desc' "$T/report.txt")"
else
	pass fds
fi
if grep -q '^FAIL: .*past their timeout' "$T/report.txt" || [[ ! -s $T/stuck.json ]]; then
	fail no-stuck-flows "$(grep '^FAIL: .*timeout' "$T/report.txt")" "$(head -c 2000 "$T/stuck.json" 2>/dev/null)"
else
	pass no-stuck-flows
fi
if grep -q 'fewer than 3 samples' "$T/report.txt"; then
	fail samples "$(cat "$T/report.txt")"
fi
if ((alive && XRC == 0)) && out=$("$PY" "$ROOT/tests/signals/check.py" events --json "$T/final.jsonl" \
	--events "$T/events.jsonl" 2>&1); then
	pass exit
	echo "    exit 0 after SIGTERM; $out"
else
	fail exit "xdptop alive at the end: $alive, exit $XRC" "${out:-}" "$(tail -n 5 "$T/xdptop.err")"
fi
if [[ -n ${SOAK_REPORT:-} ]]; then
	{
		echo "\`make soak\` (SOAK_SECONDS=$SECONDS_RUN, warm-up $WARMUP s), $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs:"
		echo
		"$PY" "$HERE/sample.py" report "$T" "$WARMUP" --markdown | grep -v '^FAIL'
		echo
		echo "Clients: $(head -c 1000 "$T/clients.out" | tail -n 1)"
	} >"$SOAK_REPORT"
fi
keep
summary
((FAILED == 0))
