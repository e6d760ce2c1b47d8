#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# valgrind's memcheck over the userspace code of the normal build (-O2 -g, no
# sanitizer): a second, independent look at what unit-asan and the replay suite's
# ASan runs check, with a tool that needs no recompiling and that also sees reads
# of uninitialised memory.
#
#   valgrind/unit            the criterion unit suite; criterion runs each test in
#                            a worker process it starts with exec, so valgrind
#                            follows every one (--trace-children) into a log of
#                            its own. One result per process: the runner and each
#                            test worker (their number must be the number of tests
#                            criterion ran, so no test escapes). A worker with
#                            errors is named SUITE_TEST after the test function
#                            (SUITE_TEST_impl) its stacks go through.
#   valgrind/replay/CASE     `xdptop -r` (the whole program) for every case of
#                            tests/replay: good, damaged and odd captures, standard
#                            input, usage errors, and the offline exports
#                            (--pcap-export with rotation, --json-log,
#                            --prom-textfile, --log-dir). tests/replay/check.py
#                            judges the output as in the replay suite, and
#                            memcheck must report nothing.
#
# An error is anything memcheck reports (invalid reads and writes, uses of
# uninitialised values, bad or mismatched frees, overlapping copies, bad syscall
# arguments) and a leak of kind definite, indirect or possible. Still reachable
# blocks are not errors, as for LeakSanitizer in the ASan runs: a block a global
# still points to at exit was not lost. Here they are the service-name table
# xdptop keeps for its whole life, and in the children some tests fork, the state
# of criterion and its libraries (libgit2, nanomsg) copied from the worker; the
# test workers end with none. Counting them would take a suppression for each
# library's caches and find no bug. A leak that grows while reachable is for the
# bench to see (peak RSS), not for a check at exit.
# Suppressions (tests/valgrind/suppressions.supp) are for third-party library
# internals only, each with its reason.
#
#   XDPTOP=path/to/xdptop UNIT=path/to/tests/unit tests/valgrind/run.sh
#                            (default: build/xdptop, build/tests/unit)
#   VALGRIND_JOBS=N          processes at a time (default: the number of CPUs)
#   VALGRIND_ONLY=unit|replay  one part only
#   VALGRIND_UNIT_FILTER=PAT criterion --filter for the unit part (e.g. 'config/*')
#   VALGRIND_KEEP=1          keep the work directory (every process's log)
#
# Ends with 'valgrind: N passed, M failed, K skipped'.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
SUITE=valgrind
# shellcheck source=../lib/suite.sh
. "$root/tests/lib/suite.sh"
py=/usr/bin/python3
[ -x "$py" ] || py=python3

abspath() {
	case "$1" in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$PWD/$1" ;;
	esac
}

bin=$(abspath "${XDPTOP:-$root/build/xdptop}")
unit=$(abspath "${UNIT:-$root/build/tests/unit}")
jobs=${VALGRIND_JOBS:-$(nproc)}

if ! command -v valgrind >/dev/null; then
	echo "SKIP valgrind: valgrind is not installed (make deps installs it)"
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/xdptop-valgrind.XXXXXX")
if [ -n "${VALGRIND_KEEP:-}" ]; then
	echo "valgrind: work directory $work"
else
	trap 'rm -rf "$work"' EXIT
fi

# shellcheck disable=SC2054 # the commas are inside option values
VG=(valgrind --tool=memcheck --leak-check=full
	--show-leak-kinds=definite,indirect,possible
	--errors-for-leak-kinds=definite,indirect,possible
	--error-exitcode=99 --num-callers=40 --vgdb=no
	--suppressions="$here/suppressions.supp")

# LOG: 0 if memcheck finished and reported nothing; else why, and the report.
vg_clean() {
	local log=$1 n
	n=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9]*\) error.*/\1/p' "$log" | tail -n 1)
	if [ -z "$n" ]; then
		echo "memcheck did not finish (no ERROR SUMMARY in $(basename "$log"))"
		tail -n 5 "$log"
		return 1
	fi
	[ "$n" = 0 ] && return 0
	echo "memcheck: $n error(s)"
	# The reports, without the banner and the totals.
	sed -n 's/^==[0-9]*== //p' "$log" |
		sed -e '1,/^Parent PID:/d' -e '/^HEAP SUMMARY:/,/^$/d' -e '/^LEAK SUMMARY:/,$d' |
		sed '/^$/N;/^\n$/D' | head -n 80
	return 1
}

# --- the unit suite ---------------------------------------------------------------
# LOG: 0 if it holds nothing but memcheck's banner (the process exec'd a program
# that is not followed, before any report).
vg_banner_only() {
	! sed -n 's/^==[0-9]*== //p' "$1" | sed '1,/^Parent PID:/d' | grep -q .
}

run_unit() {
	local d=$work/unit log out pid rc line tested p f c n_workers=0 n_forked=0 bad=0
	local why names parent runner rpid filter=()
	mkdir -p "$d"
	if [ ! -x "$unit" ]; then
		fail unit "$unit is not an executable (build it, or set UNIT)"
		return
	fi
	[ -n "${VALGRIND_UNIT_FILTER:-}" ] && filter=(--filter "$VALGRIND_UNIT_FILTER")
	out=$d/criterion.out
	# The programs some tests run (perl writing GeoIP databases, sh and rm through
	# system()) are not ours, and perl under memcheck takes minutes: not followed.
	# Criterion runs one job at a time under valgrind unless told.
	timeout -k 30 1800 "${VG[@]}" --trace-children=yes \
		--trace-children-skip='/usr/*,/bin/*,/sbin/*' --log-file="$d/vg.%p.log" \
		"$unit" --jobs "$jobs" "${filter[@]}" >"$out" 2>&1 &
	pid=$!
	wait "$pid"
	rc=$?
	line=$(grep 'Synthesis:' "$out" | tail -n 1)
	tested=$(echo "$line" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
	p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	if [ -z "$tested" ]; then
		fail unit/criterion "no criterion summary (exit $rc)" "$(tail -n 20 "$out")"
	elif [ $((f + c)) -gt 0 ] || [ "$p" != "$tested" ]; then
		fail unit/criterion "under valgrind $f test(s) failed and $c crashed of $tested" \
			"$(grep -E '\[(FAIL|----)\]' "$out" | head -n 40)"
	fi

	# The runner is timeout's child; the test workers are the runner's.
	runner=$(grep -l "^==[0-9]*== Parent PID: $pid\$" "$d"/vg.*.log 2>/dev/null | head -n 1)
	rpid=$(basename "${runner:-none}" .log | sed 's/^vg\.//')
	[ -n "$runner" ] || fail unit/runner "no memcheck log of the runner" "$(tail -n 20 "$out")"
	for log in "$d"/vg.*.log; do
		[ -e "$log" ] || continue
		parent=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\)$/\1/p' "$log" | head -n 1)
		if [ "$log" = "$runner" ]; then
			:
		elif [ "$parent" = "$rpid" ] && grep -qx "==[0-9]*== Command: $unit" "$log"; then
			n_workers=$((n_workers + 1))
		else
			# A child a test forked: its log ends without totals when it exec'd a
			# program that is not followed; it reports what it did before that.
			n_forked=$((n_forked + 1))
			if ! grep -q 'ERROR SUMMARY:' "$log" && vg_banner_only "$log"; then
				PASSED=$((PASSED + 1))
				continue
			fi
		fi
		if why=$(vg_clean "$log"); then
			PASSED=$((PASSED + 1))
			continue
		fi
		bad=$((bad + 1))
		names=$(grep -o '[A-Za-z0-9_]*_impl (' "$log" | sed 's/_impl ($//' | sort -u |
			tr '\n' ',' | sed 's/,$//')
		if [ "$log" = "$runner" ]; then
			fail unit/runner "$why"
		else
			fail "unit/${names:-pid-$(basename "$log" .log | sed 's/^vg\.//')}" \
				"the test's process (${log##*/}): $why"
		fi
	done
	# Every test ran in a process memcheck followed: no test escapes.
	if [ -n "$tested" ] && [ "$n_workers" -ne "$tested" ]; then
		fail unit/traced "$n_workers test workers under memcheck for $tested tests" \
			"criterion must start one worker per test with exec, for valgrind to follow"
	elif [ "$bad" -eq 0 ]; then
		echo "PASS $SUITE/unit: $((n_workers + n_forked + 1)) processes under memcheck" \
			"(the runner, $n_workers test workers, $n_forked children of tests), no error"
	fi
}

# CASE-NUMBER NAME: runs one case in a directory of its own (the export cases
# write to its out/), writes PASS or FAIL and why to $work/res.N.
replay_case() {
	local n=$1 name=$2 args input rc verdict why w d=$work/r$1
	mkdir -p "$d/out"
	mapfile -d '' args <"$work/cases/$n.args"
	input=$(cat "$work/cases/$n.stdin")
	# --no-sandbox: valgrind cannot go on under the seccomp filter (its translations
	# need new executable mappings, which the filter refuses: "Valgrind cannot
	# continue"), knows no Landlock syscall, and the cgroup reaper is a fork. The
	# lock-down's code runs in the replay suite's ASan runs (seccomp aside).
	# shellcheck disable=SC2002
	(cd "$d" && cat "$input" | timeout -k 10 900 "${VG[@]}" --log-file="$d/vg.%p.log" \
		"$bin" --no-sandbox "${args[@]}" >"$d/stdout" 2>"$d/stderr")
	rc=$?
	verdict=$(cd "$d" && "$py" "$root/tests/replay/check.py" check "$manifest" "$name" \
		"$name" "$d/stdout" "$d/stderr" "$rc")
	why=
	for log in "$d"/vg.*.log; do
		if [ ! -e "$log" ]; then
			why="no memcheck log"$'\n'
		elif ! w=$(vg_clean "$log"); then
			why="$why$w"$'\n'
		fi
	done
	{
		if [ -z "$why" ] && [ "${verdict#PASS}" != "$verdict" ]; then
			echo PASS
		else
			echo FAIL
			printf '%s' "$why"
			[ "${verdict#PASS}" = "$verdict" ] && echo "${verdict#FAIL replay/"$name": }"
		fi
	} >"$work/res.$n"
}

run_replay() {
	local n=0 name
	if [ ! -x "$bin" ]; then
		fail replay "$bin is not an executable (build it, or set XDPTOP)"
		return
	fi
	if ! "$py" "$root/tests/replay/mkcaps.py" "$work/caps" >"$work/mkcaps.log" 2>&1; then
		fail replay/mkcaps "$(cat "$work/mkcaps.log")"
		return
	fi
	manifest=$work/caps/manifest.json
	mkdir -p "$work/cases"
	mapfile -t cases < <("$py" "$root/tests/replay/check.py" prep "$manifest" "$work/cases")
	for name in "${cases[@]}"; do
		n=$((n + 1))
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
			wait -n
		done
		replay_case "$n" "$name" &
	done
	wait
	n=0
	for name in "${cases[@]}"; do
		n=$((n + 1))
		if [ "$(head -n 1 "$work/res.$n" 2>/dev/null)" = PASS ]; then
			pass "replay/$name"
		else
			fail "replay/$name" "$(tail -n +2 "$work/res.$n" 2>/dev/null)"
		fi
	done
}

case ${VALGRIND_ONLY:-} in
unit) run_unit ;;
replay) run_replay ;;
*)
	run_unit
	run_replay
	;;
esac
summary
[ "$FAILED" -eq 0 ]
