#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The flags that exist, the flags --help lists and the flags xdptop(8) documents
# must be the same set. "Exist" is asked of the binary itself: a flag exists if
# the parser does not call it unknown.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
XDPTOP=${XDPTOP:-$root/build/xdptop}
man=$root/man/xdptop.8
passed=0 failed=0
result() {
	if [ "$1" = ok ]; then echo "PASS docs/$2"; passed=$((passed + 1)); else echo "FAIL docs/$2: $3"; failed=$((failed + 1)); fi
}

help_flags=$("$XDPTOP" --help | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | sort -u)
# In roff, a dash in a flag is written \- : .BR \-i ", " \-\-interface
man_flags=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$man" | grep -E '^\.(B|BR|BI|TP)' |
	grep -oE '(\\-){1,2}[a-zA-Z][a-zA-Z\\-]*' | sed 's/\\-/-/g' | sort -u)
if [ "$help_flags" = "$man_flags" ]; then
	result ok help-and-man-list-the-same-flags
else
	result fail help-and-man-list-the-same-flags "$(diff <(echo "$help_flags") <(echo "$man_flags") | grep '^[<>]' | tr '\n' ' ')"
fi

# Ask the parser about a flag. "-r /nonexistent" after it makes every run end at
# once (a missing file, or a bad value for a flag that takes one) instead of
# starting a live capture.
probe() {
	timeout 5 "$XDPTOP" "$1" -r /nonexistent/xdt-docs-probe 2>&1 >/dev/null </dev/null | head -n 1
}

# Every documented flag is known to the parser (its error, if any, is not "unknown").
unknown=
for f in $man_flags; do
	err=$(probe "$f")
	case $err in *"unknown option"*) unknown="$unknown $f" ;; esac
done
[ -z "$unknown" ] && result ok every-documented-flag-exists || result fail every-documented-flag-exists "unknown:$unknown"

# And the parser knows no flag the docs leave out: try every long option getopt
# would accept by its table, read back from the binary's strings.
extra=
for f in $(strings "$XDPTOP" | grep -xE '[a-z][a-z-]{2,20}' | sort -u); do
	err=$(probe "--$f")
	case $err in
	*"unknown option"* | *"unrecognized"*) ;;
	*)
		# getopt_long takes an unambiguous abbreviation ("--snap" for "--snaplen"):
		# a word that only abbreviates a documented flag is not a flag of its own.
		echo "$man_flags" | grep -qx -- "--$f" ||
			echo "$man_flags" | grep -q -- "^--$f" ||
			extra="$extra --$f"
		;;
	esac
done
[ -z "$extra" ] && result ok no-undocumented-flag || result fail no-undocumented-flag "undocumented:$extra"

echo "docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
