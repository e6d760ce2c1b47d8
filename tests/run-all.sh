#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs every test suite, even after one fails, and ends with one summary line that
# adds up all of them. Exit status: 0 only if nothing failed.
#   unit      criterion, normal build and ASan+UBSan build
#   bpf       crafted frames through the XDP and TC programs (BPF_PROG_TEST_RUN)
#   replay    bad and odd capture files through both binaries, and the offline
#             exports of a replay (--pcap-export, --json-log, --prom-textfile)
#   valgrind  the unit suite (each test's worker process) and xdptop -r over every
#             replay case and export under memcheck: no error, no leak (definite,
#             indirect, possible)
#   e2e       real traffic in network namespaces, checked against tshark
#   live      live capture on a veth, checked against interface counters and clients
#   hostile   malformed and lying frames replayed and sent live through the xdp and pcap
#             backends: every reason counted exactly, Linux's reassembly as the oracle
#             for overlapping fragments
#   kern      xdp and pcap backends live against tshark, 1 GB prefix bound, kill -9
#   proc      processes of known pids and names (short-lived, long-named, pre-started,
#             refused) against the process xdptop names for each flow
#   enrich    GeoIP from databases MaxMind::DB::Writer makes, PTR names from dnsmasq,
#             the query budget under a flood, --no-resolve, the configuration file
#   sandbox   the lock-down proved from inside the running process: escape attempts,
#             /proc/PID/status, --sandbox-strict, the reaper of the cgroup leaf
#   export    --pcap-export read by tshark and joined to processes, --ipfix received
#             by nfcapd, --prom-textfile scraped by node_exporter, --json-log events
#   iface     the monitored interface set down and up, given a new MTU, deleted and
#             created again while xdptop runs (xdp, pcap, afxdp), --exit-on-iface-loss
#   ui        the screen driven through tmux over real traffic, and with 110,000 flows
#   flood     a million new 5-tuples a second asked for 30 s (xdp, SYN and UDP) and
#             20 s (pcap): stats every interval, bounds, evictions counted, packets
#             equal to the interface counters, peak RSS; the prefix ring and the
#             AF_XDP rings overrun: losses counted and shown, flow counters exact
#   dpi       real clients and servers (TLS, HTTP, DNS, SSH, QUIC) captured; names from
#             xdptop -r and from the xdp backend (replayed live) against tshark
#   signals   SIGTERM/SIGINT with every output on: all of it complete (tshark, nfdump,
#             the event log closed), nothing attached after; SIGHUP reopens the logs
#             under the lock-down; a second instance refused or beside the first
#   docs      --help, xdptop(8) and the option parser know the same flags
set -u
B=${1:-build}
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# criterion: "[====] Synthesis: Tested: N | Passing: P | Failing: F | Crashing: C"
unit() {
	name=$1 bin=$2
	echo "== $name"
	"$bin" --jobs 1 >"$log" 2>&1
	rc=$?
	cat "$log"
	line=$(grep 'Synthesis:' "$log" | tail -n 1)
	p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	if [ -z "$p" ]; then
		echo "FAIL $name: no criterion summary (exit $rc)"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + p))
	failed=$((failed + f + c))
	[ "$rc" -eq 0 ] || [ $((f + c)) -gt 0 ] || { echo "FAIL $name: exit $rc"; failed=$((failed + 1)); }
}

# scripts end with "<suite>: N passed, M failed[, K skipped]"; exit 77 = skipped whole.
script() {
	name=$1
	shift
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	line=$(tail -n 1 "$log")
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	if grep -q '^SKIP' "$log" && [ -z "$p" ]; then
		skipped=$((skipped + 1))
		return
	fi
	if [ -z "$p" ] || [ -z "$f" ]; then
		echo "FAIL $name: ended without a summary line"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + ${s:-0}))
}

unit unit "$B/tests/unit"
unit unit-asan "$B/asan/tests/unit"
# As root a BPF program that fails to load is a failure, not a skip.
[ "$(id -u)" = 0 ] && export XDT_BPF_REQUIRED=1
unit bpf "$B/tests/bpf"
script replay env XDPTOP="$B/xdptop" XDPTOP_ASAN="$B/asan/xdptop" bash tests/replay/run.sh
script valgrind env XDPTOP="$B/xdptop" UNIT="$B/tests/unit" bash tests/valgrind/run.sh
script e2e env XDPTOP="$B/xdptop" bash tests/e2e/run.sh
script live env XDPTOP="$B/xdptop" bash tests/live/run.sh
script hostile env XDPTOP="$B/xdptop" XDPTOP_ASAN="$B/asan/xdptop" bash tests/hostile/run.sh
script kern env XDPTOP="$B/xdptop" bash tests/kern/run.sh
script dpi env XDPTOP="$B/xdptop" bash tests/dpi/run.sh
script proc env XDPTOP="$B/xdptop" bash tests/proc/run.sh
script enrich env XDPTOP="$B/xdptop" bash tests/enrich/run.sh
script sandbox env XDPTOP="$B/xdptop" XDPTOP_SELFTEST="$B/xdptop-selftest" \
	bash tests/sandbox/run.sh
script export env XDPTOP="$B/xdptop" bash tests/export/run.sh
script iface env XDPTOP="$B/xdptop" bash tests/iface/run.sh
script ui env XDPTOP="$B/xdptop" bash tests/ui/run.sh
script flood env XDPTOP="$B/xdptop" XDP_BENCH="$B/bench/xdp_bench" bash tests/flood/run.sh
script signals env XDPTOP="$B/xdptop" bash tests/signals/run.sh
script docs env XDPTOP="$B/xdptop" bash tests/docs/run.sh
script fuzz env FUZZ_SECONDS=5 bash tests/fuzz/run.sh "$B"

echo "make test: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
