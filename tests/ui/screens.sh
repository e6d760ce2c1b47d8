#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Text captures of every tab of xdptop's screen, for the documentation:
# docs/screens/TAB-COLSxROWS.txt for TAB in overview details processes interfaces
# security help, at 80x24 and 200x50.
#
# A real run, as in tests/ui/run.sh (tests/ui/lib.sh): xdptop -i on the clients'
# end of a veth pair between two network namespaces, with curl over TLS, two
# long-lived openssl s_client sessions, dig against dnsmasq and ssh against sshd
# as traffic, in a tmux server of our own (TERM tmux-256color, UTF-8). One xdptop
# run serves both sizes: the window is resized between them (the screen lays
# itself out again on SIGWINCH), so both show the same connections. Details is
# opened with Enter on the curl connection.
#
# Each file is the pane's text (tmux capture-pane -p: no colours or attributes),
# after one header line saying how it was made. Nothing of the machine shows but
# the test's own addresses, names and processes (TZ=UTC for the clock).
#
# Usage: bash tests/ui/screens.sh [OUTDIR]   (root; default OUTDIR docs/screens)
# Environment: XDPTOP (default <repo>/build/xdptop).
# Exit status: 0 written, 1 failed, 77 not root or a tool is missing.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
OUT=${1:-$ROOT/docs/screens}
REFRESH=500

die() {
	echo "screens: $*" >&2
	exit 1
}

if [[ $(id -u) != 0 ]]; then
	echo "SKIP screens: needs root"
	exit 77
fi
for tool in ip nsenter unshare pgrep tmux infocmp openssl curl dig dnsmasq ssh ssh-keygen \
	/usr/bin/python3; do
	command -v "$tool" >/dev/null || { echo "SKIP screens: required tool '$tool' not found"; exit 77; }
done
[[ -x $XDPTOP ]] || die "no xdptop binary at $XDPTOP (build it, or set XDPTOP)"
XDPTOP=$(realpath "$XDPTOP")
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"
export TZ=UTC

ui_init xdt-ui-screens || die "cannot create a scratch directory"
ui_topology >"$T/setup.log" 2>&1 || die "cannot build the namespaces: $(cat "$T/setup.log")"
ui_files >"$T/setup.log" 2>&1 || die "cannot make keys and files: $(cat "$T/setup.log")"
ui_servers >"$T/setup.log" 2>&1 || die "servers did not start: $(cat "$T/setup.log")"
mkdir -p "$OUT" || die "cannot create $OUT"

# want SECONDS CHECK ARGS...: wait for the screen, or give up loudly.
want() {
	local secs=$1
	shift
	ui_wait_screen scr "$secs" "$@" ||
		die "screen never showed '$*': $(cat "$T/scr.why")"$'\n'"$("$PY" "$SCREEN_PY" plain "$T/scr.txt")"
}

ui_start scr 200 50 --refresh-interval $REFRESH || die "xdptop did not start in tmux"
want 10 tab Overview
ui_traffic
want 10 row 'App=^web\.xdt\.test$' 'Process=/curl$'
want 10 row 'App=^live\.xdt\.test$'
want 10 row 'App=^bulk\.xdt\.test$'
want 10 row 'App=^www\.xdt\.test$'
[[ -n $SSHD ]] && want 10 row 'App=^OpenSSH'
# Some history for the graphs.
sleep 8

DATE=$(date -u +%Y-%m-%d)
VERSION=$("$XDPTOP" --version 2>/dev/null)
TMUXV=$(tmux -V)
# save NAME SIZE: the capture of the last want, with its header line.
save() {
	local name=$1 size=$2 f=$OUT/$1-$2.txt
	{
		echo "xdptop screen, $name tab, ${size/x/ x }: $VERSION, 'xdptop -i IFACE --refresh-interval" \
			"$REFRESH' in a $size $TMUXV pane (TERM=$UI_TERM, UTF-8), made by tests/ui/screens.sh on" \
			"$DATE with real traffic (curl, openssl s_client, dig, ssh) in network namespaces"
		"$PY" "$SCREEN_PY" plain "$T/scr.txt"
	} >"$f" || die "cannot write $f"
	echo "screens: wrote $f"
}

for size in 200x50 80x24; do
	"${TMUX_CMD[@]}" resize-window -t scr -x "${size%x*}" -y "${size#*x}" ||
		die "cannot resize the window to $size"
	ui_keys scr 1
	sleep 1.5
	want 5 tab Overview
	save overview "$size"

	# Details of the curl connection: the cursor onto its row, then Enter.
	ui_keys scr Home
	for ((i = 0; i < 12; i++)); do
		ui_wait_screen scr 1 selected 'App=^web\.xdt\.test$' && break
		ui_keys scr Down
	done
	want 2 selected 'App=^web\.xdt\.test$'
	ui_keys scr Enter
	sleep 1.5
	want 5 details summary=:443 app=web.xdt.test
	save details "$size"

	n=3
	for tab in Processes Interfaces Security Help; do
		ui_keys scr $n
		sleep 0.5
		want 5 tab $tab
		save "${tab,,}" "$size"
		n=$((n + 1))
	done
done

ui_stop scr
[[ $(cat "$T/scr.status" 2>/dev/null) == 0 ]] || die "xdptop did not exit with status 0 after q"
echo "screens: done, $(find "$OUT" -name '*-80x24.txt' -o -name '*-200x50.txt' | wc -l) files in $OUT"
