#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Acceptance test of xdptop's screen, driven through tmux (tests/ui/lib.sh has
# the namespaces, servers, traffic and tmux helpers; tests/ui/screen.py reads the
# screen: text and, from capture-pane -e, reverse video).
#
# 1. Real traffic (160x45, --refresh-interval 300, xdp backend on the clients'
#    end of a veth pair): curl over TLS (SNI web.xdt.test), two long-lived
#    openssl s_client sessions (live.xdt.test, bulk.xdt.test) exchanging data,
#    dig against dnsmasq, an ssh session against sshd. From the pane:
#      row-*, live-rate   rows carry the SNI, the DNS names, the SSH version and
#                    the client's pid/name (curl's and ssh's pids as started);
#                    a live row has a rate above zero
#      sort-KEY      each `s` moves the header marker to the next column and
#                    the rows shown are in that column's order (every adjacent
#                    pair compared as ui/sort.c orders them, through all 12
#                    keys); `S` reverses
#      filter-*      `/sni:live.xdt.test` filters while typed, Enter keeps it
#                    (only the matching row left), Esc clears it; a filter
#                    that does not parse (port:99999) is refused and the
#                    filter in force stays the previous one
#      details       Enter on the selected row (the one in reverse video)
#                    opens Details on that connection (addresses and SNI)
#      tab-*         Tab reaches every tab (label in reverse video, and the
#                    tab's own body), Shift-Tab goes back, 1-6 jump
#      interfaces-counters   the Interfaces tab shows the watched interface's
#                    packet counters (non-zero, at most the kernel's)
#      key-c-*       c puts the selected remote address in an OSC 52
#                    sequence (tmux, set-clipboard on, makes it a buffer)
#      resize-*      at 80x24 the least important columns go, nothing wraps
#      key-*         p (service names), d (host names), l, space (pause)
#      quit-status, terminal-restored, xdp-detached   q exits with status 0
#                    (the wrapper records it), the alternate screen is gone
#                    (tmux alternate_on is 0, the UI is off the pane, the
#                    shell's lines before and after it are back), and no XDP
#                    program is left on the interface
# 2. 110,000 flows (--max-flows 200000): flood.py's capture of one-packet UDP
#    flows is replayed (tcpreplay --topspeed) into the watched interface; the
#    status line must count at least 100,000 connections. Then keys are sent
#    and the pane polled every 10 ms (screen.py latency, through a tmux control
#    client) until it shows their effect: each must take at most 200 ms
#    (UI_LATENCY_MS); the times are printed as note: lines, with the same for
#    two keys with few connections (part 1), the snapshot age the status line
#    shows, and how long q takes to give the terminal back and to exit.
#
# One "PASS ui/NAME" / "FAIL ui/NAME: why" / "SKIP ui/NAME: why" line per check,
# then "ui: N passed, M failed, K skipped". Exit status: 0 nothing failed, 1
# something failed, 77 skipped (not root, or a required tool is missing).
# Environment: XDPTOP (default <repo>/build/xdptop), UI_KEEP_DIR (if set, the
# last captures are copied there), UI_LATENCY_MS (default 200).

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
LIMIT_MS=${UI_LATENCY_MS:-200}
SUITE=ui
# shellcheck source=SCRIPTDIR/../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"
START=$SECONDS
note() { echo "note: $*"; }
skip_all() {
	echo "SKIP ui: $1"
	SKIPPED=$((SKIPPED + 1))
	summary
	exit 77
}

[[ $(id -u) == 0 ]] || skip_all "needs root"
for tool in ip nsenter unshare pgrep tmux infocmp openssl curl dig dnsmasq tcpreplay \
	ssh ssh-keygen /usr/bin/python3; do
	command -v "$tool" >/dev/null || skip_all "required tool '$tool' not found"
done
[[ -x $XDPTOP ]] || { fail "setup: no xdptop binary at $XDPTOP (build it, or set XDPTOP)"; summary; exit 1; }
XDPTOP=$(realpath "$XDPTOP")
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"

keep() {
	[[ -n ${UI_KEEP_DIR:-} ]] || return 0
	mkdir -p "$UI_KEEP_DIR" && cp "$T"/*.txt "$T"/*.why "$UI_KEEP_DIR"/ 2>/dev/null
	return 0
}
finish() {
	keep
	note "ui suite took $((SECONDS - START)) s"
	summary
	((FAILED == 0)) && exit 0
	exit 1
}

ui_init xdt-ui || { fail "setup: cannot create a scratch directory"; finish; }
LOG=$T/setup.log
ui_topology >"$LOG" 2>&1 || { fail "setup: cannot build the namespaces" "$(cat "$LOG")"; finish; }
ui_files >"$LOG" 2>&1 || { fail "setup: cannot make keys and files" "$(cat "$LOG")"; finish; }
ui_servers >"$LOG" 2>&1 ||
	{ fail "setup: servers did not start" "$(cat "$LOG")" "$(tail -n 3 "$T"/*.out)"; finish; }
[[ -n $SSHD ]] || skip "ssh: sshd not installed (Debian package openssh-server)"

# --- helpers ------------------------------------------------------------------

# expect NAME TAG SECONDS CHECK ARGS...: PASS NAME once the check holds on TAG's
# pane (polled every 50 ms, at most SECONDS), else FAIL with the check's last
# word and the screen.
expect() {
	local name=$1 tag=$2 secs=$3
	shift 3
	if ui_wait_screen "$tag" "$secs" "$@"; then
		pass "$name"
		return 0
	fi
	fail "$name: $(cat "$T/$tag.why")" "--- screen:" \
		"$("$PY" "$SCREEN_PY" plain "$T/$tag.txt" | sed -e '/^ *$/d' | head -n 40)"
	return 1
}

# shot TAG CHECK ARGS...: what CHECK prints about TAG's pane now (no polling).
shot() {
	local tag=$1
	shift
	ui_cap "$tag" "$T/$tag.txt"
	"$PY" "$SCREEN_PY" "$@" "$T/$tag.txt"
}

xdp_on() { ip -n "$NC" link show dev "$IC" 2>/dev/null | grep -qw 'xdp\(generic\|drv\|offload\)\?'; }

# latency NAME TAG KEY CHECK ARGS...: PASS latency-NAME when the effect of KEY on
# TAG's pane shows within LIMIT_MS (screen.py polls the pane every 10 ms through
# a tmux control client); the time is printed as a note: line.
LAT=()
latency() {
	local name=$1 tag=$2 key=$3 ms
	shift 3
	if ! ms=$("$PY" "$SCREEN_PY" latency "$SOCK" "$tag" "$key" "$@" 2>&1); then
		fail "latency-$name: $ms"
		return
	fi
	note "key $name ($tag): ${ms} ms"
	LAT+=("$name=${ms}ms")
	if ((ms <= LIMIT_MS)); then
		pass "latency-$name"
	else
		fail "latency-$name: the screen showed the effect of $key after $ms ms, expected <= $LIMIT_MS ms"
	fi
}

# --- 1. the screen with real traffic --------------------------------------------

note "set-up took $((SECONDS - START)) s"
PART=$SECONDS
if ! ui_start main 160 45 --refresh-interval 300; then
	fail "start: xdptop did not start in tmux" "$(ui_cap main 2>&1 | sed -e '/^ *$/d')"
	finish
fi
if ! expect start main 10 tab Overview; then
	finish
fi
ui_traffic

expect row-tls-curl main 10 row 'App=^web\.xdt\.test$' "Process=^$(xdt_pid curl)/curl\$" \
	'Remote=^10\.213\.90\.2:443$' 'Proto=^tcp$'
expect row-tls-openssl main 10 row 'App=^live\.xdt\.test$' 'Process=^[0-9]+/openssl$' \
	'Remote=:4433$'
expect row-dns main 10 row 'Proto=^udp$' 'App=^www\.xdt\.test$' 'Process=^[0-9]+/dig$' \
	'Remote=^10\.213\.90\.2:53$'
expect row-dns6 main 10 row 'Proto=^udp$' 'App=^web\.xdt\.test$' \
	'Remote=^\[fd00:213::90:2\]:53$'
if [[ -n $SSHD ]]; then
	expect row-ssh main 10 row 'App=^OpenSSH' "Process=^$(xdt_pid ssh)/ssh\$" 'Remote=:2222$'
fi
expect live-rate main 10 live 'App=^live\.xdt\.test$'
expect rows main 5 rows 5

# s: every sort key in turn, then S. Numbers sort descending, text ascending.
for key in down up total proto local remote state service app process country rate; do
	case $key in
	rate | down | up | total) dir=desc ;;
	*) dir=asc ;;
	esac
	ui_keys main s
	expect "sort-$key" main 3 sorted "$key" "$dir"
done
ui_keys main S
expect sort-reverse main 3 sorted rate asc
ui_keys main S
expect sort-reverse-again main 3 sorted rate desc

# The filter: applied while typed, kept by Enter, cleared by Esc.
ui_keys main /
expect filter-prompt main 3 status '^/'
ui_keys main -l 'sni:live.xdt.test'
expect filter-live main 3 only 'App=^live\.xdt\.test$'
ui_keys main Enter
expect filter-sni main 3 status 'filter: sni:live\.xdt\.test' &&
	expect filter-sni-rows main 3 only 'App=^live\.xdt\.test$'
ui_keys main Escape
expect filter-clear main 3 rows 5 && expect filter-clear-status main 3 lacks 'filter:'
# A filter that does not parse is refused ("filter not changed"): the filter in
# force stays the one from before the prompt, here none.
ui_keys main /
ui_keys main -l 'port:99999'
expect filter-invalid-why main 3 status '^/port:99999 +a port is a number'
ui_keys main Enter
expect filter-invalid-refused main 3 status 'filter not changed' &&
	expect filter-invalid-unchanged main 1 lacks 'filter: '
ui_keys main /
ui_keys main C-u Enter
expect filter-cleared-again main 3 rows 5

# Details of the selected row: move down one row, read which it is, Enter.
ui_keys main Down
sleep 0.4
if sel=$(shot main selected 'Proto=.'); then
	IFS=$'\t' read -r s_proto s_local s_remote s_app <<<"$sel"
	s_app=${s_app%…}
	ui_keys main Enter
	expect details main 3 details "summary=$s_proto " "summary=$s_local " "summary= $s_remote " \
		"app=$s_app"
else
	fail "details: no selected row on the Overview: $sel"
fi
ui_keys main Escape
expect details-back main 3 tab Overview

# Every tab with Tab, and back with Shift-Tab.
for tab in Details Processes Interfaces Security Help Overview; do
	ui_keys main Tab
	expect "tab-$tab" main 3 tab "$tab"
done
ui_keys main BTab
expect tab-shift-tab main 3 tab Help

# The Interfaces tab: the watched interface's counters, as the kernel has them.
ui_keys main 4
if ui_wait_screen main 3 tab Interfaces; then
	rx=$(ip netns exec "$NC" cat "/sys/class/net/$IC/statistics/rx_packets")
	line=$("$PY" "$SCREEN_PY" plain "$T/main.txt" | grep -m 1 "^ $IC ")
	state=$(awk '{print $2}' <<<"$line")
	shown=$(awk '{print $3}' <<<"$line")
	if [[ -z $line ]]; then
		fail "interfaces-counters: $IC is not listed on the Interfaces tab"
	elif [[ $state == up && $shown =~ ^[0-9]+$ ]] && ((shown > 0 && shown <= rx)); then
		pass interfaces-counters
	else
		fail "interfaces-counters: Interfaces shows $shown RX packets for $IC, the kernel counts $rx" \
			"$line"
	fi
else
	fail "interfaces-counters: the 4 key did not open Interfaces: $(cat "$T/main.why")"
fi
ui_keys main 1
expect tab-by-number main 3 tab Overview

# c: the selected row's remote address, in an OSC 52 sequence that tmux (with
# set-clipboard on) turns into a paste buffer.
ui_keys main Home
sleep 0.4
if sel=$(shot main selected 'Proto=.'); then
	IFS=$'\t' read -r _ _ s_remote _ <<<"$sel"
	want=${s_remote%:*}
	want=${want#[}
	want=${want%]}
	"${TMUX_CMD[@]}" delete-buffer 2>/dev/null
	ui_keys main c
	if expect key-c-status main 3 status "copied $want"; then
		got=$("${TMUX_CMD[@]}" show-buffer 2>&1)
		if [[ $got == "$want" ]]; then
			pass key-c-osc52
		else
			fail "key-c-osc52: the OSC 52 sequence carried '$got', expected '$want'"
		fi
	fi
else
	fail "key-c: no selected row: $sel"
fi

# A smaller terminal: the least important columns go, nothing wraps; and back.
"${TMUX_CMD[@]}" resize-window -t main -x 80 -y 24
expect resize-80x24 main 3 columns fit 80
"${TMUX_CMD[@]}" resize-window -t main -x 160 -y 45
expect resize-160x45 main 3 columns Proto,Local,Remote,State,Service,App,Process,CC,Down,Up,Total 160

# p, d, l and space.
ui_keys main p
expect key-p-services main 3 row 'Remote=^10\.213\.90\.2:https$' 'App=^web\.xdt\.test$'
ui_keys main p
expect key-p-ports main 3 row 'Remote=^10\.213\.90\.2:443$' 'App=^web\.xdt\.test$'
ui_keys main d
expect key-d-names main 3 row 'Remote=^web\.xdt\.test:443$' 'App=^web\.xdt\.test$'
ui_keys main d
ui_keys main l
expect key-l main 3 status 'local hidden'
ui_keys main l
ui_keys main Space
expect key-pause main 3 status 'PAUSED'
ui_keys main Space
expect key-resume main 3 status 'sort: rate'

# For comparison with part 2: key latency with these few connections.
latency idle-help main h tab Help
latency idle-esc main Escape tab Overview

# q: status 0, the terminal restored, nothing left on the link.
ui_stop main
status=$(cat "$T/main.status" 2>/dev/null)
if [[ $status == 0 ]]; then
	pass quit-status
else
	fail "quit-status: after q, expected exit status 0, got '${status:-none (still running?)}'"
fi
alt=$("${TMUX_CMD[@]}" display -p -t main '#{alternate_on}' 2>&1)
if [[ $alt != 0 ]]; then
	fail "terminal-restored: the pane is still on the alternate screen (alternate_on=$alt)"
else
	expect terminal-restored main 3 shell
fi
if xdp_on; then
	fail "xdp-detached: an XDP program is still on $IC after xdptop exited"
else
	pass xdp-detached
fi
"${TMUX_CMD[@]}" kill-session -t main 2>/dev/null

# --- 2. responsiveness with 100,000 flows -----------------------------------------

note "part 1 (real traffic) took $((SECONDS - PART)) s"
PART=$SECONDS
FLOWS=110000
MAC=$(ip netns exec "$NC" cat "/sys/class/net/$IC/address")
if ! "$PY" "$HERE/flood.py" "$T/flood.pcap" "$MAC" --flows $FLOWS >"$LOG" 2>&1; then
	fail "flood: flood.py failed" "$(cat "$LOG")"
	finish
fi
if ! ui_start flood 160 45 --refresh-interval 300 --max-flows 200000 ||
	! expect flood-start flood 10 tab Overview; then
	fail "flood: xdptop did not start" "$(ui_cap flood 2>&1 | sed -e '/^ *$/d')"
	finish
fi
t0=$SECONDS
if ! ip netns exec "$NS" tcpreplay -q --topspeed -i "$IS" "$T/flood.pcap" >"$LOG" 2>&1; then
	fail "flood: tcpreplay failed" "$(tail -n 5 "$LOG")"
fi
if ! expect flood-flows flood 30 flows 100000; then
	finish
fi
note "xdptop shows $(shot flood flows 0) connections, $((SECONDS - t0)) s after the replay began"

latency s-down flood s marks down desc
latency s-up flood s marks up desc
latency S-reverse flood S marks up asc
expect flood-sort-order flood 3 sorted up asc
latency tab-details flood Tab tab Details
latency tab-processes flood Tab tab Processes
latency tab-interfaces flood Tab tab Interfaces
latency esc-overview flood Escape tab Overview
latency slash-prompt flood / status '^/'
latency filter-typed flood 9 status '^/9$'
latency esc-prompt flood Escape status 'sort: up'
# (The cursor follows its connection when the order changes: Home first, so that
# Down has a row to go to.)
ui_keys flood Home
sleep 0.5
if sel=$(shot flood selected 'Proto=.'); then
	IFS=$'\t' read -r _ s_local _ <<<"$sel"
	latency down-arrow flood Down selected-not "$s_local"
else
	fail "latency-down-arrow: no selected row: $sel"
fi
latency help flood h tab Help
latency esc-help flood Escape tab Overview
note "latencies with $FLOWS flows: ${LAT[*]}"
# How often the screen gets a new snapshot (--refresh-interval 300): the
# status line's "snapshot AGE old", sampled every 100 ms for 3 s.
note "snapshot age on the status line with $FLOWS flows (ms, every 100 ms):" \
	"$("$PY" "$SCREEN_PY" ages "$SOCK" flood 3)"

# q with 100,000 flows: when the terminal is back, when the process is gone.
t0=$(date +%s%N)
ui_keys flood q
alt_ms=""
for ((i = 0; i < 200; i++)); do
	if [[ $("${TMUX_CMD[@]}" display -p -t flood '#{alternate_on}') == 0 ]]; then
		alt_ms=$((($(date +%s%N) - t0) / 1000000))
		break
	fi
	sleep 0.02
done
ui_stop flood
exit_ms=$((($(date +%s%N) - t0) / 1000000))
status=$(cat "$T/flood.status" 2>/dev/null)
if [[ $status == 0 ]]; then
	pass flood-quit
else
	fail "flood-quit: after q, expected exit status 0, got '${status:-none (still running?)}'"
fi
note "q with $FLOWS flows: terminal restored after ${alt_ms:-?} ms, xdptop exited after about $exit_ms ms"
note "part 2 (100,000 flows) took $((SECONDS - PART)) s"

finish
