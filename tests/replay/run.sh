#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Replay crafted, damaged and unusual capture files through `xdptop -r FILE --json`
# and check exit codes, messages, flows and malformed counters; and the offline
# exports of a replay (--pcap-export read back by tcpdump, --json-log,
# --prom-textfile, --log-dir), which the sanitizer build then covers too.
#
#   XDPTOP=path/to/xdptop tests/replay/run.sh      (default: build/xdptop)
#   XDPTOP_ASAN=path/to/asan/xdptop                (default: build/asan/xdptop; every
#                                                   case runs again with it if it exists)
#   REPLAY_KEEP=1                                  keep the work directory
#
# Prints 'PASS replay/<case>' or 'FAIL replay/<case>: why' per case (asan/<case> for
# the sanitizer build) and ends with 'replay: N passed, M failed'.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=python3

abspath() {
	case "$1" in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$PWD/$1" ;;
	esac
}

bin=$(abspath "${XDPTOP:-$root/build/xdptop}")
asan=$(abspath "${XDPTOP_ASAN:-$root/build/asan/xdptop}")

work=$(mktemp -d "${TMPDIR:-/tmp}/xdptop-replay.XXXXXX")
if [ -n "${REPLAY_KEEP:-}" ]; then
	echo "replay: work directory $work"
else
	trap 'rm -rf "$work"' EXIT
fi

passed=0
failed=0

result() {
	echo "$1"
	case "$1" in
	PASS*) passed=$((passed + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
}

if ! "$py" "$here/mkcaps.py" "$work/caps" >"$work/mkcaps.log" 2>&1; then
	result "FAIL replay/mkcaps: $(tr '\n' ' ' <"$work/mkcaps.log")"
	echo "replay: $passed passed, $failed failed"
	exit 1
fi
manifest=$work/caps/manifest.json
mkdir -p "$work/cases"
mapfile -t cases < <("$py" "$here/check.py" prep "$manifest" "$work/cases")

run_all() {
	local exe=$1 prefix=$2 name args input rc n=0
	for name in "${cases[@]}"; do
		n=$((n + 1))
		mapfile -d '' args <"$work/cases/$n.args"
		input=$(cat "$work/cases/$n.stdin")
		# The export cases write to out/, each into an empty one.
		rm -rf "$work/out" && mkdir "$work/out"
		# Run from the work directory so a core file or stray output lands there.
		# Standard input is a pipe, as in `tcpdump -w - | xdptop -r -`.
		# shellcheck disable=SC2002
		(cd "$work" && cat "$input" | timeout -k 5 60 "$exe" "${args[@]}" \
			>"$work/out.$n" 2>"$work/err.$n")
		rc=$?
		result "$(cd "$work" && "$py" "$here/check.py" check "$manifest" "$name" \
			"$prefix$name" "$work/out.$n" "$work/err.$n" "$rc")"
	done
}

if [ -x "$bin" ]; then
	run_all "$bin" ""
else
	result "FAIL replay/binary: $bin is not an executable (build it, or set XDPTOP)"
fi

if [ -x "$asan" ]; then
	export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	run_all "$asan" "asan/"
fi

echo "replay: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
