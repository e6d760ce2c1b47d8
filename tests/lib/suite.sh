# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Result lines of a test suite, as tests/run-all.sh reads them. Set SUITE first.
#   PASS SUITE/NAME | FAIL SUITE/NAME (detail indented) | SKIP SUITE/NAME
#   last line: "SUITE: N passed, M failed, K skipped"

PASSED=0
FAILED=0
SKIPPED=0

summary() { echo "$SUITE: $PASSED passed, $FAILED failed, $SKIPPED skipped"; }
pass() { echo "PASS $SUITE/$1"; PASSED=$((PASSED + 1)); }
skip() { echo "SKIP $SUITE/$1"; SKIPPED=$((SKIPPED + 1)); }
# fail NAME: MESSAGE [DETAIL...]: the detail is shown indented.
fail() {
	echo "FAIL $SUITE/$1"
	shift
	(($#)) && printf '%s\n' "$@" | sed 's/^/    /'
	FAILED=$((FAILED + 1))
}
