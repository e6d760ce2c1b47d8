#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Live capture with the pcap backend: xdptop monitors one end of a veth pair while
# ping and curl talk across it. Its counts are checked against the kernel's own
# interface counters and the clients' own output; then the signal and --duration
# exits. (The kernel backends are checked against tshark in tests/kern: a veth with
# an XDP program counts received bytes without the Ethernet header, so the
# interface counters are no byte oracle there.)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
XDPTOP=$(realpath "${XDPTOP:-$root/build/xdptop}")
# shellcheck source=../e2e/lib.sh
. "$root/tests/e2e/lib.sh"
passed=0 failed=0

finish() {
	echo "live: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
count() { # the PASS/FAIL lines of a check, added to the totals
	local line
	while IFS= read -r line; do
		echo "$line"
		case $line in
		PASS*) passed=$((passed + 1)) ;;
		FAIL*) failed=$((failed + 1)) ;;
		esac
	done
}
fail() { echo "FAIL live/$1"; failed=$((failed + 1)); }

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: live capture tests need root (network namespaces, packet sockets)"
	exit 77
fi
for t in ip ping curl python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed (sudo make deps)"; exit 77; }
done

xdt_init
A=xdt-e2e-la-$$ B=xdt-e2e-lb-$$
xdt_netns_add "$A" && xdt_netns_add "$B" || { fail "setup: cannot create namespaces"; finish; }
ip link add xdt-la0 netns "$A" type veth peer name xdt-lb0 netns "$B"
for ns in "$A" "$B"; do
	# IPv4 only, with static neighbours: then nothing but our own traffic crosses
	# the link, and the interface counters are an exact oracle.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$A" addr add 10.213.50.1/24 dev xdt-la0 && ip -n "$A" link set xdt-la0 up
ip -n "$B" addr add 10.213.50.2/24 dev xdt-lb0 && ip -n "$B" link set xdt-lb0 up
ip -n "$A" neigh replace 10.213.50.2 lladdr "$(ip -n "$B" -br link show xdt-lb0 | awk '{print $3}')" dev xdt-la0 nud permanent
ip -n "$B" neigh replace 10.213.50.1 lladdr "$(ip -n "$A" -br link show xdt-la0 | awk '{print $3}')" dev xdt-lb0 nud permanent

head -c 300000 /dev/urandom >"$XDT_TMP/blob"
xdt_bg "$B" http python3 -m http.server 8080 --bind 10.213.50.2 --directory "$XDT_TMP"
xdt_wait 10 xdt_listening "$B" t 8080 || { fail "setup: http.server did not start"; finish; }

counters() { # rx+tx packets and bytes of xdt-la0
	ip netns exec "$A" sh -c 'cd /sys/class/net/xdt-la0/statistics &&
		echo $(($(cat rx_packets) + $(cat tx_packets))) $(($(cat rx_bytes) + $(cat tx_bytes)))'
}

# 1. Counts against the kernel and the clients.
ip netns exec "$A" "$XDPTOP" --no-resolve --json -i xdt-la0 --backend pcap --interval 0.3 >"$XDT_TMP/live.jsonl" 2>"$XDT_TMP/live.err" &
xpid=$!
XDT_PIDS+=("$xpid")
xdt_wait 10 grep -q '"type":"stats"' "$XDT_TMP/live.jsonl" || { fail "xdptop printed no table"; finish; }
read -r p0 b0 <<<"$(counters)"
ip netns exec "$A" ping -n -c 20 -i 0.01 -s 200 10.213.50.2 >"$XDT_TMP/ping.txt"
curl_bytes=$(ip netns exec "$A" curl -s -o /dev/null -w '%{size_download}' http://10.213.50.2:8080/blob)
sleep 1
read -r p1 b1 <<<"$(counters)"
kill -INT "$xpid"
wait "$xpid"
rc=$?
[ "$rc" -eq 0 ] && echo "PASS live/sigint-exits-0" && passed=$((passed + 1)) || fail "sigint-exits-0: exit $rc"
echo "{\"packets\": $((p1 - p0)), \"bytes\": $((b1 - b0))}" >"$XDT_TMP/counters.json"
count < <(python3 "$here/check.py" "$XDT_TMP/live.jsonl" "$XDT_TMP/counters.json" \
	"$XDT_TMP/ping.txt" "$curl_bytes" || true)

# 2. --duration stops by itself with a final table; SIGTERM is as clean as SIGINT.
start=$(date +%s%N)
ip netns exec "$A" timeout 10 "$XDPTOP" --no-resolve --json -i xdt-la0 --duration 0.7 --interval 5 >"$XDT_TMP/dur.jsonl"
rc=$? ms=$((($(date +%s%N) - start) / 1000000))
if [ "$rc" -eq 0 ] && [ "$ms" -lt 3000 ] && [ "$(grep -c '"type":"stats"' "$XDT_TMP/dur.jsonl")" = 1 ]; then
	echo "PASS live/duration-stops: exit 0 after ${ms} ms with one final table"; passed=$((passed + 1))
else
	fail "duration-stops: exit $rc after ${ms} ms, $(grep -c '"type":"stats"' "$XDT_TMP/dur.jsonl") tables"
fi
ip netns exec "$A" "$XDPTOP" --no-resolve --json -i xdt-la0 --interval 5 >"$XDT_TMP/term.jsonl" &
xpid=$!
sleep 0.5
kill -TERM "$xpid"
wait "$xpid"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '"type":"stats"' "$XDT_TMP/term.jsonl"; then
	echo "PASS live/sigterm-prints-final-table"; passed=$((passed + 1))
else
	fail "sigterm-prints-final-table: exit $rc"
fi

# 3. A missing interface is named, exit 1.
err=$(ip netns exec "$A" "$XDPTOP" --no-resolve --json -i xdt-nosuch0 --duration 1 2>&1 >/dev/null)
rc=$?
if [ "$rc" -eq 1 ] && [[ $err == *xdt-nosuch0* ]]; then
	echo "PASS live/missing-interface-named"; passed=$((passed + 1))
else
	fail "missing-interface-named: exit $rc, '$err'"
fi
finish
