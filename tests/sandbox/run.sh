#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The lock-down (user/sandbox/), proved from inside the running process. The test
# build of xdptop (make build/xdptop-selftest: the same program plus
# user/sandbox/selftest.c) runs live on a veth, locks itself down, and on SIGUSR2
# tries to escape; what reached the other side is the oracle.
#
#   host netns: xdt-sb-PID 10.213.71.1/24  <->  xdt-e2e-sb-PID: 10.213.71.2/24
#     listeners in the namespace: TCP 8080, UDP 1234, UDP 53 (tests/sandbox/listen.py)
#     ping from the namespace to the host all along: traffic to count
#   xdptop runs in the host netns (its cgroup is the test's), in a private mount
#   namespace where /etc/resolv.conf says "nameserver 10.213.71.2".
#
# Checks (SUITE sandbox):
#   BACKEND/locked          the stats line says "full", every layer "on"
#   BACKEND/proc-status     /proc/PID/status: CapInh, CapPrm, CapEff, CapBnd, CapAmb
#                           all zero, NoNewPrivs 1, Seccomp 2
#   BACKEND/cgroup-leaf     /proc/PID/cgroup names its own leaf xdptop.PID
#   BACKEND/escape-*        each attempt's result (denied with the expected errno,
#                           or allowed); /etc/shadow, a file in $HOME, creating a
#                           file, TCP connect, UDP to port 1234 (EPERM), UDP to the
#                           resolver (allowed, and the datagram arrives), packet,
#                           raw and ICMP sockets, bpf program load, ptrace and a
#                           signal to pid 1, executable memory, execve; with pcap
#                           also writing to and dup()ing the capture socket
#   BACKEND/nothing-arrived the listeners saw no TCP connection and no UDP on 1234
#   BACKEND/keeps-counting  packets counted over the flows grow after the attempts
#   BACKEND/clean-exit      SIGINT: exit 0, the leaf and the reaper gone
#   kill9/leaf-reaped       after kill -9: leaf and reaper gone, no XDP or tcx
#                           program left on the veth
#   strict/LAYER            --sandbox-strict with LAYER faked missing
#                           (--selftest-unavailable): exit 1 naming the layer,
#                           nothing left attached, leaf gone
#   partial/logged-once     the same without --sandbox-strict: one warning line,
#                           stats "partial" with that layer "unavailable"
#   no-sandbox/unconfined   --no-sandbox: stats "off", Seccomp 0, capabilities kept
#   replay/root-full        xdptop -r as root: "full"
#   replay/nobody-partial   xdptop -r as nobody: runs; udp-lock unavailable, the
#                           other layers on, capabilities none
#   ui/security-tab         the screen's Security tab (tmux) lists every layer "on"
#
# Environment: XDPTOP, XDPTOP_SELFTEST (default: <repo>/build/...)
# Exit status: 0 all passed, 1 something failed, 77 skipped.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
SELFTEST=${XDPTOP_SELFTEST:-$ROOT/build/xdptop-selftest}
PY=/usr/bin/python3
CHECK=$HERE/check.py
SUITE=sandbox
# shellcheck source=../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"
# shellcheck source=../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
# shellcheck source=../lib/hostveth.sh
. "$ROOT/tests/lib/hostveth.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP: the sandbox tests need root (BPF, cgroups, network namespaces)"
	exit 77
fi
for tool in ip unshare setpriv ping tmux bpftool "$PY"; do
	command -v "$tool" >/dev/null || { echo "SKIP: required tool '$tool' not found (sudo make deps)"; exit 77; }
done
for b in "$XDPTOP" "$SELFTEST"; do
	if [[ ! -x $b ]]; then
		fail setup "$b is not built (make $b)"
		summary
		exit 1
	fi
done
XDPTOP=$(realpath "$XDPTOP")
SELFTEST=$(realpath "$SELFTEST")

NS=xdt-e2e-sb-$$
HL=xdt-sb-$$
HL=${HL:0:15}
PL=xdt-sbp-$$
PL=${PL:0:15}
H4=10.213.71.1 N4=10.213.71.2
SECRET=$HOME/.xdt-sandbox-$$
TMUXS=xdt-sb-$$

sb_cleanup() {
	tmux -L "$TMUXS" kill-server 2>/dev/null
	xdt_cleanup
	ip link del "$HL" 2>/dev/null
	rm -f "$SECRET"
}
xdt_init || { echo "FAIL sandbox/setup: no scratch directory"; exit 1; }
trap 'sb_cleanup' EXIT
trap 'sb_cleanup; trap - INT; kill -INT $$' INT
trap 'sb_cleanup; trap - TERM; kill -TERM $$' TERM

# --- set-up ------------------------------------------------------------------
if ! hostveth_up "$NS" "$HL" "$PL" "$H4/24" "$N4/24"; then
	fail setup "cannot create the namespace and veth pair"
	summary
	exit 1
fi
echo "nameserver $N4" >"$XDT_TMP/resolv.conf"
echo "not for xdptop" >"$SECRET"
chmod 600 "$SECRET"
xdt_bg "$NS" listen "$PY" "$HERE/listen.py" "$XDT_TMP/listen.log" "$N4" tcp:8080 udp:1234 udp:53
xdt_bg "$NS" ping ping -n -i 0.1 "$H4"
if ! xdt_wait 10 grep -qs ready "$XDT_TMP/listen.log"; then
	fail setup "the listeners did not start" "$(cat "$XDT_TMP/listen.out" 2>/dev/null)"
	summary
	exit 1
fi

# xdptop in a private mount namespace whose /etc/resolv.conf names the
# namespace's listener; in the host netns, so in the test's own cgroup. $XDPID.
start_xd() {
	local name=$1 bin=$2
	shift 2
	(with_resolv "$XDT_TMP/resolv.conf" "$bin" "$@") >"$XDT_TMP/$name.jsonl" \
		2>"$XDT_TMP/$name.err" &
	XDPID=$!
	XDT_PIDS+=("$XDPID")
}

has_sandbox_line() { "$PY" "$CHECK" sandbox "$1" >/dev/null 2>&1; }
sandbox_of() { "$PY" "$CHECK" sandbox "$1" 2>/dev/null; }
packets_of() { "$PY" "$CHECK" packets "$1" 2>/dev/null || echo 0; }
# The cgroup v2 leaf of PID, as a path, from /proc/PID/cgroup ("0::/path").
leaf_of() {
	local mnt rel
	mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	rel=$(sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null)
	[[ -n $mnt && -n $rel ]] && echo "$mnt$rel"
}
reaper_gone() { ! pgrep -x xdptop-reaper >/dev/null; }
dir_gone() { [[ ! -d $1 ]]; }
nothing_attached() {
	! ip link show dev "$HL" | grep -q 'xdp' &&
	[[ -z $(bpftool net show dev "$HL" 2>/dev/null | grep -E 'xdt_|tcx') ]]
}

# Problems with PID's credentials, one per line (none: confined).
status_problems() {
	local f=/proc/$1/status k v
	for k in CapInh CapPrm CapEff CapBnd CapAmb; do
		v=$(awk -v k="$k:" '$1 == k { print $2 }' "$f")
		[[ $v == 0000000000000000 ]] || echo "$k $v"
	done
	v=$(awk '$1 == "NoNewPrivs:" { print $2 }' "$f")
	[[ $v == 1 ]] || echo "NoNewPrivs $v"
	v=$(awk '$1 == "Seccomp:" { print $2 }' "$f")
	[[ $v == 2 ]] || echo "Seccomp $v"
}

# expect ATTEMPT RESULT [ERRNO|ERRNO...]
expect() {
	local be=$1 attempt=$2 want=$3 errs=${4:-} line result err name
	name="$be/escape-$(echo "$attempt" | tr -c 'a-z0-9\n' '-' | sed 's/-*$//')"
	line=$(grep -F "$attempt|" "$XDT_TMP/$be.selftest" | head -n 1)
	if [[ -z $line ]]; then
		fail "$name" "no result for '$attempt'" "$(cat "$XDT_TMP/$be.selftest")"
		return
	fi
	result=$(echo "$line" | cut -d'|' -f2)
	err=$(echo "$line" | cut -d'|' -f3)
	if [[ $result != "$want" ]]; then
		fail "$name" "$attempt: $result${err:+ ($err)}, expected $want"
	elif [[ -n $errs && ! $err =~ ^($errs)$ ]]; then
		fail "$name" "$attempt: denied with $err, expected $errs"
	else
		pass "$name"
	fi
}

# One live run with BACKEND: lock-down, credentials, escapes, counting, exit.
escape_run() {
	local be=$1 out err before after leaf s probs rc
	out=$XDT_TMP/$be.jsonl
	err=$XDT_TMP/$be.err
	rm -f "$XDT_TMP/escape-$be.txt"
	start_xd "$be" "$SELFTEST" -i "$HL" --backend "$be" --json --interval 0.3 \
		--selftest-escape "read=$SECRET,write=$XDT_TMP/escape-$be.txt,tcp=$N4:8080,udp=$N4:1234,dns=$N4:53"
	if ! xdt_wait 20 has_sandbox_line "$out"; then
		fail "$be/locked" "no stats line with the sandbox state" "$(cat "$err")"
		kill -KILL "$XDPID" 2>/dev/null
		return
	fi
	s=$(sandbox_of "$out")
	if [[ $s == "full udp-lock=on landlock=on capabilities=on no-new-privs=on seccomp=on" ]]; then
		pass "$be/locked"
	else
		fail "$be/locked" "sandbox: $s" "$(cat "$err")"
	fi
	probs=$(status_problems "$XDPID")
	[[ -z $probs ]] && pass "$be/proc-status" || fail "$be/proc-status" "$probs"
	leaf=$(leaf_of "$XDPID")
	if [[ $leaf == */xdptop.$XDPID && -d $leaf ]]; then
		pass "$be/cgroup-leaf"
	else
		fail "$be/cgroup-leaf" "cgroup of $XDPID: '$leaf'"
	fi
	sleep 1
	before=$(packets_of "$out")
	: >"$XDT_TMP/listen.log.mark"
	cp "$XDT_TMP/listen.log" "$XDT_TMP/listen.before"
	kill -USR2 "$XDPID"
	xdt_wait 10 grep -qs '"execve /bin/true"' "$out"
	"$PY" "$CHECK" selftest "$out" >"$XDT_TMP/$be.selftest"
	expect "$be" "open /etc/shadow" denied EACCES
	expect "$be" "open /proc/self/status" allowed
	expect "$be" "open read=" denied EACCES
	expect "$be" "create write=" denied EACCES
	expect "$be" "tcp connect" denied "EACCES|EPERM"
	expect "$be" "udp send" denied EPERM
	expect "$be" "udp send to resolver" allowed
	expect "$be" "packet socket" denied EPERM
	expect "$be" "raw ipv4 socket" denied EPERM
	expect "$be" "icmp ping socket" denied EPERM
	expect "$be" "bpf prog load" denied EPERM
	expect "$be" "ptrace pid 1" denied "EPERM|EACCES"
	expect "$be" "signal pid 1" denied EPERM
	expect "$be" "executable memory" denied EPERM
	if [[ $be == pcap ]]; then
		expect "$be" "write capture socket" denied EPERM
		expect "$be" "dup capture socket" denied EPERM
	fi
	expect "$be" "execve /bin/true" denied "EPERM|EACCES"
	# The resolver got the datagram; nothing else got anything.
	sleep 0.5
	if grep -q "^udp 53 $H4 xdptop-selftest" "$XDT_TMP/listen.log"; then
		pass "$be/resolver-reached"
	else
		fail "$be/resolver-reached" "no datagram from xdptop at the resolver" \
			"$(cat "$XDT_TMP/listen.log")"
	fi
	if grep -qE "^(tcp 8080|udp 1234) " "$XDT_TMP/listen.log" || [[ -e $XDT_TMP/escape-$be.txt ]]; then
		fail "$be/nothing-arrived" "an escape got through" "$(cat "$XDT_TMP/listen.log")" \
			"$(ls -l "$XDT_TMP/escape-$be.txt" 2>&1)"
	else
		pass "$be/nothing-arrived"
	fi
	# Still alive, still counting (ping runs at 10 packets/s).
	sleep 1.5
	after=$(packets_of "$out")
	if kill -0 "$XDPID" 2>/dev/null && ((after >= before + 10)); then
		pass "$be/keeps-counting"
	else
		fail "$be/keeps-counting" "packets over the flows: $before before, $after after" \
			"$(tail -n 5 "$err")"
	fi
	kill -INT "$XDPID"
	wait "$XDPID"
	rc=$?
	if ((rc == 0)) && xdt_wait 5 dir_gone "$leaf" && xdt_wait 5 reaper_gone && nothing_attached; then
		pass "$be/clean-exit"
	else
		fail "$be/clean-exit" "exit $rc; leaf $leaf $([[ -d $leaf ]] && echo still there);" \
			"reapers: $(pgrep -a -x xdptop-reaper)" "$(tail -n 5 "$err")"
	fi
}

escape_run xdp
escape_run pcap

# --- kill -9: the reaper removes the leaf, the links die with the process ------
start_xd kill9 "$XDPTOP" -i "$HL" --json --interval 0.3
if xdt_wait 20 has_sandbox_line "$XDT_TMP/kill9.jsonl"; then
	leaf=$(leaf_of "$XDPID")
	kill -KILL "$XDPID"
	wait "$XDPID" 2>/dev/null
	if [[ -n $leaf ]] && xdt_wait 5 dir_gone "$leaf" && xdt_wait 5 reaper_gone && nothing_attached; then
		pass kill9/leaf-reaped
	else
		fail kill9/leaf-reaped "leaf '$leaf' $([[ -d $leaf ]] && echo still there)" \
			"reapers: $(pgrep -a -x xdptop-reaper)" "$(ip link show dev "$HL")"
	fi
else
	fail kill9/leaf-reaped "xdptop did not lock down" "$(cat "$XDT_TMP/kill9.err")"
	kill -KILL "$XDPID" 2>/dev/null
fi

# --- --sandbox-strict with a layer faked missing -----------------------------
for layer in landlock seccomp udp-lock; do
	start_xd "strict-$layer" "$SELFTEST" -i "$HL" --json --interval 0.3 --sandbox-strict \
		--selftest-unavailable "$layer"
	timeout 20 tail --pid="$XDPID" -f /dev/null
	wait "$XDPID"
	rc=$?
	e=$(cat "$XDT_TMP/strict-$layer.err")
	if ((rc == 1)) && grep -q "sandbox layer $layer could not be applied" <<<"$e" &&
		nothing_attached && xdt_wait 5 reaper_gone; then
		pass "strict/$layer"
	else
		fail "strict/$layer" "exit $rc" "$e"
	fi
done

# --- the same without --sandbox-strict: partial, said once --------------------
start_xd partial "$SELFTEST" -i "$HL" --json --interval 0.3 --selftest-unavailable landlock
if xdt_wait 20 has_sandbox_line "$XDT_TMP/partial.jsonl"; then
	sleep 1
	s=$(sandbox_of "$XDT_TMP/partial.jsonl")
	n=$(grep -c 'sandbox partial: landlock unavailable' "$XDT_TMP/partial.err")
	if [[ $s == "partial udp-lock=on landlock=unavailable capabilities=on no-new-privs=on seccomp=on" && $n == 1 ]]; then
		pass partial/logged-once
	else
		fail partial/logged-once "sandbox: $s; warning lines: $n" "$(cat "$XDT_TMP/partial.err")"
	fi
else
	fail partial/logged-once "no stats line" "$(cat "$XDT_TMP/partial.err")"
fi
kill -INT "$XDPID" 2>/dev/null
wait "$XDPID" 2>/dev/null

# --- --no-sandbox ----------------------------------------------------------------
start_xd nosb "$XDPTOP" -i "$HL" --json --interval 0.3 --no-sandbox
if xdt_wait 20 has_sandbox_line "$XDT_TMP/nosb.jsonl"; then
	s=$(sandbox_of "$XDT_TMP/nosb.jsonl")
	sc=$(awk '$1 == "Seccomp:" { print $2 }' "/proc/$XDPID/status")
	ce=$(awk '$1 == "CapEff:" { print $2 }' "/proc/$XDPID/status")
	if [[ $s == "off "* && $sc == 0 && $ce != 0000000000000000 && $(leaf_of "$XDPID") != */xdptop.* ]]; then
		pass no-sandbox/unconfined
	else
		fail no-sandbox/unconfined "sandbox: $s; Seccomp $sc; CapEff $ce; cgroup $(leaf_of "$XDPID")"
	fi
else
	fail no-sandbox/unconfined "no stats line" "$(cat "$XDT_TMP/nosb.err")"
fi
kill -INT "$XDPID" 2>/dev/null
wait "$XDPID" 2>/dev/null

# --- replays: as root, and as nobody -------------------------------------------
timeout 10 tcpdump -Z root -n -i "$HL" -c 20 -w "$XDT_TMP/ping.pcap" 2>/dev/null
s=$(timeout 20 "$XDPTOP" -r "$XDT_TMP/ping.pcap" --json 2>"$XDT_TMP/replay.err" |
	"$PY" "$CHECK" sandbox /dev/stdin)
if [[ $s == "full "* ]]; then
	pass replay/root-full
else
	fail replay/root-full "sandbox: $s" "$(cat "$XDT_TMP/replay.err")"
fi
s=$(timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups "$XDPTOP" -r - --json \
	<"$XDT_TMP/ping.pcap" 2>"$XDT_TMP/nobody.err" | "$PY" "$CHECK" sandbox /dev/stdin)
if [[ $s == "partial udp-lock=unavailable landlock=on capabilities=on no-new-privs=on seccomp=on" ]]; then
	pass replay/nobody-partial
else
	fail replay/nobody-partial "sandbox: $s" "$(cat "$XDT_TMP/nobody.err")"
fi

# --- the screen's Security tab -------------------------------------------------
tmux -L "$TMUXS" -f /dev/null new-session -d -x 160 -y 30 \
	"unshare --mount --propagation private -- sh -c 'mount --bind $XDT_TMP/resolv.conf /etc/resolv.conf && exec $XDPTOP -i $HL --refresh-interval 200'"
screen_has_layers() {
	local t
	t=$(tmux -L "$TMUXS" capture-pane -p 2>/dev/null)
	grep -q 'Confinement of xdptop itself: full' <<<"$t" &&
	grep -qE 'udp-lock +on' <<<"$t" && grep -qE 'landlock +on' <<<"$t" &&
	grep -qE 'capabilities +on' <<<"$t" && grep -qE 'no-new-privs +on' <<<"$t" &&
	grep -qE 'seccomp +on' <<<"$t"
}
sleep 1
tmux -L "$TMUXS" send-keys 5
if xdt_wait 10 screen_has_layers; then
	pass ui/security-tab
else
	fail ui/security-tab "the Security tab does not list every layer on" \
		"$(tmux -L "$TMUXS" capture-pane -p 2>&1)"
fi
tmux -L "$TMUXS" send-keys q
sleep 0.5
tmux -L "$TMUXS" kill-server 2>/dev/null

summary
((FAILED == 0))
