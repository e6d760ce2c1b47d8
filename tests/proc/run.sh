#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Process attribution acceptance test: does every flow name the process that made
# it? Judged against ground truth the test itself has, the pids and names of the
# processes it started, never against xdptop's own idea of them.
#
# Two namespaces joined by a veth pair (no offload tweaks, no other link):
#
#   xdt-proc-c-PID  xdt-pc0  10.213.70.1/24 fd00:213::70:1/112   clients
#   xdt-proc-s-PID  xdt-ps0  10.213.70.2/24 fd00:213::70:2/112   servers
#
# Two xdptop instances run at once, each with `-i <its veth> --backend xdp --json
# --interval 3600`, started with `nsenter --net` (not `ip netns exec`, whose fresh
# /sys hides the cgroup v2 hierarchy the hooks attach to):
#   client instance (xdt-pc0): the clients' sockets are local there, so every flow
#       must name the client that opened it (curl, nc, ssh, dig, our C program)
#   server instance (xdt-ps0): the servers' sockets are local there, so every flow
#       must name the server that accepted or answered it (python3 servers under
#       names of their own, sshd, dnsmasq)
#
# The processes, each recorded with its pid ($! of a command that nsenter execs,
# cross-checked with what the program prints or /proc says):
#   xdt-prestarted-server   python3 TCP server on :8100, started BEFORE any xdptop:
#                           attributed only through the start-up socket snapshot
#   xdt-py-tcp-server       python3 TCP server on :8080 (HTTP for curl, echo otherwise)
#   xdt-py-udp-server       python3 UDP echo server on :5300
#   dnsmasq                 DNS on :53, UDP and TCP (forks a child per TCP query)
#   sshd                    on :2222, private /run (as tests/dpi/run.sh)
#   xdt-long-named-client-program   tests/proc/client.c, compiled here: 70 TCP
#                           connections of one exchange each (under 50 ms each,
#                           measured), 30 UDP exchanges from fresh sockets, 20 SYNs
#                           to 10.213.70.2:39999 where nobody listens, and 5
#                           connections held open 4 s to the pre-started server; it
#                           prints every connection's 5-tuple and lifetime
#   curl (4, one of them as uid 65534), nc.openbsd or ncat (3), ssh (2), dig (6)
# The python servers are the interpreter under a symlink with the server's name:
# comm is the symlink's name (cut at 15 characters), argv[0] its path.
#
# Phases, in one run (the servers stay up between them):
#   kernel    xdptop pair with the cgroup socket hooks; the servers other than the
#             pre-started one start after xdptop, so the hooks see them bind
#   fallback  a new xdptop pair with --no-kernel-proc; every server is older than
#             it now, and the same traffic is made again
# After each xdptop exits: no XDP program on its veth and none of the cgroup
# programs it had attached (seen through its /proc/PID/fdinfo while it ran) still
# attached to the cgroup v2 root.
#
# Ground truth: every flow is known by its 5-tuple (our client prints it, curl's
# -w %{local_port}, source ports chosen with nc -p and dig -b), except ssh's,
# matched by (proto, addresses, dport). A server's flows belong to the process that
# listens or answers: for sshd and dnsmasq, which fork per TCP connection, that is
# the listener we started (its pid), not the short-lived child.
#
# Checks (the JSON is judged by check_proc.py):
#   kernel/hooks-attached     each instance holds cgroup programs attached to the root
#   kernel/flows-seen         every flow the test made is in both instances' output
#   kernel/accuracy           >= 99% of them carry the right pid and full name
#                             (the pre-started server's side and the closed port's
#                             server side are judged apart, below)
#   kernel/method             >= 99% of the right ones say "method":"kernel"
#   kernel/user               the right ones have the process's uid and user name
#   kernel/short-lived-made   >= 50 connections lived under 50 ms (client's own clock)
#   kernel/short-lived        >= 99% of their sides (client and server) right
#   kernel/prestarted         the pre-started server's accepted flows name it
#                             ("sock_diag" or "kernel")
#   kernel/closed-unowned     the SYNs to the closed port name no process on the server
#   */closed-port/{client,server}   stats closed_ports["tcp/39999"] == SYNs sent (20)
#   fallback/no-hooks         --no-kernel-proc attaches no cgroup program
#   fallback/method           no flow says "kernel" with --no-kernel-proc
#   fallback/prestarted       the pre-started server's long-lived flows are named
#   (the fallback's accuracy is only reported, as a note: short flows come and go
#   between two socket snapshots)
#   */xdp-detached, */hooks-detached, */exit   clean exit after SIGINT
#
# Output: "PASS proc/NAME", "FAIL proc/NAME: expected X, got Y", "SKIP proc/NAME: why",
# "note: ..." lines, then "proc: N passed, M failed, K skipped".
# Environment: XDPTOP      binary to test (default <repo>/build/xdptop)
#              PROC_KEEP_DIR  if set, outputs and expectations are copied there
# Exit status: 0 nothing failed, 1 something failed, 77 skipped (not root, tool missing).

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
PY=/usr/bin/python3
CHECK=$HERE/check_proc.py
# shellcheck source=SCRIPTDIR/../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

SUITE=proc
# shellcheck source=SCRIPTDIR/../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"
# shellcheck source=SCRIPTDIR/../lib/sshd.sh
. "$ROOT/tests/lib/sshd.sh"
START=$SECONDS
skip_all() {
	echo "SKIP proc: $1"
	SKIPPED=$((SKIPPED + 1))
	summary
	exit 77
}
note() { echo "note: $*"; }

# --- preconditions --------------------------------------------------------

[[ $(id -u) == 0 ]] || skip_all "needs root"
SSHD=$(command -v sshd || true)
[[ -z $SSHD && -x /usr/sbin/sshd ]] && SSHD=/usr/sbin/sshd
DNSMASQ=$(command -v dnsmasq || true)
[[ -z $DNSMASQ && -x /usr/sbin/dnsmasq ]] && DNSMASQ=/usr/sbin/dnsmasq
BPFTOOL=$(command -v bpftool || true)
[[ -z $BPFTOOL && -x /usr/sbin/bpftool ]] && BPFTOOL=/usr/sbin/bpftool
for tool in ip ss nsenter unshare setpriv ssh ssh-keygen curl dig cc "$PY" "$SSHD" "$DNSMASQ" \
	"$BPFTOOL"; do
	[[ -n $tool ]] && command -v "$tool" >/dev/null && continue
	skip_all "required tool '${tool:-sshd, dnsmasq or bpftool}' not found (mk/deps.sh installs them)"
done
# nc: OpenBSD's (netcat-openbsd) or nmap's (ncat); without either that case is skipped.
NCBIN=$(command -v nc.openbsd || command -v ncat || true)
NCBIN=$(readlink -f "$NCBIN" 2>/dev/null || true)

# Like xdt_init, with our own names: scratch /tmp/xdt-proc.*, namespaces
# xdt-proc-{c,s}-PID (reaped here when their owner is gone).
proc_init() {
	local ns pid
	trap 'xdt_cleanup' EXIT
	trap 'xdt_cleanup; trap - INT; kill -INT $$' INT
	trap 'xdt_cleanup; trap - TERM; kill -TERM $$' TERM
	XDT_TMP=$(mktemp -d /tmp/xdt-proc.XXXXXX) || return 1
	chmod 0755 "$XDT_TMP"	# uid 65534 runs a client from here
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^xdt-proc-[cs]-[0-9]+$'); do
		pid=${ns##*-}
		kill -0 "$pid" 2>/dev/null && continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
proc_init || { echo "FAIL proc/setup: cannot create scratch directory"; FAILED=1; summary; exit 1; }
T=$XDT_TMP

NC=xdt-proc-c-$$	# clients
NS=xdt-proc-s-$$	# servers
IC=xdt-pc0 IS=xdt-ps0
C4=10.213.70.1 S4=10.213.70.2 C6=fd00:213::70:1 S6=fd00:213::70:2
P_PRE=8100 P_TCP=8080 P_UDP=5300 P_DNS=53 P_SSH=2222 P_CLOSED=39999
N_CLOSED=20
HOLD_MS=4000
CLIENT_NAME=xdt-long-named-client-program
CLIENT=$T/bin/$CLIENT_NAME
EXPECT=$T/expect.tsv
NOBODY_UID=65534
NOBODY_USER=$(getent passwd $NOBODY_UID | cut -d: -f1)
NOBODY_USER=${NOBODY_USER:-$NOBODY_UID}
CGROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)

# Every process is started as `nsenter --net=/run/netns/NS CMD... &`: only the
# network namespace changes (the mount namespace keeps the host's cgroup v2
# hierarchy) and nsenter execs CMD, so $! is CMD's own pid. (A shell function
# run with & would be a subshell whose pid is not the command's.)

# forget PID: a reaped process must not be signalled by the cleanup (its pid may
# have been reused by then).
forget() {
	local p keep=()
	for p in "${XDT_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
	XDT_PIDS=("${keep[@]}")
}

# --- topology and programs ------------------------------------------------

setup_topology() {
	xdt_netns_add "$NC" && xdt_netns_add "$NS" || return 1
	ip -n "$NC" link add $IC type veth peer name $IS netns "$NS" &&
	xdt_addr "$NC" $IC $C4/24 $C6/112 &&
	xdt_addr "$NS" $IS $S4/24 $S6/112
}

make_programs() {
	mkdir -p "$T/bin" && chmod 0755 "$T/bin" &&
	cc -O2 -Wall -Wextra -o "$CLIENT" "$HERE/client.c" &&
	ln -s "$(readlink -f "$PY")" "$T/bin/xdt-prestarted-server" &&
	ln -s "$(readlink -f "$PY")" "$T/bin/xdt-py-tcp-server" &&
	ln -s "$(readlink -f "$PY")" "$T/bin/xdt-py-udp-server"
}

# --- servers ----------------------------------------------------------------

# server NAME CMD...: start CMD in the server namespace; its pid is SPID[NAME] and
# its output $T/NAME.out.
declare -A SPID=()
server() {
	local name=$1
	shift
	nsenter --net="/run/netns/$NS" "$@" >"$T/$name.out" 2>&1 </dev/null &
	XDT_PIDS+=("$!")
	SPID[$name]=$!
}

# Ground truth check of a server's pid: /proc/PID/comm must be the start of the
# name we gave it (comm is cut at 15 characters).
comm_is() {
	local pid=$1 name=$2 comm
	comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	[[ $name == "$comm"* && -n $comm ]]
}

# started NAME EXPECTED-NAME PROTO PORT: wait for the listener; check the pid.
started() {
	local name=$1 want=$2 proto=$3 port=$4
	if ! xdt_wait 10 xdt_listening "$NS" "$proto" "$port"; then
		fail "setup/$name: $want does not listen on $proto/$port" "$(tail -n 5 "$T/$name.out")"
		return 1
	fi
	if ! comm_is "${SPID[$name]}" "$want"; then
		fail "setup/$name: expected pid ${SPID[$name]} to be $want, got comm" \
			"'$(cat "/proc/${SPID[$name]}/comm" 2>&1)'"
		return 1
	fi
}

start_prestarted() {
	server pre "$T/bin/xdt-prestarted-server" "$HERE/pyserv.py" tcp $S4 $S6 $P_PRE
	started pre xdt-prestarted-server t $P_PRE
}

start_dnsmasq() {
	server dnsmasq "$DNSMASQ" --keep-in-foreground --conf-file=/dev/null \
		--no-resolv --no-hosts --bind-interfaces --port=$P_DNS \
		--listen-address=$S4 --listen-address=$S6 --local=/xdt.test/ \
		--host-record=www.xdt.test,10.213.0.9,fd00:213::9:9 \
		--pid-file="$T/dnsmasq.pid" --user=root --log-facility="$T/dnsmasq.log"
	started dnsmasq dnsmasq u $P_DNS && started dnsmasq dnsmasq t $P_DNS
}

# sshd (tests/lib/sshd.sh); it execs, so $! ends up being sshd's pid.
start_sshd() {
	xdt_sshd_prepare "$T" "$P_SSH" "$S4" "$S6" ||
		{ fail "setup/sshd: ssh-keygen failed" "$(cat "$T/keygen.out")"; return 1; }
	server sshd "${XDT_SSHD_CMD[@]}"
	started sshd sshd t $P_SSH
}

start_servers() {
	local ok=0
	server tcp "$T/bin/xdt-py-tcp-server" "$HERE/pyserv.py" tcp $S4 $S6 $P_TCP
	server udp "$T/bin/xdt-py-udp-server" "$HERE/pyserv.py" udp $S4 $S6 $P_UDP
	started tcp xdt-py-tcp-server t $P_TCP || ok=1
	started udp xdt-py-udp-server u $P_UDP || ok=1
	start_dnsmasq || ok=1
	start_sshd || ok=1
	return $ok
}

# --- xdptop -------------------------------------------------------------------

# Ids of the cgroup programs attached to the cgroup v2 root that PID holds open
# (its bpf_link and program fds name their program in /proc/PID/fdinfo).
hooks_of() { "$PY" "$CHECK" hooks "$BPFTOOL" "$CGROOT" "$1"; }

xdp_on() { ip -n "$1" link show dev "$2" 2>/dev/null | grep -qw 'xdp\(generic\|drv\|offload\)\?'; }
ready_or_gone() { grep -qs 'capturing on' "$2" || ! kill -0 "$1" 2>/dev/null; }

# xdptop_start TAG NS IFACE [OPTION...]: XPID[TAG], $T/TAG.jsonl, $T/TAG.err;
# HOOKS[TAG]: the cgroup programs it attached. 1 if it did not start.
declare -A XPID=() HOOKS=()
xdptop_start() {
	local tag=$1 ns=$2 dev=$3 pid
	shift 3
	nsenter --net="/run/netns/$ns" "$XDPTOP" -i "$dev" --backend xdp --no-resolve --json --interval 3600 "$@" \
		>"$T/$tag.jsonl" 2>"$T/$tag.err" </dev/null &
	pid=$!
	XDT_PIDS+=("$pid")
	XPID[$tag]=$pid
	xdt_wait 15 ready_or_gone "$pid" "$T/$tag.err"
	if ! kill -0 "$pid" 2>/dev/null || ! xdp_on "$ns" "$dev"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		fail "$tag/start: expected xdptop --backend xdp to start on $dev, got exit status $?" \
			"$(head -n 20 "$T/$tag.err")"
		forget "$pid"
		unset "XPID[$tag]"
		return 1
	fi
	HOOKS[$tag]=$(hooks_of "$pid")
	return 0
}

# xdptop_stop TAG NS IFACE: SIGINT (the final table is printed then), then check
# that the XDP program and the cgroup hooks went with the process.
xdptop_stop() {
	local tag=$1 ns=$2 dev=$3 pid=${XPID[$1]:-} rc left i
	[[ -n $pid ]] || return 1
	kill -INT "$pid" 2>/dev/null
	xdt_wait 10 xdt_none_alive "$pid" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	forget "$pid"
	if ((rc == 0)); then
		pass "$tag/exit"
	else
		fail "$tag/exit: expected exit status 0 after SIGINT, got $rc" "$(head -n 20 "$T/$tag.err")"
	fi
	for ((i = 0; i < 20; i++)); do xdp_on "$ns" "$dev" || break; sleep 0.1; done
	if xdp_on "$ns" "$dev"; then
		fail "$tag/xdp-detached: expected no XDP program on $dev after xdptop exited, got" \
			"$(ip -n "$ns" link show dev "$dev")"
		ip -n "$ns" link set dev "$dev" xdp off 2>/dev/null
	else
		pass "$tag/xdp-detached"
	fi
	# shellcheck disable=SC2086 # a list of ids
	for ((i = 0; i < 20; i++)); do
		left=$("$PY" "$CHECK" attached "$BPFTOOL" "$CGROOT" ${HOOKS[$tag]})
		[[ -z $left ]] && break
		sleep 0.1
	done
	if [[ -n $left ]]; then
		fail "$tag/hooks-detached: expected none of xdptop's cgroup programs attached to $CGROOT after it exited, got" \
			"$left"
	else
		pass "$tag/hooks-detached"
	fi
	grep -q '"type":"stats"' "$T/$tag.jsonl" ||
		fail "$tag/output: expected a final stats record, got none" "$(head -n 20 "$T/$tag.err")"
}

# --- clients and ground truth -------------------------------------------------

# expect PHASE CATEGORY PROTO SRC SPORT DST DPORT CPID CNAME CUID CUSER SNAME
#        LIFETIME_US: one flow the test made; SPORT * when unknown. The server's
# owner comes from SNAME (a key of SPID; "-": nobody owns the server side).
expect() {
	local phase=$1 cat=$2 proto=$3 src=$4 sport=$5 dst=$6 dport=$7 cpid=$8 cname=$9
	local cuid=${10} cuser=${11} sname=${12} life=${13} spid=- sfull=- pre=0
	case $sname in
	pre) spid=${SPID[pre]} sfull=xdt-prestarted-server pre=1 ;;
	tcp) spid=${SPID[tcp]} sfull=xdt-py-tcp-server ;;
	udp) spid=${SPID[udp]} sfull=xdt-py-udp-server ;;
	dnsmasq) spid=${SPID[dnsmasq]} sfull=dnsmasq ;;
	sshd) spid=${SPID[sshd]} sfull=sshd ;;
	esac
	# Every server is older than the fallback phase's xdptop.
	[[ $phase == fallback && $spid != - ]] && pre=1
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$phase" "$cat" "$proto" "$src" "$sport" "$dst" "$dport" \
		"$cpid" "$cname" "$cuid" "$cuser" "$spid" "$sfull" 0 root "$pre" "$life" >>"$EXPECT"
}

# client TAG CMD...: run CMD in the client namespace (20 s at most), stdin from
# $T/TAG.in when that exists; CPID is its pid, $T/TAG.out its output. 1 if it failed.
CPID=
client() {
	local tag=$1 rc
	shift
	[[ -f $T/$tag.in ]] || : >"$T/$tag.in"
	nsenter --net="/run/netns/$NC" "$@" <"$T/$tag.in" >"$T/$tag.out" 2>"$T/$tag.err" &
	CPID=$!
	XDT_PIDS+=("$CPID")
	xdt_wait 20 xdt_none_alive "$CPID" || kill -KILL "$CPID" 2>/dev/null
	wait "$CPID"
	rc=$?
	forget "$CPID"
	return $rc
}

harness() {	# harness PHASE WHAT DETAIL...: a client did not do what it should
	local phase=$1 what=$2
	shift 2
	fail "$phase/harness: $what" "$@"
}

# Our C program: its "pid" line must be its $!, every connection line is a flow.
# c_client PHASE TAG CATEGORY SERVER MODE ADDR PORT COUNT [MS]
c_client() {
	local phase=$1 tag=$2 cat=$3 sname=$4 rc
	shift 4
	client "$tag" "$CLIENT" "$@"
	rc=$?
	((rc == 0)) ||
		harness "$phase" "expected '$CLIENT_NAME $*' to succeed, got exit status $rc" \
			"$(grep -v ' ok$\| refused$' "$T/$tag.out" | head -n 5)" "$(head -n 5 "$T/$tag.err")"
	c_record "$phase" "$tag" "$cat" "$sname" "$CPID"
}

# c_record PHASE TAG CATEGORY SERVER PID: the flows of a finished C client run.
c_record() {
	local phase=$1 tag=$2 cat=$3 sname=$4 pid=$5 kind l lp r rp us res proto printed
	printed=$(sed -n 's/^pid \([0-9]*\)$/\1/p' "$T/$tag.out")
	[[ $printed == "$pid" ]] ||
		harness "$phase" "expected $CLIENT_NAME to print its pid $pid, got '$printed'"
	while read -r kind _ l lp r rp us res; do
		[[ $kind == pid ]] && continue
		[[ $res == ok || $res == refused ]] || continue
		[[ $kind == udp ]] && proto=udp || proto=tcp
		# An unconnected UDP socket is bound to the wildcard address: the
		# datagram left from our only address of that family.
		[[ $l == 0.0.0.0 ]] && l=$C4
		[[ $l == :: ]] && l=$C6
		[[ $kind == closed ]] && sname=-
		expect "$phase" "$cat" $proto "$l" "$lp" "$r" "$rp" "$pid" "$CLIENT_NAME" 0 root \
			"$sname" "$us"
	done <"$T/$tag.out"
}

curl_client() {	# curl_client PHASE TAG URL [USER]: one HTTP GET
	local phase=$1 tag=$2 url=$3 as=${4:-} src=$C4 dst=$S4 uid=0 user=root rc
	local cmd=(curl -gsS -o /dev/null -w '%{local_port}\n' --max-time 10 "$url")
	[[ $url == *\[* ]] && src=$C6 dst=$S6
	[[ -n $as ]] && cmd=(setpriv --reuid="$NOBODY_UID" --regid=65534 --clear-groups "${cmd[@]}") \
		uid=$NOBODY_UID user=$NOBODY_USER
	client "$tag" "${cmd[@]}"
	rc=$?
	if ((rc != 0)); then
		harness "$phase" "expected curl $url to succeed, got exit status $rc" "$(cat "$T/$tag.err")"
		return
	fi
	expect "$phase" curl tcp $src "$(cat "$T/$tag.out")" $dst $P_TCP "$CPID" curl $uid "$user" tcp -
}

nc_client() {	# nc_client PHASE TAG ADDR SPORT: one line echoed by xdt-py-tcp-server
	local phase=$1 tag=$2 dst=$3 sport=$4 src=$C4 args rc
	[[ $dst == *:* ]] && src=$C6
	echo "hello from $tag" >"$T/$tag.in"
	if [[ $NCBIN == *ncat* ]]; then
		args=(-p "$sport" -w 5 "$dst" "$P_TCP")
	else
		args=(-N -p "$sport" -w 5 "$dst" "$P_TCP")
	fi
	client "$tag" "$NCBIN" "${args[@]}"
	rc=$?
	if ((rc != 0)) || ! grep -q "hello from $tag" "$T/$tag.out"; then
		harness "$phase" "expected $NCBIN to get its line echoed, got exit status $rc and" \
			"$(cat "$T/$tag.out" "$T/$tag.err")"
		return
	fi
	expect "$phase" nc tcp $src "$sport" "$dst" $P_TCP "$CPID" "$(basename "$NCBIN")" 0 root tcp -
}

ssh_client() {	# ssh_client PHASE TAG ADDR: reaches authentication, which fails
	local phase=$1 tag=$2 dst=$3 src=$C4
	[[ $dst == *:* ]] && src=$C6
	client "$tag" ssh -F /dev/null -p $P_SSH -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=5 \
		-o PubkeyAuthentication=no -o GSSAPIAuthentication=no \
		-o PasswordAuthentication=no "xdt@$dst" true
	if ! grep -q 'Permission denied' "$T/$tag.err"; then
		harness "$phase" "expected ssh to $dst to reach authentication, got" "$(cat "$T/$tag.err")"
		return
	fi
	# ssh does not say its local port: matched by (proto, addresses, dport).
	expect "$phase" ssh tcp $src '*' "$dst" $P_SSH "$CPID" ssh 0 root sshd -
}

dig_client() {	# dig_client PHASE TAG ADDR SPORT [+tcp]: one A query
	local phase=$1 tag=$2 dst=$3 sport=$4 tcp=${5:-} src=$C4 proto=udp got
	[[ $dst == *:* ]] && src=$C6
	[[ -n $tcp ]] && proto=tcp
	client "$tag" dig +time=3 +tries=1 +short -b "$src#$sport" @"$dst" ${tcp:+"$tcp"} www.xdt.test A
	got=$(cat "$T/$tag.out")
	if [[ $got != 10.213.0.9 ]]; then
		harness "$phase" "expected dig @$dst $tcp to answer 10.213.0.9, got" "$got" "$(cat "$T/$tag.err")"
		return
	fi
	expect "$phase" "dig-$proto" $proto $src "$sport" "$dst" $P_DNS "$CPID" dig 0 root dnsmasq -
}

# traffic PHASE PORTBASE: every flow of one phase. Source ports chosen by the
# test come from PORTBASE.. (a new range per phase: no TIME_WAIT in the way).
traffic() {
	local phase=$1 pb=$2 h4 h6
	# Long-lived: held open while everything else runs.
	nsenter --net="/run/netns/$NC" "$CLIENT" hold $S4 $P_PRE 3 $HOLD_MS >"$T/$phase-hold4.out" 2>&1 </dev/null &
	h4=$!
	nsenter --net="/run/netns/$NC" "$CLIENT" hold $S6 $P_PRE 2 $HOLD_MS >"$T/$phase-hold6.out" 2>&1 </dev/null &
	h6=$!
	XDT_PIDS+=("$h4" "$h6")

	c_client "$phase" "$phase-tcp4" tcp-short tcp tcp $S4 $P_TCP 60
	c_client "$phase" "$phase-tcp6" tcp-short tcp tcp $S6 $P_TCP 10
	c_client "$phase" "$phase-udp4" udp udp udp $S4 $P_UDP 20
	c_client "$phase" "$phase-udp6" udp udp udp $S6 $P_UDP 10
	c_client "$phase" "$phase-closed" closed - closed $S4 $P_CLOSED $N_CLOSED
	local tag=$phase-closed n
	n=$(grep -c ' refused$' "$T/$tag.out")
	((n == N_CLOSED)) || harness "$phase" "expected $N_CLOSED refused connects to $S4:$P_CLOSED, got $n" \
		"$(grep -v ' refused$' "$T/$tag.out" | head -n 5)"
	echo "$n" >"$T/$phase-closed.count"

	curl_client "$phase" "$phase-curl1" "http://$S4:$P_TCP/a"
	curl_client "$phase" "$phase-curl2" "http://$S4:$P_TCP/b"
	curl_client "$phase" "$phase-curl3" "http://[$S6]:$P_TCP/c"
	curl_client "$phase" "$phase-curl4" "http://$S4:$P_TCP/nobody" nobody
	if [[ -n $NCBIN ]]; then
		nc_client "$phase" "$phase-nc1" $S4 $((pb + 1))
		nc_client "$phase" "$phase-nc2" $S4 $((pb + 2))
		nc_client "$phase" "$phase-nc3" $S6 $((pb + 3))
	fi
	ssh_client "$phase" "$phase-ssh4" $S4
	ssh_client "$phase" "$phase-ssh6" $S6
	dig_client "$phase" "$phase-dig1" $S4 $((pb + 11))
	dig_client "$phase" "$phase-dig2" $S4 $((pb + 12))
	dig_client "$phase" "$phase-dig3" $S6 $((pb + 13))
	dig_client "$phase" "$phase-dig4" $S4 $((pb + 14)) +tcp
	dig_client "$phase" "$phase-dig5" $S6 $((pb + 15)) +tcp
	dig_client "$phase" "$phase-dig6" $S4 $((pb + 16))

	local h
	for h in "$h4:hold4" "$h6:hold6"; do
		xdt_wait 20 xdt_none_alive "${h%%:*}" || kill -KILL "${h%%:*}" 2>/dev/null
		wait "${h%%:*}" ||
			harness "$phase" "expected '$CLIENT_NAME hold' to succeed, got exit status $?" \
				"$(head -n 5 "$T/$phase-${h#*:}.out")"
		forget "${h%%:*}"
		c_record "$phase" "$phase-${h#*:}" hold pre "${h%%:*}"
	done
}

# --- phases -------------------------------------------------------------------

# counted LOG: print LOG and add its PASS/FAIL/SKIP lines to the totals.
counted() {
	local p f s
	cat "$1"
	p=$(grep -c '^PASS ' "$1")
	f=$(grep -c '^FAIL ' "$1")
	s=$(grep -c '^SKIP ' "$1")
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
}

run_phase() {	# run_phase PHASE PORTBASE [XDPTOP OPTION...]
	local phase=$1 pb=$2 t0=$SECONDS
	shift 2
	xdptop_start "$phase-client" "$NC" $IC "$@" || return 1
	if ! xdptop_start "$phase-server" "$NS" $IS "$@"; then
		xdptop_stop "$phase-client" "$NC" $IC
		return 1
	fi
	note "$phase: cgroup programs attached by the client instance: ${HOOKS[$phase-client]:-none}"
	if [[ $phase == kernel ]] && ! start_servers; then
		xdptop_stop "$phase-client" "$NC" $IC
		xdptop_stop "$phase-server" "$NS" $IS
		return 1
	fi
	sleep 0.3
	traffic "$phase" "$pb"
	# Let the last packets reach the flow table, then stop both.
	sleep 1
	xdptop_stop "$phase-client" "$NC" $IC
	xdptop_stop "$phase-server" "$NS" $IS
	note "$phase phase took $((SECONDS - t0)) s"
}

keep() {
	[[ -n ${PROC_KEEP_DIR:-} ]] || return 0
	mkdir -p "$PROC_KEEP_DIR" && cp "$T"/*.jsonl "$T"/*.err "$T"/*.out "$EXPECT" \
		"$PROC_KEEP_DIR"/ 2>/dev/null
	return 0
}

# --- main -------------------------------------------------------------------

# Setup steps run in this shell, not in $(...): they register namespaces and
# pids for the cleanup trap, which a subshell would lose.
LOG=$T/setup.log
if [[ ! -x $XDPTOP ]]; then
	fail "xdptop: expected a binary at $XDPTOP, got none (build it, or set XDPTOP)"
	summary
	exit 1
fi
if [[ -z $CGROOT ]]; then
	skip_all "no cgroup v2 hierarchy mounted: the hooks have nowhere to attach"
fi
if ! setup_topology >"$LOG" 2>&1; then
	fail "setup: expected the test namespaces to come up, got" "$(cat "$LOG")"
	summary
	exit 1
fi
if ! make_programs >"$LOG" 2>&1; then
	fail "setup: expected $CLIENT_NAME to compile, got" "$(cat "$LOG")"
	summary
	exit 1
fi
[[ -z $NCBIN ]] && { skip "nc: neither nc.openbsd (netcat-openbsd) nor ncat installed"; \
	echo "*** SKIPPED proc/nc: no netcat" >&2; }
: >"$EXPECT"

# The pre-started server exists before any xdptop does.
if ! start_prestarted; then
	summary
	exit 1
fi

if run_phase kernel 40100; then
	if [[ -n ${HOOKS[kernel-client]:-} && -n ${HOOKS[kernel-server]:-} ]]; then
		pass "kernel/hooks-attached"
	else
		fail "kernel/hooks-attached: expected xdptop's cgroup programs on $CGROOT, got none" \
			"$(grep -i 'attribution\|cgroup' "$T"/kernel-*.err)"
	fi
	"$PY" "$CHECK" eval kernel "$EXPECT" "$T/kernel-client.jsonl" "$T/kernel-server.jsonl" \
		"$(cat "$T/kernel-closed.count" 2>/dev/null || echo 0)" $P_CLOSED >"$T/kernel.log" 2>&1
	counted "$T/kernel.log"
fi

if [[ -z ${SPID[sshd]:-} || -z ${SPID[dnsmasq]:-} ]]; then
	# start_servers did not get that far: there is nothing to run again.
	fail "fallback: expected the kernel phase to start every server, it did not"
elif run_phase fallback 40200 --no-kernel-proc; then
	if [[ -z ${HOOKS[fallback-client]:-} && -z ${HOOKS[fallback-server]:-} ]]; then
		pass "fallback/no-hooks"
	else
		fail "fallback/no-hooks: expected no cgroup program with --no-kernel-proc, got" \
			"${HOOKS[fallback-client]:-} ${HOOKS[fallback-server]:-}"
	fi
	"$PY" "$CHECK" eval fallback "$EXPECT" "$T/fallback-client.jsonl" \
		"$T/fallback-server.jsonl" "$(cat "$T/fallback-closed.count" 2>/dev/null || echo 0)" \
		$P_CLOSED >"$T/fallback.log" 2>&1
	counted "$T/fallback.log"
fi

keep
note "proc suite took $((SECONDS - START)) s"
summary
((FAILED == 0))
