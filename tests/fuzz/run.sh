#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs every libFuzzer harness for FUZZ_SECONDS (make fuzz: 60; make test: 5) on a
# corpus kept in build/fuzz/corpus/NAME, seeded from tests/fuzz/seeds/NAME when
# that exists. A crash, a sanitizer report or a leak fails the harness; its input
# is kept as build/fuzz/crash-NAME-*.
set -u
B=${1:-build}
secs=${FUZZ_SECONDS:-60}
passed=0 failed=0
shopt -s nullglob
bins=("$B"/fuzz/fuzz_*)
if [ ${#bins[@]} -eq 0 ]; then
	echo "FAIL fuzz: no harness built in $B/fuzz (make check-fuzz builds them)"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi
for bin in "${bins[@]}"; do
	name=${bin##*/fuzz_}
	corpus=$B/fuzz/corpus/$name
	mkdir -p "$corpus"
	seeds=()
	[ -d "tests/fuzz/seeds/$name" ] && seeds=("tests/fuzz/seeds/$name")
	log=$B/fuzz/$name.log
	if "$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$B/fuzz/crash-$name-" "$corpus" "${seeds[@]}" >"$log" 2>&1; then
		echo "PASS fuzz/$name: $(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -n 1), corpus $(ls "$corpus" | wc -l) inputs"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz/$name: see $log"
		grep -m 5 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
